import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# People reached are counted from ReachWeek from now on. Its rows follow from the thread
# rollups (the people in threads, by week, were kept until now for this count alone) and
# the attendances kept so far: for each week a person was in threads a
# service took part in, the service's nearest weeks of turns in those threads, and for an
# attendance at the service's event, that week itself.
FILL_REACH_WEEKS = """
INSERT INTO analytics_reachweek
    (council_id, week, service_id, community_kind, community_id, person_id, service_week_before, service_week_after)
SELECT council_id, week, service_id, community_kind, community_id, person_id, MAX(week_before), MIN(week_after)
FROM (
    SELECT p.council_id, p.week, s.service_id, 'neighbourhood' AS community_kind, s.neighbourhood_id AS community_id,
        p.person_id, CASE WHEN s.week <= p.week THEN s.week END AS week_before,
        CASE WHEN s.week >= p.week THEN s.week END AS week_after
    FROM analytics_threadpersonweek p JOIN analytics_threadserviceweek s ON s.thread_id = p.thread_id
    WHERE s.neighbourhood_id IS NOT NULL
    UNION ALL
    SELECT p.council_id, p.week, s.service_id, 'group', s.group_id, p.person_id,
        CASE WHEN s.week <= p.week THEN s.week END, CASE WHEN s.week >= p.week THEN s.week END
    FROM analytics_threadpersonweek p JOIN analytics_threadserviceweek s ON s.thread_id = p.thread_id
    WHERE s.group_id IS NOT NULL
    UNION ALL
    SELECT council_id, week, service_id, community_kind, community_id, person_id, week, week
    FROM analytics_attendanceweek
) reached
GROUP BY council_id, week, service_id, community_kind, community_id, person_id
"""


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0011_thread_service_previous_week'),
        ('people', '0007_membership_badge_address'),
        ('places', '0005_council_change_notifications'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReachWeek',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('week', models.DateField()),
                ('community_kind', models.CharField(choices=[('neighbourhood', 'Neighbourhood'), ('group', 'Group')], max_length=13)),
                ('community_id', models.BigIntegerField()),
                ('service_week_before', models.DateField(null=True)),
                ('service_week_after', models.DateField(null=True)),
                ('council', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='places.council')),
                ('person', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('service', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.organisation')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('council', 'service', 'community_kind', 'community_id', 'person', 'week'), name='reach_week_once')],
            },
        ),
        migrations.RunSQL(FILL_REACH_WEEKS, migrations.RunSQL.noop),
        migrations.DeleteModel(
            name='AttendanceWeek',
        ),
        migrations.DeleteModel(
            name='ThreadPersonWeek',
        ),
    ]
