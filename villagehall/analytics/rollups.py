"""Weekly rollups: relationship health counted ahead, so that pages never scan interactions.

Two ways in, one meaning. `rollups_record()` counts each interaction as it is recorded
on the platform, touching only the rows of its week and thread. `rollups_rebuild()`
recounts a whole council from its interactions, in a few statements the database runs,
after an import or when the council's time zone changes. Both cut weeks Monday to
Sunday in the council's time zone, and the tests hold them to the same figures as the
definitions computed from the interactions themselves (metrics.py).

Changing an organisation's kind (a group becoming a council service, say) changes
which side past interactions were on: rebuild after it.
"""

import os
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import F, Max, Min, Q, UniqueConstraint
from django.utils import timezone as django_timezone

from villagehall.analytics import metrics
from villagehall.analytics.models import (
    BLOCK_WEEKS, NO_EARLIER_WEEK, NO_LATER_WEEK, WEEK_ZERO, AddressedThread, AddressedWeek, Community, Interaction,
    NeighbourhoodWeek, OfficerWeek, ParticipantSpan, ParticipantWeek, ReachWeek, ReciprocityWeek, RollupState,
    ServiceWeek, ThreadServiceWeek,
)
from villagehall.core.tenancy import council_scope
from villagehall.events.models import Event
from villagehall.people.models import Organisation

THREAD_SERVICE_COLUMNS = ("thread_id", "service_id", "week", "previous_week", "neighbourhood_id", "group_id",
                          "community_started", "conversation_at")
ROLLUP_MODELS = (
    ServiceWeek, OfficerWeek, NeighbourhoodWeek, ParticipantSpan, ParticipantWeek, AddressedThread, AddressedWeek,
    ThreadServiceWeek, ReciprocityWeek, ReachWeek,
)

I = Interaction._meta.db_table  # noqa: E741  (short in the SQL below, where it is read often)


# Weeks -----------------------------------------------------------------------------


def week_of(at: datetime, zone: ZoneInfo) -> date:
    """Return the Monday starting the week, in `zone`, that contains the instant."""
    day = at.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the first instant of the week and the first instant after it, in UTC."""
    return _midnight(monday, zone), _midnight(monday + timedelta(weeks=1), zone)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc)


# What each interaction counts towards ------------------------------------------------


def service_ids() -> set[int]:
    return set(Organisation.objects.filter(kind=Organisation.Kind.COUNCIL_SERVICE).values_list("pk", flat=True))


def communities_of(neighbourhood_id, group_id):
    if neighbourhood_id is not None:
        yield Community.NEIGHBOURHOOD.value, neighbourhood_id
    if group_id is not None:
        yield Community.GROUP.value, group_id


class ServiceWeekTally:
    """Builds ServiceWeek values from one week's interactions of a service, in time order."""

    __slots__ = ("interactions", "supports", "first_at", "last_at", "gap_square_sum")

    def __init__(self):
        self.interactions = self.supports = 0
        self.first_at = self.last_at = None
        self.gap_square_sum = 0.0

    def add(self, at: datetime, kind: str) -> None:
        if self.last_at is not None:
            self.gap_square_sum += (at - self.last_at).total_seconds() ** 2
        else:
            self.first_at = at
        self.last_at = at
        self.interactions += 1
        self.supports += kind == "support"

    def values(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}


def thread_service_rows(turns, services: set[int], week_of_instant) -> list[dict]:
    """Return the ThreadServiceWeek values of one thread from its turns, in time order."""
    post = next((t for t in turns if t.id == t.thread and t.kind == "post"), None)
    if post is None:
        return []
    involved = {t.acting_for for t in turns if t.acting_for in services}
    rows = []
    for service in involved:
        labels, conversation_at, weeks = [], None, set()
        for turn in turns:
            if turn.acting_for == service:
                labels.append("S")
                weeks.add(week_of_instant(turn.at))
            elif turn.acting_for not in services:
                labels.append("C")
            else:
                continue
            if conversation_at is None and metrics.label_changes(labels) >= 2:
                conversation_at = turn.at
        weeks = sorted(weeks)
        rows.extend(
            {
                "thread_id": post.id, "service_id": service, "week": week, "previous_week": previous_week,
                "neighbourhood_id": post.neighbourhood, "group_id": post.group,
                "community_started": post.acting_for not in services, "conversation_at": conversation_at,
            }
            for previous_week, week in zip([None, *weeks], weeks)
        )
    return rows


# Counting as interactions are recorded ---------------------------------------------


