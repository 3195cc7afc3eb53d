from django import forms
from django.core.exceptions import ValidationError

from villagehall.people import services


class SignupDetailsForm(forms.Form):
    """The extra question allauth's sign-up asks: the name others will see."""

    display_name = forms.CharField(
        max_length=80,
        label="Your name",
        help_text="How you appear to your neighbours, for example “Sam Jones” or “Sam from Elm Road”.",
    )

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError("Tell your neighbours what to call you.")
        return services.display_name_check(name=name)

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])
