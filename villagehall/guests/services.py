"""Writes for guest comments: taking one, publishing it when the emailed link is opened,
sweeping out the ones never confirmed, removing a guest's details when they ask, and the
council's switch.

A guest is a Person (`is_guest`, an unusable password, an address that cannot receive
mail, a handle that is a keyed hash of their email address), not a name and an address
on Comment, because:

- every reply has an author, and every interaction the council counts has an actor:
  "people reached" and "participants" count distinct people, so a guest who writes three
  times must count once. One guest per email address gives exactly that;
- the moderation pipeline then works unchanged: a first comment with links is held, a
  comment can be reported, hidden or edited, and a guest can be held or blocked (by
  address) in a council like anyone;
- every page already shows `author.display_name`, escaped like any name.

The guest's Person never holds the address itself, only the hash; the address is kept
on the waiting GuestComment until the link is opened or expires, and no longer.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from villagehall.conversation import services as conversation
from villagehall.conversation.models import Comment, Post
from villagehall.core.audit import audit_record
from villagehall.core.page_cache import council_content_changed
from villagehall.core.tenancy import require_current_council
from villagehall.guests.models import GuestComment
from villagehall.guests.selectors import guest_comment_refusal, guest_handle, guest_person_for, normalise_email
from villagehall.moderation.models import Standing
from villagehall.moderation.selectors import standing_of
from villagehall.moderation.trust import guest_text_check, has_link
from villagehall.people.models import Person
from villagehall.people.names import FORMER_MEMBER_NAME
from villagehall.people.services import display_name_check
from villagehall.places.models import Council

SIGNING_SALT = "villagehall.guests.confirm"
NAME_MAX_LENGTH = 80


class GuestLinkUnusable(Exception):
    """The link is not one Village Hall sent, has expired, or its comment was deleted."""


class GuestLinkUsed(Exception):
    """The link has been used: the comment is up, or waiting for a moderator."""

    def __init__(self, comment):
        super().__init__("This link has been used already.")
        self.comment = comment


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _clean_name(name: str) -> str:
    name = display_name_check(name=name)
    if not name:
        raise ValidationError("Give the name to show with your comment.")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(f"Keep your name to {NAME_MAX_LENGTH} characters.")
    if has_link(name):
        raise ValidationError("A name cannot hold a web address.")
    return name


def _clean_email(email: str) -> str:
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError("Give an email address we can send the link to, such as name@example.org.") from None
    return email


def _clean_body(body: str) -> str:
    if not (body or "").strip():
        raise ValidationError("Write something in your comment.")
    if len(body) > settings.COMMENT_BODY_MAX_LENGTH:
        raise ValidationError(f"Keep your comment to {settings.COMMENT_BODY_MAX_LENGTH:,} characters.")
    guest_text_check(text=body)
    return body


@transaction.atomic
def guest_comment_submit(*, requester, post, name, email, body, parent=None, base_url: str) -> GuestComment:
    """Take a comment from someone without an account and email them the link that publishes it.

    Nothing shows, counts or is recorded until the link is opened (guest_comment_confirm).
    """
    if requester.is_authenticated:
        raise PermissionDenied("You are signed in, so reply as yourself.")
    if refusal := guest_comment_refusal(post=post, parent=parent):
        raise PermissionDenied(refusal)
    name, email, body = _clean_name(name), _clean_email(email), _clean_body(body)
    now = timezone.now()
    guest_comments_expire(now=now)
    waiting = GuestComment.dangerously_unscoped.filter(email=email, confirmed_at__isnull=True, expires_at__gt=now)
    if waiting.count() >= settings.TRUST_GUEST_COMMENTS_WAITING_PER_EMAIL:
        raise ValidationError(
            "Comments from this email address are already waiting for their links to be opened. "
            "Please open the links in your email first, or try again later."
        )
    secret = secrets.token_urlsafe(24)
    hours = settings.GUEST_COMMENT_HOURS
    pending = GuestComment.objects.create(
        post=post, parent=parent, name=name, email=email, body=body, secret_hash=_secret_hash(secret),
        created_at=now, expires_at=now + timedelta(hours=hours),
    )
    # Signed, so the link says which comment it is for and cannot be altered; the secret's
    # hash is cleared once the link is used, so it works once.
    signed = signing.dumps([pending.pk, secret], salt=SIGNING_SALT)
    link = base_url.rstrip("/") + reverse(
        "guest_comment_confirm", kwargs={"council_slug": post.council_slug, "signed": signed}
    )
    council = post.council
    transaction.on_commit(lambda: _send_confirmation(email=email, post=post, council=council, link=link, hours=hours))
    transaction.on_commit(lambda: _schedule_expiry(pending))
    return pending


def _schedule_expiry(pending):
    from django.tasks import task_backends

    from villagehall.guests.tasks import guest_comments_expire_task

    # A backend that can wait (the database one) deletes it on time; otherwise the next
    # guest comment, or `villagehall privacy_sweep`, does.
    if task_backends[guest_comments_expire_task.backend].supports_defer:
        guest_comments_expire_task.using(run_after=pending.expires_at).enqueue()


def _send_confirmation(*, email, post, council, link, hours):
    # Neither the name nor the comment goes in the email: both are whatever was typed, and
    # the form must not become a way to send anyone a message of one's choosing.
    context = {"post": post, "council": council, "link": link, "hours": hours}
    send_mail(
        subject=f"Confirm your comment on “{post.title}”",
        message=render_to_string("guests/email/confirm.txt", context),
        from_email=None,
        recipient_list=[email],
    )


def _unsign(signed: str) -> tuple[int, str]:
    try:
        pk, secret = signing.loads(signed, salt=SIGNING_SALT, max_age=timedelta(hours=settings.GUEST_COMMENT_HOURS))
    except signing.SignatureExpired:
        raise GuestLinkUnusable("This link has expired.") from None
    except (signing.BadSignature, TypeError, ValueError):
        raise GuestLinkUnusable("This link is not one we sent, or it was not copied whole.") from None
    return int(pk), str(secret)


def guest_comment_check(*, signed: str) -> GuestComment:
    """Return the waiting comment the link publishes; raise GuestLinkUsed or GuestLinkUnusable if there is none."""
    pk, secret = _unsign(signed)
    pending = GuestComment.objects.select_related("post", "parent").filter(pk=pk).first()
    if pending is None:
        raise GuestLinkUnusable("This link has expired.")
    if pending.confirmed_at is not None:
        raise GuestLinkUsed(pending.comment)
    if pending.expires_at <= timezone.now():
        raise GuestLinkUnusable("This link has expired.")
    if not hmac.compare_digest(pending.secret_hash, _secret_hash(secret)):
        raise GuestLinkUnusable("This link is not one we sent, or it was not copied whole.")
    return pending


def guest_for_address(*, email: str, name: str) -> Person:
    """Return the guest who uses this address, made if new, showing the name they gave last.

    Only for an address someone has shown is theirs (by opening the link), or in the demo.
    """
    handle = guest_handle(email=email)
    earlier = guest_person_for(email=email)
    if earlier is not None and earlier.username != handle:
        # Known under a key since replaced (SECRET_KEY_FALLBACKS): the same guest, under today's handle.
        earlier.username, earlier.email = handle, f"{handle}@guest.invalid"
        earlier.save(update_fields=["username", "email"])
    guest, created = Person.objects.get_or_create(
        username=handle,
        defaults={
            "email": f"{handle}@guest.invalid", "display_name": name, "is_guest": True,
            "password": make_password(None),
        },
    )
    if not guest.is_guest or not guest.is_active:
        raise PermissionDenied("Comments cannot be taken from this address.")
    if not created and guest.display_name != name:
        # The name shows on every comment from this address, in every council.
        guest.display_name = name
        guest.save(update_fields=["display_name"])
        council_content_changed(every_council=True)
    return guest


def _refuse_unless_guest_may_take_part(guest):
    standing = standing_of(person=guest)
    if standing is not None and standing.level == Standing.Level.BLOCKED:
        raise PermissionDenied(
            "A moderator has stopped comments from this email address in this council, so this was not added."
        )
    per_day = settings.TRUST_NEW_ACCOUNT_REPLIES_PER_DAY
    since = timezone.now() - timedelta(days=1)
    if Comment.dangerously_unscoped.filter(author=guest, created_at__gte=since).count() >= per_day:
        raise PermissionDenied(
            f"Guests can write {per_day} comments a day from one email address, and this one has reached that "
            "for today. Please come back tomorrow, or join to write more."
        )


@transaction.atomic
def guest_comment_confirm(*, signed: str) -> Comment:
    """Publish the guest's comment the link is for (or hold it for a moderator), once."""
    pending = guest_comment_check(signed=signed)
    # Locked and checked again, so two clicks on the link make one comment.
    pending = GuestComment.objects.select_for_update(of=("self",)).select_related("parent").get(pk=pending.pk)
    if pending.confirmed_at is not None:
        raise GuestLinkUsed(pending.comment)
    post = Post.objects.select_related("organisation").get(pk=pending.post_id)
    if refusal := guest_comment_refusal(post=post, parent=pending.parent):
        raise PermissionDenied(refusal)
    guest = guest_for_address(email=pending.email, name=pending.name)
    _refuse_unless_guest_may_take_part(guest)
    # The same service as any reply: a first comment with links (or from a held guest)
    # waits for a moderator; a published one is counted, recorded and refreshes pages.
    comment = conversation.comment_create(author=guest, post=post, body=pending.body, parent=pending.parent)
    pending.comment, pending.confirmed_at = comment, timezone.now()
    pending.name = pending.email = pending.body = pending.secret_hash = ""
    pending.save(update_fields=["comment", "confirmed_at", "name", "email", "body", "secret_hash"])
    return comment


