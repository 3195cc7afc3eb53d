from django.db import migrations, models

# Rows kept before these fields existed learn the pair's previous active week from their
# neighbours, and the gap from its last interaction to their own first.
FILL_PREVIOUS_WEEKS = """
UPDATE analytics_serviceweek SET previous_week = (
    SELECT MAX(earlier.week) FROM analytics_serviceweek earlier
    WHERE earlier.council_id = analytics_serviceweek.council_id
    AND earlier.service_id = analytics_serviceweek.service_id
    AND earlier.community_kind = analytics_serviceweek.community_kind
    AND earlier.community_id = analytics_serviceweek.community_id
    AND earlier.week < analytics_serviceweek.week
)
"""
FILL_GAPS = """
UPDATE analytics_serviceweek SET gap_before = (
    SELECT {seconds} FROM analytics_serviceweek earlier
    WHERE earlier.council_id = analytics_serviceweek.council_id
    AND earlier.service_id = analytics_serviceweek.service_id
    AND earlier.community_kind = analytics_serviceweek.community_kind
    AND earlier.community_id = analytics_serviceweek.community_id
    AND earlier.week = analytics_serviceweek.previous_week
) WHERE previous_week IS NOT NULL
"""
# Seconds between two instants, to the microsecond. SQLite keeps instants as text, the
# fraction of a second after the 19th character.
SECONDS = {
    "postgresql": "EXTRACT(EPOCH FROM (analytics_serviceweek.first_at - earlier.last_at))",
    "sqlite": (
        "ROUND((julianday(substr(analytics_serviceweek.first_at, 1, 19)) - julianday(substr(earlier.last_at, 1, 19)))"
        " * 86400) + (CAST(substr(analytics_serviceweek.first_at, 20) AS REAL)"
        " - CAST(substr(earlier.last_at, 20) AS REAL))"
    ),
}


def fill(apps, schema_editor):
    schema_editor.execute(FILL_PREVIOUS_WEEKS)
    schema_editor.execute(FILL_GAPS.format(seconds=SECONDS[schema_editor.connection.vendor]))


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0012_people_reached_by_week'),
    ]

    operations = [
        migrations.AddField(
            model_name='serviceweek',
            name='gap_before',
            field=models.FloatField(null=True),
        ),
        migrations.AddField(
            model_name='serviceweek',
            name='previous_week',
            field=models.DateField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
