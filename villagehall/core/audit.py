"""The one way to write to a council's audit log.

Every moderator and administrator action calls `audit_record` inside its own
transaction, so an action and its entry are saved together or not at all.
"""

from django.utils import timezone

from villagehall.core.models import AuditEntry
from villagehall.core.tenancy import require_current_council


def _label(target) -> str:
    return str(target)[:200] if target is not None else ""


def audit_record(
    *, actor, action: str, target=None, reason: str = "", before=None, after=None, council=None, at=None,
) -> AuditEntry:
    """Record one action in the council's audit log (the current council unless given)."""
    if target is not None:
        target_type = f"{target._meta.app_label}.{target._meta.model_name}"
        target_id = str(target.pk)
    else:
        target_type = target_id = ""
    return AuditEntry.dangerously_unscoped.create(
        council=council or require_current_council(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=(str(actor) if actor is not None and actor.is_authenticated else "")[:150],
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=_label(target),
        reason=reason or "",
        before=before,
        after=after,
        created_at=at or timezone.now(),
    )
