from django import forms
from django.conf import settings

from villagehall.guests.services import NAME_MAX_LENGTH


class GuestCommentForm(forms.Form):
    """“Fill in your details”: a comment from someone without an account."""

    name = forms.CharField(
        label="Your name", max_length=NAME_MAX_LENGTH,
        error_messages={"required": "Give the name to show with your comment."},
        help_text="Shown with your comment, marked “guest”.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Your email address",
        error_messages={
            "required": "Give an email address we can send the link to.",
            "invalid": "Give an email address we can send the link to, such as name@example.org.",
        },
        help_text="Never shown. We email you a link: your comment appears once you open it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=settings.COMMENT_BODY_MAX_LENGTH,
        error_messages={"required": "Write something in your comment."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class GuestCommentsSettingForm(forms.Form):
    allowed = forms.TypedChoiceField(
        label="Who can reply to public posts?", widget=forms.RadioSelect, coerce=lambda value: value == "guests",
        choices=[
            ("members", "People who are signed in"),
            ("guests", "People who are signed in, and guests who fill in a name and an email address "
                       "and open the link we send them"),
        ],
        help_text="Guests never reply in members-only spaces or where comments are closed, and their comments "
                  "go through the same moderation as everyone’s.",
        error_messages={"required": "Choose who can reply."},
    )
    reason = forms.CharField(
        label="Why (for the council’s record)", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
