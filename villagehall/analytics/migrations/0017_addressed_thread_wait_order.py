from django.db import migrations

INDEXES = {
    # A service's median wait on SQLite is read by walking its answered posts in order of
    # wait and stopping at the middle one, from the index alone, instead of ordering every
    # wait in the window (67,000 in a year at ten million interactions).
    "addressed_thread_wait_order": (
        "(council_id, service_id, response_wait, posted_at, first_response_at) WHERE response_wait IS NOT NULL"
    ),
    # The window's posts are counted service by service from the index alone, instead of
    # looking up each of a year's 140,000 posts in the table.
    "addressed_thread_covering": "(council_id, posted_at, service_id, first_response_at, response_wait)",
}


def create(apps, schema_editor):
    # PostgreSQL finds the middle waits with an ordered-set aggregate, and counts quickly
    # enough without covering indexes.
    if schema_editor.connection.vendor == "sqlite":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON analytics_addressedthread {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [("analytics", "0016_thread_service_week_covering_index")]

    operations = [migrations.RunPython(create, drop)]
