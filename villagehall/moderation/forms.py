from django import forms
from django.conf import settings

from villagehall.moderation.models import ModerationAction, Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?", choices=Report.Reason.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong."},
    )
    details = forms.CharField(
        label="Anything a moderator should know?", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the moderators see your report, and who sent it.",
    )


class ReasonMixin:
    """A reason from the council's list, and the moderator's own words: the person concerned reads both."""

    def _setup_reasons(self, reasons):
        self.reasons = {reason.key: reason for reason in reasons}
        self.fields["reason_template"] = forms.ChoiceField(
            label="Reason", required=False, choices=[("", "Choose a reason")] + [(r.key, r.title) for r in reasons],
            help_text="The person concerned reads the reason’s words (listed below) and anything you add.",
        )
        self.fields["reason"] = forms.CharField(
            label="In your own words", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Optional when you choose a reason above; added after its words.",
        )

    def clean(self):
        cleaned = super().clean()
        chosen = self.reasons.get(cleaned.get("reason_template") or "")
        own = (cleaned.get("reason") or "").strip()
        if chosen is None and not own:
            self.add_error("reason", "Choose a reason or write one: the person concerned is told why.")
        cleaned["reason_text"] = "\n\n".join(part for part in (chosen.text if chosen else "", own) if part)
        return cleaned


class ActionForm(ReasonMixin, forms.Form):
    kind = forms.ChoiceField(label="What to do", widget=forms.RadioSelect, error_messages={"required": "Choose what to do."})

    def __init__(self, *args, kinds, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, ModerationAction.Kind(kind).label) for kind in kinds]
        self._setup_reasons(reasons)


class EditForm(ReasonMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Keep a title."})
    body = forms.CharField(
        label="Text", widget=forms.Textarea(attrs={"rows": 8}), max_length=settings.POST_BODY_MAX_LENGTH,
        error_messages={"required": "Keep some words: to take everything away, hide it instead."},
    )
    note = forms.CharField(
        label="Note shown under the text", max_length=300,
        help_text="Everyone reads this, for example “Phone number removed by a moderator.”",
        error_messages={"required": "Write a note to show under the text: what changed and why."},
    )

    def __init__(self, *args, reasons, with_title=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]
        self._setup_reasons(reasons)


class UndoForm(forms.Form):
    reason = forms.CharField(
        label="Why undo it?", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person concerned is told.", error_messages={"required": "Say why it is being undone."},
    )


class ReasonTemplateForm(forms.Form):
    title = forms.CharField(label="Title", max_length=80, help_text="What moderators choose, such as “Spam”.",
                            error_messages={"required": "Give the reason a short title."})
    text = forms.CharField(
        label="What the author is told", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the words the author will read."},
    )


class PolicyForm(forms.Form):
    text = forms.CharField(
        label="Your moderation policy", widget=forms.Textarea(attrs={"rows": 20}), max_length=20_000,
        help_text="You can use Markdown: ### headings, lists, **bold**, [links](https://example.org).",
        error_messages={"required": "Write the policy: what is welcome, what is not, and what moderators do."},
    )


class VisibilityForm(forms.Form):
    members_only = forms.TypedChoiceField(
        label="Who can see the group’s space?", widget=forms.RadioSelect, coerce=lambda value: value == "members",
        choices=[
            ("everyone", "Everyone: anyone can read the posts on the group’s page"),
            ("members", "Members only: only members read the posts on the group’s page and see who the members are"),
        ],
        help_text="Posts the group makes in a neighbourhood, with its badge, are public either way.",
        error_messages={"required": "Choose who can see the space."},
    )
    reason = forms.CharField(
        label="Why (for the council’s record)", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
