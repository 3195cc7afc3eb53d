"""Who may report and who may moderate: named rules used by pages, forms and services."""

import rules

from villagehall.moderation.models import Standing
from villagehall.moderation.selectors import person_is_moderator, standing_of
from villagehall.people.rules import has_verified_email
from villagehall.people.selectors import person_is_council_administrator


@rules.predicate
def is_moderator(person):
    return person_is_moderator(person=person)


@rules.predicate
def is_council_administrator(person):
    return person_is_council_administrator(person=person)


@rules.predicate
def is_blocked(person):
    standing = standing_of(person=person)
    return standing is not None and standing.level == Standing.Level.BLOCKED


# Reporting waits for a confirmed email address, as posting does. A moderator's and an
# administrator's own actions do not: a council administrator gave them the role.
rules.add_perm("moderation.report", rules.is_authenticated & has_verified_email & ~is_blocked)
rules.add_perm("moderation.moderate", rules.is_authenticated & is_moderator)
rules.add_perm("moderation.view_audit_log", rules.is_authenticated & is_council_administrator)
rules.add_perm("moderation.edit_reasons", rules.is_authenticated & is_council_administrator)
rules.add_perm("moderation.edit_policy", rules.is_authenticated & is_council_administrator)
