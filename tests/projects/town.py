"""A small town for the project, offer and response tests: two neighbourhoods, two services
with officers, a community group, a voluntary organisation, residents and a project."""

from dataclasses import dataclass

import pytest

from tests.factories import (
    CouncilAdministratorFactory, MembershipFactory, NeighbourhoodFactory, OrganisationFactory, PersonFactory,
)
from villagehall.people.models import Residency
from villagehall.projects import services as project_services


@dataclass
class Town:
    council: object
    northfield: object
    eastgate: object
    parks: object
    libraries: object
    gardeners: object
    volunteers: object
    olu: object  # Parks officer
    pat: object  # another Parks officer
    lena: object  # Libraries officer
    rita: object  # resident, Northfield Gardeners member, organises the orchard
    nina: object  # resident of Northfield
    vera: object  # Northfield Volunteers worker
    ed: object  # resident of Eastgate
    admin: object
    orchard: object


def town_build(council, neighbourhood) -> Town:
    eastgate = NeighbourhoodFactory(council=council, slug="eastgate", name="Eastgate")
    parks = OrganisationFactory(council=council, slug="parks", name="Parks", kind="council_service")
    libraries = OrganisationFactory(council=council, slug="libraries", name="Libraries", kind="council_service")
    gardeners = OrganisationFactory(council=council, slug="gardeners", name="Northfield Gardeners",
                                    kind="community_group", neighbourhood=neighbourhood)
    volunteers = OrganisationFactory(council=council, slug="volunteers", name="Northfield Volunteers",
                                     kind="voluntary_org", neighbourhood=neighbourhood)
    olu = MembershipFactory(organisation=parks, person=PersonFactory(display_name="Olu Officer")).person
    pat = MembershipFactory(organisation=parks, person=PersonFactory(display_name="Pat Parks")).person
    lena = MembershipFactory(organisation=libraries, person=PersonFactory(display_name="Lena Librarian")).person
    rita = MembershipFactory(organisation=gardeners, person=PersonFactory(display_name="Rita Resident")).person
    vera = MembershipFactory(organisation=volunteers, person=PersonFactory(display_name="Vera Volunteer")).person
    nina = PersonFactory(display_name="Nina Neighbour")
    ed = PersonFactory(display_name="Ed Eastgate")
    for person, place in ((rita, neighbourhood), (nina, neighbourhood), (ed, eastgate)):
        Residency.dangerously_unscoped.create(council=council, person=person, neighbourhood=place)
    admin = CouncilAdministratorFactory(council=council, person=PersonFactory(display_name="Ada Administrator")).person
    orchard = project_services.project_create(
        person=rita, name="Community orchard", purpose="Fruit trees on the green for everyone.",
        neighbourhood=neighbourhood, group=gardeners,
    )
    return Town(council, neighbourhood, eastgate, parks, libraries, gardeners, volunteers, olu, pat, lena, rita, nina,
                vera, ed, admin, orchard)


@pytest.fixture
def town(council, neighbourhood, scoped) -> Town:
    return town_build(council, neighbourhood)
