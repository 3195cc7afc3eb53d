"""Reads for notifications."""

from django.conf import settings
from django.core.paginator import Paginator

from villagehall.notifications.models import Notification


def notifications_for(*, person, page=1):
    """Return a page of the person's notifications in the current council, newest first."""
    return Paginator(Notification.objects.filter(person=person), settings.FEED_PAGE_SIZE).get_page(page)


def unread_count(*, person) -> int:
    """Return how many of the person's notifications in the current council are unread."""
    if not person.is_authenticated:
        return 0
    return Notification.objects.filter(person=person, read_at__isnull=True).count()
