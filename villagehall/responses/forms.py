from django import forms

from villagehall.responses.models import OfficialResponse


class ResponseForm(forms.Form):
    organisation = forms.TypedChoiceField(label="Responding for", coerce=str, widget=forms.RadioSelect,
                                          error_messages={"required": "Choose the service you are responding for."})
    status = forms.ChoiceField(
        label="Status", choices=OfficialResponse.Status.choices, widget=forms.RadioSelect,
        help_text="Open: seen, not yet answered. In progress: being done. Done or won’t do: the end of it.",
        error_messages={"required": "Choose the status."},
    )
    body = forms.CharField(
        label="The response", widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000,
        help_text="What the service says and what happens next. You can use Markdown.",
        error_messages={"required": "Write the response."},
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self._services = {str(s.pk): s for s in services}
        self.fields["organisation"].choices = [(str(s.pk), s.name) for s in services]
        self.fields["organisation"].error_messages["invalid_choice"] = (
            "You can only respond for a council service you are an officer of."
        )

    def chosen_service(self):
        return self._services.get(self.cleaned_data.get("organisation") or "")

    @property
    def offers_choice(self) -> bool:
        return len(self._services) > 1
