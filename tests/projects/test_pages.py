"""Project pages: the directory and its filters, the project page, the forms (bad input keeps
what was typed and stores nothing), another council's projects, and constant query counts."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CouncilFactory, NeighbourhoodFactory, PersonFactory
from villagehall.core.tenancy import council_scope
from villagehall.offers import services as offer_services
from villagehall.projects import services
from villagehall.projects.models import Need, Project, ProjectStatusChange


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def text(response) -> str:
    return response.content.decode()


def test_the_directory_filters_by_neighbourhood_step_and_need(client, town):
    street = services.project_create(person=town.ed, name="Eastgate street party", purpose="", neighbourhood=town.eastgate)
    services.need_add(person=town.ed, project=street, kind="equipment", summary="A gazebo")
    services.need_add(person=town.rita, project=town.orchard, kind="money", summary="Trees", amount=400)
    page = text(client.get("/testborough/projects/"))
    assert "Community orchard" in page and "Eastgate street party" in page and "All projects (2)" in page
    page = text(client.get("/testborough/projects/?neighbourhood=eastgate"))
    assert "Eastgate street party" in page and "Community orchard" not in page
    page = text(client.get("/testborough/projects/?need=money"))
    assert "Community orchard" in page and "Eastgate street party" not in page
    page = text(client.get("/testborough/projects/?status=running"))
    assert "No projects match" in page
    page = text(client.get("/testborough/projects/?status=nonsense&need=&neighbourhood=nowhere"))
    assert "All projects (2)" in page


def test_the_project_page_shows_the_path_criteria_needs_team_partners_and_history(client, town):
    services.need_add(person=town.rita, project=town.orchard, kind="equipment", summary="A gazebo for planting day")
    services.partnership_add(person=town.olu, project=town.orchard, organisation=town.parks, role="partner")
    offer_services.offer_create(person=town.olu, kind="equipment", title="Gazebos", organisation=town.parks,
                                neighbourhoods=[town.northfield])
    page = text(client.get(town.orchard.get_absolute_url()))
    assert "To get here: at least two people in the team" in page and "not yet" in page
    assert "A gazebo for planting day" in page
    assert "Parks lends “Gazebos” in Northfield; Community orchard needs a gazebo for planting day" in page
    assert "Rita Resident" in page and "(organiser)" in page
    assert "Northfield Gardeners" in page and "— lead" in page and "— partner" in page
    assert "started it as “idea”" in page


def test_starting_a_project_through_the_form(client, town):
    client.force_login(town.rita)
    page = text(client.get("/testborough/projects/new/?neighbourhood=northfield"))
    assert "Northfield Gardeners" in page
    response = client.post("/testborough/projects/new/", {
        "name": "Seed library", "purpose": "Swap seeds.", "neighbourhood": town.northfield.pk, "group": town.gardeners.pk,
    })
    project = Project.objects.get(name="Seed library")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.group == town.gardeners


def test_bad_input_keeps_what_was_typed_and_stores_nothing(client, town):
    client.force_login(town.nina)
    before = Project.objects.count()
    response = client.post("/testborough/projects/new/", {
        "name": "", "purpose": "Something I typed", "neighbourhood": town.northfield.pk, "group": town.gardeners.pk,
    })
    assert response.status_code == 400
    page = text(response)
    assert "Your project has not been started yet" in page and "Give the project a name." in page
    assert "Something I typed" in page
    assert Project.objects.count() == before


def test_the_status_form_explains_unmet_criteria_and_changes_nothing(client, town):
    client.force_login(town.rita)
    page = text(client.get(f"/testborough/projects/{town.orchard.pk}/status/"))
    assert "Not yet: it needs at least two people in the team." in page
    response = client.post(f"/testborough/projects/{town.orchard.pk}/status/", {"to_status": "forming", "reason": "Keen"})
    assert response.status_code == 400
    assert "To move to “forming” a project needs at least two people in the team." in text(response)
    assert "Keen" in text(response)
    town.orchard.refresh_from_db()
    assert town.orchard.status == "idea" and ProjectStatusChange.objects.filter(project=town.orchard).count() == 1
    client.force_login(town.nina)
    assert client.get(f"/testborough/projects/{town.orchard.pk}/status/").status_code == 403
    services.project_join(person=town.nina, project=town.orchard)
    client.force_login(town.rita)
    response = client.post(f"/testborough/projects/{town.orchard.pk}/status/", {"to_status": "forming", "reason": "Nina"},
                           follow=True)
    assert "The project is now “forming”." in text(response)


def test_a_need_added_through_the_form_and_a_room_needs_its_times(client, town):
    client.force_login(town.rita)
    url = f"/testborough/projects/{town.orchard.pk}/needs/new/"
    response = client.post(url, {"kind": "room", "summary": "The hall for a meeting"})
    assert response.status_code == 400
    page = text(response)
    assert "Say which day the room is needed." in page and "The hall for a meeting" in page
    assert not Need.objects.exists()
    response = client.post(url, {"kind": "room", "summary": "The hall", "day": "2030-06-12", "start_time": "18:30", "hours": "2.5"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.ends_at - need.starts_at).total_seconds() == 2.5 * 3600


def test_joining_leaving_and_posting_an_update_through_the_pages(client, town):
    client.force_login(town.nina)
    assert client.post(f"/testborough/projects/{town.orchard.pk}/join/").status_code == 302
    assert town.orchard.team.filter(person=town.nina).exists()
    response = client.post(f"/testborough/projects/{town.orchard.pk}/updates/new/", {"title": "Digging", "body": ""})
    assert response.status_code == 400 and "Digging" in text(response)
    response = client.post(f"/testborough/projects/{town.orchard.pk}/updates/new/", {"title": "Digging", "body": "Saturday"})
    assert response.status_code == 302
    assert "Digging" in text(client.get(town.orchard.get_absolute_url()))
    assert client.post(f"/testborough/projects/{town.orchard.pk}/leave/").status_code == 302
    assert not town.orchard.team.filter(person=town.nina).exists()


def test_the_project_page_is_kept_and_shows_each_reader_what_they_may_do(client, town):
    url = town.orchard.get_absolute_url()
    client.force_login(town.nina)  # not on the team
    drawn = queries_for(client, url)
    page = text(client.get(url))
    assert "Join the team" in page and "Leave the team" not in page
    assert "Post an update" not in page and "Add a need" not in page
    client.force_login(town.ed)  # sees the same things as Nina: served the page kept for her
    kept = queries_for(client, url)
    assert kept < drawn / 2
    assert "Join the team" in text(client.get(url))

    services.project_join(person=town.nina, project=town.orchard)
    client.force_login(town.nina)
    page = text(client.get(url))
    assert "Leave the team" in page and "Post an update" in page and "Join the team" not in page
    client.force_login(town.ed)
    assert "Join the team" in text(client.get(url))
    client.force_login(town.rita)  # its organiser
    page = text(client.get(url))
    assert "Add a need" in page and "Move to another step" in page and "Join the team" not in page
    assert "Leave the team" not in page  # an organiser hands over before leaving


def test_another_councils_project_is_not_found_here(client, town):
    elsewhere = CouncilFactory(slug="elsewhere")
    place = NeighbourhoodFactory(council=elsewhere, slug="centre")
    with council_scope(elsewhere):
        theirs = services.project_create(person=PersonFactory(), name="Their project", purpose="", neighbourhood=place)
    assert client.get(f"/testborough/projects/{theirs.pk}/").status_code == 404
    assert "Their project" not in text(client.get("/testborough/projects/"))


def add_projects(town, n, start):
    for i in range(start, start + n):
        person = PersonFactory()
        project = services.project_create(person=person, name=f"Project {i}", purpose="Why", neighbourhood=town.northfield)
        services.project_join(person=PersonFactory(), project=project)
        services.need_add(person=person, project=project, kind="money", summary="Money", amount=100)
        services.partnership_add(person=town.olu, project=project, organisation=town.parks, role="supporter")


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_directory_runs_a_fixed_number_of_queries(client, town, signed_in):
    if signed_in:
        client.force_login(town.nina)
    urls = ["/testborough/projects/", "/testborough/projects/?need=money&neighbourhood=northfield"]
    add_projects(town, 3, 0)
    few = [queries_for(client, url) for url in urls]
    add_projects(town, 18, 3)
    many = [queries_for(client, url) for url in urls]
    assert few == many


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_project_page_runs_a_fixed_number_of_queries(client, town, signed_in):
    if signed_in:
        client.force_login(town.rita)
    offer_services.offer_create(person=town.olu, kind="fund", title="Green fund", organisation=town.parks, budget=5000)

    def add(n, start):
        for i in range(start, start + n):
            person = PersonFactory()
            services.project_join(person=person, project=town.orchard)
            need = services.need_add(person=town.rita, project=town.orchard, kind="money", summary=f"Need {i}", amount=10)
            services.project_update_post(person=person, project=town.orchard, title=f"Update {i}", body="News")
            offer = offer_services.offer_create(person=town.olu, kind="fund", title=f"Fund {i}", organisation=town.parks, budget=100)
            request = offer_services.support_request_create(person=town.rita, offer=offer, project=town.orchard,
                                                           need=need, message="Please", amount=10)
            offer_services.support_request_decide(person=town.olu, support_request=request, outcome="grant",
                                                  commitments=[offer_services.Promise("Pay", request.created_at.date())])

    def drawn_afresh():
        # Nothing kept, neither the page nor the reader's own parts: the page as first drawn.
        cache.clear()
        return queries_for(client, town.orchard.get_absolute_url())

    add(2, 0)
    few = drawn_afresh()
    add(8, 2)
    many = drawn_afresh()
    assert few == many
