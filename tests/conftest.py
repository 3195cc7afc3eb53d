import pytest

from villagehall.core.tenancy import council_scope
from tests.factories import CouncilFactory, NeighbourhoodFactory


@pytest.fixture
def council(db):
    return CouncilFactory(slug="testborough", name="Testborough Council")


@pytest.fixture
def scoped(council):
    """Run the test inside the council, as a page under /<council>/ would."""
    with council_scope(council):
        yield council


@pytest.fixture
def neighbourhood(council):
    return NeighbourhoodFactory(council=council, slug="northfield", name="Northfield")
