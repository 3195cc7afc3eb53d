"""Council administrators set up their own council in the admin, and see no other."""

import pytest

from villagehall.people.models import Membership
from villagehall.people.services import council_administrator_grant
from villagehall.places.models import Neighbourhood
from tests.factories import CouncilFactory, NeighbourhoodFactory, OrganisationFactory, PersonFactory


@pytest.fixture
def administrator(council):
    person = PersonFactory(display_name="Ada Administrator")
    council_administrator_grant(person=person, council=council)
    return person


def test_an_administrator_sees_only_their_councils_rows(client, council, administrator):
    NeighbourhoodFactory(council=council, name="Northfield", slug="northfield")
    other = CouncilFactory(slug="elsewhere")
    NeighbourhoodFactory(council=other, name="Faraway", slug="faraway")
    client.force_login(administrator)
    page = client.get("/admin/places/neighbourhood/").content.decode()
    assert "Northfield" in page and "Faraway" not in page
    faraway = Neighbourhood.dangerously_unscoped.get(slug="faraway")
    assert client.get(f"/admin/places/neighbourhood/{faraway.pk}/change/").status_code in (302, 404)


def test_an_administrator_adds_a_neighbourhood_and_an_officer(client, council, administrator):
    client.force_login(administrator)
    response = client.post("/admin/places/neighbourhood/add/", {
        "council": council.pk, "slug": "southgate", "name": "Southgate", "population": "7300",
        "deprivation_decile": "3", "description": "", "boundary": "null",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Neighbourhood.dangerously_unscoped.get(slug="southgate").population == 7300
    from villagehall.core.models import AuditEntry

    entry = AuditEntry.dangerously_unscoped.get(action="admin.add", target_type="places.neighbourhood")
    assert entry.actor == administrator and entry.council == council and "population" in entry.after["changed"]
    parks = OrganisationFactory(council=council, slug="parks", kind="council_service")
    officer = PersonFactory()
    response = client.post("/admin/people/membership/add/", {
        "council": council.pk, "organisation": parks.pk, "person": officer.pk, "role": "member",
        "title": "Parks officer",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Membership.dangerously_unscoped.get(person=officer).organisation == parks


def test_a_reserved_word_cannot_be_a_neighbourhood(client, council, administrator):
    client.force_login(administrator)
    response = client.post("/admin/places/neighbourhood/add/", {
        "council": council.pk, "slug": "posts", "name": "Posts", "boundary": "null",
    })
    assert response.status_code == 200
    assert "used by Village Hall’s own addresses" in response.content.decode()
    assert not Neighbourhood.dangerously_unscoped.filter(slug="posts").exists()


def test_a_resident_cannot_open_the_admin(client, db):
    client.force_login(PersonFactory())
    assert client.get("/admin/places/neighbourhood/").status_code == 302
