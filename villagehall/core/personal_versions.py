"""The triggers that move a person's PersonalVersion whenever what their own parts of a page show changes.

The reader's summary (unread notifications, moderating, a confirmed address, memberships,
replies waiting), their follows and their reactions are kept between requests under the
person's version (core.personal). The database moves the version itself, from a trigger on
every table those reads read, so no way of writing — a service, the admin, an import, a
test's `update()` — can leave a kept read behind.

On PostgreSQL the triggers are deferred to the commit: the version row is then locked last,
after the council row that content writes lock, so a moderator's action that tells someone
(council first, then the notice) and that person's own reaction (the reaction, then the
council) cannot wait on each other. SQLite takes one writer at a time and fires them at once.
"""

BUMP_FUNCTION = "villagehall_personal_changed"
MEMBERS_FUNCTION = "villagehall_personal_members_changed"

# (app label, model, the column naming the person, the rows that matter or None for all)
WATCHED = (
    ("notifications", "Notification", "person_id", None),
    ("people", "CouncilRole", "person_id", None),
    ("account", "EmailAddress", "user_id", None),
    ("people", "Membership", "person_id", None),
    ("conversation", "Follow", "follower_id", None),
    ("conversation", "Reaction", "person_id", None),
    # Only replies waiting for a moderator are counted (Summary.held_comments).
    ("conversation", "Comment", "author_id", "{row}.state = 'held'"),
)
OPERATIONS = (("insert", ("NEW",)), ("update", ("NEW", "OLD")), ("delete", ("OLD",)))


def _tables(apps):
    return [(apps.get_model(app, model)._meta.db_table, column, condition) for app, model, column, condition in WATCHED]


def trigger_names(apps) -> list[str]:
    """Return the names of every trigger that moves the versions."""
    names = [f"personal_{table}_{op}" for table, _, _ in _tables(apps) for op, _ in OPERATIONS]
    return names + [f"personal_{_organisation_table(apps)}_members_only"]


def _organisation_table(apps):
    return apps.get_model("people", "Organisation")._meta.db_table


def _membership_table(apps):
    return apps.get_model("people", "Membership")._meta.db_table


def _sqlite_bump(select: str) -> str:
    # The WHERE in the SELECT keeps SQLite from reading ON CONFLICT as part of a join.
    return (
        f"INSERT INTO core_personalversion (person_id, version) {select}"
        " ON CONFLICT (person_id) DO UPDATE SET version = core_personalversion.version + 1;"
    )


def create_sql(vendor: str, apps, *, at_commit: bool = True) -> list[str]:
    """Return the statements that make the triggers on this database (on PostgreSQL, fired at
    commit unless `at_commit` is false, as for tests, whose transactions are never committed)."""
    organisation, membership = _organisation_table(apps), _membership_table(apps)
    members = f"SELECT DISTINCT person_id, 1 FROM {membership} WHERE organisation_id = NEW.id"
    statements = []
    if vendor == "sqlite":
        for table, column, condition in _tables(apps):
            for op, rows in OPERATIONS:
                when = f" WHEN {' OR '.join(condition.format(row=row) for row in rows)}" if condition else ""
                body = " ".join(
                    _sqlite_bump(f"SELECT {row}.{column}, 1 WHERE {row}.{column} IS NOT NULL") for row in rows
                )
                statements.append(
                    f"CREATE TRIGGER personal_{table}_{op} AFTER {op.upper()} ON {table} FOR EACH ROW{when}"
                    f" BEGIN {body} END"
                )
        statements.append(
            f"CREATE TRIGGER personal_{organisation}_members_only AFTER UPDATE OF members_only ON {organisation}"
            f" FOR EACH ROW WHEN OLD.members_only IS NOT NEW.members_only BEGIN {_sqlite_bump(members)} END"
        )
        return statements
    if vendor != "postgresql":
        raise NotImplementedError(f"No personal version triggers for {vendor}.")
    upsert = (
        "INSERT INTO core_personalversion AS kept (person_id, version) {select}"
        " ON CONFLICT (person_id) DO UPDATE SET version = kept.version + 1;"
    )
    statements.append(f"""
        CREATE OR REPLACE FUNCTION {BUMP_FUNCTION}() RETURNS trigger AS $$
        DECLARE
            people bigint[] := '{{}}';
        BEGIN
            IF TG_OP <> 'DELETE' THEN people := people || (to_jsonb(NEW) ->> TG_ARGV[0])::bigint; END IF;
            IF TG_OP <> 'INSERT' THEN people := people || (to_jsonb(OLD) ->> TG_ARGV[0])::bigint; END IF;
            {upsert.format(select="SELECT DISTINCT person, 1 FROM unnest(people) AS person WHERE person IS NOT NULL")}
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql""")
    statements.append(f"""
        CREATE OR REPLACE FUNCTION {MEMBERS_FUNCTION}() RETURNS trigger AS $$
        BEGIN
            {upsert.format(select=members)}
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql""")
    initially = "DEFERRED" if at_commit else "IMMEDIATE"
    for table, column, condition in _tables(apps):
        for op, rows in OPERATIONS:
            when = f" WHEN ({' OR '.join(condition.format(row=row) for row in rows)})" if condition else ""
            statements.append(
                f"CREATE CONSTRAINT TRIGGER personal_{table}_{op} AFTER {op.upper()} ON {table}"
                f" DEFERRABLE INITIALLY {initially} FOR EACH ROW{when} EXECUTE FUNCTION {BUMP_FUNCTION}('{column}')"
            )
    statements.append(
        f"CREATE CONSTRAINT TRIGGER personal_{organisation}_members_only AFTER UPDATE OF members_only ON {organisation}"
        f" DEFERRABLE INITIALLY {initially} FOR EACH ROW WHEN (OLD.members_only IS DISTINCT FROM NEW.members_only)"
        f" EXECUTE FUNCTION {MEMBERS_FUNCTION}()"
    )
    return statements


def drop_sql(vendor: str, apps) -> list[str]:
    """Return the statements that remove the triggers."""
    names = trigger_names(apps)
    tables = [table for table, _, _ in _tables(apps) for _ in OPERATIONS] + [_organisation_table(apps)]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in names]
    return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in zip(names, tables)] + [
        f"DROP FUNCTION IF EXISTS {BUMP_FUNCTION}()",
        f"DROP FUNCTION IF EXISTS {MEMBERS_FUNCTION}()",
    ]
