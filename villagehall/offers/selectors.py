"""Reads about offers, funds, requests, commitments and community chests. Each list runs a
fixed number of queries however long it is."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Exists, OuterRef, Prefetch, Value, When
from django.utils import timezone

from villagehall.offers import matching
from villagehall.offers.models import Booking, ChestResult, ChestVoter, Commitment, Offer, SupportRequest
from villagehall.places.models import Neighbourhood
from villagehall.projects.models import Need, Project, ProjectPartner

# How many open needs an offer page weighs up for its suggestions, newest first.
NEEDS_CONSIDERED = 500
REQUESTS_SHOWN = 50
GRANTS_SHOWN = 20
COMMITMENTS_SHOWN = 30

RequestStatus = SupportRequest.Status


def _offers():
    return Offer.objects.select_related("organisation", "offered_by").prefetch_related(
        Prefetch("neighbourhoods", queryset=Neighbourhood.objects.order_by("name"))
    )


def offer_directory(*, kind="", neighbourhood=None, page=1):
    """Return a page of open offers, newest first, by kind and by the neighbourhood they cover."""
    offers = _offers().filter(is_open=True)
    if kind:
        offers = offers.filter(kind=kind)
    if neighbourhood is not None:
        covers = Offer.neighbourhoods.through.objects.filter(offer_id=OuterRef("pk"))
        offers = offers.filter(Exists(covers.filter(neighbourhood_id=neighbourhood.pk)) | ~Exists(covers))
    return Paginator(offers.order_by("-created_at", "-id"), settings.FEED_PAGE_SIZE).get_page(page)


def fund_list(*, page=1):
    """Return a page of grant funds, open ones first, with what is left in each."""
    funds = _offers().filter(kind=Offer.Kind.FUND).order_by("-is_open", "deadline", "-created_at", "-id")
    return Paginator(funds, settings.FEED_PAGE_SIZE).get_page(page)


def offer_get(*, offer_id) -> Offer:
    """Return the offer with who made it and where, or raise Offer.DoesNotExist."""
    return _offers().get(pk=offer_id)


def _requests():
    return SupportRequest.objects.select_related(
        "offer__organisation", "offer__offered_by", "project__neighbourhood", "need", "asked_by", "decided_by",
        "decided_for",
    )


def support_request_get(*, request_id) -> SupportRequest:
    """Return the request with its offer, project and decision, or raise SupportRequest.DoesNotExist."""
    return _requests().select_related("project__group").get(pk=request_id)


def _commitments():
    return Commitment.objects.select_related("organisation", "made_by", "delivered_by", "request__offer", "project")


@dataclass
class OfferPage:
    requests: list
    bookings: list
    suggestions: list
    chest_entries: list
    chest_results: list


def offer_page(*, offer) -> OfferPage:
    """Return the requests, bookings, suggested projects and community chest count of an offer."""
    requests = list(_requests().filter(offer=offer).order_by("-created_at", "-id")[:REQUESTS_SHOWN])
    bookings = []
    if offer.kind == Offer.Kind.ROOM:
        bookings = list(
            Booking.objects.filter(offer=offer, ends_at__gte=timezone.now()).select_related("request__project").order_by("starts_at")
        )
    chest_entries, chest_results = [], []
    if offer.is_community_chest:
        chest_entries = [r for r in requests if r.status == RequestStatus.PENDING]
        chest_results = list(
            ChestResult.objects.filter(fund=offer).select_related("request__project__neighbourhood").order_by("place")
        )
    return OfferPage(
        requests=requests, bookings=bookings, suggestions=offer_suggestions(offer=offer),
        chest_entries=chest_entries, chest_results=chest_results,
    )


def offer_suggestions(*, offer) -> list[matching.Suggestion]:
    """Return the projects whose open needs this offer could meet, best first, with the reason."""
    if not offer.is_open:
        return []
    needs = (
        Need.objects.filter(kind__in=matching.NEED_KINDS_FOR_OFFER[offer.kind])
        .exclude(status=Need.Status.MET)
        .exclude(project__status__in=[Project.Status.DONE, Project.Status.STOPPED])
        .select_related("project__neighbourhood")
    )
    area = [n.pk for n in offer.neighbourhoods.all()]
    if area:
        needs = needs.filter(project__neighbourhood_id__in=area)
    needs = list(needs.order_by("-created_at", "-id")[:NEEDS_CONSIDERED])
    partners = {}
    if offer.organisation_id:
        for project_id in ProjectPartner.objects.filter(
            organisation_id=offer.organisation_id, project_id__in={n.project_id for n in needs}
        ).values_list("project_id", flat=True):
            partners[project_id] = frozenset({offer.organisation_id})
    return matching.suggestions_for_offer(offer, needs, partners_by_project=partners)


@dataclass
class ProjectSupport:
    requests: list
    supporter_commitments: list
    project_commitments: list
    suggestions: dict  # need id → suggestions


def project_support(*, project, needs, partner_ids) -> ProjectSupport:
    """Return a project's requests, both sides' commitments and the offers suggested for its open needs."""
    requests = list(_requests().filter(project=project).order_by("-created_at", "-id")[:REQUESTS_SHOWN])
    commitments = list(_commitments().filter(project=project).order_by("due", "id"))
    suggestions = {}
    if any(need.is_open for need in needs) and not project.is_closed:
        offers = list(_offers().filter(is_open=True))
        for need in needs:
            need.project = project  # the reasons name the project; it is already loaded
        suggestions = matching.suggestions_for_needs(needs, offers, partner_ids=frozenset(partner_ids))
    return ProjectSupport(
        requests=requests,
        supporter_commitments=[c for c in commitments if c.side == Commitment.Side.SUPPORTER],
        project_commitments=[c for c in commitments if c.side == Commitment.Side.PROJECT],
        suggestions=suggestions,
    )


def request_commitments(*, support_request) -> list[Commitment]:
    """Return both sides' commitments on a request, soonest due first."""
    return list(_commitments().filter(request=support_request).order_by("side", "due", "id"))


