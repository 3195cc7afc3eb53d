"""Writes for privacy: exports of a person's own data, and deleting an account.

An export is made in the background (django.tasks) and delivered through a link that
needs the person signed in, expires, and works once; only a hash of its token is kept.
Deleting an account removes personal data; what the person wrote stays only where
others replied to it, credited to "A former member".
"""

import hashlib
import hmac
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from villagehall.privacy.models import DataExport
from villagehall.privacy.selectors import personal_data

EXPORTS_PER_DAY = 5


class ExportUnavailable(Exception):
    """The download link is wrong, used or expired."""


def exports_dir() -> Path:
    """Return the folder export files are written to, created if missing and readable by this user only."""
    folder = Path(settings.DATA_DIR) / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _remove_file(export: DataExport) -> None:
    if export.file_name:
        (exports_dir() / export.file_name).unlink(missing_ok=True)


@transaction.atomic
def data_export_request(*, person, base_url: str) -> DataExport:
    """Start making a copy of the person's data; they get an email with the link when it is ready."""
    from villagehall.privacy.tasks import data_export_build_task

    if not person.is_authenticated or not person.is_active:
        raise PermissionDenied("Sign in to download your data.")
    # Lock the person's row so two clicks make one export, not two.
    get_user_model().objects.select_for_update().get(pk=person.pk)
    preparing = DataExport.objects.filter(person=person, status=DataExport.Status.PREPARING).first()
    if preparing is not None:
        return preparing
    recent = DataExport.objects.filter(person=person, requested_at__gte=timezone.now() - timedelta(days=1)).count()
    if recent >= EXPORTS_PER_DAY:
        raise ValidationError("You have asked for several downloads today. Please use the latest, or try again tomorrow.")
    # A new copy replaces any earlier one still waiting to be downloaded.
    for earlier in DataExport.objects.filter(person=person, status=DataExport.Status.READY):
        _expire(earlier)
    export = DataExport.objects.create(person=person)
    transaction.on_commit(lambda: data_export_build_task.enqueue(export_id=export.pk, base_url=base_url))
    return export


def data_export_build(*, export_id: int, base_url: str) -> DataExport | None:
    """Write the export file, then email its one-time link. Run by the background task."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().select_related("person").filter(
            pk=export_id, status=DataExport.Status.PREPARING,
        ).first()
        if export is None:
            return None
        person = export.person
        content = json.dumps(personal_data(person=person), ensure_ascii=False, indent=1)
        token = secrets.token_urlsafe(32)
        file_name = f"{secrets.token_hex(16)}.json"
        path = exports_dir() / file_name
        # Created readable by this user only; nobody else on the machine needs it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(content)
        now = timezone.now()
        export.status, export.file_name, export.token_hash = DataExport.Status.READY, file_name, _token_hash(token)
        export.ready_at, export.expires_at = now, now + timedelta(hours=settings.DATA_EXPORT_LINK_HOURS)
        export.save(update_fields=["status", "file_name", "token_hash", "ready_at", "expires_at"])
        link = base_url.rstrip("/") + reverse("privacy_export_download", kwargs={"export_id": export.pk, "token": token})
        transaction.on_commit(lambda: _send_export_ready(person=person, export=export, link=link))
        transaction.on_commit(lambda: _schedule_expiry(export))
    return export


def _send_export_ready(*, person, export, link):
    context = {"person": person, "export": export, "link": link, "hours": settings.DATA_EXPORT_LINK_HOURS}
    send_mail(
        subject="Your Village Hall data is ready to download",
        message=render_to_string("privacy/email/export_ready.txt", context),
        from_email=None,
        recipient_list=[person.email],
    )


def _schedule_expiry(export):
    from django.tasks import task_backends

    from villagehall.privacy.tasks import data_exports_expire_task

    # A backend that can wait (the database one) removes the file on time; without one,
    # the privacy page and `villagehall privacy_sweep` remove it when they next run.
    if task_backends[data_exports_expire_task.backend].supports_defer:
        data_exports_expire_task.using(run_after=export.expires_at).enqueue()


def _expire(export: DataExport) -> None:
    _remove_file(export)
    export.status, export.token_hash, export.finished_at = DataExport.Status.EXPIRED, "", timezone.now()
    export.save(update_fields=["status", "token_hash", "finished_at"])


@transaction.atomic
def data_exports_expire() -> int:
    """Delete the files of exports whose links have expired. Return how many."""
    expired = DataExport.objects.select_for_update().filter(
        status=DataExport.Status.READY, expires_at__lte=timezone.now()
    )
    count = 0
    for export in expired:
        _expire(export)
        count += 1
    return count


def data_export_check(*, person, export_id: int, token: str) -> DataExport:
    """Return the export if the link is the person's own and still usable, else raise ExportUnavailable."""
    export = DataExport.objects.filter(pk=export_id, person=person).first()
    if (
        export is None
        or export.status != DataExport.Status.READY
        or not hmac.compare_digest(export.token_hash, _token_hash(token))
    ):
        raise ExportUnavailable
    if export.expires_at <= timezone.now():
        with transaction.atomic():
            _expire(export)
        raise ExportUnavailable
    return export


