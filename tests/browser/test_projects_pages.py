"""Project, offer, fund, request, community chest and official response pages in Chromium: every
page passes axe-core's WCAG 2.2 A and AA rules with nothing in the console, and the main
journeys work with JavaScript off."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.browser.test_accessibility import Audit
from villagehall.core.tenancy import council_scope
from villagehall.offers import services as offers
from villagehall.offers.models import Offer, SupportRequest
from villagehall.people.models import Residency
from villagehall.projects import services as projects
from villagehall.responses import services as responses


@pytest.fixture
def audit(browsing):
    return Audit(browsing)


@pytest.fixture
def story(world):
    """An orchard project with needs, a partner, a fund with a granted and a waiting request, a room and a chest."""
    today = timezone.localdate()
    with council_scope(world.council):
        Residency.objects.create(person=world.neighbour, neighbourhood=world.neighbourhood)
        orchard = projects.project_create(person=world.resident, name="Community orchard", neighbourhood=world.neighbourhood,
                                          purpose="Fruit trees on the green, for **everyone**.", group=None)
        projects.project_join(person=world.neighbour, project=orchard)
        trees = projects.need_add(person=world.resident, project=orchard, kind="money", summary="Fruit trees", amount=600)
        projects.need_add(person=world.resident, project=orchard, kind="equipment", summary="A gazebo for planting day")
        projects.partnership_add(person=world.officer, project=orchard, organisation=world.parks, role="partner")
        fund = offers.offer_create(person=world.officer, kind="fund", title="Green spaces fund", organisation=world.parks,
                                   budget=1000, neighbourhoods=[world.neighbourhood], deadline=today + timedelta(days=30),
                                   rules="Spend within a year.", eligibility="Groups and residents in Northfield.")
        offers.offer_create(person=world.officer, kind="equipment", title="Gazebos", organisation=world.parks,
                            neighbourhoods=[world.neighbourhood], quantity=3)
        room = offers.offer_create(person=world.officer, kind="room", title="Park pavilion", organisation=world.parks,
                                   venue="Northfield Park", capacity=30, availability="Evenings and weekends")
        granted = offers.support_request_create(person=world.resident, offer=fund, project=orchard, need=trees,
                                                message="Twelve apple trees.", amount=400)
        offers.support_request_decide(person=world.officer, support_request=granted, outcome="grant",
                                      commitments=[offers.Promise("£400 paid", today - timedelta(days=2))])
        offers.commitment_add(person=world.resident, support_request=granted, what="Photos after planting",
                              due=today + timedelta(days=20))
        waiting = offers.support_request_create(person=world.resident, offer=fund, project=orchard,
                                                message="Compost and stakes.", amount=200)
        start = datetime.combine(today + timedelta(days=7), datetime.min.time(), ZoneInfo("Europe/London")).replace(hour=18)
        booked = offers.support_request_create(person=world.resident, offer=room, project=orchard, message="Meeting",
                                               starts_at=start, ends_at=start + timedelta(hours=2))
        offers.support_request_decide(person=world.officer, support_request=booked, outcome="grant")
        chest = offers.offer_create(person=world.officer, kind="fund", title="Northfield community chest",
                                    organisation=world.parks, budget=500, is_community_chest=True)
        offers.support_request_create(person=world.resident, offer=chest, project=orchard, message="Benches", amount=300)
        offers.chest_voting_open(person=world.officer, fund=chest)
        responses.response_give(person=world.officer, post=world.question, organisation=world.parks,
                                status="in_progress", body="A new latch is ordered.")
        responses.response_give(person=world.officer, post=world.question, organisation=world.parks,
                                status="done", body="Fixed this morning.")
    return orchard, fund, room, waiting, chest


def test_project_and_offer_pages_pass_axe_signed_in(browsing, world, story, audit):
    orchard, fund, room, waiting, chest = story
    page = browsing.page(world.resident)
    audit.visit(page, "/testborough/projects/", label="project directory")
    audit.visit(page, "/testborough/projects/?neighbourhood=northfield&status=idea&need=money", label="project directory, filtered")
    audit.visit(page, orchard.get_absolute_url(), label="project page (organiser)")
    audit.visit(page, f"/testborough/projects/{orchard.pk}/status/", label="move a project on")
    page.get_by_role("button", name="Move the project").click()
    audit.check(page, "move a project on, with errors")
    audit.visit(page, f"/testborough/projects/{orchard.pk}/needs/new/", label="add a need")
    page.get_by_role("button", name="Add the need").click()
    audit.check(page, "add a need, with errors")
    audit.visit(page, f"/testborough/projects/{orchard.pk}/updates/new/", label="post a project update")
    audit.visit(page, "/testborough/projects/new/", label="start a project")
    page.get_by_role("button", name="Start the project").click()
    audit.check(page, "start a project, with errors")
    audit.visit(page, "/testborough/offers/", label="offers directory")
    audit.visit(page, "/testborough/funds/", label="funds")
    audit.visit(page, fund.get_absolute_url(), label="fund page")
    audit.visit(page, room.get_absolute_url(), label="room page with bookings")
    audit.visit(page, f"/testborough/offers/{fund.pk}/ask/", label="ask a fund")
    page.get_by_role("button", name="Send the request").click()
    audit.check(page, "ask a fund, with errors")
    audit.visit(page, waiting.get_absolute_url(), label="request page (project side)")
    audit.visit(page, "/testborough/offers/new/", label="make an offer")
    page.get_by_role("button", name="Publish the offer").click()
    audit.check(page, "make an offer, with errors")
    audit.visit(page, chest.get_absolute_url(), label="community chest, voting open")
    audit.visit(page, world.question.get_absolute_url(), label="post with an official response")
    audit.visit(page, "/testborough/responses/", label="official responses for you")

    officer = browsing.page(world.officer)
    audit.visit(officer, waiting.get_absolute_url(), label="request page with the decision form")
    officer.get_by_label("Grant part of it").check()
    officer.get_by_role("button", name="Record the decision").click()
    audit.check(officer, "decision form, with errors")
    audit.visit(officer, f"/testborough/responses/posts/{world.question.pk}/", label="official response form")
    audit.visit(officer, "/testborough/org/parks/", label="service page with offers, grants, commitments and responses")

    voter = browsing.page(world.neighbour)
    audit.visit(voter, f"/testborough/funds/{chest.pk}/vote/", label="community chest ballot")
    voter.get_by_role("button", name="Cast my vote").click()
    audit.check(voter, "community chest ballot, with errors")
    voter.get_by_label("Community orchard — £300").check()
    voter.get_by_role("button", name="Cast my vote").click()
    audit.check(voter, "vote cast, with the receipt")
    audit.visit(voter, f"/testborough/funds/{chest.pk}/ballot/", label="look up a ballot")
    audit.assert_clean()


def test_project_and_offer_pages_pass_axe_signed_out(browsing, world, story, audit):
    orchard, fund, room, waiting, chest = story
    page = browsing.page()
    audit.visit(page, "/testborough/projects/", label="project directory, signed out")
    audit.visit(page, orchard.get_absolute_url(), label="project page, signed out")
    audit.visit(page, fund.get_absolute_url(), label="fund page, signed out")
    audit.visit(page, waiting.get_absolute_url(), label="request page, signed out")
    audit.visit(page, "/testborough/org/parks/", label="service page, signed out")
    audit.assert_clean()


def test_asking_and_granting_work_without_javascript(browsing, world, story):
    orchard, fund, room, waiting, chest = story
    officer = browsing.page(world.officer, js=False)
    officer.goto(waiting.get_absolute_url())
    officer.get_by_label("Grant part of it").check()
    officer.get_by_label("Part grant: how many pounds").fill("150")
    officer.get_by_label("Why?").fill("Stakes yes, compost from the council depot instead.")
    officer.get_by_label("Your commitment: what you will do").fill("£150 paid")
    officer.locator("#id_commitment_due_1").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    officer.get_by_role("button", name="Record the decision").click()
    assert "Granted in part" in officer.content() and "Stakes yes" in officer.content()
    with council_scope(world.council):
        assert SupportRequest.objects.get(pk=waiting.pk).granted_amount == 150
        assert Offer.objects.get(pk=fund.pk).remaining == 450

    resident = browsing.page(world.resident, js=False)
    resident.goto(orchard.get_absolute_url())
    assert "Granted in part" in resident.content() and "£400 paid" in resident.content()
    resident.goto(f"/testborough/projects/{orchard.pk}/status/")
    resident.get_by_label("Forming").check()
    resident.get_by_label("Why?").fill("Nina has joined the team.")
    resident.get_by_role("button", name="Move the project").click()
    assert "The project is now “forming”." in resident.content()
    assert "Nina has joined the team." in resident.content()
