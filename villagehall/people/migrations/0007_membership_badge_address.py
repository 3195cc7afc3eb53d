"""An officer's badge from an allowed email domain remembers the address that gave it, so
the badge can go when the address does. Badges given so far are matched to the address
their grant in the audit log names; those an administrator gave stay without one."""

import re

from django.db import migrations, models

GIVEN_BY_DOMAIN = "a verified address at an allowed email domain"
REASON = re.compile(r"^Verified the email address (\S+?), at the allowed domain @")


def addresses_from_the_audit_log(apps, schema_editor):
    # The plain base managers: every council's rows, whether run by migrate or by a test.
    AuditEntry = apps.get_model("core", "AuditEntry")._base_manager
    Membership = apps.get_model("people", "Membership")._base_manager
    grants = AuditEntry.filter(action="badge.grant", target_type="people.person").order_by("created_at", "id")
    for entry in grants.iterator():
        details = entry.after or {}
        found = REASON.match(entry.reason or "")
        if details.get("given by") != GIVEN_BY_DOMAIN or not found or not details.get("organisation"):
            continue
        Membership.filter(
            council_id=entry.council_id, person_id=int(entry.target_id), organisation__name=details["organisation"],
            organisation__kind="council_service", badge_address="",
        ).update(badge_address=found.group(1))


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("people", "0006_person_is_guest"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="badge_address",
            field=models.EmailField(
                blank=True, editable=False, max_length=254,
                help_text="The confirmed address at an allowed email domain that gave this officer’s badge, if one did.",
            ),
        ),
        migrations.RunPython(addresses_from_the_audit_log, migrations.RunPython.noop),
    ]
