"""Who may give official responses: the officers of a council service."""

import rules

from villagehall.people.models import Membership, Organisation
from villagehall.people.rules import has_verified_email


@rules.predicate
def is_officer(person):
    return Membership.objects.filter(person=person, organisation__kind=Organisation.Kind.COUNCIL_SERVICE).exists()


def speaks_for_service(person, organisation) -> bool:
    """Return True if the organisation is a council service and the person one of its officers."""
    return (
        organisation is not None
        and organisation.kind == Organisation.Kind.COUNCIL_SERVICE
        and Membership.objects.filter(person=person, organisation=organisation).exists()
    )


# An official response is public writing: it waits for a confirmed email address, as a post does.
rules.add_perm("responses.respond", rules.is_authenticated & is_officer & has_verified_email)
