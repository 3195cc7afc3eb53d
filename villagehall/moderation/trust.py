"""Trust levels, after Discourse: an account that joined through the sign-up form is
"new" for a while, and a new account can do a little less until it has shown good faith.

Every limit is a setting (villagehall/settings.py, explained in docs/moderation.md).
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from villagehall.moderation.models import NewAccount

# A link is anything a reader could follow or paste: markdown links, bare addresses.
LINK = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>()\[\]]+", re.IGNORECASE)
# Bios are plain text, so a bare domain ("cheap-pills.example") counts as a link there too.
DOMAIN = re.compile(r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|io|co|uk|ru|xyz|top|site|online|shop)\b", re.IGNORECASE)


class LimitReached(PermissionDenied):
    """A new account tried to do more than new accounts may."""


def links_in(text: str) -> int:
    """Return how many links the text holds."""
    return len(LINK.findall(text or ""))


def has_link(text: str) -> bool:
    """Return True if a plain text (such as a bio) holds a link or a bare web address."""
    return bool(LINK.search(text or "") or DOMAIN.search(text or ""))


def mark_signed_up_account_new(sender, request=None, user=None, **kwargs):
    """Give an account made through the sign-up form its new-account limits."""
    if user is not None:
        NewAccount.objects.get_or_create(person=user)


def _published_contributions(person) -> int:
    from villagehall.conversation.models import Comment, Post, State

    # An account is new or not everywhere, so its contributions count in every council.
    return (
        Post.dangerously_unscoped.filter(author=person, state=State.PUBLISHED).count()
        + Comment.dangerously_unscoped.filter(author=person, state=State.PUBLISHED).count()
    )


def person_is_new(*, person) -> bool:
    """Return True while a signed-up account still has new-account limits (and always for a guest)."""
    if not person.is_authenticated or person.is_superuser:
        return False
    if person.is_guest:
        # Someone who only ever confirmed an email address has shown nothing more.
        return True
    joined = NewAccount.objects.filter(person=person).values_list("joined_at", flat=True).first()
    if joined is None:
        return False
    from villagehall.people.models import CouncilRole, Membership

    # Someone in a group or service, or with a council role, anywhere, has been vouched for.
    if (
        Membership.dangerously_unscoped.filter(person=person).exists()
        or CouncilRole.dangerously_unscoped.filter(person=person).exists()
    ):
        return False
    if timezone.now() - joined < timedelta(days=settings.TRUST_NEW_ACCOUNT_DAYS):
        return True
    return _published_contributions(person) < settings.TRUST_NEW_ACCOUNT_POSTS_TO_LEAVE


def guest_text_check(*, text: str) -> None:
    """Apply the new-account link limit to a comment from a guest; raise LimitReached over it."""
    most = settings.TRUST_NEW_ACCOUNT_LINKS_PER_POST
    if links_in(text) > most:
        raise LimitReached(
            f"A comment from a guest can include at most {most} link{'s' if most != 1 else ''}. "
            "Please take some out, or sign in to write more."
        )


def contribution_check(*, person, kind: str, text: str) -> bool:
    """Apply new-account limits to a post or reply; return True if it must wait for a moderator.

    `kind` is "post" or "comment"; raises LimitReached when a new account may not add it.
    """
    if not person_is_new(person=person):
        return False
    from villagehall.conversation.models import Comment, Post

    links = links_in(text)
    most = settings.TRUST_NEW_ACCOUNT_LINKS_PER_POST
    if links > most:
        raise LimitReached(
            f"New accounts can include at most {most} link{'s' if most != 1 else ''} in a post or reply. "
            "Please take some out; this limit lifts after a few days."
        )
    model, per_day, word = (
        (Post, settings.TRUST_NEW_ACCOUNT_POSTS_PER_DAY, "posts")
        if kind == "post"
        else (Comment, settings.TRUST_NEW_ACCOUNT_REPLIES_PER_DAY, "replies")
    )
    since = timezone.now() - timedelta(days=1)
    if model.dangerously_unscoped.filter(author=person, created_at__gte=since).count() >= per_day:
        raise LimitReached(
            f"New accounts can write {per_day} {word} a day, and you have reached that for today. "
            "Please come back tomorrow; this limit lifts after a few days."
        )
    return bool(links) and settings.TRUST_HOLD_FIRST_POST_WITH_LINKS and _published_contributions(person) == 0