def guest_comments_expire(*, now=None) -> int:
    """Delete guest comments whose links expired unopened (with the name and address given), and the
    emptied records of links already used. Return how many unconfirmed comments went."""
    expired = GuestComment.dangerously_unscoped.filter(expires_at__lte=now or timezone.now())
    unconfirmed = expired.filter(confirmed_at__isnull=True).count()
    expired.delete()
    return unconfirmed


@dataclass
class GuestRemoval:
    waiting: int = 0  # comments never confirmed
    removed: int = 0  # comments deleted
    kept: int = 0  # comments others replied to, now credited to "A former member"


@transaction.atomic
def guest_details_remove(*, email: str) -> GuestRemoval:
    """Remove what Village Hall holds about the guest who used this address, in every council.

    Comments waiting for their link go, with the name and address. Confirmed comments
    nobody replied to are deleted; those others replied to stay, so the conversation still
    makes sense, credited to "A former member". The council's interaction records stay,
    without anything that points back to the person, as for a deleted account.
    """
    # Writing goes by the same rule as an account's deletion.
    from villagehall.privacy.services import unanswered_comments_remove

    email = normalise_email(email)
    result = GuestRemoval()
    result.waiting, _ = GuestComment.dangerously_unscoped.filter(email=email, confirmed_at__isnull=True).delete()
    guest = guest_person_for(email=email)
    if guest is None:
        return result
    guest = Person.objects.select_for_update().get(pk=guest.pk)
    result.removed, result.kept = unanswered_comments_remove(author=guest)
    handle = f"former-{secrets.token_hex(6)}"
    guest.username, guest.email, guest.display_name = handle, f"{handle}@deleted.invalid", FORMER_MEMBER_NAME
    guest.is_active = False
    guest.save(update_fields=["username", "email", "display_name", "is_active"])
    council_content_changed(every_council=True)
    return result


@transaction.atomic
def council_guest_comments_set(*, person, allowed: bool, reason: str = "") -> Council:
    """Let guests comment in the current council, or stop them; the change is in the audit log."""
    if not person.has_perm("guests.allow_for_council"):
        raise PermissionDenied("Only a council administrator can change who may comment.")
    council = Council.objects.select_for_update().get(pk=require_current_council().pk)
    if council.guest_comments == allowed:
        return council
    council.guest_comments = allowed
    council.save(update_fields=["guest_comments"])
    audit_record(
        actor=person, action="council.guest_comments", target=council, reason=reason, council=council,
        before={"guest_comments": not allowed}, after={"guest_comments": allowed},
    )
    # Every cached post page shows, or stops showing, the guest form.
    council_content_changed(council=council)
    return council
