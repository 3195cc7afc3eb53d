"""Who may do what in the shared space: named rules used by pages, forms and commands."""

import rules

from villagehall.moderation.rules import is_blocked, is_council_administrator, is_moderator
from villagehall.people.models import Membership, Organisation
from villagehall.people.rules import has_verified_email


@rules.predicate
def is_author(person, post_or_comment):
    return post_or_comment is not None and post_or_comment.author_id == person.pk


@rules.predicate
def comments_open(person, post):
    return not post.comments_closed


@rules.predicate
def is_organisation_admin(person, organisation):
    return Membership.objects.filter(person=person, organisation=organisation, role=Membership.Role.ADMIN).exists()


@rules.predicate
def is_not_a_service(person, organisation):
    # A council service speaks in public: its page is never members-only.
    return organisation.kind != Organisation.Kind.COUNCIL_SERVICE


def may_speak_for(person, organisation) -> bool:
    """Return True if the person is a member of the organisation (and so may wear its badge)."""
    if organisation is None:
        return True
    return Membership.objects.filter(person=person, organisation=organisation).exists()


# Taking part waits until the person has confirmed an email address; a blocked person
# (moderation) reads like anyone else but does not take part.
takes_part = rules.is_authenticated & has_verified_email & ~is_blocked

rules.add_perm("conversation.post_create", takes_part)
rules.add_perm("conversation.comment_create", takes_part & comments_open)
rules.add_perm("conversation.react", takes_part)
rules.add_perm("conversation.follow", rules.is_authenticated)
rules.add_perm("conversation.post_close_comments", rules.is_authenticated & (is_author | is_moderator))
rules.add_perm("conversation.post_link", rules.is_authenticated & (is_author | is_moderator))
rules.add_perm("conversation.moderate", rules.is_authenticated & is_moderator)
rules.add_perm(
    "conversation.organisation_set_visibility",
    rules.is_authenticated & is_not_a_service & (is_organisation_admin | is_council_administrator),
)
