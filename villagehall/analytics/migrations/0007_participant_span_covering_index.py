from django.db import migrations

INDEX = "participant_span_covering"


def create(apps, schema_editor):
    # Counting a window's participants reads every row of its blocks; with the bits in
    # the index, PostgreSQL reads the index alone. SQLite has no such index, and its
    # councils are small.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON analytics_participantspan (council_id, block, neighbourhood_id, person_id) "
            "INCLUDE (weeks)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [("analytics", "0006_participant_spans")]

    operations = [migrations.RunPython(create, drop)]
