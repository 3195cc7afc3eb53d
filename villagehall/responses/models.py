"""Official responses: a council service's answer to a post, its status and its history."""

from django.conf import settings
from django.db import models

from villagehall.core.tenancy import CouncilOwned


class OfficialResponse(CouncilOwned):
    """A service's answer to a question or request, with its current status."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        WONT_DO = "wont_do", "Won’t do"

    post = models.ForeignKey("conversation.Post", on_delete=models.CASCADE, related_name="official_responses")
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.RESTRICT, related_name="official_responses",
        limit_choices_to={"kind": "council_service"},
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "organisation"], name="one_official_response_per_service"),
        ]
        indexes = [models.Index(fields=["council", "organisation", "created_at"], name="response_by_service")]

    def __str__(self):
        return f"{self.organisation} on {self.post_id}: {self.status}"

    @property
    def history(self) -> list:
        """Return every entry, oldest first (from the prefetched updates when there are some)."""
        return list(self.updates.all())

    @property
    def latest(self):
        """Return the latest entry: what the service says now."""
        entries = self.history
        return entries[-1] if entries else None


class ResponseUpdate(CouncilOwned):
    """One entry in a response's history: the first answer, then each progress update."""

    response = models.ForeignKey(OfficialResponse, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=OfficialResponse.Status.choices)
    body = models.TextField()
    body_html = models.TextField(editable=False)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.response}: {self.status} at {self.at:%Y-%m-%d %H:%M}"


class ResponseNotice(CouncilOwned):
    """An in-app notice to someone following a post that a service has responded on it."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="response_notices")
    update = models.ForeignKey(ResponseUpdate, on_delete=models.CASCADE, related_name="notices")
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "update"], name="one_notice_per_update")]
        indexes = [models.Index(fields=["council", "person", "seen_at"], name="notice_by_person")]
