"""Weekly rollups: relationship health counted ahead, so that pages never scan interactions.

Two ways in, one meaning. `rollups_record()` counts each interaction as it is recorded
on the platform, touching only the rows of its week and thread. `rollups_rebuild()`
recounts a whole council from its interactions, week by week and thread by thread,
after an import or when the council's time zone changes. Both cut weeks Monday to
Sunday in the council's time zone, and the tests hold them to the same figures as the
definitions computed from the interactions themselves (metrics.py).

Changing an organisation's kind (a group becoming a council service, say) changes
which side past interactions were on: rebuild after it.
"""

from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone as django_timezone

from villagehall.analytics import metrics
from villagehall.analytics.models import (
    AddressedThread, AttendanceWeek, Community, Interaction, NeighbourhoodWeek, OfficerWeek, ParticipantSpan, RollupState,
    ServiceWeek, ThreadPersonWeek, ThreadServiceWeek,
)
from villagehall.core.tenancy import council_scope
from villagehall.events.models import Event
from villagehall.people.models import Organisation

THREAD_SERVICE_COLUMNS = ("thread_id", "service_id", "week", "neighbourhood_id", "group_id", "community_started",
                          "conversation_at")
ROLLUP_MODELS = (
    ServiceWeek, OfficerWeek, NeighbourhoodWeek, ParticipantSpan, AddressedThread, ThreadServiceWeek, ThreadPersonWeek,
    AttendanceWeek,
)
THREAD_CHUNK = 20_000  # thread ids per read when rebuilding thread rollups

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


