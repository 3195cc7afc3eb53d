from django import forms


class SignupDetailsForm(forms.Form):
    """The extra question allauth's sign-up asks: the name others will see."""

    display_name = forms.CharField(
        max_length=80,
        label="Your name",
        help_text="How you appear to your neighbours, for example “Sam Jones” or “Sam from Elm Road”.",
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])
