"""Grants and removals are now written to the council's audit log: move the records kept
here until it existed into it, then drop their table."""

from django.db import migrations

ACTIONS = {
    "officer_badge_granted": "badge.grant",
    "officer_badge_removed": "badge.remove",
    "organisation_verified": "organisation.verify",
    "organisation_unverified": "organisation.unverify",
    "council_role_granted": "council_role.grant",
    "council_role_removed": "council_role.remove",
    "email_domain_added": "email_domain.add",
    "email_domain_removed": "email_domain.remove",
}
SOURCES = {
    "administrator": "a council administrator",
    "email_domain": "a verified address at an allowed email domain",
    "system": "Village Hall",
}


def move_to_audit_log(apps, schema_editor):
    GrantRecord = apps.get_model("people", "GrantRecord")
    AuditEntry = apps.get_model("core", "AuditEntry")
    entries = []
    for record in GrantRecord.objects.select_related("actor", "person", "organisation").iterator():
        action = ACTIONS[record.action]
        removal = action.endswith((".remove", ".unverify"))
        target = record.person or record.organisation
        details = {"organisation": record.organisation.name if record.organisation and record.person else None,
                   "role": record.role or None, ("taken by" if removal else "given by"): SOURCES[record.source]}
        details = {key: value for key, value in details.items() if value}
        entries.append(AuditEntry(
            council_id=record.council_id, actor=record.actor,
            actor_name=(record.actor.display_name or record.actor.username)[:150] if record.actor else "",
            action=action,
            target_type=f"people.{'person' if record.person else 'organisation'}" if target else "",
            target_id=str(target.pk) if target else "",
            target_label=str(getattr(target, "display_name", None) or getattr(target, "name", "") or "")[:200] if target else "",
            reason=record.reason, before=details if removal else None, after=None if removal else details,
            created_at=record.at,
        ))
    AuditEntry.objects.bulk_create(entries, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0004_organisation_members_only"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(move_to_audit_log, migrations.RunPython.noop),
        migrations.DeleteModel(name="GrantRecord"),
    ]
