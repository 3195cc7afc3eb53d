"""Reads about official responses and a service's response record."""

import statistics
from dataclasses import dataclass

from django.db.models import Exists, Min, OuterRef, Prefetch, Q

from villagehall.conversation.models import Post
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
    """Return how many posts were addressed to the service, how many it answered, and how fast."""
    answered = OfficialResponse.objects.filter(post=OuterRef("pk"), organisation=organisation).exclude(
        status=OfficialResponse.Status.OPEN
    )
    rows = list(
        Post.objects.filter(addressed_to=organisation)
        .exclude(acting_for=organisation)
        .annotate(
            first_response_at=Min(
                "official_responses__updates__at", filter=Q(official_responses__organisation=organisation)
            ),
            was_answered=Exists(answered),
        )
        .values_list("created_at", "first_response_at", "was_answered")
    )
    hours = sorted(
        (first - created).total_seconds() / 3600 for created, first, _ in rows if first is not None
    )
    recent = list(
        OfficialResponse.objects.filter(organisation=organisation).select_related("post").order_by("-updated_at", "-id")[
            :RECENT_RESPONSES
        ]
    )
    return ResponseRecord(
        addressed=len(rows),
        answered=sum(1 for _, _, was in rows if was),
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
