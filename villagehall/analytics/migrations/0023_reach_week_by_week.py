from django.db import migrations

COLUMNS = "council_id, service_id, community_kind, community_id, {}, service_week_before, service_week_after"


def by_week(apps, schema_editor):
    # Each pair's weeks in order, and its people within a week: counting a window's people
    # then reads only the window's weeks of each pair (selectors._people_reached), where the
    # index by person read every week. The service's weeks are there too, so SQLite reads
    # the index alone. PostgreSQL groups the table and needs neither.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS reach_week_covering")
        schema_editor.execute(
            f"CREATE INDEX reach_week_by_week ON analytics_reachweek ({COLUMNS.format('week, person_id')})"
        )


def by_person(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS reach_week_by_week")
        schema_editor.execute(
            f"CREATE INDEX reach_week_covering ON analytics_reachweek ({COLUMNS.format('person_id, week')})"
        )


class Migration(migrations.Migration):

    dependencies = [("analytics", "0022_participant_week_covering")]

    operations = [migrations.RunPython(by_week, by_person)]
