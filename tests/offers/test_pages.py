"""Offer, fund and request pages: directories and filters, the fund's remaining budget, forms that
keep what was typed and store nothing on bad input, decisions through the page, another
council's offers, and constant query counts."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CouncilFactory, PersonFactory
from villagehall.core.tenancy import council_scope
from villagehall.offers import services
from villagehall.offers.models import Offer, SupportRequest
from villagehall.projects import services as project_services


def queries_for(client, url) -> int:
    # Drawn afresh each time, with nothing of the page or the reader's own parts kept.
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def fund(town):
    return services.offer_create(person=town.olu, kind="fund", title="Green spaces fund", organisation=town.parks,
                                 budget=1000, neighbourhoods=[town.northfield], eligibility="Groups in Northfield.")


def test_the_offers_directory_filters_by_kind_and_place(client, town, fund):
    services.offer_create(person=town.olu, kind="equipment", title="Gazebos", organisation=town.parks,
                          neighbourhoods=[town.eastgate])
    services.offer_create(person=town.nina, kind="volunteers", title="Two pairs of hands", quantity=2)
    page = text(client.get("/testborough/offers/"))
    assert "Green spaces fund" in page and "Gazebos" in page and "Two pairs of hands" in page
    page = text(client.get("/testborough/offers/?neighbourhood=northfield"))
    assert "Green spaces fund" in page and "Gazebos" not in page and "Two pairs of hands" in page
    page = text(client.get("/testborough/offers/?kind=fund"))
    assert "Green spaces fund" in page and "Two pairs of hands" not in page


def test_the_fund_page_shows_what_is_left_and_an_offer_address_leads_to_it(client, town, fund):
    request = services.support_request_create(person=town.rita, offer=fund, project=town.orchard, message="Trees", amount=250)
    services.support_request_decide(person=town.olu, support_request=request, outcome="grant")
    page = text(client.get(f"/testborough/funds/{fund.pk}/"))
    assert "£750</span> left to grant, of £1,000 (£250 granted so far)" in page
    assert "Granted in full" in page and "Groups in Northfield." in page
    assert client.get(f"/testborough/offers/{fund.pk}/")["Location"] == f"/testborough/funds/{fund.pk}/"
    assert "£750 left" in text(client.get("/testborough/funds/"))


def test_publishing_an_offer_through_the_form_keeps_bad_input(client, town):
    client.force_login(town.olu)
    response = client.post("/testborough/offers/new/", {"kind": "fund", "title": "Tree fund", "offered_by": town.parks.pk,
                                                        "rules": "Typed rules"})
    assert response.status_code == 400
    assert "Say how much is in the fund, in pounds." in text(response) and "Typed rules" in text(response)
    assert not Offer.objects.exists()
    response = client.post("/testborough/offers/new/", {"kind": "fund", "title": "Tree fund", "offered_by": town.parks.pk,
                                                        "budget": "2000", "neighbourhoods": [town.northfield.pk]})
    offer = Offer.objects.get()
    assert response["Location"] == f"/testborough/funds/{offer.pk}/"
    assert (offer.remaining, list(offer.neighbourhoods.all())) == (2000, [town.northfield])


def test_asking_through_the_form_from_a_suggested_need(client, town, fund):
    need = project_services.need_add(person=town.rita, project=town.orchard, kind="money", summary="Trees", amount=400)
    client.force_login(town.rita)
    url = f"/testborough/offers/{fund.pk}/ask/?project={town.orchard.pk}&need={need.pk}"
    page = text(client.get(url))
    assert 'value="400"' in page
    response = client.post(url, {"project": town.orchard.pk, "need": need.pk, "amount": "400", "message": ""})
    assert response.status_code == 400 and "Say what the support is for." in text(response)
    response = client.post(url, {"project": town.orchard.pk, "need": need.pk, "amount": "5000", "message": "Trees"})
    assert response.status_code == 400 and "has £1,000 left, less than the £5,000 asked for" in text(response)
    assert not SupportRequest.objects.exists()
    response = client.post(url, {"project": town.orchard.pk, "need": need.pk, "amount": "400", "message": "Trees"})
    request = SupportRequest.objects.get()
    assert response["Location"] == request.get_absolute_url() and request.need == need
    client.force_login(town.nina)
    assert "You do not organise an open project" in text(client.get(url))


def test_deciding_through_the_request_page(client, town, fund):
    request = services.support_request_create(person=town.rita, offer=fund, project=town.orchard, message="Trees", amount=400)
    url = f"/testborough/offers/requests/{request.pk}/decide/"
    client.force_login(town.rita)
    assert "Record the decision" not in text(client.get(request.get_absolute_url()))
    assert client.post(url, {"outcome": "grant"}).status_code == 403
    client.force_login(town.olu)
    response = client.post(url, {"outcome": "decline", "reason": "", "commitment_what_1": "Typed promise"})
    assert response.status_code == 400
    assert "Say why, so the project and everyone else can read it." in text(response) and "Typed promise" in text(response)
    response = client.post(url, {"outcome": "part", "amount": "250", "reason": "Half now.",
                                 "commitment_what_1": "£250 by 1 May",
                                 "commitment_due_1": (timezone.localdate() + timedelta(days=20)).isoformat()})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.granted_amount) == ("part_granted", 250)
    page = text(client.get(request.get_absolute_url()))
    assert "Granted in part" in page and "Half now." in page and "£250 by 1 May" in page
    client.force_login(town.rita)
    response = client.post(f"/testborough/offers/requests/{request.pk}/commitments/",
                           {"commit-side": "project", "commit-what": "Photos", "commit-due": ""})
    assert response.status_code == 400 and "Say by when." in text(response) and "Photos" in text(response)


def test_another_councils_offers_are_not_found_here(client, town):
    elsewhere = CouncilFactory(slug="elsewhere")
    with council_scope(elsewhere):
        theirs = services.offer_create(person=PersonFactory(), kind="equipment", title="Their ladders")
    assert client.get(f"/testborough/offers/{theirs.pk}/").status_code == 404
    assert "Their ladders" not in text(client.get("/testborough/offers/"))


def add_offers(town, n, start):
    for i in range(start, start + n):
        fund = services.offer_create(person=town.olu, kind="fund", title=f"Fund {i}", organisation=town.parks,
                                     budget=1000, neighbourhoods=[town.northfield, town.eastgate])
        services.offer_create(person=PersonFactory(), kind="equipment", title=f"Ladder {i}")
        request = services.support_request_create(person=town.rita, offer=fund, project=town.orchard, message="Hi", amount=10)
        services.support_request_decide(person=town.olu, support_request=request, outcome="grant",
                                        commitments=[services.Promise("Pay", timezone.localdate() - timedelta(days=i))])
        project_services.need_add(person=town.rita, project=town.orchard, kind="money", summary=f"Need {i}", amount=5)


@pytest.mark.parametrize("signed_in", [False, True])
def test_offer_pages_run_a_fixed_number_of_queries(client, town, signed_in):
    if signed_in:
        client.force_login(town.rita)
    add_offers(town, 2, 0)
    first = Offer.objects.filter(kind="fund").earliest("id")
    urls = ["/testborough/offers/", "/testborough/offers/?kind=fund&neighbourhood=northfield", "/testborough/funds/",
            f"/testborough/funds/{first.pk}/", "/testborough/org/parks/"]
    few = [queries_for(client, url) for url in urls]
    add_offers(town, 10, 2)
    many = [queries_for(client, url) for url in urls]
    assert few == many
