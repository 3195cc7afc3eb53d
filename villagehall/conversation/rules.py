"""Who may do what in the shared space: named rules used by pages, forms and commands."""

import rules

from villagehall.people.models import Membership
from villagehall.people.selectors import person_is_council_administrator


@rules.predicate
def is_author(person, post_or_comment):
    return post_or_comment is not None and post_or_comment.author_id == person.pk


@rules.predicate
def is_council_administrator(person):
    return person_is_council_administrator(person=person)


@rules.predicate
def comments_open(person, post):
    return not post.comments_closed


def may_speak_for(person, organisation) -> bool:
    """Return True if the person is a member of the organisation (and so may wear its badge)."""
    if organisation is None:
        return True
    return Membership.objects.filter(person=person, organisation=organisation).exists()


rules.add_perm("conversation.post_create", rules.is_authenticated)
rules.add_perm("conversation.comment_create", rules.is_authenticated & comments_open)
rules.add_perm("conversation.react", rules.is_authenticated)
rules.add_perm("conversation.follow", rules.is_authenticated)
# Moderators join this rule with the moderation work ("Identity, roles and trust").
rules.add_perm("conversation.post_close_comments", rules.is_authenticated & (is_author | is_council_administrator))
rules.add_perm("conversation.post_link", rules.is_authenticated & (is_author | is_council_administrator))
