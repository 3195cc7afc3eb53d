"""Comments from guests: people without an account who give a name and an email address,
and confirm the address by opening a link before their comment appears."""

from django.db import models
from django.db.models import Q

from villagehall.core.tenancy import CouncilOwned


class GuestComment(CouncilOwned):
    """A comment from a guest, waiting for them to open the link emailed to them.

    It is kept apart from Comment until then, so nothing unconfirmed can reach a page, a
    list, a count, a feed or the council's figures. Opening the link makes it a Comment
    through the same service as any reply (guests.services.guest_comment_confirm); the
    row then forgets the name, address and text, and stays only until it would have
    expired, so a second use of the link can say that it was used. Only a hash of the
    link's secret is stored.
    """

    post = models.ForeignKey("conversation.Post", on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        "conversation.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="The comment this replies to, if any.",
    )
    name = models.CharField(max_length=80, blank=True)
    email = models.EmailField(blank=True, help_text="Kept only until the comment is confirmed or expires.")
    body = models.TextField(blank=True)
    secret_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    comment = models.OneToOneField(
        "conversation.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The comment it became once confirmed.",
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Sweeping out expired rows, across every council.
            models.Index(fields=["expires_at"], name="guest_comment_expiry"),
            # How many are waiting at one address.
            models.Index(fields=["email"], condition=Q(confirmed_at__isnull=True), name="guest_comment_waiting"),
        ]

    def __str__(self):
        return f"guest comment {self.pk} on post {self.post_id} ({'confirmed' if self.confirmed_at else 'waiting'})"
