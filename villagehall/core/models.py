"""What every app shares: the council's audit log, and the sessions of people signed in."""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from villagehall.core.tenancy import CouncilOwned


class AuditEntry(CouncilOwned):
    """One action by a moderator or an administrator: who, what, when, why, and before and after.

    Entries are only ever added (by `core.audit.audit_record`), never changed. The actor's
    name and the target's label are copied in, so the record still reads the same after
    the person or the thing is gone.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, help_text="What was done, such as “post.hide” or “badge.grant”.")
    target_type = models.CharField(max_length=64, blank=True, help_text="The kind of thing, such as “conversation.post”.")
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["council", "-created_at", "-id"], name="audit_newest_first")]

    def __str__(self):
        return f"{self.actor_name or 'Village Hall'}: {self.action} {self.target_label}".strip()


class Session(AbstractBaseSession):
    """A browser's session, which also names the person signed in with it.

    Naming the person lets the request's first statement read the session and the person
    together (core.sessions); the session data stays the authority on who it is.
    """

    person_id = models.BigIntegerField(null=True, blank=True)

    @classmethod
    def get_session_store_class(cls):
        from villagehall.core.sessions import SessionStore

        return SessionStore


class PersonalVersion(models.Model):
    """How many times what a person's own parts of a page show has changed.

    Moved by the database itself (triggers made by migration core 0003, from
    core.personal_versions) whenever a row is written that the reader's summary, follows or
    reactions read: so by every way of writing, services, the admin, imports and tests alike.
    It is read with the session (core.sessions), and keys the reads kept for the person
    (core.personal). A person with no row has version 0.
    """

    person_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)
