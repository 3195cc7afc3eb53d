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


def person_administers_council(*, person, council) -> bool:
    """Return True if the person administers the given council (site administrators administer every council)."""
    return bool(person and person.is_authenticated and person.is_active) and (
        person.is_superuser
        or CouncilRole.dangerously_unscoped.filter(
            person=person, council=council, role=CouncilRole.Role.ADMINISTRATOR
        ).exists()
    )


def person_needs_second_factor(*, person) -> bool:
    """Return True if the person holds a role that must sign in with a second factor."""
    if not person.is_authenticated:
        return False
    return (
        person.is_superuser
        or person.is_staff
        or CouncilRole.dangerously_unscoped.filter(
            person=person, role__in=[CouncilRole.Role.ADMINISTRATOR, CouncilRole.Role.MODERATOR]
        ).exists()
    )


def person_has_verified_email(*, person) -> bool:
    """Return True if the person has confirmed at least one email address."""
    from allauth.account.models import EmailAddress

    if person.is_authenticated and person.is_guest:
        # A guest exists only once they have opened a link sent to their address (villagehall.guests).
        return True
    return person.is_authenticated and EmailAddress.objects.filter(user=person, verified=True).exists()


def display_name_is_retired(*, name) -> bool:
    """Return True if the name, once normalised, belongs to a deleted account and is still held back."""
    from django.utils import timezone

    from villagehall.people.models import RetiredName
    from villagehall.people.names import display_name_hash

    return RetiredName.objects.filter(name_hash=display_name_hash(name), retired_until__gt=timezone.now()).exists()
