"""Offers, requests and decisions in the open: granting in full or in part, declining with a
reason, a fund that is never over-committed, rooms never double-booked, and who may do what."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import PersonFactory
from villagehall.analytics.models import Interaction
from villagehall.offers import services
from villagehall.offers.models import Booking, Commitment, Offer, SupportRequest
from villagehall.projects import services as project_services

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def fund(town):
    return services.offer_create(person=town.olu, kind="fund", title="Green spaces fund", organisation=town.parks,
                                 budget=1000, neighbourhoods=[town.northfield], rules="Spend within a year.")


@pytest.fixture
def trees(town):
    return project_services.need_add(person=town.rita, project=town.orchard, kind="money", summary="Trees", amount=600)


def ask(town, offer, amount=None, project=None, **extra):
    return services.support_request_create(person=town.rita, offer=offer, project=project or town.orchard,
                                           message="For the orchard.", amount=amount, **extra)


def test_publishing_offers_checks_who_offers_and_what_a_fund_needs(town):
    with pytest.raises(PermissionDenied):
        services.offer_create(person=town.nina, kind="room", title="The hall", organisation=town.parks)
    with pytest.raises(ValidationError, match="how much"):
        services.offer_create(person=town.olu, kind="fund", title="Fund", organisation=town.parks)
    with pytest.raises(ValidationError, match="organisation"):
        services.offer_create(person=town.nina, kind="fund", title="My fund", budget=100)
    with pytest.raises(ValidationError, match="community chest"):
        services.offer_create(person=town.nina, kind="room", title="Front room", is_community_chest=True)
    own = services.offer_create(person=town.nina, kind="equipment", title="Ladders", quantity=2)
    assert own.organisation is None and own.offerer_name == "Nina Neighbour"
    fund = services.offer_create(person=town.olu, kind="fund", title="Fund", organisation=town.parks, budget=750)
    assert (fund.budget, fund.remaining, fund.committed) == (750, 750, 0)


def test_only_a_projects_organisers_ask_and_only_within_the_offers_area(town, fund):
    with pytest.raises(PermissionDenied):
        services.support_request_create(person=town.nina, offer=fund, project=town.orchard, message="Please", amount=100)
    street = project_services.project_create(person=town.ed, name="Street party", purpose="", neighbourhood=town.eastgate)
    with pytest.raises(ValidationError, match="not offered in Eastgate"):
        services.support_request_create(person=town.ed, offer=fund, project=street, message="Please", amount=100)
    with pytest.raises(ValidationError, match="less than"):
        ask(town, fund, amount=5000)
    assert not SupportRequest.objects.exists()


def test_a_grant_in_full_takes_the_money_meets_the_need_records_commitments_and_support(town, fund, trees):
    request = ask(town, fund, amount=600, need=trees)
    decided = services.support_request_decide(
        person=town.olu, support_request=request, outcome="grant",
        commitments=[services.Promise("£600 paid by 1 May", datetime(2030, 5, 1).date())],
    )
    fund.refresh_from_db()
    trees.refresh_from_db()
    assert (decided.status, decided.granted_amount, decided.decided_by, decided.decided_for) == (
        "granted", 600, town.olu, town.parks)
    assert fund.remaining == 400 and trees.status == "met"
    commitment = Commitment.objects.get()
    assert (commitment.side, commitment.organisation, commitment.what) == ("supporter", town.parks, "£600 paid by 1 May")
    event = Interaction.objects.get(kind="support")
    assert (event.actor, event.acting_for, event.neighbourhood, event.group) == (
        town.olu, town.parks, town.northfield, town.gardeners)


def test_a_part_grant_needs_a_smaller_amount_and_a_reason(town, fund, trees):
    request = ask(town, fund, amount=600, need=trees)
    with pytest.raises(ValidationError, match="Say why"):
        services.support_request_decide(person=town.olu, support_request=request, outcome="part", amount=300)
    with pytest.raises(ValidationError, match="less than the £600"):
        services.support_request_decide(person=town.olu, support_request=request, outcome="part", amount=600, reason="Half")
    decided = services.support_request_decide(person=town.olu, support_request=request, outcome="part", amount=300,
                                              reason="Half now, the rest after the autumn review.")
    fund.refresh_from_db()
    trees.refresh_from_db()
    assert (decided.status, decided.granted_amount, fund.remaining, trees.status) == ("part_granted", 300, 700, "partly_met")


def test_a_decline_needs_a_reason_takes_nothing_and_is_not_support(town, fund):
    request = ask(town, fund, amount=300)
    with pytest.raises(ValidationError, match="Say why"):
        services.support_request_decide(person=town.olu, support_request=request, outcome="decline")
    decided = services.support_request_decide(person=town.olu, support_request=request, outcome="decline",
                                              reason="The fund is for planting, not for tools.")
    fund.refresh_from_db()
    assert (decided.status, decided.decision_reason, fund.remaining) == (
        "declined", "The fund is for planting, not for tools.", 1000)
    assert not Interaction.objects.filter(kind="support").exists()


def test_a_request_is_decided_once_and_the_second_officer_is_told_who_decided(town, fund):
    request = ask(town, fund, amount=300)
    services.support_request_decide(person=town.olu, support_request=request, outcome="grant")
    with pytest.raises(ValidationError, match="Olu Officer already decided this request"):
        services.support_request_decide(person=town.pat, support_request=request, outcome="grant")
    fund.refresh_from_db()
    assert fund.remaining == 700


def test_granting_more_than_is_left_is_refused_with_the_amount_left_and_changes_nothing(town, fund):
    first = ask(town, fund, amount=600)
    second = ask(town, fund, amount=500)
    services.support_request_decide(person=town.olu, support_request=first, outcome="grant")
    with pytest.raises(ValidationError, match="has only £400 left, so £500 cannot be granted"):
        services.support_request_decide(person=town.pat, support_request=second, outcome="grant",
                                        commitments=[services.Promise("Pay", datetime(2030, 1, 1).date())])
    second.refresh_from_db()
    fund.refresh_from_db()
    assert (second.status, second.decided_by, fund.remaining) == ("pending", None, 400)
    assert Commitment.objects.count() == 0
    assert Interaction.objects.filter(kind="support").count() == 1


PERMISSIONS = [
    # person, may decide a request to Parks' fund, may manage the fund
    ("olu", True, True), ("pat", True, True), ("lena", False, False), ("rita", False, False),
    ("admin", False, True), ("anonymous", False, False),
]


@pytest.mark.parametrize("who, decide, manage", PERMISSIONS)
def test_only_the_offering_organisation_decides(town, fund, who, decide, manage):
    request = ask(town, fund, amount=100)
    person = AnonymousUser() if who == "anonymous" else getattr(town, who)
    assert person.has_perm("offers.request_decide", request) is decide
    assert person.has_perm("offers.offer_manage", fund) is manage
    if not decide and who != "anonymous":
        with pytest.raises(PermissionDenied):
            services.support_request_decide(person=person, support_request=request, outcome="grant")


def at(day, hour, minute=0):
    return datetime(2030, 6, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def hall(town):
    return services.offer_create(person=town.lena, kind="room", title="Library community room",
                                 organisation=town.libraries, venue="Northfield Library", capacity=40)


def book(town, hall, start, end, project=None):
    request = services.support_request_create(person=project.started_by if project else town.rita, offer=hall,
                                              project=project or town.orchard, message="A meeting",
                                              starts_at=start, ends_at=end)
    return services.support_request_decide(person=town.lena, support_request=request, outcome="grant")


def test_room_bookings_never_overlap_but_can_follow_each_other(town, hall):
    other = project_services.project_create(person=town.nina, name="Knit and natter", purpose="", neighbourhood=town.northfield)
    book(town, hall, at(12, 18), at(12, 20))
    with pytest.raises(ValidationError, match="already booked from 12 Jun 2030, 18:00 to 12 Jun 2030, 20:00 for Community orchard"):
        book(town, hall, at(12, 19, 30), at(12, 21), project=other)
    book(town, hall, at(12, 20), at(12, 21), project=other)
    assert Booking.objects.count() == 2
    assert SupportRequest.objects.filter(status="pending").count() == 1


def test_a_withdrawn_request_cannot_be_decided(town, fund):
    request = ask(town, fund, amount=100)
    services.support_request_withdraw(person=town.rita, support_request=request)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.support_request_decide(person=town.olu, support_request=request, outcome="grant")


def test_a_closed_or_past_deadline_offer_takes_no_requests(town, fund):
    services.offer_set_open(person=town.olu, offer=fund, is_open=False)
    with pytest.raises(ValidationError, match="closed"):
        ask(town, fund, amount=100)
    Offer.objects.filter(pk=fund.pk).update(is_open=True, deadline=datetime.now().date() - timedelta(days=1))
    fund.refresh_from_db()
    with pytest.raises(ValidationError, match="deadline"):
        ask(town, fund, amount=100)
    with pytest.raises(PermissionDenied):
        services.offer_set_open(person=PersonFactory(), offer=fund, is_open=True)
