from django import forms
from django.conf import settings

from villagehall.conversation.models import Post
from villagehall.people.models import Organisation
from villagehall.places.models import Neighbourhood

MYSELF = ""


def speaking_as_field(organisations, *, label="Speaking as"):
    """A choice between the person themselves and each organisation they may speak for."""
    choices = [(MYSELF, "Myself, as a neighbour")] + [
        (str(org.pk), f"{org.name} (shown with its badge)") for org in organisations
    ]
    return forms.TypedChoiceField(
        label=label, choices=choices, required=False, coerce=str, widget=forms.RadioSelect,
        initial=MYSELF,
        help_text="Choose an organisation to speak on its behalf. Officers without their service’s badge are neighbours like anyone else.",
    )


class SpeakingAsMixin:
    def organisation_spoken_for(self):
        chosen = self.cleaned_data.get("acting_for")
        return self._organisations_by_id.get(chosen) if chosen else None

    def _setup_speaking_as(self, organisations):
        self._organisations_by_id = {str(org.pk): org for org in organisations}
        # Always present, so a claim to speak for an organisation one is not in is refused
        # with a message rather than quietly ignored; pages show it only when there is a choice.
        self.fields["acting_for"] = speaking_as_field(organisations)
        self.fields["acting_for"].error_messages["invalid_choice"] = (
            "You can only speak for an organisation you are a member of."
        )

    @property
    def offers_speaking_as(self) -> bool:
        return bool(self._organisations_by_id)


class PostForm(SpeakingAsMixin, forms.Form):
    kind = forms.ChoiceField(label="What kind of post is it?", choices=Post.Kind.choices, initial=Post.Kind.UPDATE)
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Give your post a title."})
    body = forms.CharField(
        label="What would you like to say?",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=settings.POST_BODY_MAX_LENGTH,
        error_messages={"required": "Write something in your post."},
        help_text="You can use Markdown: *italics*, **bold**, [a link](https://example.org), lists.",
    )
    neighbourhood = forms.ModelChoiceField(
        label="Neighbourhood", queryset=Neighbourhood.dangerously_unscoped.none(), required=False, empty_label="None (only on the organisation’s page)",
    )
    addressed_to = forms.ModelChoiceField(
        label="Ask a council service", queryset=Organisation.dangerously_unscoped.none(), required=False,
        empty_label="No one in particular",
        help_text="Addressing a service puts your post in front of its officers.",
    )

    def __init__(self, *args, neighbourhoods, services, organisations, page_organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_organisation = page_organisation
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["addressed_to"].queryset = services
        if page_organisation is None:
            self.fields["neighbourhood"].required = True
            self.fields["neighbourhood"].empty_label = None
        self._setup_speaking_as(organisations)


class CommentForm(SpeakingAsMixin, forms.Form):
    body = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=settings.COMMENT_BODY_MAX_LENGTH,
        error_messages={"required": "Write something in your reply."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_speaking_as(list(organisations))
