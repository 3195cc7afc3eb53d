"""In-app notices for a person: what happened that concerns them, with a link to it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from villagehall.core.tenancy import CouncilOwned


class Notification(CouncilOwned):
    """Something a person should know about, shown on their notifications page until read."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.TextField()
    link = models.CharField(max_length=500, blank=True, help_text="An address on this site, such as the post concerned.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["council", "person", "-created_at"], name="notification_newest"),
            # The header counts unread notices on every page a signed-in person sees.
            models.Index(fields=["council", "person"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
