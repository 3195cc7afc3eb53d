"""A person's copies of their own data, made in the background and fetched once."""

from django.conf import settings
from django.db import models


class DataExport(models.Model):
    """One download of everything a person has given or that is about them, as JSON.

    The file sits under VILLAGEHALL_DATA_DIR/exports/ until it is downloaded once or
    expires, whichever is first. Only a hash of its link's token is stored.
    """

    class Status(models.TextChoices):
        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Ready to download"
        DOWNLOADED = "downloaded", "Downloaded"
        EXPIRED = "expired", "Expired"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    requested_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="When it was downloaded or expired.")
    token_hash = models.CharField(max_length=64, blank=True)
    file_name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="data_export_expiry")]

    def __str__(self):
        return f"data export {self.pk} ({self.status})"
