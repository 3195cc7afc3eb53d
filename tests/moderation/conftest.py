import pytest

from tests.factories import CouncilAdministratorFactory, PersonFactory, PostFactory
from villagehall.people.models import CouncilRole


@pytest.fixture
def moderator(council):
    return CouncilAdministratorFactory(
        council=council, person=PersonFactory(display_name="Mo Moderator"), role=CouncilRole.Role.MODERATOR,
    ).person


@pytest.fixture
def administrator(council):
    return CouncilAdministratorFactory(council=council, person=PersonFactory(display_name="Ada Administrator")).person


@pytest.fixture
def resident(db):
    return PersonFactory(display_name="Rita Resident")


@pytest.fixture
def neighbour(db):
    return PersonFactory(display_name="Nina Neighbour")


@pytest.fixture
def post(scoped, neighbourhood, resident):
    return PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, author=resident,
                       title="Bins on Elm Street", body="Call me on 07700 900123 about the bins.")
