"""Commitments both ways ("you said, we did"): each side records what it will do and by when,
marks it delivered or sees it go overdue; a service sees its own overdue commitments first."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from villagehall.analytics.models import Interaction
from villagehall.offers import services
from villagehall.offers.models import Commitment
from villagehall.offers.selectors import commitments_of_organisation

TODAY = timezone.localdate()


@pytest.fixture
def granted(town):
    fund = services.offer_create(person=town.olu, kind="fund", title="Green spaces fund", organisation=town.parks, budget=2000)
    request = services.support_request_create(person=town.rita, offer=fund, project=town.orchard, message="Trees", amount=800)
    return services.support_request_decide(
        person=town.olu, support_request=request, outcome="grant",
        commitments=[services.Promise("£800 by 1 May", TODAY + timedelta(days=10))],
    )


def test_both_sides_record_commitments_for_granted_support(town, granted):
    project_side = services.commitment_add(person=town.rita, support_request=granted,
                                           what="A report and photos after planting", due=TODAY + timedelta(days=40))
    supporter_side = services.commitment_add(person=town.pat, support_request=granted, what="Mulch delivered",
                                             due=TODAY + timedelta(days=5))
    assert (project_side.side, project_side.organisation) == ("project", town.gardeners)
    assert (supporter_side.side, supporter_side.organisation) == ("supporter", town.parks)
    with pytest.raises(PermissionDenied):
        services.commitment_add(person=town.nina, support_request=granted, what="Cake", due=TODAY)
    with pytest.raises(PermissionDenied):
        services.commitment_add(person=town.rita, support_request=granted, what="Money", due=TODAY, side="supporter")
    with pytest.raises(ValidationError, match="by when"):
        services.commitment_add(person=town.rita, support_request=granted, what="  ", due=TODAY)


def test_no_commitments_before_support_is_granted(town):
    fund = services.offer_create(person=town.olu, kind="fund", title="Fund", organisation=town.parks, budget=100)
    request = services.support_request_create(person=town.rita, offer=fund, project=town.orchard, message="Hi", amount=50)
    with pytest.raises(PermissionDenied):
        services.commitment_add(person=town.olu, support_request=request, what="Pay", due=TODAY)


def test_a_commitment_becomes_overdue_and_delivering_it_is_support(town, granted):
    commitment = Commitment.objects.get()
    assert not commitment.is_overdue(TODAY)
    assert commitment.is_overdue(TODAY + timedelta(days=11))
    with pytest.raises(PermissionDenied):
        services.commitment_deliver(person=town.rita, commitment=commitment)
    before = Interaction.objects.filter(kind="support").count()
    delivered = services.commitment_deliver(person=town.pat, commitment=commitment, note="Paid by BACS.")
    assert delivered.is_delivered and not delivered.is_overdue(TODAY + timedelta(days=11))
    assert delivered.delivered_by == town.pat and delivered.delivery_note == "Paid by BACS."
    event = Interaction.objects.filter(kind="support").latest("id")
    assert Interaction.objects.filter(kind="support").count() == before + 1
    assert (event.actor, event.acting_for, event.group) == (town.pat, town.parks, town.gardeners)
    with pytest.raises(ValidationError, match="already"):
        services.commitment_deliver(person=town.olu, commitment=commitment)


def test_the_projects_team_delivers_its_own_side(town, granted):
    ours = services.commitment_add(person=town.rita, support_request=granted, what="Photos", due=TODAY)
    with pytest.raises(PermissionDenied):
        services.commitment_deliver(person=town.olu, commitment=ours)
    delivered = services.commitment_deliver(person=town.rita, commitment=ours)
    event = Interaction.objects.filter(kind="support").latest("id")
    assert delivered.is_delivered and (event.actor, event.acting_for) == (town.rita, town.gardeners)


def test_a_service_sees_its_own_overdue_commitments_first(town, granted):
    later = services.commitment_add(person=town.olu, support_request=granted, what="Benches", due=TODAY + timedelta(days=30))
    overdue = services.commitment_add(person=town.olu, support_request=granted, what="Signs", due=TODAY - timedelta(days=3))
    delivered = services.commitment_add(person=town.olu, support_request=granted, what="Spades", due=TODAY - timedelta(days=9))
    services.commitment_deliver(person=town.olu, commitment=delivered)
    services.commitment_add(person=town.rita, support_request=granted, what="Not Parks'", due=TODAY - timedelta(days=30))
    order = [c.what for c in commitments_of_organisation(organisation=town.parks)]
    assert order == ["Signs", "£800 by 1 May", "Benches", "Spades"]
    assert later.what in order


def test_the_project_and_service_pages_show_both_sides_record(client, town, granted):
    services.commitment_add(person=town.rita, support_request=granted, what="A report and photos", due=TODAY - timedelta(days=1))
    page = client.get(town.orchard.get_absolute_url()).content.decode()
    assert "Supporters’ commitments" in page and "£800 by 1 May" in page
    assert "The project’s commitments" in page and "A report and photos" in page and "Overdue" in page
    page = client.get("/testborough/org/parks/").content.decode()
    assert "What Parks committed to" in page and "£800 by 1 May" in page and "Support granted" in page
