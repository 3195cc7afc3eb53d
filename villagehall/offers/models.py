"""Offers of support, the requests projects make of them, the decisions taken in the
open, room bookings, the commitments both sides make, and community chest ballots."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from villagehall.core.tenancy import CouncilOwned


class Offer(CouncilOwned):
    """What a service, an organisation or a neighbour can give: money, a room, equipment, time or hands."""

    class Kind(models.TextChoices):
        FUND = "fund", "Grant fund"
        ROOM = "room", "Room or venue"
        EQUIPMENT = "equipment", "Equipment to lend"
        OFFICER_TIME = "officer_time", "Officer time"
        VOLUNTEERS = "volunteers", "Volunteers"

    class ChestStage(models.TextChoices):
        APPLYING = "applying", "Taking applications"
        VOTING = "voting", "Voting open"
        COUNTED = "counted", "Results published"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    organisation = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.RESTRICT, related_name="offers",
        help_text="The organisation making the offer; empty for a neighbour offering as themselves.",
    )
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="offers_made")
    neighbourhoods = models.ManyToManyField(
        "places.Neighbourhood", blank=True, related_name="offers",
        help_text="Where the offer is for; none means anywhere in the council.",
    )
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    # A grant fund.
    budget = models.PositiveIntegerField(null=True, blank=True, help_text="The whole fund, in pounds.")
    # What is not yet granted. Only ever taken down by a conditional UPDATE (see
    # support_request_decide), so two grants at once can never take it below zero.
    remaining = models.PositiveIntegerField(null=True, blank=True)
    rules = models.TextField(blank=True)
    eligibility = models.TextField(blank=True)
    deadline = models.DateField(null=True, blank=True)
    is_community_chest = models.BooleanField(default=False)
    chest_stage = models.CharField(max_length=10, choices=ChestStage.choices, blank=True)
    ballots_counted = models.PositiveIntegerField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    # A room or venue.
    venue = models.CharField(max_length=200, blank=True, help_text="Where it is.")
    capacity = models.PositiveIntegerField(null=True, blank=True)
    availability = models.TextField(blank=True, help_text="When it can be booked, in words.")
    # Equipment, officer time, volunteers.
    quantity = models.PositiveIntegerField(null=True, blank=True, help_text="Equipment: how many. Volunteers: how many people.")
    hours_per_month = models.PositiveIntegerField(null=True, blank=True)
    skills = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["council", "kind", "is_open"], name="offer_by_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__isnull=True) | Q(budget__isnull=False, remaining__lte=F("budget")),
                name="fund_remaining_within_budget",
            ),
            models.CheckConstraint(condition=Q(remaining__isnull=True) | Q(remaining__gte=0), name="fund_never_below_zero"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        name = "fund" if self.kind == self.Kind.FUND else "offer"
        return reverse(name, kwargs={"council_slug": self.council_slug, "offer_id": self.pk})

    @property
    def is_fund(self) -> bool:
        return self.kind == self.Kind.FUND

    @property
    def committed(self) -> int | None:
        return None if self.budget is None else self.budget - (self.remaining or 0)

    @property
    def offerer_name(self) -> str:
        return self.organisation.name if self.organisation_id else str(self.offered_by)

    def is_past_deadline(self, today=None) -> bool:
        return self.deadline is not None and self.deadline < (today or timezone.localdate())


class SupportRequest(CouncilOwned):
    """A project asking an offer for something specific, and the decision on it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        GRANTED = "granted", "Granted in full"
        PART_GRANTED = "part_granted", "Granted in part"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    offer = models.ForeignKey(Offer, on_delete=models.RESTRICT, related_name="requests")
    project = models.ForeignKey("projects.Project", on_delete=models.RESTRICT, related_name="support_requests")
    need = models.ForeignKey("projects.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(help_text="What it is for and why.")
    amount = models.PositiveIntegerField(null=True, blank=True, help_text="A grant: pounds.")
    hours = models.PositiveIntegerField(null=True, blank=True, help_text="Officer time: hours.")
    quantity = models.PositiveIntegerField(null=True, blank=True, help_text="Equipment or volunteers: how many.")
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # The decision, in the open: who took it, for whom, when and why.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_for = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.RESTRICT, related_name="decisions"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    granted_amount = models.PositiveIntegerField(null=True, blank=True)
    granted_hours = models.PositiveIntegerField(null=True, blank=True)
    granted_quantity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["council", "offer", "status"], name="request_by_offer"),
            models.Index(fields=["council", "project"], name="request_by_project"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=False, ends_at__gt=F("starts_at")),
                name="request_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.project} asks {self.offer}"

    def get_absolute_url(self):
        return reverse("support_request", kwargs={"council_slug": self.council_slug, "request_id": self.pk})

    @property
    def is_granted(self) -> bool:
        return self.status in (self.Status.GRANTED, self.Status.PART_GRANTED)


class Booking(CouncilOwned):
    """A room or venue held for a granted request. Bookings of one room never overlap."""

    offer = models.ForeignKey(Offer, on_delete=models.RESTRICT, related_name="bookings")
    request = models.OneToOneField(SupportRequest, on_delete=models.CASCADE, related_name="booking")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["offer", "starts_at"], name="booking_by_room")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"{self.offer} {self.starts_at:%Y-%m-%d %H:%M}"


class Commitment(CouncilOwned):
    """What one side promised when support was granted, by when, and whether it was delivered."""

    class Side(models.TextChoices):
        SUPPORTER = "supporter", "The supporter"
        PROJECT = "project", "The project"

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="commitments")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="commitments")
    side = models.CharField(max_length=10, choices=Side.choices)
    organisation = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.RESTRICT, related_name="commitments",
        help_text="The organisation that committed; empty for a neighbour or a project of residents.",
    )
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField()
    what = models.CharField(max_length=300)
    due = models.DateField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    delivery_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["council", "organisation", "due"], name="commitment_by_organisation"),
            models.Index(fields=["council", "project", "due"], name="commitment_by_project"),
        ]

    def __str__(self):
        return self.what

    @property
    def is_delivered(self) -> bool:
        return self.delivered_at is not None

    def is_overdue(self, today=None) -> bool:
        return self.delivered_at is None and self.due < (today or timezone.localdate())


class ChestVoter(CouncilOwned):
    """That a person has voted in a community chest, and when. What they chose is not here."""

    fund = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="chest_voters")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    voted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fund", "person"], name="one_ballot_per_person")]


class ChestBallot(CouncilOwned):
    """A secret ballot: its choices, with no voter and no time, so nothing ties it to a person.

    Only the voter holds the receipt code; the ballot keeps a digest of it, so the voter (and
    no one else) can look their ballot up again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    fund = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="chest_ballots")
    receipt_digest = models.CharField(max_length=64, unique=True)
    requests = models.ManyToManyField(SupportRequest, through="ChestChoice", related_name="+")


class ChestChoice(CouncilOwned):
    """One project chosen on a ballot."""

    ballot = models.ForeignKey(ChestBallot, on_delete=models.CASCADE, related_name="choices")
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="chest_choices")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "request"], name="one_choice_per_project_per_ballot")]


class ChestResult(CouncilOwned):
    """The published count for one project in a community chest."""

    fund = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="chest_results")
    request = models.OneToOneField(SupportRequest, on_delete=models.CASCADE, related_name="chest_result")
    votes = models.PositiveIntegerField()
    place = models.PositiveIntegerField()
    funded = models.BooleanField()

    class Meta:
        ordering = ["place"]
