"""People these tests share: a council service and a council administrator."""

import pytest

from tests.factories import OrganisationFactory, PersonFactory
from villagehall.people import services


@pytest.fixture
def parks(council):
    return OrganisationFactory(council=council, slug="parks", name="Parks", kind="council_service")


@pytest.fixture
def administrator(council):
    person = PersonFactory(display_name="Ada Administrator")
    services.council_administrator_grant(person=person, council=council)
    return person