class WeekFinder:
    """Finds the week of an instant in a known run of weeks by a search over their first instants.

    A rebuild asks for the week of millions of instants; converting each one to the
    council's zone would cost more than all the rest of its counting.
    """

    def __init__(self, first: date, last: date, zone: ZoneInfo):
        self.zone = zone
        self.mondays = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
        self.starts = [_midnight(monday, zone) for monday in self.mondays]
        self.starts.append(_midnight(last + timedelta(weeks=1), zone))

    def __call__(self, at: datetime) -> date:
        index = bisect_right(self.starts, at) - 1
        if 0 <= index < len(self.mondays):
            return self.mondays[index]
        return week_of(at, self.zone)


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
        return dict(zip(self.__slots__, self.row()))

    def row(self) -> tuple:
        return self.interactions, self.supports, self.first_at, self.last_at, self.gap_square_sum


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
        rows.extend(
            {
                "thread_id": post.id, "service_id": service, "week": week,
                "neighbourhood_id": post.neighbourhood, "group_id": post.group,
                "community_started": post.acting_for not in services, "conversation_at": conversation_at,
            }
            for week in sorted(weeks)
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
        block, bit = ParticipantSpan.place_of(week)
        _upsert_add(
            ParticipantSpan, council,
            {"block": block, "neighbourhood_id": interaction.neighbourhood_id, "person_id": interaction.actor_id},
            {"weeks": bit}, combine="|",
        )
    if service is None and kind == "attendance" and interaction.event_id is not None:
        organiser = Event.objects.filter(pk=interaction.event_id).values_list("organiser__kind", "organiser_id").first()
        if organiser and organiser[0] == Organisation.Kind.COUNCIL_SERVICE:
            AttendanceWeek.objects.bulk_create([
                AttendanceWeek(council=council, week=week, service_id=organiser[1], community_kind=community_kind,
                               community_id=community_id, person_id=interaction.actor_id)
                for community_kind, community_id in communities_of(interaction.neighbourhood_id, interaction.group_id)
            ], ignore_conflicts=True)

    if kind == "post" and service is None and thread == interaction.pk and interaction.addressed_to_id is not None:
        if interaction.addressed_to.is_service:
            AddressedThread.objects.create(
                council=council, thread=interaction, service_id=interaction.addressed_to_id,
                neighbourhood_id=interaction.neighbourhood_id, group_id=interaction.group_id,
                posted_at=interaction.at,
            )
    if thread is None:
        return
    if service is not None and kind in metrics.ANSWER_KINDS:
        answered = AddressedThread.objects.filter(thread_id=thread, service_id=service, posted_at__lte=interaction.at)
        answered.filter(first_response_at__isnull=True).update(first_response_at=interaction.at)
        answered.filter(first_response_at__gt=interaction.at).update(first_response_at=interaction.at)
    with_service = ThreadServiceWeek.objects.filter(thread_id=thread).exists()
    if kind in metrics.TURN_KINDS and (service is not None or with_service):
        _thread_refresh(council, thread, zone, services=service_ids())
        if not with_service:
            _thread_people_backfill(council, thread, zone)
            return
    if with_service and service is None and kind in metrics.REACHING_KINDS:
        ThreadPersonWeek.objects.bulk_create(
            [ThreadPersonWeek(council=council, thread_id=thread, person_id=interaction.actor_id, week=week)],
            ignore_conflicts=True,
        )


def _service_week_refresh(council, service, community_kind, community_id, week, zone):
    start, end = week_bounds(week, zone)
    place = "neighbourhood_id" if community_kind == Community.NEIGHBOURHOOD else "group_id"
    tally = ServiceWeekTally()
    for at, kind in Interaction.objects.filter(
        acting_for_id=service, at__gte=start, at__lt=end, **{place: community_id}
    ).order_by("at", "id").values_list("at", "kind"):
        tally.add(at, kind)
    ServiceWeek.objects.update_or_create(
        week=week, service_id=service, community_kind=community_kind, community_id=community_id,
        defaults={"council": council, **tally.values()},
    )


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


def _thread_refresh(council, thread, zone, *, services):
    ThreadServiceWeek.objects.filter(thread_id=thread).delete()
    ThreadServiceWeek.objects.bulk_create(
        [ThreadServiceWeek(council=council, **row)
         for row in thread_service_rows(_thread_turns([thread]), services, lambda at: week_of(at, zone))]
    )


def _thread_people_backfill(council, thread, zone):
    """Count the community's earlier posts, replies and reactions in a thread a service has just joined."""
    services = service_ids()
    ThreadPersonWeek.objects.bulk_create([
        ThreadPersonWeek(council=council, thread_id=thread, person_id=actor, week=week_of(at, zone))
        for actor, at, acting_for in Interaction.objects.filter(
            thread_id=thread, kind__in=metrics.REACHING_KINDS
        ).values_list("actor_id", "at", "acting_for_id")
        if acting_for not in services
    ], ignore_conflicts=True)


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


def planner_statistics_refresh(*models) -> None:
    """Let PostgreSQL's planner see tables as they now are, inside this transaction too.

    Without it, a table filled by the same transaction still looks empty, and the
    planner scans it whole where an index would find a handful of rows.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {model._meta.db_table}")


@transaction.atomic
def rollups_rebuild(*, council, on_progress=None) -> RollupState:
    """Recount the council's weekly rollups from its interactions; return the new state."""
    with council_scope(council):
        for model in ROLLUP_MODELS:
            model.objects.all().delete()
        planner_statistics_refresh(Interaction)
        zone = ZoneInfo(council.time_zone)
        services = service_ids()
        span = Interaction.objects.aggregate(first=Min("at"), last=Max("at"), count=Count("id"))
        if span["first"] is not None:
            week, last = week_of(span["first"], zone), week_of(span["last"], zone)
            spans = ParticipantSpans(council)
            # Events a service organised, and which service.
            organisers = dict(Event.objects.filter(organiser_id__in=services).values_list("pk", "organiser_id"))
            while week <= last:
                _rebuild_week(council, week, zone, services, spans, organisers)
                if on_progress is not None:
                    on_progress(week)
                week += timedelta(weeks=1)
            spans.flush()
            _rebuild_threads(council, WeekFinder(week_of(span["first"], zone), last, zone), services)
            _rebuild_addressed(council, services)
        planner_statistics_refresh(*ROLLUP_MODELS)
        state, _ = RollupState.objects.update_or_create(
            council=council,
            defaults={"rebuilt_at": django_timezone.now(), "time_zone": council.time_zone, "interactions": span["count"]},
        )
        return state


def _in(ids) -> tuple[str, list]:
    """Return SQL for `IN (…)` over ids, and its parameters; an empty set matches nothing."""
    ids = sorted(ids) or [-1]
    return f"({', '.join(['%s'] * len(ids))})", ids


class ParticipantSpans:
    """Gathers each block's participant bits week by week, writing a block out when the next begins."""

    def __init__(self, council):
        self.council, self.block, self.weeks = council, None, defaultdict(int)

    def add(self, week: date, pairs) -> None:
        block, bit = ParticipantSpan.place_of(week)
        if block != self.block:
            self.flush()
            self.block = block
        for neighbourhood, person in pairs:
            self.weeks[(neighbourhood, person)] |= bit

    def flush(self) -> None:
        council = self.council.pk
        rollup_rows_insert(
            ParticipantSpan, ("council_id", "block", "neighbourhood_id", "person_id", "weeks"),
            sorted((council, self.block, neighbourhood, person, weeks)
                   for (neighbourhood, person), weeks in self.weeks.items()),
        )
        self.weeks = defaultdict(int)


def _rebuild_week(council, week, zone, services, spans: ParticipantSpans, organisers: dict) -> None:
    start, end = week_bounds(week, zone)
    in_services, service_params = _in(services)
    window = [council.pk, _instant(start), _instant(end)]
    community_side = f"(i.acting_for_id IS NULL OR i.acting_for_id NOT IN {in_services})"
    with connection.cursor() as cursor:
        # A service's own interactions, counted here in time order for the gaps between them.
        cursor.execute(
            f"SELECT acting_for_id, neighbourhood_id, group_id, actor_id, at, kind FROM {I} i "
            f"WHERE council_id = %s AND at >= %s AND at < %s AND acting_for_id IN {in_services} ORDER BY at, id",
            [*window, *service_params],
        )
        tallies, officers = defaultdict(ServiceWeekTally), defaultdict(int)
        for service, neighbourhood, group, actor, at, kind in cursor.fetchall():
            at = aware_instant(at)
            for community in communities_of(neighbourhood, group):
                tallies[(service, *community)].add(at, kind)
            officers[(service, actor)] += 1
        rollup_rows_insert(
            ServiceWeek, ("council_id", "week", "service_id", "community_kind", "community_id", *ServiceWeekTally.__slots__),
            [(council.pk, week, service, kind, cid, *tally.row()) for (service, kind, cid), tally in tallies.items()],
        )
        rollup_rows_insert(
            OfficerWeek, ("council_id", "week", "service_id", "person_id", "interactions"),
            [(council.pk, week, service, person, n) for (service, person), n in officers.items()],
        )
        # The community's side, counted by the database.
        cursor.execute(
            f"INSERT INTO {NeighbourhoodWeek._meta.db_table} "
            "(council_id, week, neighbourhood_id, interactions, offline, assisted) "
            "SELECT council_id, %s, neighbourhood_id, COUNT(*), "
            "SUM(CASE WHEN channel <> 'online' THEN 1 ELSE 0 END), SUM(CASE WHEN channel = 'assisted' THEN 1 ELSE 0 END) "
            f"FROM {I} i WHERE council_id = %s AND at >= %s AND at < %s AND neighbourhood_id IS NOT NULL "
            f"AND {community_side} GROUP BY council_id, neighbourhood_id",
            [_day(week), *window, *service_params],
        )
        cursor.execute(
            f"SELECT DISTINCT neighbourhood_id, actor_id FROM {I} i WHERE council_id = %s AND at >= %s AND at < %s "
            f"AND neighbourhood_id IS NOT NULL AND {community_side}",
            [*window, *service_params],
        )
        spans.add(week, cursor.fetchall())
        # Attendance at the services' own events, matched to its organiser here.
        cursor.execute(
            f"SELECT DISTINCT event_id, neighbourhood_id, group_id, actor_id FROM {I} i "
            f"WHERE council_id = %s AND at >= %s AND at < %s AND kind = 'attendance' AND event_id IS NOT NULL "
            f"AND {community_side}",
            [*window, *service_params],
        )
        attended = {
            (organisers[event], *community, person)
            for event, neighbourhood, group, person in cursor.fetchall() if event in organisers
            for community in communities_of(neighbourhood, group)
        }
        rollup_rows_insert(
            AttendanceWeek, ("council_id", "week", "service_id", "community_kind", "community_id", "person_id"),
            [(council.pk, week, *row) for row in attended],
        )


def _rebuild_threads(council, week_of_instant: WeekFinder, services) -> None:
    """Count every thread a service took a turn in, reading a range of thread ids at a time."""
    bounds = Interaction.objects.filter(thread__isnull=False).aggregate(low=Min("thread_id"), high=Max("thread_id"))
    if bounds["low"] is None or not services:
        return
    kinds, kind_params = _in(metrics.REACHING_KINDS)
    turn_kinds = metrics.TURN_KINDS
    with connection.cursor() as cursor:
        for low in range(bounds["low"], bounds["high"] + 1, THREAD_CHUNK):
            # `+council_id` keeps SQLite from reading the council's every interaction through
            # its time index for each range; it walks the thread index instead.
            cursor.execute(
                f"SELECT id, at, kind, actor_id, acting_for_id, neighbourhood_id, group_id, thread_id FROM {I} "
                f"WHERE +council_id = %s AND thread_id >= %s AND thread_id < %s AND kind IN {kinds} "
                f"ORDER BY thread_id, at, id",
                [council.pk, low, low + THREAD_CHUNK, *kind_params],
            )
            service_rows, people_rows = [], set()
            rows = cursor.fetchall()
            start = 0
            for end in range(1, len(rows) + 1):
                if end < len(rows) and rows[end][7] == rows[start][7]:
                    continue
                thread = rows[start:end]
                start = end
                # Most threads never see a service: pass over them as raw rows.
                if not any(row[4] in services and row[2] in turn_kinds for row in thread):
                    continue
                turns = [
                    metrics.InteractionFact(id=row[0], at=aware_instant(row[1]), kind=row[2], actor=row[3],
                                            acting_for=row[4], neighbourhood=row[5], group=row[6], thread=row[7])
                    for row in thread
                ]
                service_rows.extend(thread_service_rows([t for t in turns if t.kind in turn_kinds], services,
                                                        week_of_instant))
                people_rows.update(
                    (t.thread, t.actor, week_of_instant(t.at)) for t in turns if t.acting_for not in services
                )
            rollup_rows_insert(ThreadServiceWeek, ("council_id", *THREAD_SERVICE_COLUMNS),
                               [(council.pk, *(row[c] for c in THREAD_SERVICE_COLUMNS)) for row in service_rows])
            rollup_rows_insert(ThreadPersonWeek, ("council_id", "thread_id", "person_id", "week"),
                               [(council.pk, *row) for row in sorted(people_rows)])


def _rebuild_addressed(council, services) -> None:
    in_services, service_params = _in(services)
    answers, answer_params = _in(metrics.ANSWER_KINDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AddressedThread._meta.db_table} "
            "(council_id, thread_id, service_id, neighbourhood_id, group_id, posted_at, first_response_at) "
            "SELECT p.council_id, p.id, p.addressed_to_id, p.neighbourhood_id, p.group_id, p.at, "
            f"(SELECT MIN(r.at) FROM {I} r WHERE r.thread_id = p.id AND r.id <> p.id "
            f"AND r.acting_for_id = p.addressed_to_id AND r.kind IN {answers} AND r.at >= p.at) "
            f"FROM {I} p WHERE p.council_id = %s AND p.kind = 'post' AND p.thread_id = p.id "
            f"AND p.addressed_to_id IN {in_services} "
            f"AND (p.acting_for_id IS NULL OR p.acting_for_id NOT IN {in_services})",
            [*answer_params, council.pk, *service_params, *service_params],
        )


