from django import forms


class AccountDeleteForm(forms.Form):
    confirm_email = forms.CharField(
        label="Your email address", max_length=254,
        help_text="Type the email address you sign in with, to show this is really what you want.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )
