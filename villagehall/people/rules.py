"""Who may grant badges, verified marks and council roles: named rules used by services, pages and the admin.

Also the rule every app's writes share: what others see waits until the person has
confirmed an email address (`has_verified_email`), and `email_confirmation_check` says so.
"""

import rules
from django.core.exceptions import PermissionDenied

from villagehall.core.permissions import read_once
from villagehall.people.selectors import person_administers_council, person_has_verified_email


class EmailNotConfirmed(PermissionDenied):
    """Refused only because the person has not confirmed an email address yet; pages link to sending it again."""


def email_confirmation_check(person, *, to: str) -> None:
    """Raise EmailNotConfirmed if the person is signed in but has not confirmed an email address.

    Services call it when a rule has said no, so the refusal names the one thing to do.
    """
    if person.is_authenticated and not person_has_verified_email(person=person):
        raise EmailNotConfirmed(
            f"Please confirm your email address to {to}: follow the link in the email we sent you when you joined."
        )


@rules.predicate
def administers_organisations_council(person, organisation):
    return organisation is not None and person_administers_council(person=person, council=organisation.council)


@rules.predicate
def has_verified_email(person):
    """For rules that wait until the person has confirmed an email address (or a trusted provider vouched for it)."""
    return read_once(("verified email", person.pk), lambda: person_has_verified_email(person=person))


@rules.predicate
def administers_council(person, council):
    return council is not None and person_administers_council(person=person, council=council)


# An officer's badge and an organisation's verified mark are never self-claimed: only
# an administrator of the organisation's council gives or takes them away.
rules.add_perm("people.officer_badge_grant", rules.is_authenticated & administers_organisations_council)
rules.add_perm("people.officer_badge_remove", rules.is_authenticated & administers_organisations_council)
rules.add_perm("people.organisation_verify", rules.is_authenticated & administers_organisations_council)
rules.add_perm("people.council_role_grant", rules.is_authenticated & administers_council)
rules.add_perm("people.council_email_domain_manage", rules.is_authenticated & administers_council)