def rollups_record(*, interaction: Interaction) -> None:
    """Count one interaction, just recorded, into the weekly rollups."""
    council = interaction.council
    zone = ZoneInfo(council.time_zone)
    week = week_of(interaction.at, zone)
    acting_for = interaction.acting_for
    service = acting_for.pk if acting_for is not None and acting_for.is_service else None
    kind, thread = interaction.kind, interaction.thread_id

    if service is not None:
        for community_kind, community_id in communities_of(interaction.neighbourhood_id, interaction.group_id):
            _service_week_refresh(council, service, community_kind, community_id, week, zone)
        _upsert_add(OfficerWeek, council, {"week": week, "service_id": service, "person_id": interaction.actor_id},
                    {"interactions": 1})
    elif interaction.neighbourhood_id is not None:
        _upsert_add(
            NeighbourhoodWeek, council, {"week": week, "neighbourhood_id": interaction.neighbourhood_id},
            {"interactions": 1, "offline": int(interaction.channel != "online"),
             "assisted": int(interaction.channel == "assisted")},
        )
        _participant_week_add(council, interaction.neighbourhood_id, interaction.actor_id, week)
    if service is None and kind == "attendance" and interaction.event_id is not None:
        organiser = Event.objects.filter(pk=interaction.event_id).values_list("organiser__kind", "organiser_id").first()
        if organiser and organiser[0] == Organisation.Kind.COUNCIL_SERVICE:
            # The service met the person that very week.
            _reach_add([
                (council.pk, week, organiser[1], community_kind, community_id, interaction.actor_id, week, week)
                for community_kind, community_id in communities_of(interaction.neighbourhood_id, interaction.group_id)
            ])

    if kind == "post" and service is None and thread == interaction.pk and interaction.addressed_to_id is not None:
        if interaction.addressed_to.is_service:
            AddressedThread.objects.create(
                council=council, thread=interaction, service_id=interaction.addressed_to_id,
                neighbourhood_id=interaction.neighbourhood_id, group_id=interaction.group_id,
                posted_at=interaction.at,
            )
            _upsert_add(AddressedWeek, council, *_addressed_week_row(interaction.addressed_to_id, interaction.at, None, zone))
    if thread is None:
        return
    if service is not None and kind in metrics.ANSWER_KINDS:
        for addressed in AddressedThread.objects.filter(
            Q(first_response_at__isnull=True) | Q(first_response_at__gt=interaction.at),
            thread_id=thread, service_id=service, posted_at__lte=interaction.at,
        ):
            # The post moves from the row of its answer so far (or of none) to that of this one.
            _upsert_take(AddressedWeek, council,
                         *_addressed_week_row(service, addressed.posted_at, addressed.first_response_at, zone))
            addressed.first_response_at = interaction.at
            addressed.response_wait = (interaction.at - addressed.posted_at) // timedelta(microseconds=1)
            addressed.save(update_fields=["first_response_at", "response_wait"])
            _upsert_add(AddressedWeek, council, *_addressed_week_row(service, addressed.posted_at, interaction.at, zone))
    with_service = ThreadServiceWeek.objects.filter(thread_id=thread).exists()
    if kind in metrics.TURN_KINDS and (service is not None or with_service):
        services = service_ids()
        _thread_refresh(council, thread, zone, services=services)
        if service is not None:
            # The service's new week may be nearer to any of the thread's people.
            _thread_reach_add(council, thread, people=_thread_people(thread, zone, services), service=service)
    if with_service and service is None and kind in metrics.REACHING_KINDS:
        _thread_reach_add(council, thread, people={(interaction.actor_id, week)})


def _service_week_refresh(council, service, community_kind, community_id, week, zone):
    start, end = week_bounds(week, zone)
    place = "neighbourhood_id" if community_kind == Community.NEIGHBOURHOOD else "group_id"
    tally = ServiceWeekTally()
    for at, kind in Interaction.objects.filter(
        acting_for_id=service, at__gte=start, at__lt=end, **{place: community_id}
    ).order_by("at", "id").values_list("at", "kind"):
        tally.add(at, kind)
    pair = ServiceWeek.objects.filter(service_id=service, community_kind=community_kind, community_id=community_id)
    before = pair.filter(week__lt=week).order_by("-week").values_list("week", "last_at").first()
    ServiceWeek.objects.update_or_create(
        week=week, service_id=service, community_kind=community_kind, community_id=community_id,
        defaults={
            "council": council, **tally.values(),
            "previous_week": before and before[0],
            "gap_before": before and (tally.first_at - before[1]).total_seconds(),
        },
    )
    # The pair's next active week, if any, now follows this one.
    after = pair.filter(week__gt=week).order_by("week").first()
    if after is not None:
        after.previous_week, after.gap_before = week, (after.first_at - tally.last_at).total_seconds()
        after.save(update_fields=["previous_week", "gap_before"])


def _thread_turns(thread_ids):
    return [
        metrics.InteractionFact(id=pk, at=at, kind=kind, actor=actor, acting_for=acting_for,
                                neighbourhood=neighbourhood, group=group, thread=thread)
        for pk, at, kind, actor, acting_for, neighbourhood, group, thread in Interaction.objects.filter(
            thread_id__in=thread_ids, kind__in=metrics.TURN_KINDS,
        ).order_by("thread_id", "at", "id").values_list(
            "pk", "at", "kind", "actor_id", "acting_for_id", "neighbourhood_id", "group_id", "thread_id"
        )
    ]


RECIPROCITY_COLUMNS = ("service_id", "week", "previous_week", "conversation_at", "community_started")
RECIPROCITY_KEY = ("service_id", "week", "previous_week", "conversation_week", "community_started")


def _thread_refresh(council, thread, zone, *, services):
    """Count the thread's weeks with each service again, and move ReciprocityWeek's counts as they changed."""
    kept = ThreadServiceWeek.objects.filter(thread_id=thread)
    before = Counter(_reciprocity_key(row, zone) for row in kept.values(*RECIPROCITY_COLUMNS))
    kept.delete()
    rows = thread_service_rows(_thread_turns([thread]), services, lambda at: week_of(at, zone))
    ThreadServiceWeek.objects.bulk_create([ThreadServiceWeek(council=council, **row) for row in rows])
    after = Counter(_reciprocity_key(row, zone) for row in rows)
    for key, n in (before - after).items():
        _upsert_take(ReciprocityWeek, council, dict(zip(RECIPROCITY_KEY, key)), {"threads": n})
    for key, n in (after - before).items():
        _upsert_add(ReciprocityWeek, council, dict(zip(RECIPROCITY_KEY, key)), {"threads": n})


