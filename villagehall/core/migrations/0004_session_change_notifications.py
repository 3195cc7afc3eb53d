from django.db import migrations

# Announces on the channel core.sessions listens on the id of the person whose kept session
# rows a committed change makes old (core.kept_rows), or nothing, for everyone's. The
# trigger's argument names the table's column that holds the person's id.
CREATE_FUNCTION = """
    CREATE OR REPLACE FUNCTION villagehall_reader_changed() RETURNS trigger AS $$
    DECLARE
        person text;
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            PERFORM pg_notify('villagehall_sessions', '');
            RETURN NULL;
        ELSIF TG_OP = 'INSERT' THEN
            person := to_jsonb(NEW) ->> TG_ARGV[0];
        ELSE
            person := to_jsonb(OLD) ->> TG_ARGV[0];
        END IF;
        IF person IS NOT NULL THEN
            PERFORM pg_notify('villagehall_sessions', person);
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql;
"""
# (app, model, the column naming the person, the row changes that can make a kept read old)
WATCHED = (
    # A new session changes nothing kept; a session without a person is never kept.
    ("core", "Session", "person_id", "UPDATE OR DELETE"),
    ("people", "Person", "id", "UPDATE OR DELETE"),
    # A person without a row has version 0: their first row moves it.
    ("core", "PersonalVersion", "person_id", "INSERT OR UPDATE OR DELETE"),
)


def _trigger(model):
    return f"kept_reader_{model.lower()}_changed"


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    for app, model, column, operations in WATCHED:
        table = apps.get_model(app, model)._meta.db_table
        schema_editor.execute(f"""
            DROP TRIGGER IF EXISTS {_trigger(model)} ON {table};
            DROP TRIGGER IF EXISTS {_trigger(model)}_truncate ON {table};
            CREATE TRIGGER {_trigger(model)} AFTER {operations} ON {table}
                FOR EACH ROW EXECUTE FUNCTION villagehall_reader_changed('{column}');
            CREATE TRIGGER {_trigger(model)}_truncate AFTER TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION villagehall_reader_changed();
        """)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model, _, _ in WATCHED:
        table = apps.get_model(app, model)._meta.db_table
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger(model)} ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger(model)}_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS villagehall_reader_changed()")


class Migration(migrations.Migration):
    """On PostgreSQL, announce every committed change to what is kept with a signed-in reader's session."""

    dependencies = [
        ("core", "0003_personal_versions"),
        ("people", "0008_conversation_version"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
