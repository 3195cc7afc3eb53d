"""Interaction events: every meaningful act, the raw material of relationship health.

The fields follow ../shared/METRICS.md ("Terms") exactly.
"""

from django.conf import settings
from django.db import models

from villagehall.core.tenancy import CouncilOwned


class Interaction(CouncilOwned):
    class Kind(models.TextChoices):
        POST = "post", "Post"
        COMMENT = "comment", "Comment"
        RESPONSE = "response", "Official response"
        REACTION = "reaction", "Reaction"
        ATTENDANCE = "attendance", "Attendance"
        CONTACT = "contact", "Offline contact"
        SUPPORT = "support", "Support given"

    class Channel(models.TextChoices):
        ONLINE = "online", "Online"
        PHONE = "phone", "Phone"
        MEETING = "meeting", "Meeting"
        DROP_IN = "drop-in", "Drop-in"
        PAPER = "paper", "Paper"
        ASSISTED = "assisted", "Assisted"

    # The id an imported record had in its source; platform events have none.
    external_id = models.CharField(max_length=100, null=True, blank=True)
    at = models.DateTimeField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interactions")
    acting_for = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="interactions_as"
    )
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, blank=True, on_delete=models.PROTECT, related_name="interactions"
    )
    group = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="interactions_in",
        help_text="The community group or voluntary organisation whose space or project it happened in.",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    # The interaction of the post this belongs to; a post is its own thread.
    thread = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    addressed_to = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="interactions_addressed"
    )
    post = models.ForeignKey(
        "conversation.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The platform post this interaction concerns, when it happened on the platform.",
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions",
        help_text="The event attended, for attendance.",
    )

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "external_id"], condition=models.Q(external_id__isnull=False),
                name="interaction_external_id_once",
            ),
        ]
        indexes = [
            models.Index(fields=["council", "acting_for", "at"], name="interaction_by_service"),
            models.Index(fields=["council", "neighbourhood", "at"], name="interaction_by_place"),
            models.Index(fields=["council", "at"], name="interaction_by_time"),
            models.Index(fields=["thread", "at"], name="interaction_by_thread"),
        ]

    def __str__(self):
        return f"{self.kind} by {self.actor_id} at {self.at:%Y-%m-%d %H:%M}"


class ImportedRecord(CouncilOwned):
    """The record an id from an imported file became, so importing it again finds the same record."""

    class Type(models.TextChoices):
        PERSON = "person", "Person"
        PROJECT = "project", "Project"
        EVENT = "event", "Event"

    type = models.CharField(max_length=10, choices=Type.choices)
    external_id = models.CharField(max_length=100)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "type", "external_id"], name="imported_record_once"),
        ]

    def __str__(self):
        return f"{self.type} {self.external_id} → {self.object_id}"
