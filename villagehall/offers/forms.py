from decimal import Decimal

from django import forms

from villagehall.offers.models import Commitment, Offer
from villagehall.offers.services import DECLINE, GRANT, PART
from villagehall.places.models import Neighbourhood
from villagehall.projects.forms import DateInput, TimeInput, when_from

MYSELF = ""


class OfferForm(forms.Form):
    kind = forms.ChoiceField(label="What are you offering?", choices=Offer.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose what kind of offer it is."})
    title = forms.CharField(label="Title", max_length=200, help_text="For example “Gazebos and trestle tables” or “Small grants for green spaces”.",
                            error_messages={"required": "Give the offer a title."})
    description = forms.CharField(label="Describe the offer", widget=forms.Textarea(attrs={"rows": 5}), required=False,
                                  max_length=5_000)
    offered_by = forms.TypedChoiceField(label="Who is offering it?", coerce=str, widget=forms.RadioSelect, required=False)
    neighbourhoods = forms.ModelMultipleChoiceField(
        label="Where is it for?", queryset=Neighbourhood.dangerously_unscoped.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Leave every box empty if it is for anywhere in the council.",
    )
    budget = forms.IntegerField(label="Grant fund: the whole budget, in pounds", min_value=1, max_value=100_000_000, required=False)
    rules = forms.CharField(label="Grant fund: the rules", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5_000)
    eligibility = forms.CharField(label="Grant fund: who can apply", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5_000)
    deadline = forms.DateField(label="Deadline for requests", required=False, widget=DateInput)
    is_community_chest = forms.BooleanField(
        label="Run the fund as a community chest: residents of the area vote on which projects it pays for",
        required=False,
    )
    venue = forms.CharField(label="Room or venue: where it is", max_length=200, required=False)
    capacity = forms.IntegerField(label="Room or venue: how many people it holds", min_value=1, required=False)
    availability = forms.CharField(label="Room or venue: when it can be booked", widget=forms.Textarea(attrs={"rows": 2}),
                                   required=False, max_length=1_000)
    quantity = forms.IntegerField(label="Equipment or volunteers: how many", min_value=1, required=False)
    hours_per_month = forms.IntegerField(label="Officer time: hours a month", min_value=1, max_value=1_000, required=False)
    skills = forms.CharField(label="Volunteers: which skills", max_length=200, required=False)

    def __init__(self, *args, neighbourhoods, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhoods"].queryset = neighbourhoods
        self._organisations = {str(o.pk): o for o in organisations}
        self.fields["offered_by"].choices = [(MYSELF, "Myself, as a neighbour")] + [
            (str(o.pk), o.name) for o in organisations
        ]
        self.fields["offered_by"].initial = next(iter(self._organisations), MYSELF)
        self.fields["offered_by"].error_messages["invalid_choice"] = (
            "You can only make an offer for an organisation you are a member of."
        )

    def organisation(self):
        return self._organisations.get(self.cleaned_data.get("offered_by") or "")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Offer.Kind.FUND:
            if not data.get("budget") and "budget" not in self.errors:
                self.add_error("budget", "Say how much is in the fund, in pounds.")
            if not data.get("offered_by"):
                self.add_error("offered_by", "A grant fund is offered by an organisation; choose which.")
        elif data.get("is_community_chest"):
            self.add_error("is_community_chest", "Only a grant fund can be run as a community chest.")
        if kind == Offer.Kind.OFFICER_TIME and not data.get("hours_per_month") and "hours_per_month" not in self.errors:
            self.add_error("hours_per_month", "Say how many hours a month.")
        return data


class RequestForm(forms.Form):
    project = forms.TypedChoiceField(label="For which project?", coerce=str,
                                     error_messages={"required": "Choose the project."})
    need = forms.TypedChoiceField(label="Which of its needs does it meet?", coerce=str, required=False)
    amount = forms.IntegerField(label="How much, in pounds", min_value=1, max_value=100_000_000, required=False)
    hours = forms.IntegerField(label="How many hours of officer time", min_value=1, max_value=1_000, required=False)
    quantity = forms.IntegerField(label="How many", min_value=1, max_value=100_000, required=False)
    day = forms.DateField(label="On what day", required=False, widget=DateInput)
    start_time = forms.TimeField(label="From what time", required=False, widget=TimeInput)
    duration = forms.DecimalField(label="For how many hours", required=False, min_value=Decimal("0.5"),
                                  max_value=Decimal("336"), decimal_places=1)
    message = forms.CharField(
        label="What is it for?", widget=forms.Textarea(attrs={"rows": 5}), max_length=5_000,
        help_text="Everyone can read the request and the decision on it.",
        error_messages={"required": "Say what the support is for."},
    )

    def __init__(self, *args, offer, projects, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        self._projects = {str(p.pk): p for p in projects}
        self._needs = {str(n.pk): n for n in needs}
        self.fields["project"].choices = [(str(p.pk), p.name) for p in projects]
        self.fields["project"].error_messages["invalid_choice"] = "Choose a project you organise."
        self.fields["need"].choices = [("", "None in particular")] + [
            (str(n.pk), f"{n.project.name}: {n.summary}") for n in needs
        ]
        self.fields["need"].error_messages["invalid_choice"] = "Choose one of the project’s open needs."
        wanted = {
            Offer.Kind.FUND: {"amount"}, Offer.Kind.OFFICER_TIME: {"hours"}, Offer.Kind.ROOM: {"day", "start_time", "duration"},
            Offer.Kind.EQUIPMENT: {"quantity", "day"}, Offer.Kind.VOLUNTEERS: {"quantity", "day"},
        }[offer.kind]
        for name in ("amount", "hours", "quantity", "day", "start_time", "duration"):
            if name not in wanted:
                del self.fields[name]
        if offer.kind == Offer.Kind.EQUIPMENT:
            self.fields["day"].label = "On what day (optional)"

    def chosen_project(self):
        return self._projects.get(self.cleaned_data.get("project") or "")

    def chosen_need(self):
        return self._needs.get(self.cleaned_data.get("need") or "")

    def clean(self):
        data = super().clean()
        required = {
            Offer.Kind.FUND: [("amount", "Say how much you are asking for, in pounds.")],
            Offer.Kind.OFFICER_TIME: [("hours", "Say how many hours.")],
            Offer.Kind.ROOM: [("day", "Say which day."), ("start_time", "Say from what time."),
                              ("duration", "Say for how many hours.")],
        }.get(self.offer.kind, [])
        for name, message in required:
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, message)
        need = self.chosen_need()
        if need is not None and self.chosen_project() is not None and need.project_id != self.chosen_project().pk:
            self.add_error("need", "That need belongs to another of your projects.")
        data["starts_at"], data["ends_at"] = when_from(data.get("day"), data.get("start_time"), data.get("duration"))
        return data


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your decision", widget=forms.RadioSelect,
        choices=[(GRANT, "Grant it in full"), (PART, "Grant part of it"), (DECLINE, "Decline it")],
        error_messages={"required": "Choose to grant in full, grant in part or decline."},
    )
    amount = forms.IntegerField(label="Part grant: how many pounds", min_value=1, required=False)
    hours = forms.IntegerField(label="Part grant: how many hours", min_value=1, required=False)
    reason = forms.CharField(
        label="Why?", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2_000,
        help_text="Needed to decline or to grant part. The project and everyone else can read it.",
    )
    commitment_what_1 = forms.CharField(label="Your commitment: what you will do", max_length=300, required=False,
                                        help_text="For example “£800 paid by 1 May” or “a gazebo delivered on 12 June”.")
    commitment_due_1 = forms.DateField(label="By when", required=False, widget=DateInput)
    commitment_what_2 = forms.CharField(label="Another commitment (optional)", max_length=300, required=False)
    commitment_due_2 = forms.DateField(label="By when", required=False, widget=DateInput)

    def __init__(self, *args, support_request, **kwargs):
        super().__init__(*args, **kwargs)
        if support_request.offer.kind != Offer.Kind.FUND:
            del self.fields["amount"]
        if not support_request.hours:
            del self.fields["hours"]

    def clean(self):
        data = super().clean()
        if data.get("outcome") in (PART, DECLINE) and not (data.get("reason") or "").strip() and "reason" not in self.errors:
            self.add_error("reason", "Say why, so the project and everyone else can read it.")
        if data.get("outcome") == PART and "amount" in self.fields and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", "Say how many pounds you are granting.")
        for n in (1, 2):
            what, due = (data.get(f"commitment_what_{n}") or "").strip(), data.get(f"commitment_due_{n}")
            if what and not due and f"commitment_due_{n}" not in self.errors:
                self.add_error(f"commitment_due_{n}", "Say by when.")
            if due and not what:
                self.add_error(f"commitment_what_{n}", "Say what you will do by then.")
        return data

    def promises(self):
        from villagehall.offers.services import Promise

        found = []
        for n in (1, 2):
            what = (self.cleaned_data.get(f"commitment_what_{n}") or "").strip()
            if what:
                found.append(Promise(what, self.cleaned_data[f"commitment_due_{n}"]))
        return found


class CommitmentForm(forms.Form):
    side = forms.ChoiceField(label="Who is committing?", widget=forms.RadioSelect, choices=Commitment.Side.choices)
    what = forms.CharField(label="What will be done", max_length=300,
                           help_text="For example “a report and photos after the event”.",
                           error_messages={"required": "Say what will be done."})
    due = forms.DateField(label="By when", widget=DateInput, error_messages={"required": "Say by when."})

    def __init__(self, *args, sides, **kwargs):
        super().__init__(*args, prefix="commit", **kwargs)
        self.fields["side"].choices = [(side, Commitment.Side(side).label) for side in sides]
        self.fields["side"].initial = sides[0] if sides else None
        self.fields["side"].error_messages["invalid_choice"] = "You can only make commitments for your own side."
        self.offers_side = len(sides) > 1


class VoteForm(forms.Form):
    choices = forms.TypedMultipleChoiceField(
        label="Choose the projects you would fund", coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one project."},
    )

    def __init__(self, *args, entries, remaining, **kwargs):
        super().__init__(*args, **kwargs)
        self._entries = {e.pk: e for e in entries}
        self.fields["choices"].choices = [
            (e.pk, f"{e.project.name} — £{e.amount:,}") for e in entries
        ]
        self.fields["choices"].help_text = f"Together they must come to no more than £{remaining:,}, what is in the chest."
        self.fields["choices"].error_messages["invalid_choice"] = "Choose only projects on this ballot."

    def chosen(self):
        return [self._entries[pk] for pk in self.cleaned_data["choices"]]


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label="Your receipt code", max_length=40,
                              help_text="The code you were shown when you voted, like 1A2B3C-4D5E6F-7A8B9C.",
                              error_messages={"required": "Enter your receipt code."})
