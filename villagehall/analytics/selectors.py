"""Reads for relationship health."""

from datetime import date

from villagehall.analytics import metrics
from villagehall.analytics.models import ImportedRecord, Interaction
from villagehall.core.tenancy import council_scope
from villagehall.events.models import Event
from villagehall.people.models import Membership, Organisation, Person
from villagehall.places.models import Neighbourhood
from villagehall.projects.models import ProjectPartner, Project

FACT_FIELDS = (
    "id", "at", "kind", "actor_id", "acting_for_id", "neighbourhood_id", "group_id", "channel", "thread_id",
    "addressed_to_id", "event_id",
)


def health_window_for_council(*, council, weeks: int, until: date) -> metrics.Window:
    """Return the window of `weeks` weeks ending with the week containing `until`, in the council's zone."""
    return metrics.Window(weeks=weeks, until=until, time_zone=council.time_zone)


def health_facts_for_council(*, council, window: metrics.Window) -> metrics.CouncilFacts:
    """Load what the figures for the council and window are computed from."""
    with council_scope(council):
        organisations = [
            metrics.OrganisationFact(id=o.pk, slug=o.slug, name=o.name, kind=o.kind)
            for o in Organisation.objects.order_by("slug")
        ]
        services = [o for o in organisations if o.kind == metrics.SERVICE]
        officers: dict[int, set[int]] = {s.id: set() for s in services}
        for service_id, person_id in Membership.objects.filter(
            organisation__kind=Organisation.Kind.COUNCIL_SERVICE
        ).values_list("organisation_id", "person_id"):
            officers[service_id].add(person_id)
        partners: dict[int, set[int]] = {}
        for project_id, organisation_id in ProjectPartner.objects.values_list("project_id", "organisation_id"):
            partners.setdefault(project_id, set()).add(organisation_id)
        interactions = _interactions_for_window(window)
        event_ids = {f.event for f in interactions if f.event is not None}
        return metrics.CouncilFacts(
            council=council.slug,
            services=services,
            groups=[o for o in organisations if o.kind != metrics.SERVICE],
            neighbourhoods=[
                metrics.NeighbourhoodFact(
                    id=n.pk, slug=n.slug, name=n.name, population=n.population,
                    deprivation_decile=n.deprivation_decile,
                )
                for n in Neighbourhood.objects.order_by("slug")
            ],
            officers={service: frozenset(people) for service, people in officers.items()},
            handles=person_handles(person_ids=set().union(*officers.values())),
            projects=[
                metrics.ProjectFact(
                    id=p.pk, neighbourhood=p.neighbourhood_id, start=p.start, end=p.end,
                    partners=frozenset(partners.get(p.pk, ())),
                )
                for p in Project.objects.all()
            ],
            event_organisers=dict(Event.objects.filter(pk__in=event_ids).values_list("pk", "organiser_id")),
            interactions=interactions,
        )


def _interactions_for_window(window: metrics.Window) -> list[metrics.InteractionFact]:
    in_window = Interaction.objects.filter(at__gte=window.start, at__lt=window.end)
    # Reciprocity reads a thread's turns from its beginning, so threads that started
    # before the window bring their earlier turns with them.
    earlier_turns = Interaction.objects.filter(
        at__lt=window.start, kind__in=metrics.TURN_KINDS,
        thread_id__in=in_window.filter(thread__isnull=False).values("thread_id"),
    )
    rows = list(in_window.values_list(*FACT_FIELDS)) + list(earlier_turns.values_list(*FACT_FIELDS))
    return [metrics.InteractionFact(*row) for row in rows]


def person_handles(*, person_ids) -> dict[int, str]:
    """Return the id a report shows for each person: their imported id, else their username."""
    handles = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "username"))
    for external_id, person_id in ImportedRecord.objects.filter(
        type=ImportedRecord.Type.PERSON, object_id__in=person_ids
    ).values_list("external_id", "object_id"):
        handles[person_id] = external_id
    return handles


def relationship_health_for_council(*, council, weeks: int, until: date) -> metrics.Health:
    """Return every relationship-health figure for the council over the window."""
    window = health_window_for_council(council=council, weeks=weeks, until=until)
    return metrics.relationship_health(health_facts_for_council(council=council, window=window), window)
