"""Reads about people and organisations."""

from villagehall.people.models import CouncilRole, Membership, Organisation


def organisations_person_can_speak_for(*, person) -> list[Organisation]:
    """Return the organisations in the current council the person may speak for."""
    if not person.is_authenticated:
        return []
    return [
        membership.organisation
        for membership in Membership.objects.filter(person=person).select_related("organisation")
    ]


def person_is_council_administrator(*, person) -> bool:
    """Return True if the person administers the current council."""
    return person.is_authenticated and (
        person.is_superuser
        or CouncilRole.objects.filter(person=person, role=CouncilRole.Role.ADMINISTRATOR).exists()
    )


def council_services():
    """Return the current council's services, by name."""
    return Organisation.objects.filter(kind=Organisation.Kind.COUNCIL_SERVICE).order_by("name")
