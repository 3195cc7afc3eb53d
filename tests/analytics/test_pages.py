"""The relationship-health pages: who may see them, what they show, and that they read only rollups."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from villagehall.analytics.rollups import rollups_rebuild
from villagehall.conversation import services as conversation
from villagehall.conversation.models import Post
from tests.analytics.conftest import utc
from tests.factories import CouncilAdministratorFactory, CouncilFactory, MembershipFactory, OrganisationFactory

PAGES = ["", "responsiveness/", "reciprocity/", "partnerships/", "adoption/", "inclusion/", "parks/northfield/"]
WINDOW = "?weeks=4&until=2026-02-01"


@pytest.fixture
def world(hall):
    parks, housing = hall.service("parks"), hall.service("housing")
    hall.group("gardeners")
    officer = hall.officer(parks, "Olu Officer")
    hall.officer(housing)
    resident = hall.person("Rita Resident")
    hall.neighbourhood("southfield", population=None)
    for index in range(3):
        at = utc(2026, 1, 5) + timedelta(weeks=index, hours=10)
        question = hall.post(by=resident, at=at, addressed_to=parks)
        hall.comment(question, by=officer, at=at + timedelta(hours=5), acting_for=parks)
        hall.comment(question, by=resident, at=at + timedelta(hours=6))
    # Asked on the platform, and not yet answered.
    conversation.post_create(author=resident, kind=Post.Kind.QUESTION, title="Who mends the fence?", body="It fell.",
                             neighbourhood=hall.northfield, addressed_to=parks, at=utc(2026, 1, 26, 10))
    hall.act("support", by=officer, at=utc(2026, 1, 20, 12), acting_for=parks)
    hall.act("contact", by=hall.person(), at=utc(2026, 1, 21, 12), channel="assisted")
    rollups_rebuild(council=hall.council)
    return {"officer": officer, "resident": resident, "parks": parks}


def url(page=""):
    return f"/testborough/health/{page}{WINDOW}"


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_is_asked_to_sign_in(client, world, page):
    response = client.get(url(page))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", PAGES)
def test_a_resident_finds_nothing_there(client, world, page):
    client.force_login(world["resident"])

    assert client.get(url(page)).status_code == 404


def test_an_administrator_of_another_council_finds_nothing_there(client, world):
    elsewhere = CouncilAdministratorFactory(council=CouncilFactory(slug="elsewhere")).person
    officer_elsewhere = MembershipFactory(
        organisation=OrganisationFactory(council=CouncilFactory(slug="elsewhere"), kind="council_service")
    ).person
    for person in [elsewhere, officer_elsewhere]:
        client.force_login(person)
        assert client.get(url()).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_officers_and_administrators_read_every_page_without_scanning_interactions(client, world, hall, page):
    administrator = CouncilAdministratorFactory(council=hall.council).person
    for person in [world["officer"], administrator]:
        client.force_login(person)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(page))
        assert response.status_code == 200, response.content[:500]
        html = response.content.decode()
        assert "<svg" in html and "<table" in html and "download=" in html
        assert " style=" not in html and "<script>" not in html  # nothing the page's CSP would refuse
        assert not [q["sql"] for q in queries if re.search(r'FROM "?analytics_interaction"?\s', q["sql"])]


def test_the_presence_grid_shows_patterns_and_links_to_each_pair(client, world):
    client.force_login(world["officer"])

    html = client.get(url()).content.decode()

    assert "Parks in Northfield: engaged, present 75% of weeks" in html
    assert "Housing in Northfield: absent, present 0% of weeks" in html
    assert '/testborough/health/parks/northfield/?weeks=4' in html
    assert "Docking: here in under a quarter of the weeks" in html  # the definition beside the figure


def test_the_pair_page_shows_each_week_and_its_figures(client, world):
    client.force_login(world["officer"])

    html = client.get(url("parks/northfield/")).content.decode()

    assert "Week of 2026-01-05: 1" in html and "Week of 2026-01-26: 0" in html
    assert "Longest absence, in weeks" in html


def test_responsiveness_lists_the_unanswered_post(client, world):
    client.force_login(world["officer"])

    html = client.get(url("responsiveness/")).content.decode()

    assert "75%" in html  # three of four answered within two days
    post = Post.objects.get(title="Who mends the fence?")
    assert f'<a href="{post.get_absolute_url()}?' in html and "Who mends the fence?" in html
    assert "26 Jan 2026, 10:00" in html


def test_each_table_downloads_as_csv(client, world):
    client.force_login(world["officer"])

    response = client.get(url("responsiveness/") + "&download=responsiveness")

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    parks = next(r for r in rows if r["service"] == "Parks")
    assert (parks["addressed_threads"], parks["answered_within_2d"], parks["unanswered"]) == ("4", "0.75", "1")
    assert parks["median_first_response_hours"] == "5.0"
    housing = next(r for r in rows if r["service"] == "Housing")
    assert housing["answered_within_2d"] == ""  # no data is an empty cell, not 0
    assert client.get(url("responsiveness/") + "&download=nonsense").status_code == 404


def test_inclusion_and_adoption(client, world):
    client.force_login(world["officer"])

    inclusion = list(csv.DictReader(io.StringIO(
        client.get(url("inclusion/") + "&download=inclusion").content.decode()
    )))
    adoption = client.get(url("adoption/")).content.decode()

    northfield = next(r for r in inclusion if r["neighbourhood"] == "Northfield")
    assert (northfield["participants"], northfield["assisted_share"]) == ("2", "0.125")  # one assisted contact among 8 community-side interactions
    assert next(r for r in inclusion if r["neighbourhood"] == "Southfield")["participants_per_1000"] == ""
    assert "Champions: Olu Officer" in adoption


def test_a_bad_window_falls_back_to_the_default(client, world):
    client.force_login(world["officer"])

    response = client.get("/testborough/health/?weeks=7&until=yesterday")

    assert response.status_code == 200 and response.context["window"].weeks == 12


def test_each_services_median_wait_is_the_middle_of_its_answered_posts(hall):
    from villagehall.analytics.metrics import Window
    from villagehall.analytics.selectors import responsiveness_for_council

    parks, housing, libraries = hall.service("parks"), hall.service("housing"), hall.service("libraries")
    resident = hall.person()
    answers = {
        parks: [1, 2, 4, 10, None],  # hours; four answered, an even count: the median is (2 + 4) / 2
        housing: [7, 3, 50],  # odd: the middle one
        libraries: [None, None],  # none answered: no median
    }
    for service, waits in answers.items():
        for day, hours in enumerate(waits):
            at = utc(2026, 1, 5 + day, 9, 0, 0, 500_000)
            thread = hall.post(by=resident, at=at, addressed_to=service)
            if hours is not None:
                hall.comment(thread, by=hall.officer(service), at=at + timedelta(hours=hours, microseconds=1),
                             acting_for=service)
    # Answered only after the window ends: unanswered as far as the window knows.
    late = hall.post(by=resident, at=utc(2026, 1, 30, 9), addressed_to=housing)
    hall.comment(late, by=hall.officer(housing), at=utc(2026, 2, 2, 9), acting_for=housing)

    services = responsiveness_for_council(window=Window(weeks=4, until=date(2026, 2, 1)))["services"]

    micro = 1 / 3_600_000_000
    assert services[parks.pk]["median_first_response_hours"] == pytest.approx(3 + micro, rel=1e-12)
    assert services[housing.pk]["median_first_response_hours"] == pytest.approx(7 + micro, rel=1e-12)
    assert services[libraries.pk]["median_first_response_hours"] is None
    assert [(services[s.pk]["addressed_threads"], services[s.pk]["unanswered"], services[s.pk]["answered_within_2d"])
            for s in (parks, housing, libraries)] == [(5, 1, 0.8), (4, 1, 0.5), (2, 2, 0.0)]


def test_adoption_counts_each_services_own_officers_week_by_week(hall):
    from villagehall.analytics.metrics import Window
    from villagehall.analytics.selectors import adoption_over_time_for_council, council_setting_for_health

    parks, housing = hall.service("parks"), hall.service("housing")
    steady, occasional, idle = hall.officer(parks), hall.officer(parks), hall.officer(parks)
    housing_officer = hall.officer(housing)
    for day in [5, 6, 12, 19]:  # three weeks of four, twice in the first
        hall.act("contact", by=steady, at=utc(2026, 1, day, 10), acting_for=parks)
    hall.act("contact", by=occasional, at=utc(2026, 1, 13, 10), acting_for=parks)
    # Acting for parks without being one of its officers, and before the window: neither counts.
    hall.act("contact", by=housing_officer, at=utc(2026, 1, 14, 10), acting_for=parks)
    hall.act("contact", by=occasional, at=utc(2025, 12, 30, 10), acting_for=parks)

    window = Window(weeks=4, until=date(2026, 1, 26), time_zone="Europe/London")
    found = adoption_over_time_for_council(window=window, setting=council_setting_for_health(council=hall.council))

    assert [(week, n) for week, n, _ in found[parks.pk]["weekly"]] == [
        (date(2026, 1, 5), 1), (date(2026, 1, 12), 2), (date(2026, 1, 19), 1), (date(2026, 1, 26), 0),
    ]
    assert found[parks.pk]["weekly"][1][2] == pytest.approx(2 / 3)
    assert (found[parks.pk]["active_officers"], found[parks.pk]["adoption"]) == (2, pytest.approx(2 / 3))
    assert found[parks.pk]["champions"] == [steady.pk]
    assert idle.pk not in found[parks.pk]["champions"]
    assert (found[housing.pk]["active_officers"], found[housing.pk]["weekly"][0][1]) == (0, 0)
