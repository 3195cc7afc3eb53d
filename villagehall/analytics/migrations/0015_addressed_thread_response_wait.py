from django.db import migrations, models

# Rows kept before this field existed learn their wait from their two instants.
MICROSECONDS = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM (first_response_at - posted_at)) * 1000000 AS bigint)",
    # SQLite keeps instants as text, the fraction of a second after the 19th character.
    "sqlite": (
        "CAST(ROUND((julianday(substr(first_response_at, 1, 19)) - julianday(substr(posted_at, 1, 19))) * 86400)"
        " * 1000000 + ROUND((CAST(substr(first_response_at, 20) AS REAL) - CAST(substr(posted_at, 20) AS REAL))"
        " * 1000000) AS INTEGER)"
    ),
}
FILL_WAITS = "UPDATE analytics_addressedthread SET response_wait = {microseconds} WHERE first_response_at IS NOT NULL"


def fill(apps, schema_editor):
    schema_editor.execute(FILL_WAITS.format(microseconds=MICROSECONDS[schema_editor.connection.vendor]))


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0014_reach_week_covering_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='addressedthread',
            name='response_wait',
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
