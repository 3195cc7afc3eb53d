from django.db import migrations, models

from villagehall.core import personal_versions


def create_triggers(apps, schema_editor):
    for statement in personal_versions.create_sql(schema_editor.connection.vendor, apps):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in personal_versions.drop_sql(schema_editor.connection.vendor, apps):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """Each person's version of what their own parts of a page show, moved by triggers."""

    dependencies = [
        ("core", "0002_sessions_that_name_their_person"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("conversation", "0005_post_comments_version"),
        ("notifications", "0001_initial"),
        ("people", "0007_membership_badge_address"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonalVersion",
            fields=[
                ("person_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
