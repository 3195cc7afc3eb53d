from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html

from villagehall.people import selectors, services
from villagehall.people.rules import EmailNotConfirmed
from villagehall.places.models import Neighbourhood


def refusal_message(error) -> str:
    """Return the words of a refused service call for a page; a wait for a confirmed address links to sending it again."""
    text = error.messages[0] if isinstance(error, ValidationError) else str(error)
    if isinstance(error, EmailNotConfirmed):
        return format_html('{} <a href="{}">Send the link again</a>.', text, reverse("account_email"))
    return text


def permission_denied(request, exception=None):
    """The 403 page: says why, and when a confirmed email address is all that is missing, how to get one."""
    return render(request, "403.html", {
        "exception": refusal_message(exception) if exception is not None and str(exception) else "",
    }, status=403)


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="Your name", max_length=80)
    bio = forms.CharField(label="About you", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    neighbourhoods = forms.ModelMultipleChoiceField(
        label="Your neighbourhoods", queryset=Neighbourhood.dangerously_unscoped.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["neighbourhoods"].queryset = Neighbourhood.objects.all()

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Tell your neighbours what to call you.")
        if name == self.person.display_name:
            return name
        return services.display_name_check(name=name)


@login_required
def profile_edit(request, council_slug):
    person = request.user
    initial = {
        "display_name": person.display_name,
        "bio": person.bio,
        "neighbourhoods": [r.neighbourhood_id for r in person.residencies.all()],
    }
    form = ProfileForm(request.POST or None, initial=initial, person=person)
    if request.method == "POST" and form.is_valid():
        services.profile_update(person=person, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect(person.profile_url(council_slug))
    return render(request, "people/profile_edit.html", {
        "form": form, "email_verified": selectors.person_has_verified_email(person=person),
    }, status=400 if form.errors else 200)
