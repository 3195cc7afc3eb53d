"""Writes for notifications.

A notice is written in the same transaction as the action it tells of, so it exists if
and only if the action does. Email (a later addition) belongs in `transaction.on_commit`.
"""

from django.db import transaction
from django.utils import timezone

from villagehall.core.tenancy import require_current_council
from villagehall.notifications.models import Notification


def notification_send(*, person, text: str, link: str = "", council=None) -> Notification:
    """Tell a person something in the current council (or the one given), in the caller's transaction."""
    return Notification.dangerously_unscoped.create(
        council=council or require_current_council(), person=person, text=text, link=link[:500],
    )


@transaction.atomic
def notifications_mark_read(*, person) -> int:
    """Mark all the person's notifications in the current council as read; return how many."""
    if not person.is_authenticated:
        return 0
    return Notification.objects.filter(person=person, read_at__isnull=True).update(read_at=timezone.now())
