"""Who may grant badges, verified marks and council roles: named rules used by services, pages and the admin."""

import rules

from villagehall.people.selectors import person_administers_council, person_has_verified_email


@rules.predicate
def administers_organisations_council(person, organisation):
    return organisation is not None and person_administers_council(person=person, council=organisation.council)


@rules.predicate
def has_verified_email(person):
    """For rules that should wait until the person has confirmed an email address."""
    return person_has_verified_email(person=person)


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