def _reciprocity_key(row: dict, zone) -> tuple:
    """Return the ReciprocityWeek a row of ThreadServiceWeek is counted in, as values of RECIPROCITY_KEY."""
    conversation_at = row["conversation_at"]
    return (row["service_id"], row["week"], row["previous_week"] or NO_EARLIER_WEEK,
            NO_LATER_WEEK if conversation_at is None else week_of(conversation_at, zone), row["community_started"])


def _thread_people(thread, zone, services) -> set[tuple[int, date]]:
    """Return (person, week) for each community-side post, reply and reaction in the thread."""
    return {
        (actor, week_of(at, zone))
        for actor, at, acting_for in Interaction.objects.filter(
            thread_id=thread, kind__in=metrics.REACHING_KINDS
        ).values_list("actor_id", "at", "acting_for_id")
        if acting_for not in services
    }


def _thread_reach_add(council, thread, *, people, service=None) -> None:
    """Count into ReachWeek people's weeks in a thread, with the nearest weeks of the services' turns there.

    Recording only adds turns and people, so a row can only find the service's weeks
    nearer: each row counted here is merged with the one kept (`_reach_add()`). With
    `service`, only that service's weeks are counted.
    """
    in_thread = ThreadServiceWeek.objects.filter(thread_id=thread)
    if service is not None:
        in_thread = in_thread.filter(service_id=service)
    rows = list(in_thread.values_list("service_id", "week", "neighbourhood_id", "group_id"))
    if not rows:
        return
    service_weeks = defaultdict(list)
    for service_id, week, _, _ in rows:
        service_weeks[service_id].append(week)
    # Every row carries the thread's community, its post's.
    communities = list(communities_of(rows[0][2], rows[0][3]))
    _reach_add([
        (council.pk, week, service_id, community_kind, community_id, person,
         max((w for w in weeks if w <= week), default=None), min((w for w in weeks if w >= week), default=None))
        for person, week in people
        for service_id, weeks in service_weeks.items()
        for community_kind, community_id in communities
    ])


def _reach_add(rows: list[tuple]) -> None:
    """Merge ReachWeek rows into the table: a row already there keeps the nearer of each service week."""
    table = ReachWeek._meta.db_table
    nearer = {"service_week_before": ">", "service_week_after": "<"}
    merge = ", ".join(
        f"{column} = CASE WHEN {table}.{column} IS NULL OR excluded.{column} {than} {table}.{column} "
        f"THEN excluded.{column} ELSE {table}.{column} END"
        for column, than in nearer.items()
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (council_id, week, service_id, community_kind, community_id, person_id, "
            "service_week_before, service_week_after) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT ({', '.join(rollup_key(ReachWeek))}) DO UPDATE SET {merge}",
            [[connection.ops.adapt_datefield_value(v) if isinstance(v, date) else v for v in row] for row in rows],
        )


def _addressed_week_row(service, posted_at, answered_at, zone) -> tuple[dict, dict]:
    """Return the key and the counts of the AddressedWeek row a post is counted in, answered at `answered_at` or not yet."""
    if answered_at is None:
        answered_week, within_2d = NO_LATER_WEEK, 0
    else:
        answered_week, within_2d = week_of(answered_at, zone), int(answered_at - posted_at <= metrics.ANSWER_WITHIN)
    return ({"week": week_of(posted_at, zone), "service_id": service, "answered_week": answered_week},
            {"posts": 1, "answered_within_2d": within_2d})


def _participant_week_add(council, neighbourhood: int, person: int, week: date) -> None:
    """Note a week the person took part in the neighbourhood; if it is new to them, move ParticipantWeek's counts.

    The person's week is counted under the week they last took part before it, and their
    next week, if they have one, moves from under that earlier week to under this one.
    """
    spans = ParticipantSpan._meta.db_table
    block, bit = ParticipantSpan.place_of(week)
    with connection.cursor() as cursor:
        # The row is written only if the week is new to the person; either way it stays
        # locked to this transaction, so two writers cannot both count the same week.
        cursor.execute(
            f"INSERT INTO {spans} (council_id, block, neighbourhood_id, person_id, weeks) VALUES (%s, %s, %s, %s, %s) "
            f"ON CONFLICT ({', '.join(rollup_key(ParticipantSpan))}) DO UPDATE SET weeks = {spans}.weeks | excluded.weeks "
            f"WHERE ({spans}.weeks & excluded.weeks) = 0 RETURNING weeks",
            [council.pk, block, neighbourhood, person, bit],
        )
        written = cursor.fetchone()
        if written is None:
            return
        earlier_bits, later_bits = written[0] & (bit - 1), written[0] & ~(2 * bit - 1)
        earlier = block * BLOCK_WEEKS + earlier_bits.bit_length() - 1 if earlier_bits else None
        later = block * BLOCK_WEEKS + (later_bits & -later_bits).bit_length() - 1 if later_bits else None
        if earlier is None or later is None:
            # The person's nearest weeks lie in other blocks, if anywhere: look in the
            # council's blocks on the side still missing, each by the unique index.
            cursor.execute(f"SELECT MIN(block), MAX(block) FROM {spans} WHERE council_id = %s", [council.pk])
            first, last = cursor.fetchone()
            others = [b for b in range(first, last + 1)
                      if (b < block and earlier is None) or (b > block and later is None)]
            if others:
                cursor.execute(
                    f"SELECT block, weeks FROM {spans} WHERE council_id = %s AND block IN "
                    f"({', '.join(['%s'] * len(others))}) AND neighbourhood_id = %s AND person_id = %s ORDER BY block",
                    [council.pk, *others, neighbourhood, person],
                )
                for other, weeks in cursor.fetchall():
                    if other < block:  # the last of these is the nearest before
                        earlier = other * BLOCK_WEEKS + weeks.bit_length() - 1
                    elif later is None:  # the first of these is the nearest after
                        later = other * BLOCK_WEEKS + (weeks & -weeks).bit_length() - 1

    def monday(number):
        return NO_EARLIER_WEEK if number is None else WEEK_ZERO + timedelta(weeks=number)

    keys = {"neighbourhood_id": neighbourhood}
    _upsert_add(ParticipantWeek, council, {**keys, "week": week, "earlier_week": monday(earlier)}, {"people": 1})
    if later is not None:
        _upsert_add(ParticipantWeek, council, {**keys, "week": monday(later), "earlier_week": week}, {"people": 1})
        _upsert_take(ParticipantWeek, council, {**keys, "week": monday(later), "earlier_week": monday(earlier)},
                     {"people": 1})


def _upsert_take(model, council, keys: dict, takes: dict) -> None:
    """Take from a rollup row's counts what _upsert_add() once added; a row whose first count is left at 0 goes."""
    row = model.objects.filter(council=council, **keys)
    row.update(**{name: F(name) - n for name, n in takes.items()})
    row.filter(**{next(iter(takes)): 0}).delete()


def _upsert_add(model, council, keys: dict, adds: dict, combine="+") -> None:
    """Add to a rollup row's counts (or OR in its bits), making the row if it is the first; safe when two writers race."""
    table = model._meta.db_table
    columns = ["council_id", *keys, *adds]
    conflict = ", ".join(["council_id", *keys])
    updates = ", ".join(f"{name} = {table}.{name} {combine} excluded.{name}" for name in adds)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}",
            [council.pk, *keys.values(), *adds.values()],
        )


