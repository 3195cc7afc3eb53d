from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone

from villagehall.conversation.forms import SpeakingAsMixin
from villagehall.people.models import Organisation
from villagehall.places.models import Neighbourhood
from villagehall.projects.models import Need, Project, ProjectPartner


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def when_from(day, start_time, hours):
    """Return (starts_at, ends_at) in the council's time zone from a day, a time and a length in hours."""
    if day is None:
        return None, None
    starts_at = timezone.make_aware(datetime.combine(day, start_time or datetime.min.time()))
    ends_at = starts_at + timedelta(hours=float(hours)) if hours else None
    return starts_at, ends_at


class ProjectForm(forms.Form):
    name = forms.CharField(label="Name of the project", max_length=200,
                           error_messages={"required": "Give the project a name."})
    purpose = forms.CharField(
        label="What is it for?", widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000, required=False,
        help_text="Who it helps and what will be different. You can add this later. Markdown works here.",
    )
    neighbourhood = forms.ModelChoiceField(
        label="Neighbourhood", queryset=Neighbourhood.dangerously_unscoped.none(), empty_label=None,
        error_messages={"required": "Choose the neighbourhood the project is in."},
    )
    group = forms.TypedChoiceField(
        label="Who is starting it?", required=False, coerce=str, widget=forms.RadioSelect,
        help_text="A group leads the project with you; the project also shows on the group’s page.",
    )

    def __init__(self, *args, neighbourhoods, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods
        self._groups = {str(g.pk): g for g in groups}
        self.fields["group"].choices = [("", "Me, as a resident")] + [(str(g.pk), g.name) for g in groups]
        self.fields["group"].initial = ""
        self.fields["group"].error_messages["invalid_choice"] = "You can only start a project for a group you are a member of."

    @property
    def offers_group(self) -> bool:
        return bool(self._groups)

    def chosen_group(self):
        return self._groups.get(self.cleaned_data.get("group") or "")


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label="Move the project to", widget=forms.RadioSelect,
                                  error_messages={"required": "Choose the step to move the project to."})
    reason = forms.CharField(
        label="Why?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2_000,
        help_text="Kept in the project’s history for everyone to read.",
        error_messages={"required": "Say why the project is moving on."},
    )

    def __init__(self, *args, moves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(move, Project.Status(move).label) for move in moves]


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label="What kind of need?", choices=Need.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose what kind of need it is."})
    summary = forms.CharField(label="What is needed, in a few words", max_length=200,
                              help_text="For example “£400 for plants and compost” or “a gazebo for the fun day”.",
                              error_messages={"required": "Say what is needed."})
    details = forms.CharField(label="More detail", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2_000)
    amount = forms.IntegerField(label="Money: how many pounds", min_value=1, max_value=10_000_000, required=False)
    quantity = forms.IntegerField(
        label="How many", min_value=1, max_value=100_000, required=False,
        help_text="Volunteers: how many people. Expertise: how many hours of an officer’s time. Equipment: how many items.",
    )
    skills = forms.CharField(label="Volunteers: which skills", max_length=200, required=False)
    day = forms.DateField(label="On what day", required=False, widget=DateInput,
                          help_text="A room, equipment or a permission: the day it is needed.")
    start_time = forms.TimeField(label="From what time", required=False, widget=TimeInput)
    hours = forms.DecimalField(label="For how many hours", required=False, min_value=Decimal("0.5"),
                               max_value=Decimal("336"), decimal_places=1)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Need.Kind.MONEY and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", "Say how much money, in pounds.")
        if kind in (Need.Kind.VOLUNTEERS, Need.Kind.EXPERTISE) and not data.get("quantity") and "quantity" not in self.errors:
            self.add_error("quantity", "Say how many volunteers." if kind == Need.Kind.VOLUNTEERS else "Say how many hours.")
        if kind == Need.Kind.ROOM:
            for name, message in (("day", "Say which day the room is needed."),
                                  ("start_time", "Say what time the room is needed from."),
                                  ("hours", "Say for how many hours the room is needed.")):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        data["starts_at"], data["ends_at"] = when_from(data.get("day"), data.get("start_time"), data.get("hours"))
        return data


class NeedStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Need.Status.choices)


class PartnerForm(forms.Form):
    organisation = forms.TypedChoiceField(label="Which organisation?", coerce=str, widget=forms.RadioSelect,
                                          error_messages={"required": "Choose the organisation."})
    role = forms.ChoiceField(
        label="Its part in the project", choices=ProjectPartner.Role.choices, widget=forms.RadioSelect,
        initial=ProjectPartner.Role.PARTNER,
        help_text="The lead steers it with the team; a partner shares the work; a supporter helps from the side.",
        error_messages={"required": "Choose the organisation’s part."},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self._organisations = {str(o.pk): o for o in organisations}
        self.fields["organisation"].choices = [
            (str(o.pk), f"{o.name} ({o.get_kind_display().lower()})") for o in organisations
        ]
        self.fields["organisation"].error_messages["invalid_choice"] = (
            "You can only add an organisation you are a member of."
        )

    def chosen_organisation(self) -> Organisation | None:
        return self._organisations.get(self.cleaned_data.get("organisation") or "")


class UpdateForm(SpeakingAsMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Give the update a title."})
    body = forms.CharField(
        label="What is the news?", widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000,
        help_text="You can use Markdown. People who follow the update are told of replies.",
        error_messages={"required": "Write something in the update."},
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_speaking_as(list(organisations))