def data_export_download(*, person, export_id: int, token: str) -> bytes:
    """Return the export's content once, then delete its file: the link works a single time."""
    with transaction.atomic():
        data_export_check(person=person, export_id=export_id, token=token)
        # Locked and checked again, so two downloads at once give the file to only one.
        export = DataExport.objects.select_for_update().get(pk=export_id)
        if export.status != DataExport.Status.READY:
            raise ExportUnavailable
        try:
            content = (exports_dir() / export.file_name).read_bytes()
        except FileNotFoundError:
            raise ExportUnavailable from None
        export.status, export.token_hash, export.finished_at = DataExport.Status.DOWNLOADED, "", timezone.now()
        export.save(update_fields=["status", "token_hash", "finished_at"])
        # Deleted now rather than after commit: a file that outlives its record is the worse failure.
        _remove_file(export)
    return content


# Deleting an account.

def _deletable_alone(obj, allowed: set) -> bool:
    """Return True if deleting obj would take nothing with it but rows of the allowed models."""
    collector = Collector(using="default")
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError):
        return False
    if any(model not in allowed for model, instances in collector.data.items() if instances):
        return False
    return not any(qs.model not in allowed and qs.exists() for qs in collector.fast_deletes)


def _take_back_reactions(person):
    from villagehall.conversation.models import Comment, Post, Reaction

    fields = {Reaction.Kind.LIKE: "like_count", Reaction.Kind.THANKS: "thanks_count"}
    for reaction in Reaction.dangerously_unscoped.filter(person=person):
        field = fields[reaction.kind]
        if reaction.comment_id:
            Comment.dangerously_unscoped.filter(pk=reaction.comment_id).update(**{field: F(field) - 1})
        else:
            Post.dangerously_unscoped.filter(pk=reaction.post_id).update(**{field: F(field) - 1})
        reaction.delete()


def unanswered_comments_remove(*, author) -> tuple[int, int]:
    """Delete the author's comments that nobody replied to and nothing else depends on; return (removed, kept)."""
    from villagehall.conversation.models import Comment, Post, Reaction
    from villagehall.conversation.services import COUNTED_STATES

    removed = kept = 0
    # Deepest first, so a reply of their own to their own comment does not keep it.
    for comment in Comment.dangerously_unscoped.filter(author=author).order_by("-depth", "-created_at"):
        has_replies = Comment.dangerously_unscoped.filter(parent=comment).exists()
        if has_replies or not _deletable_alone(comment, {Comment, Reaction}):
            kept += 1
            continue
        if comment.state in COUNTED_STATES:
            Post.dangerously_unscoped.filter(pk=comment.post_id).update(comment_count=F("comment_count") - 1)
        comment.delete()
        removed += 1
    return removed, kept


def _remove_unanswered_writing(person) -> tuple[int, int]:
    from villagehall.conversation.models import Comment, Follow, Post, PostLink, Reaction

    removed_comments, _ = unanswered_comments_remove(author=person)
    removed_posts = 0
    for post in Post.dangerously_unscoped.filter(author=person):
        has_replies = Comment.dangerously_unscoped.filter(post=post).exists()
        if has_replies or not _deletable_alone(post, {Post, Reaction, PostLink, Follow}):
            continue
        post.delete()
        removed_posts += 1
    return removed_posts, removed_comments


def _remove_sign_in(person):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    EmailAddress.objects.filter(user=person).delete()
    SocialAccount.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    for export in DataExport.objects.filter(person=person):
        _remove_file(export)
    DataExport.objects.filter(person=person).delete()


@transaction.atomic
def account_delete(*, person, confirm_email: str) -> None:
    """Delete the person's account: personal data goes, writing others replied to stays as “A former member”."""
    from villagehall.conversation.models import Follow
    from villagehall.core.models import AuditEntry
    from villagehall.core.page_cache import council_content_changed
    from villagehall.people.names import FORMER_MEMBER_NAME
    from villagehall.people.services import display_name_retire, person_places_and_roles_remove

    if not person.is_authenticated or not person.is_active:
        raise PermissionDenied("Sign in to delete your account.")
    if (confirm_email or "").strip().casefold() != person.email.casefold():
        raise ValidationError("Type the email address you sign in with, exactly, to confirm.")
    person = get_user_model().objects.select_for_update().get(pk=person.pk)
    old_email, old_name = person.email, person.display_name

    display_name_retire(name=old_name)
    _take_back_reactions(person)
    Follow.dangerously_unscoped.filter(follower=person).delete()
    Follow.dangerously_unscoped.filter(person=person).delete()
    _remove_unanswered_writing(person)
    person_places_and_roles_remove(person=person, reason="The account was deleted.")
    _remove_sign_in(person)

    # The row stays, emptied, so what others replied to keeps an author and the
    # council's figures keep their count; nothing in it points back to the person.
    handle = f"former-{secrets.token_hex(6)}"
    person.username, person.email = handle, f"{handle}@deleted.invalid"
    person.display_name, person.bio, person.first_name, person.last_name = FORMER_MEMBER_NAME, "", "", ""
    person.is_active = person.is_staff = person.is_superuser = False
    person.last_login = None
    person.date_joined = timezone.now()
    person.set_unusable_password()  # also ends every session: they were keyed to the old password
    person.save()
    person.groups.clear()
    person.user_permissions.clear()
    # The audit log keeps what staff did, but the name it copied of the person it was
    # done to is personal data the person asked to be rid of.
    AuditEntry.dangerously_unscoped.filter(target_type="people.person", target_id=str(person.pk)).update(
        target_label=FORMER_MEMBER_NAME
    )
    council_content_changed(every_council=True)
    transaction.on_commit(lambda: _send_account_deleted(email=old_email, name=old_name))


def _send_account_deleted(*, email, name):
    send_mail(
        subject="Your Village Hall account has been deleted",
        message=render_to_string("privacy/email/account_deleted.txt", {"name": name}),
        from_email=None,
        recipient_list=[email],
    )
