"""Reads for guest comments: whether a post takes them, and who a guest is."""

import hashlib
import hmac

from django.conf import settings

from villagehall.conversation.models import State
from villagehall.conversation.selectors import in_members_only_space
from villagehall.core.tenancy import current_council

GUEST_HANDLE_PREFIX = "guest_"


def normalise_email(address: str) -> str:
    """Return the address as Village Hall compares it: trimmed, and the same in any case."""
    return (address or "").strip().lower()


def _handle(email: str, secret_key: str) -> str:
    key = f"villagehall.guests:{secret_key}".encode()
    digest = hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()
    return f"{GUEST_HANDLE_PREFIX}{digest[:32]}"


def guest_handle(*, email: str) -> str:
    """Return the handle of the guest who uses this address: a keyed hash, so it does not give the address back.

    A sign-up handle is letters, digits and one hyphen, so it can never look like this.
    """
    return _handle(email, settings.SECRET_KEY)


def guest_handles(*, email: str) -> list[str]:
    """Return the handles this address has had: under SECRET_KEY first, then under each of SECRET_KEY_FALLBACKS,
    so a guest is still found (and can still be removed) after the key is changed."""
    return [_handle(email, key) for key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]]


def guest_person_for(*, email: str):
    """Return the guest who confirmed this address, or None."""
    from villagehall.people.models import Person

    guests = {p.username: p for p in Person.objects.filter(username__in=guest_handles(email=email), is_guest=True)}
    return next((guests[handle] for handle in guest_handles(email=email) if handle in guests), None)


def _council_of(post):
    council = current_council()
    return council if council is not None and council.pk == post.council_id else post.council


def guest_comment_refusal(*, post, parent=None) -> str | None:
    """Return why a guest may not reply to the post (or to `parent` on it), or None if they may."""
    if not _council_of(post).guest_comments:
        return "This council takes comments only from people who are signed in."
    if in_members_only_space(post):
        return "Only members can reply here."
    if post.state != State.PUBLISHED:
        return "This post is not open for replies."
    if post.comments_closed:
        return "Comments are closed on this post."
    if parent is not None and (parent.post_id != post.pk or parent.state != State.PUBLISHED):
        return "That comment cannot take replies."
    return None


def guest_comments_by_addresses(*, emails) -> list:
    """Return the comments written as a guest with any of these addresses, in every council, oldest first."""
    from villagehall.conversation.models import Comment

    handles = [handle for email in emails for handle in guest_handles(email=email)]
    if not handles:
        return []
    return list(
        Comment.dangerously_unscoped.filter(author__username__in=handles, author__is_guest=True)
        .select_related("council", "post", "author").order_by("created_at", "id")
    )