def rollup_rows_insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rollup rows, tuples in the order of `columns`, by the quickest way the database has."""
    if not rows:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # SQLite takes dates and instants as text; only those columns need converting.
        kinds = [model._meta.get_field(column).get_internal_type() for column in columns]
        for index, kind in enumerate(kinds):
            if kind in ("DateField", "DateTimeField"):
                rows = _with_text_column(rows, index, _sqlite_text(kind))
        cursor.cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['?'] * len(columns))})", rows,
        )


def _with_text_column(rows, index, to_text):
    return [(*row[:index], to_text(row[index]), *row[index + 1:]) for row in rows]


def _sqlite_text(kind):
    if kind == "DateField":
        # The same few weeks come back on every row: write each one out once.
        texts = {}
        return lambda day: day if day is None else texts.get(day) or texts.setdefault(day, day.isoformat())
    return lambda at: at if at is None else sqlite_instant(at)


def sqlite_instant(at: datetime) -> str:
    """Return an instant as Django writes it for SQLite: naive UTC, a space between date and time."""
    return at.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ")


def _instant(at: datetime):
    """Return an instant as a raw query's parameter: SQLite compares them as text in Django's format."""
    return connection.ops.adapt_datetimefield_value(at)


def _day(day: date):
    return connection.ops.adapt_datefield_value(day)


def aware_instant(at) -> datetime:
    """Return an instant from a raw row with its zone: SQLite's come naive, in UTC; PostgreSQL's carry theirs."""
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)
