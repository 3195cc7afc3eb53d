from datetime import date, datetime, timedelta, timezone
from itertools import count

import pytest

from villagehall.analytics.services import interaction_record
from villagehall.events.models import Event
from villagehall.people.models import Organisation
from villagehall.projects.models import Project, ProjectPartner
from tests.factories import MembershipFactory, NeighbourhoodFactory, OrganisationFactory, PersonFactory

# The usual test window: the four weeks Monday 5 January to Sunday 1 February 2026,
# when London keeps GMT, so local times and UTC agree.
WEEKS = 4
UNTIL = date(2026, 2, 1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def week(index: int, *, days=0, hours=12) -> datetime:
    """Return an instant in week `index` of the usual window (0 is the week of 5 January)."""
    return utc(2026, 1, 5) + timedelta(weeks=index, days=days, hours=hours)


class Hall:
    """Builds a small council's world for a test, one readable line at a time."""

    def __init__(self, council, neighbourhood):
        self.council = council
        self.northfield = neighbourhood
        self._names = count(1)

    def neighbourhood(self, slug, **kwargs):
        return NeighbourhoodFactory(council=self.council, slug=slug, name=slug.title(), **kwargs)

    def service(self, slug):
        return OrganisationFactory(council=self.council, slug=slug, name=slug.title(), kind=Organisation.Kind.COUNCIL_SERVICE)

    def group(self, slug, kind=Organisation.Kind.COMMUNITY_GROUP):
        return OrganisationFactory(council=self.council, slug=slug, name=slug.title(), kind=kind)

    def person(self, name=None):
        return PersonFactory(display_name=name or f"Resident {next(self._names)}")

    def officer(self, service, name=None):
        return MembershipFactory(organisation=service, person=self.person(name or f"{service.slug} officer")).person

    def act(self, kind, *, by, at, acting_for=None, neighbourhood="default", group=None, thread=None,
            addressed_to=None, channel="online", event=None):
        if neighbourhood == "default":
            neighbourhood = thread.neighbourhood if thread is not None else self.northfield
        if group is None and thread is not None:
            group = thread.group
        return interaction_record(
            kind=kind, actor=by, at=at, acting_for=acting_for, neighbourhood=neighbourhood, group=group,
            thread=thread, addressed_to=addressed_to, channel=channel, event=event,
        )

    def post(self, *, by, at, **kwargs):
        return self.act("post", by=by, at=at, **kwargs)

    def comment(self, thread, *, by, at, **kwargs):
        return self.act("comment", by=by, at=at, thread=thread, **kwargs)

    def event(self, *, organiser, at, neighbourhood=None):
        return Event.objects.create(name="Litter pick", organiser=organiser, at=at, neighbourhood=neighbourhood or self.northfield)

    def project(self, *, partners, start, end=None, neighbourhood="default"):
        project = Project.objects.create(
            name="Community orchard", start=start, end=end,
            neighbourhood=self.northfield if neighbourhood == "default" else neighbourhood,
        )
        for organisation in partners:
            ProjectPartner.objects.create(project=project, organisation=organisation)
        return project


@pytest.fixture
def hall(scoped, neighbourhood):
    return Hall(scoped, neighbourhood)


@pytest.fixture(params=["events", "rollups", "rebuilt"])
def health(request, hall):
    """Return a function computing the council's figures for a window, three ways.

    From the interactions themselves (the definitions, line by line); from the rollups
    kept as each interaction was recorded; and from rollups rebuilt from scratch. Every
    test that asks for `health` checks all three against the same hand-worked numbers.
    """
    from villagehall.analytics.rollups import rollups_rebuild
    from villagehall.analytics.selectors import (
        relationship_health_for_council, relationship_health_recomputed_for_council,
    )

    def compute(weeks=WEEKS, until=UNTIL):
        if request.param == "events":
            return relationship_health_recomputed_for_council(council=hall.council, weeks=weeks, until=until)
        if request.param == "rebuilt":
            rollups_rebuild(council=hall.council)
        return relationship_health_for_council(council=hall.council, weeks=weeks, until=until)

    return compute
