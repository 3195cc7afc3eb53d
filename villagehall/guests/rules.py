"""Who may comment as a guest, and who may let guests comment: named rules used by pages and services."""

import rules

from villagehall.guests.selectors import guest_comment_refusal
from villagehall.moderation.rules import is_council_administrator


@rules.predicate
def post_takes_guest_comments(person, post):
    return post is not None and guest_comment_refusal(post=post) is None


# Someone signed in replies as themselves; the guest form is for everyone else.
rules.add_perm("guests.comment", ~rules.is_authenticated & post_takes_guest_comments)
rules.add_perm("guests.allow_for_council", rules.is_authenticated & is_council_administrator)