# Rebuilding a council -----------------------------------------------------------------
#
# A rebuild is a handful of INSERT … SELECT statements, each a GROUP BY the database runs
# over the interactions with the local week worked out in SQL: no interaction passes
# through Python, which at ten million of them would cost more than all the counting.


def planner_statistics_refresh(*models) -> None:
    """Let PostgreSQL's planner see tables as they now are, inside this transaction too.

    Without it, a table filled by the same transaction still looks empty, and the
    planner scans it whole where an index would find a handful of rows.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {model._meta.db_table}")


@contextmanager
def sqlite_room_to_sort(cursor):
    """Let SQLite sort large statements with helper threads inside the block, and then as before.

    SQLite sorts a statement's rows a batch at a time, as many as fit its page cache, and
    merges the batches; helper threads sort each batch while the next is read. With one
    helper, on two cores, and batches of 16 MB instead of the usual 64, counting the
    community's weeks from ten million interactions took 20 s, not 28, and making the
    index of their threads 6 s, not 11.
    """
    cursor.execute("PRAGMA threads")
    threads = cursor.fetchone()[0]
    cursor.execute("PRAGMA cache_size")
    cache_size = cursor.fetchone()[0]
    cursor.execute(f"PRAGMA threads = {(os.cpu_count() or 1) - 1}")
    cursor.execute("PRAGMA cache_size = -16000")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA threads = {int(threads)}")
        cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


@transaction.atomic
def rollups_rebuild(*, council) -> RollupState:
    """Recount the council's weekly rollups from its interactions; return the new state."""
    with council_scope(council):
        planner_statistics_refresh(Interaction)
        # Apart, the first and last are each one step down the council's index of times;
        # asked beside the count, they would be read from every entry with it.
        span = Interaction.objects.aggregate(first=Min("at")) | Interaction.objects.aggregate(last=Max("at"))
        span["count"] = Interaction.objects.count()
        if span["first"] is not None:
            RebuildStatements(council, service_ids(), span["first"], span["last"]).run()
        else:
            for model in ROLLUP_MODELS:
                model.objects.all().delete()
        planner_statistics_refresh(*ROLLUP_MODELS)
        state, _ = RollupState.objects.update_or_create(
            council=council,
            defaults={"rebuilt_at": django_timezone.now(), "time_zone": council.time_zone, "interactions": span["count"]},
        )
        return state


