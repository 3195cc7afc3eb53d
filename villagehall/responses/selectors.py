"""Reads about official responses and a service's response record."""

import statistics
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Q, Subquery

from villagehall.analytics.models import Interaction
from villagehall.conversation.models import State
from villagehall.people.models import Membership, Organisation
from villagehall.responses.models import OfficialResponse, ResponseNotice, ResponseUpdate

NOTICES_SHOWN = 50
RECENT_RESPONSES = 5
TWO_DAYS_HOURS = 48


def responses_for_post(*, post) -> list[OfficialResponse]:
    """Return the official responses on a post, each with its history, oldest entry first."""
    return list(
        OfficialResponse.objects.filter(post=post)
        .select_related("organisation")
        .prefetch_related(Prefetch("updates", queryset=ResponseUpdate.objects.select_related("author").order_by("at", "id")))
        .order_by("created_at", "id")
    )


def services_person_responds_for(*, person) -> list[Organisation]:
    """Return the council services the person is an officer of in the current council."""
    if not person.is_authenticated:
        return []
    return [
        m.organisation for m in Membership.objects.filter(
            person=person, organisation__kind=Organisation.Kind.COUNCIL_SERVICE
        ).select_related("organisation").order_by("organisation__name")
    ]


@dataclass
class ResponseRecord:
    addressed: int
    answered: int
    answered_within_2d: int
    median_hours: float | None
    recent: list

    @property
    def unanswered(self) -> int:
        return self.addressed - self.answered


def response_record(*, organisation) -> ResponseRecord:
    """Return how many community posts were addressed to the service, how many it answered, and how fast.

    As METRICS.md has it: a post's first response is the service's earliest comment or
    official response in its thread after the post.
    """
    first = (
        Interaction.objects.filter(
            thread=OuterRef("pk"), acting_for=organisation, at__gt=OuterRef("at"),
            kind__in=[Interaction.Kind.COMMENT, Interaction.Kind.RESPONSE],
        )
        .order_by("at")
        .values("at")[:1]
    )
    rows = list(
        Interaction.objects.filter(kind=Interaction.Kind.POST, addressed_to=organisation)
        .filter(Q(acting_for__isnull=True) | ~Q(acting_for__kind=Organisation.Kind.COUNCIL_SERVICE))
        .annotate(first_at=Subquery(first))
        .values_list("at", "first_at")
    )
    hours = sorted((first_at - at).total_seconds() / 3600 for at, first_at in rows if first_at is not None)
    # The service's page is public: its recent answers name only posts anyone may read.
    recent = list(
        OfficialResponse.objects.filter(organisation=organisation, post__state=State.PUBLISHED)
        .filter(Q(post__organisation__isnull=True) | Q(post__organisation__members_only=False))
        .select_related("post").order_by("-updated_at", "-id")[:RECENT_RESPONSES]
    )
    return ResponseRecord(
        addressed=len(rows),
        answered=len(hours),
        answered_within_2d=sum(1 for h in hours if h <= TWO_DAYS_HOURS),
        median_hours=round(statistics.median(hours), 1) if hours else None,
        recent=recent,
    )


def notices_for(*, person) -> list[ResponseNotice]:
    """Return the person's latest notices of official responses, newest first."""
    return list(
        ResponseNotice.objects.filter(person=person)
        .select_related("update__response__organisation", "update__response__post", "update__author")
        .order_by("-update__at", "-id")[:NOTICES_SHOWN]
    )
