from django.db import migrations

# The channel places.directory listens on.
CREATE = """
    CREATE OR REPLACE FUNCTION villagehall_council_changed() RETURNS trigger AS $$
    BEGIN
        PERFORM pg_notify('villagehall_councils', '');
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql;
    DROP TRIGGER IF EXISTS council_changed ON places_council;
    CREATE TRIGGER council_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON places_council
        FOR EACH STATEMENT EXECUTE FUNCTION villagehall_council_changed();
"""
DROP = """
    DROP TRIGGER IF EXISTS council_changed ON places_council;
    DROP FUNCTION IF EXISTS villagehall_council_changed();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    """On PostgreSQL, announce every committed change to a council (places.directory listens)."""

    dependencies = [
        ("places", "0004_council_records_version"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