class RebuildStatements:
    """The statements that recount one council's rollups from its interactions.

    `{week}` in a statement is the number of the week, in the council's time zone, of
    `i.at`, counted from WEEK_ZERO: numbers group and compare faster than dates, and
    become Mondays (`monday()`) only in the rows written out. The number is found by a
    tree of comparisons with the first instant of each week of the interactions' span,
    worked out here as `week_of()` does: a few comparisons of an instant, the same on
    both databases, where working with dates in SQL would parse every row's instant.
    """

    def __init__(self, council, services: set[int], first: datetime, last: datetime):
        self.council = council.pk
        self.postgres = connection.vendor == "postgresql"
        zone = ZoneInfo(council.time_zone)
        monday, last_monday = week_of(first, zone), week_of(last, zone)
        weeks = []
        while monday <= last_monday:
            weeks.append(((monday - WEEK_ZERO).days // 7, self.instant(_midnight(monday, zone))))
            monday += timedelta(weeks=1)
        self.week_starts = weeks
        self.week = self.week_tree(weeks)
        # Service and kind lists are written into the statements: they are the database's
        # own ids and fixed words, and written out they leave the parameters to the council.
        self.services = f"({', '.join(str(int(pk)) for pk in sorted(services)) or '-1'})"
        self.scratch_tables: list[str] = []

    def instant(self, at: datetime) -> str:
        """Return an instant as SQL: SQLite compares Django's text for it, PostgreSQL a timestamp."""
        if self.postgres:
            return f"TIMESTAMP WITH TIME ZONE '{at.isoformat()}'"
        return f"'{sqlite_instant(at)}'"

    def week_tree(self, weeks: list[tuple[int, str]], instant="i.at") -> str:
        """Return SQL for the number of the week of `instant`, among weeks given as (number, first instant)."""
        if len(weeks) == 1:
            return str(weeks[0][0])
        middle = len(weeks) // 2
        return (f"CASE WHEN {instant} < {weeks[middle][1]} THEN {self.week_tree(weeks[:middle], instant)} "
                f"ELSE {self.week_tree(weeks[middle:], instant)} END")

    def monday(self, number) -> str:
        """Return SQL for the Monday starting the week numbered by `number`."""
        if self.postgres:
            return f"(DATE '{WEEK_ZERO.isoformat()}' + 7 * {number})"
        return f"date(julianday('{WEEK_ZERO.isoformat()}') + 7 * {number})"

    def kinds(self, kinds) -> str:
        return f"({', '.join(f"'{kind}'" for kind in sorted(kinds))})"

    def community_side(self, alias="i") -> str:
        return f"({alias}.acting_for_id IS NULL OR {alias}.acting_for_id NOT IN {self.services})"

    def execute(self, cursor, sql: str) -> None:
        cursor.execute(sql.format(I=I, week=self.week, services=self.services, council=self.council))

    def scratch(self, cursor, name: str, select: str) -> None:
        """Make a temporary table from a statement's rows; run() drops it at the end."""
        self.scratch_tables.append(name)
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        self.execute(cursor, f"CREATE TEMPORARY TABLE {name} AS {select}")
        if self.postgres:
            # Nothing else analyses a temporary table: without it, the statements that read
            # it are planned for a table of unknown size.
            cursor.execute(f"ANALYZE {name}")

    def run(self) -> None:
        with connection.cursor() as cursor, self.room_to_sort(cursor):
            for model in ROLLUP_MODELS:
                self.scratch(cursor, self.new(model), f"SELECT * FROM {model._meta.db_table} WHERE 1 = 0")
            self.service_weeks(cursor)
            self.community_weeks(cursor)
            self.attendance(cursor)
            self.threads(cursor)
            self.reach(cursor)
            self.addressed(cursor)
            for model in ROLLUP_MODELS:
                self.merge(cursor, model)
            for name in self.scratch_tables:
                cursor.execute(f"DROP TABLE {name}")

    @contextmanager
    def room_to_sort(self, cursor):
        """Let the statements inside sort their millions of rows quickly, and then as before."""
        if self.postgres:
            # Room to group and sort in memory, for this transaction only: with the default,
            # each statement would sort on disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            yield
            return
        with sqlite_room_to_sort(cursor):
            yield

    @staticmethod
    def new(model) -> str:
        """Return the scratch table a rollup's rows are counted into before they replace the council's."""
        return f"rebuild_new_{model._meta.model_name}"

    def merge(self, cursor, model) -> None:
        """Make the council's rows of a rollup those counted into its scratch table, writing only what changed.

        A rebuild after an import finds most rows as they were. Deleting them all and
        writing them again would cost every row its index entries, twice; here a row is
        written only if it is new or its counts changed, and deleted only if it is no
        longer counted.
        """
        table, new = model._meta.db_table, self.new(model)
        keys = rollup_key(model)
        values = [f.column for f in model._meta.concrete_fields if not f.primary_key and f.column not in keys]
        key, row = ", ".join(keys), ", ".join([*keys, *values])
        mine = f"SELECT {{}} FROM {table} WHERE council_id = {self.council}"
        changes = (f"DO UPDATE SET {', '.join(f'{v} = excluded.{v}' for v in values)}" if values else "DO NOTHING")
        if self.postgres:
            # A set difference, which PostgreSQL works out by hashing each side once, rather
            # than a look-up in the rollup's index for every row counted.
            changed = f"SELECT {row} FROM {new} EXCEPT {mine.format(row)}"
        else:
            # SQLite works a set difference out by building a b-tree of one side; looking each
            # row up in the rollup's unique index is quicker.
            same = " AND ".join([f"t.{k} = n.{k}" for k in keys] + [f"t.{v} IS n.{v}" for v in values])
            changed = f"SELECT {row} FROM {new} n WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same})"
        # Written in the order of the unique index, which then takes its new entries in order.
        cursor.execute(
            f"INSERT INTO {table} ({row}) SELECT {row} FROM ({changed}) changed WHERE true ORDER BY {key} "
            f"ON CONFLICT ({key}) {changes}"
        )
        # Every row counted is now in the table, once: any more of the council's rows are no
        # longer counted. Most rebuilds find none, and counting is quicker than looking.
        cursor.execute(f"SELECT ({mine.format('COUNT(*)')}) - (SELECT COUNT(*) FROM {new})")
        if cursor.fetchone()[0]:
            cursor.execute(
                f"DELETE FROM {table} WHERE council_id = {self.council} AND ({key}) IN "
                f"({mine.format(key)} EXCEPT SELECT {key} FROM {new})"
            )

    @property
    def every_interaction(self) -> str:
        """Return the council's interactions as FROM and WHERE, to be read from start to end.

        A rebuild reads most of the table. SQLite, given any index that fits (the council's,
        or the partial index of the services' interactions), reads the rows in the index's
        order, each from wherever it lies; told to use none, it reads the table straight
        through, several times quicker.
        """
        hint = "" if self.postgres else " NOT INDEXED"
        return f"{{I}} i{hint} WHERE i.council_id = {{council}}"

    def service_weeks(self, cursor) -> None:
        """Count each service's interactions by community and week, and each officer's by week."""
        # The service's side is read once, into a scratch table the rest is counted from.
        self.scratch(cursor, "rebuild_service_row", (
            "SELECT {week} AS week, i.id, i.at, i.kind, i.actor_id, i.acting_for_id, i.neighbourhood_id, i.group_id, "
            f"i.thread_id FROM {self.every_interaction} AND i.acting_for_id IN {{services}}"
        ))
        for community_kind, column in (("neighbourhood", "neighbourhood_id"), ("group", "group_id")):
            # Each gap is between an interaction and the one before it in the same week; the
            # gap before the week, from the pair's active week before it.
            self.execute(cursor, (
                f"INSERT INTO {self.new(ServiceWeek)} (council_id, week, service_id, community_kind, "
                "community_id, interactions, supports, first_at, last_at, gap_square_sum, previous_week, gap_before) "
                f"SELECT {{council}}, {self.monday('week')}, acting_for_id, '{community_kind}', {column}, interactions, "
                f"supports, first_at, last_at, gap_square_sum, {self.monday('previous_week')}, "
                f"{microseconds_between_sql('first_at', 'previous_last_at')} / 1000000.0 FROM ("
                f"SELECT weeks.*, LAG(week) OVER pair AS previous_week, LAG(last_at) OVER pair AS previous_last_at FROM ("
                f"SELECT week, acting_for_id, {column}, COUNT(*) AS interactions, "
                "SUM(CASE WHEN kind = 'support' THEN 1 ELSE 0 END) AS supports, MIN(at) AS first_at, "
                "MAX(at) AS last_at, COALESCE(SUM(gap * gap), 0) AS gap_square_sum "
                f"FROM (SELECT week, acting_for_id, {column}, kind, at, "
                f"seconds - LAG(seconds) OVER (PARTITION BY week, acting_for_id, {column} ORDER BY at, id) AS gap "
                f"FROM (SELECT week, acting_for_id, {column}, kind, at, id, {seconds_sql('at')} AS seconds "
                f"FROM rebuild_service_row WHERE {column} IS NOT NULL) r) gaps "
                f"GROUP BY week, acting_for_id, {column}"
                f") weeks WINDOW pair AS (PARTITION BY acting_for_id, {column} ORDER BY week)) linked"
            ))
        self.execute(cursor, (
            f"INSERT INTO {self.new(OfficerWeek)} (council_id, week, service_id, person_id, interactions) "
            f"SELECT {{council}}, {self.monday('week')}, acting_for_id, actor_id, COUNT(*) FROM rebuild_service_row "
            "GROUP BY week, acting_for_id, actor_id"
        ))

    def community_weeks(self, cursor) -> None:
        """Count the community's side by neighbourhood and week, and each person's weeks there."""
        self.scratch(cursor, "rebuild_person_week", (
            "SELECT {week} AS week, i.neighbourhood_id, i.actor_id, COUNT(*) AS interactions, "
            "SUM(CASE WHEN i.channel <> 'online' THEN 1 ELSE 0 END) AS offline, "
            "SUM(CASE WHEN i.channel = 'assisted' THEN 1 ELSE 0 END) AS assisted "
            f"FROM {self.every_interaction} AND i.neighbourhood_id IS NOT NULL "
            f"AND {self.community_side()} GROUP BY 1, 2, 3"
        ))
        self.execute(cursor, (
            f"INSERT INTO {self.new(NeighbourhoodWeek)} "
            "(council_id, week, neighbourhood_id, interactions, offline, assisted) "
            f"SELECT {{council}}, {self.monday('week')}, neighbourhood_id, SUM(interactions), SUM(offline), "
            "SUM(assisted) FROM rebuild_person_week GROUP BY week, neighbourhood_id"
        ))
        # One row per person and week: each week's bit comes once. (PostgreSQL would add
        # the bits as numeric; SQLite has no BIT_OR, and adding distinct bits is OR-ing them.)
        bits = "BIT_OR" if self.postgres else "SUM"
        self.execute(cursor, (
            f"INSERT INTO {self.new(ParticipantSpan)} (council_id, block, neighbourhood_id, person_id, weeks) "
            f"SELECT {{council}}, week / {BLOCK_WEEKS}, neighbourhood_id, actor_id, "
            f"{bits}(CAST(1 AS BIGINT) << (week % {BLOCK_WEEKS})) FROM rebuild_person_week GROUP BY 2, 3, 4"
        ))
        self.execute(cursor, (
            f"INSERT INTO {self.new(ParticipantWeek)} (council_id, neighbourhood_id, week, earlier_week, people) "
            f"SELECT {{council}}, neighbourhood_id, {self.monday('week')}, "
            f"COALESCE({self.monday('earlier')}, '{NO_EARLIER_WEEK.isoformat()}'), COUNT(*) "
            "FROM (SELECT neighbourhood_id, week, "
            "LAG(week) OVER (PARTITION BY neighbourhood_id, actor_id ORDER BY week) AS earlier "
            "FROM rebuild_person_week) weeks GROUP BY neighbourhood_id, week, earlier"
        ))

    def attendance(self, cursor) -> None:
        """Note who came to the services' own events, and in which week: people the service reached (see reach())."""
        # From the services' events to their attendances, by the small index of interactions
        # at events (an event's interactions are its council's).
        self.scratch(cursor, "rebuild_attendance", (
            "SELECT {week} AS week, e.organiser_id AS service_id, i.neighbourhood_id, i.group_id, i.actor_id "
            f"FROM {Event._meta.db_table} e JOIN {{I}} i ON i.event_id = e.id "
            "WHERE e.council_id = {council} AND e.organiser_id IN {services} AND i.kind = 'attendance' "
            f"AND {self.community_side()}"
        ))

    def threads(self, cursor) -> None:
        """Count every thread a service took a turn in: its weeks, when it became a conversation, who it reached."""
        turns = self.kinds(metrics.TURN_KINDS)
        self.scratch(cursor, "rebuild_service_turn_week", (
            "SELECT DISTINCT thread_id, acting_for_id AS service_id, week FROM rebuild_service_row "
            f"WHERE kind IN {turns} AND thread_id IS NOT NULL"
        ))
        self.scratch(cursor, "rebuild_thread_service",
                     "SELECT DISTINCT thread_id, service_id FROM rebuild_service_turn_week")
        # Everything posted, said or reacted in those threads, read once.
        self.scratch(cursor, "rebuild_thread_row", (
            "SELECT i.thread_id, i.id, i.at, i.kind, i.actor_id, i.acting_for_id, i.neighbourhood_id, i.group_id, "
            f"{{week}} AS week FROM {self.every_interaction} AND i.kind IN {self.kinds(metrics.REACHING_KINDS)} "
            "AND +i.thread_id IN (SELECT thread_id FROM rebuild_thread_service)"
        ))
        # Label the thread's turns S (this service) or C (the community), leaving out other
        # services: the turn that makes the second change of label, if any, makes the thread
        # a conversation. That is the first turn with the first turn's label after the first
        # turn with the other label. Turns are numbered in time order, so "first" and
        # "after" are comparisons of numbers.
        self.scratch(cursor, "rebuild_turn", (
            "SELECT thread_id, at, acting_for_id, ROW_NUMBER() OVER (PARTITION BY thread_id ORDER BY at, id) AS n "
            f"FROM rebuild_thread_row WHERE kind IN {turns}"
        ))
        cursor.execute("CREATE INDEX rebuild_turn_by_thread ON rebuild_turn (thread_id, n)")
        community = self.community_side("t")
        self.scratch(cursor, "rebuild_first_turn", (
            "SELECT f.thread_id, f.service_id, MIN(CASE WHEN t.acting_for_id = f.service_id THEN t.n END) AS s, "
            f"MIN(CASE WHEN {community} THEN t.n END) AS c "
            "FROM rebuild_thread_service f JOIN rebuild_turn t ON t.thread_id = f.thread_id "
            "GROUP BY f.thread_id, f.service_id"
        ))
        self.scratch(cursor, "rebuild_conversation", (
            "SELECT f.thread_id, f.service_id, MIN(t.at) AS conversation_at FROM rebuild_first_turn f "
            "LEFT JOIN rebuild_turn t ON t.thread_id = f.thread_id "
            f"AND ((f.c < f.s AND t.n > f.s AND {community}) OR (f.s < f.c AND t.n > f.c AND t.acting_for_id = f.service_id)) "
            "GROUP BY f.thread_id, f.service_id"
        ))
        # A thread's community is its post's.
        self.scratch(cursor, "rebuild_thread_post", (
            f"SELECT thread_id, neighbourhood_id, group_id, {self.community_side('p')} AS community_started "
            "FROM rebuild_thread_row p WHERE kind = 'post' AND id = thread_id"
        ))
        self.execute(cursor, (
            f"INSERT INTO {self.new(ThreadServiceWeek)} (council_id, {', '.join(THREAD_SERVICE_COLUMNS)}) "
            f"SELECT {{council}}, w.thread_id, w.service_id, {self.monday('w.week')}, "
            f"{self.monday('LAG(w.week) OVER (PARTITION BY w.thread_id, w.service_id ORDER BY w.week)')}, "
            "p.neighbourhood_id, p.group_id, p.community_started, c.conversation_at "
            "FROM rebuild_service_turn_week w "
            "JOIN rebuild_thread_post p ON p.thread_id = w.thread_id "
            "JOIN rebuild_conversation c ON c.thread_id = w.thread_id AND c.service_id = w.service_id"
        ))
        self.execute(cursor, (
            f"INSERT INTO {self.new(ReciprocityWeek)} (council_id, {', '.join(RECIPROCITY_KEY)}, threads) "
            f"SELECT {{council}}, service_id, week, COALESCE(previous_week, '{NO_EARLIER_WEEK.isoformat()}'), "
            f"COALESCE({self.monday('conversation')}, '{NO_LATER_WEEK.isoformat()}'), community_started, COUNT(*) "
            "FROM (SELECT service_id, week, previous_week, community_started, "
            f"CASE WHEN conversation_at IS NOT NULL THEN {self.week_tree(self.week_starts, 'conversation_at')} END "
            f"AS conversation FROM {self.new(ThreadServiceWeek)}) t "
            "GROUP BY service_id, week, previous_week, conversation, community_started"
        ))
        self.scratch(cursor, "rebuild_thread_person", (
            f"SELECT DISTINCT thread_id, actor_id, week FROM rebuild_thread_row i WHERE {self.community_side()}"
        ))

    def reach(self, cursor) -> None:
        """Count who each service reached, week by week: people in its threads, and at its events.

        For each week a person was in threads of a community that a service took part in,
        the service's nearest weeks of turns in those threads, either side (ReachWeek).
        """
        # Each week of a person in a thread, beside each week of a service's turns there.
        self.scratch(cursor, "rebuild_thread_reach", (
            "SELECT p.week, s.service_id, t.neighbourhood_id, t.group_id, p.actor_id, "
            "CASE WHEN s.week <= p.week THEN s.week END AS before, CASE WHEN s.week >= p.week THEN s.week END AS after "
            "FROM rebuild_service_turn_week s JOIN rebuild_thread_post t ON t.thread_id = s.thread_id "
            "JOIN rebuild_thread_person p ON p.thread_id = s.thread_id"
        ))
        for community_kind, column in (("neighbourhood", "neighbourhood_id"), ("group", "group_id")):
            # Grouped in the rollup's key order, which the merge then finds.
            self.execute(cursor, (
                f"INSERT INTO {self.new(ReachWeek)} (council_id, week, service_id, community_kind, community_id, "
                "person_id, service_week_before, service_week_after) "
                f"SELECT {{council}}, {self.monday('week')}, service_id, '{community_kind}', community_id, actor_id, "
                f"{self.monday('MAX(before)')}, {self.monday('MIN(after)')} FROM ("
                f" SELECT week, service_id, {column} AS community_id, actor_id, before, after FROM rebuild_thread_reach"
                f" WHERE {column} IS NOT NULL"
                " UNION ALL"
                f" SELECT week, service_id, {column}, actor_id, week, week FROM rebuild_attendance"
                f" WHERE {column} IS NOT NULL"
                ") reached GROUP BY service_id, community_id, actor_id, week"
            ))

    def addressed(self, cursor) -> None:
        """Note each community post addressed to a service, and when the service first answered it."""
        # The answers are among the services' interactions, already read: each post finds its
        # first in a small index of them, not among its thread's interactions in the table.
        answers = self.kinds(metrics.ANSWER_KINDS)
        cursor.execute(
            f"CREATE INDEX rebuild_answer ON rebuild_service_row (thread_id, acting_for_id, at) WHERE kind IN {answers}"
        )
        self.execute(cursor, (
            f"INSERT INTO {self.new(AddressedThread)} (council_id, thread_id, service_id, neighbourhood_id, "
            "group_id, posted_at, first_response_at, response_wait) "
            "SELECT {council}, thread_id, service_id, neighbourhood_id, group_id, posted_at, first_response_at, "
            f"{microseconds_between_sql('first_response_at', 'posted_at')} FROM ("
            "SELECT i.id AS thread_id, i.addressed_to_id AS service_id, i.neighbourhood_id, i.group_id, "
            "i.at AS posted_at, (SELECT MIN(r.at) FROM rebuild_service_row r WHERE r.thread_id = i.id "
            f"AND r.acting_for_id = i.addressed_to_id AND r.kind IN {answers} AND r.id <> i.id "
            "AND r.at >= i.at) AS first_response_at "
            f"FROM {self.every_interaction} AND i.kind = 'post' AND i.thread_id = i.id "
            f"AND i.addressed_to_id IN {{services}} AND {self.community_side()}) addressed"
        ))
        within = metrics.ANSWER_WITHIN // timedelta(microseconds=1)
        self.execute(cursor, (
            f"INSERT INTO {self.new(AddressedWeek)} (council_id, service_id, week, answered_week, posts, "
            f"answered_within_2d) SELECT {{council}}, service_id, {self.monday('week')}, "
            f"COALESCE({self.monday('answered')}, '{NO_LATER_WEEK.isoformat()}'), COUNT(*), "
            f"SUM(CASE WHEN response_wait <= {within} THEN 1 ELSE 0 END) "
            f"FROM (SELECT service_id, response_wait, {self.week_tree(self.week_starts, 'posted_at')} AS week, "
            f"CASE WHEN first_response_at IS NOT NULL THEN {self.week_tree(self.week_starts, 'first_response_at')} "
            f"END AS answered FROM {self.new(AddressedThread)}) addressed GROUP BY service_id, week, answered"
        ))


def rollup_key(model) -> list[str]:
    """Return the columns of a rollup's unique constraint: what tells one of its rows from another."""
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint):
            return [model._meta.get_field(name).column for name in constraint.fields]
    return [next(f.column for f in model._meta.concrete_fields if f.unique and not f.primary_key)]


def seconds_sql(column: str) -> str:
    """Return SQL for an instant in seconds since 1970, to the microsecond."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS double precision)"
    # Django writes any fraction of a second after the 19th character. SQLite's day count
    # keeps milliseconds, rounding, so the whole seconds are taken from it (rounded again)
    # and the fraction added back apart. (No strftime('%s'): a statement with parameters
    # would take its %s for one.)
    return (f"(ROUND((julianday(substr({column}, 1, 19)) - 2440587.5) * 86400) "
            f"+ CAST(substr({column}, 20) AS REAL))")


def microseconds_between_sql(later: str, earlier: str) -> str:
    """Return SQL for the microseconds from one instant to another, exactly."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) * 1000000 AS bigint)"
    # Whole seconds and fractions apart, as in seconds_sql(), each rounded to a whole number.
    return (f"CAST(ROUND((julianday(substr({later}, 1, 19)) - julianday(substr({earlier}, 1, 19))) * 86400) "
            f"* 1000000 + ROUND((CAST(substr({later}, 20) AS REAL) - CAST(substr({earlier}, 20) AS REAL)) * 1000000) "
            "AS INTEGER)")


def days_sql(column: str) -> str:
    """Return SQL for a date as a number of days, so that two dates' difference is the days between them."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"julianday({column})"


def sqlite_instant(at: datetime) -> str:
    """Return an instant as Django writes it for SQLite: naive UTC, a space between date and time."""
    return at.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ")