def commitments_of_organisation(*, organisation, limit=COMMITMENTS_SHOWN) -> list[Commitment]:
    """Return what the organisation has committed to: overdue first, then due soonest, then delivered."""
    today = timezone.localdate()
    return list(
        _commitments().filter(organisation=organisation)
        .annotate(
            overdue=Case(When(delivered_at__isnull=True, due__lt=today, then=Value(True)), default=Value(False),
                         output_field=BooleanField()),
            open=Case(When(delivered_at__isnull=True, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .order_by("-overdue", "-open", "due", "id")[:limit]
    )


def grants_by_organisation(*, organisation, limit=GRANTS_SHOWN) -> list[SupportRequest]:
    """Return the latest support the organisation has granted."""
    return list(
        _requests().filter(decided_for=organisation, status__in=[RequestStatus.GRANTED, RequestStatus.PART_GRANTED])
        .order_by("-decided_at", "-id")[:limit]
    )


def offers_of_organisation(*, organisation) -> list[Offer]:
    """Return the organisation's offers, open ones first."""
    return list(_offers().filter(organisation=organisation).order_by("-is_open", "-created_at", "-id"))


def projects_for_request(*, person, offer) -> list[Project]:
    """Return the open projects the person organises that may ask this offer."""
    from villagehall.projects.selectors import projects_person_organises

    projects = projects_person_organises(person=person)
    area = {n.pk for n in offer.neighbourhoods.all()}
    return [p for p in projects if not area or p.neighbourhood_id in area]


def has_voted(*, person, fund) -> bool:
    """Return True if the person has cast their ballot in the community chest."""
    return person.is_authenticated and ChestVoter.objects.filter(fund=fund, person=person).exists()
