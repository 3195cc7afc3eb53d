from django.db import migrations

INDEX = "addressed_thread_wait_order"


def create(apps, schema_editor):
    # A service's median wait on SQLite is read by walking its answered posts in order of
    # wait and stopping at the middle one, from the index alone, instead of ordering every
    # wait in the window (67,000 in a year at ten million interactions). PostgreSQL finds
    # the middle waits with an ordered-set aggregate and needs no index for it.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON analytics_addressedthread (council_id, service_id, response_wait, posted_at, "
            "first_response_at) WHERE response_wait IS NOT NULL"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [("analytics", "0016_thread_service_week_covering_index")]

    operations = [migrations.RunPython(create, drop)]
