from django.db import migrations

INDEX = "reach_week_covering"


def create(apps, schema_editor):
    # Counting a window's people reads each pair's rows in key order, weeks outside the
    # window included; with the service's weeks in the index too, SQLite reads the index
    # alone instead of looking up each row in the table (0.9 s → 0.5 s for a year at ten
    # million interactions).
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON analytics_reachweek (council_id, service_id, community_kind, community_id, "
            "person_id, week, service_week_before, service_week_after)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [("analytics", "0013_service_week_previous_week")]

    operations = [migrations.RunPython(create, drop)]
