"""Reports, moderators' actions (each one undoable), people's standing, new accounts,
the reasons moderators give and each council's moderation policy."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from villagehall.core.tenancy import CouncilOwned

TARGETS = ("post", "comment", "person")


def _exactly_one_target(name):
    return models.CheckConstraint(
        condition=(
            Q(post__isnull=False, comment__isnull=True, person__isnull=True)
            | Q(post__isnull=True, comment__isnull=False, person__isnull=True)
            | Q(post__isnull=True, comment__isnull=True, person__isnull=False)
        ),
        name=name,
    )


class TargetMixin:
    """A row about exactly one post, comment or person."""

    @property
    def target(self):
        return self.post or self.comment or self.person

    @property
    def target_type(self) -> str:
        return "post" if self.post_id else "comment" if self.comment_id else "person"

    @property
    def target_id(self) -> int:
        return self.post_id or self.comment_id or self.person_id


class Report(TargetMixin, CouncilOwned):
    """Someone asking the moderators to look at a post, a comment or a person."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Rude, abusive or bullying"
        HATE = "hate", "Hateful towards a group of people"
        UNSAFE = "unsafe", "Puts someone at risk"
        PRIVATE = "private", "Shares someone’s private information"
        OFF_TOPIC = "off_topic", "Does not belong here"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a moderator"
        ACTED_ON = "acted_on", "A moderator acted on it"
        DISMISSED = "dismissed", "A moderator found nothing to act on"

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey("conversation.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey("conversation.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        "ModerationAction", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports_closed"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["council", "created_at"], condition=Q(status="open"), name="report_open")]
        constraints = [_exactly_one_target("report_exactly_one_target")] + [
            # One open report per person per thing: reporting twice adds nothing.
            models.UniqueConstraint(
                fields=["reporter", target], condition=Q(status="open", **{f"{target}__isnull": False}),
                name=f"report_{target}_once_while_open",
            )
            for target in TARGETS
        ]

    def __str__(self):
        return f"Report of {self.target_type} {self.target_id}: {self.get_reason_display()}"


class ModerationAction(TargetMixin, CouncilOwned):
    """One thing a moderator did to a post, a comment or a person, with what it was before."""

    class Kind(models.TextChoices):
        HIDE = "hide", "Hide"
        RESTORE = "restore", "Show again"
        APPROVE = "approve", "Approve and publish"
        EDIT = "edit", "Edit with a note"
        HOLD = "hold", "Hold new posts for review"
        BLOCK = "block", "Block"
        RELEASE = "release", "Lift the hold or block"
        DISMISS = "dismiss", "Dismiss the reports"
        UNDO = "undo", "Undo"

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    post = models.ForeignKey("conversation.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey("conversation.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(help_text="What the author (or the person) was told.")
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    undoes = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [_exactly_one_target("moderation_action_exactly_one_target")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.target_type} {self.target_id}"

    def get_absolute_url(self):
        return reverse(f"moderate_{self.target_type}", kwargs={
            "council_slug": self.council_slug,
            ("username" if self.person_id else f"{self.target_type}_id"): (
                self.person.username if self.person_id else self.target_id
            ),
        })


class Standing(CouncilOwned):
    """A person whose new posts are held for review ("soft block"), or who is blocked, in one council."""

    class Level(models.TextChoices):
        HELD = "held", "New posts and replies wait for a moderator"
        BLOCKED = "blocked", "Blocked from taking part"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices)
    reason = models.TextField()
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "person"], name="one_standing_per_council")]

    def __str__(self):
        return f"{self.person}: {self.get_level_display()}"


class NewAccount(models.Model):
    """An account that joined through the sign-up form, with new-account limits until it has shown good faith.

    Not council-owned: an account is new (or not) everywhere.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="new_account"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.person} (new account)"


class ReasonTemplate(CouncilOwned):
    """A reason a council's moderators can give, in words the council chose."""

    title = models.CharField(max_length=80)
    text = models.TextField(max_length=1000, help_text="What the author is told. Plain words, said kindly.")

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["council", "title"], name="reason_title_per_council")]

    def __str__(self):
        return self.title


class ModerationPolicy(CouncilOwned):
    """A council's own moderation policy, shown to everyone."""

    text = models.TextField(help_text="Markdown.")
    text_html = models.TextField(editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name_plural = "moderation policies"
        constraints = [models.UniqueConstraint(fields=["council"], name="one_policy_per_council")]

    def __str__(self):
        return "Moderation policy"
