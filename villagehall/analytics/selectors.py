"""Reads for relationship health.

`relationship_health_for_council()` reads the weekly rollups and is what reports and
pages use. `relationship_health_recomputed_for_council()` reads the interactions
themselves and applies the definitions line by line (metrics.py): slower, and the
reference the rollups are tested against.
"""

import json
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Q, Sum

from villagehall.analytics import metrics
from villagehall.analytics.metrics import GROUP, NEIGHBOURHOOD
from villagehall.analytics.rollups import days_sql, seconds_sql
from villagehall.analytics.models import (
    AddressedThread, AddressedWeek, ImportedRecord, Interaction, NeighbourhoodWeek, OfficerWeek, ParticipantWeek,
    ReachWeek, ReciprocityWeek, RollupState, ServiceWeek, ThreadServiceWeek,
)
from villagehall.core.tenancy import council_scope, require_current_council
from villagehall.events.models import Event
from villagehall.people.models import Membership, Organisation, Person
from villagehall.places.models import Neighbourhood
from villagehall.projects.models import Project, ProjectPartner

FACT_FIELDS = (
    "id", "at", "kind", "actor_id", "acting_for_id", "neighbourhood_id", "group_id", "channel", "thread_id",
    "addressed_to_id", "event_id",
)


def health_window_for_council(*, council, weeks: int, until: date) -> metrics.Window:
    """Return the window of `weeks` weeks ending with the week containing `until`, in the council's zone."""
    return metrics.Window(weeks=weeks, until=until, time_zone=council.time_zone)


def council_setting_for_health(*, council, officers=True, projects=True) -> metrics.CouncilFacts:
    """Return the council's services and communities and, if asked, officers and projects; no interactions."""
    with council_scope(council):
        organisations = [
            metrics.OrganisationFact(id=pk, slug=slug, name=name, kind=kind)
            for pk, slug, name, kind in Organisation.objects.order_by("slug").values_list("pk", "slug", "name", "kind")
        ]
        services = [o for o in organisations if o.kind == metrics.SERVICE]
        setting = metrics.CouncilFacts(
            council=council.slug,
            services=services,
            groups=[o for o in organisations if o.kind != metrics.SERVICE],
            neighbourhoods=[
                metrics.NeighbourhoodFact(*row) for row in Neighbourhood.objects.order_by("slug").values_list(
                    "pk", "slug", "name", "population", "deprivation_decile"
                )
            ],
        )
        if officers:
            members: dict[int, set[int]] = {s.id: set() for s in services}
            for service_id, person_id in Membership.objects.filter(
                organisation__kind=Organisation.Kind.COUNCIL_SERVICE
            ).values_list("organisation_id", "person_id"):
                members[service_id].add(person_id)
            setting.officers = {service: frozenset(people) for service, people in members.items()}
        if projects:
            partners: dict[int, set[int]] = defaultdict(set)
            for project_id, organisation_id in ProjectPartner.objects.values_list("project_id", "organisation_id"):
                partners[project_id].add(organisation_id)
            setting.projects = [
                metrics.ProjectFact(
                    id=pk, neighbourhood=neighbourhood, start=start, end=end, partners=frozenset(partners[pk])
                )
                for pk, neighbourhood, start, end in Project.objects.values_list("pk", "neighbourhood_id", "start", "end")
            ]
        return setting


def _with_handles(setting: metrics.CouncilFacts, council) -> metrics.CouncilFacts:
    with council_scope(council):
        setting.handles = person_handles(person_ids=set().union(*setting.officers.values()))
    return setting


def person_handles(*, person_ids) -> dict[int, str]:
    """Return the id a report shows for each person: their imported id, else their username."""
    handles = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "username"))
    for external_id, person_id in ImportedRecord.objects.filter(
        type=ImportedRecord.Type.PERSON, object_id__in=person_ids
    ).values_list("external_id", "object_id"):
        handles[person_id] = external_id
    return handles


# From the interactions themselves ----------------------------------------------------


def health_facts_for_council(*, council, window: metrics.Window) -> metrics.CouncilFacts:
    """Load what the figures for the council and window are computed from, interactions included."""
    facts = _with_handles(council_setting_for_health(council=council), council)
    with council_scope(council):
        in_window = Interaction.objects.filter(at__gte=window.start, at__lt=window.end)
        # Reciprocity reads a thread's turns from its beginning, so threads that started
        # before the window bring their earlier turns with them.
        earlier_turns = Interaction.objects.filter(
            at__lt=window.start, kind__in=metrics.TURN_KINDS,
            thread_id__in=in_window.filter(thread__isnull=False).values("thread_id"),
        )
        rows = list(in_window.values_list(*FACT_FIELDS)) + list(earlier_turns.values_list(*FACT_FIELDS))
        facts.interactions = [metrics.InteractionFact(*row) for row in rows]
        event_ids = {f.event for f in facts.interactions if f.event is not None}
        facts.event_organisers = dict(Event.objects.filter(pk__in=event_ids).values_list("pk", "organiser_id"))
    return facts


def relationship_health_recomputed_for_council(*, council, weeks: int, until: date) -> metrics.Health:
    """Return every figure for the window, computed from the interactions themselves (slow; for checking)."""
    window = health_window_for_council(council=council, weeks=weeks, until=until)
    return metrics.relationship_health(health_facts_for_council(council=council, window=window), window)


# From the weekly rollups -------------------------------------------------------------


# A thread counts once in a window for a service: on the row of the service's first week
# of turns in the window, whose previous week (if any) lies before it.
FIRST_IN_WINDOW = "(previous_week IS NULL OR previous_week < %s)"
CONVERSATIONS = "SUM(CASE WHEN conversation_at IS NOT NULL AND conversation_at < %s THEN 1 ELSE 0 END)"
COMMUNITY_STARTED = "SUM(CASE WHEN community_started THEN 1 ELSE 0 END)"


def rollups_ready_for_council(*, council) -> bool:
    """Return True if the council's rollups were rebuilt in its present time zone."""
    with council_scope(council):
        return RollupState.objects.filter(time_zone=council.time_zone).exists()


def relationship_health_for_council(*, council, weeks: int, until: date) -> metrics.Health:
    """Return every relationship-health figure for the council over the window, from the weekly rollups."""
    window = health_window_for_council(council=council, weeks=weeks, until=until)
    setting = _with_handles(council_setting_for_health(council=council), council)
    with council_scope(council):
        communities = metrics.communities_of(setting)
        reads = _RollupReads(window, council, [
            (service.id, kind, community_id) for service in setting.services for kind, community_id, _ in communities
        ])
        pairs = []
        organisation_kinds = {o.id: o.kind for o in setting.services + setting.groups}
        for service in setting.services:
            # Only the live projects the service partners can count for any of its pairs.
            projects = [
                p for p in setting.projects
                if service.id in p.partners and metrics.is_live(start=p.start, end=p.end, window=window)
            ]
            for kind, community_id, slug in communities:
                key = (service.id, kind, community_id)
                pair = metrics.PairHealth(service=service.slug, community=slug, community_kind=kind)
                reads.presence(pair, key)
                reads.responsiveness(pair, key)
                reads.reciprocity(pair, key)
                pair.people_reached = reads.reached.get(key, 0)
                pair.partnered_projects, pair.three_way_partnerships = metrics.partnerships(
                    projects, service_id=service.id, community_kind=kind, community_id=community_id,
                    organisation_kinds=organisation_kinds, window=window,
                )
                pairs.append(pair)
        services = [reads.service(service, setting, pairs) for service in setting.services]
        neighbourhoods = [reads.neighbourhood(place) for place in setting.neighbourhoods]
    return metrics.Health(council=council.slug, window=window, pairs=pairs, services=services,
                          neighbourhoods=neighbourhoods)


def _read_beside[T](read: Callable[[], T]) -> Callable[[], T]:
    """Start `read` on a database connection of its own; return what waits for its result.

    The other reads go on meanwhile, on the caller's connection, so on two cores the
    database answers both at once. Inside a transaction another connection would not see
    the rows the transaction wrote, so there `read` runs at once, on the caller's.
    """
    if connection.in_atomic_block:
        result = read()
        return lambda: result

    def on_own_connection() -> T:
        try:
            return read()
        finally:
            connection.close()  # this thread's own, opened by `read`

    pool = ThreadPoolExecutor(1, thread_name_prefix="health-read")
    result = pool.submit(on_own_connection).result
    pool.shutdown(wait=False)  # the thread ends once `read` has
    return result


class _RollupReads:
    """The window's rollups, read once each and handed out pair by pair."""

    def __init__(self, window: metrics.Window, council, pairs: list[tuple[int, str, int]]):
        self.window = window
        self.council = council
        self.pairs = pairs  # (service, community kind, community) of every pair reported
        self.first_week = window.first_day
        self.last_week = window.week_start_day(window.weeks - 1)
        # The largest reads go straight to the cursor: the ORM's conversions of a few hundred
        # thousand rows cost more than the query.
        week_range = [council.pk, *(connection.ops.adapt_datefield_value(w) for w in (self.first_week, self.last_week))]
        # Counting the people reached takes about as long as every other read together.
        reached = _read_beside(self._people_reached)
        self.presence_sums = self._presence_sums(week_range)

        self.waits = defaultdict(list)  # pair → first-response waits, None for unanswered
        for service, neighbourhood, group, wait in addressed_threads_in_window(window, ["neighbourhood_id", "group_id"]):
            for key in _pair_keys(service, neighbourhood, group):
                self.waits[key].append(wait)

        self.threads = self._threads_with_service()

        self.officer_weeks = defaultdict(lambda: defaultdict(set))  # service → person → weeks
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT service_id, person_id, week FROM {OfficerWeek._meta.db_table} "
                "WHERE council_id = %s AND week >= %s AND week <= %s",
                week_range,
            )
            for service, person, week in cursor.fetchall():
                self.officer_weeks[service][person].add(week)

        self.participation = inclusion_for_council(window=window)
        self.reached = reached()

    def _presence_sums(self, week_range) -> dict:
        """Return pair → what its presence figures are worked out from, summed over the window's weeks by the database.

        A week whose pair was active in an earlier week of the window adds the gap from
        that week's last interaction to its own first to the squared gaps, and the days
        between the two weeks give the absence between them.
        """
        pair = "service_id, community_kind, community_id"
        linked = "previous_week >= %s"  # the previous active week lies in the window
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pair}, SUM(interactions), SUM(supports), COUNT(*), {seconds_sql('MIN(first_at)')}, "
                f"{seconds_sql('MAX(last_at)')}, "
                f"SUM(gap_square_sum + CASE WHEN {linked} THEN gap_before * gap_before ELSE 0 END), MIN(week), "
                f"MAX(week), MAX(CASE WHEN {linked} THEN {days_sql('week')} - {days_sql('previous_week')} END) "
                f"FROM {ServiceWeek._meta.db_table} WHERE council_id = %s AND week >= %s AND week <= %s "
                f"GROUP BY {pair}",
                [week_range[1], week_range[1], *week_range],
            )
            return {(service, kind, community): sums for service, kind, community, *sums in cursor.fetchall()}

    def presence(self, pair, key):
        sums = self.presence_sums.get(key)
        if sums is None:
            self.presence_from_weeks(pair, [], self.window)
            return
        interactions, supports, active, first, last, squares, first_week, last_week, longest_step = sums
        _presence_fill(
            pair, self.window, interactions=interactions, supports=supports, active_weeks=active,
            # Weeks before the first active one, after the last, and between two active ones.
            longest_absence=max(
                (date.fromisoformat(str(first_week)) - self.first_week).days // 7,
                (self.last_week - date.fromisoformat(str(last_week))).days // 7,
                round(longest_step or 7) // 7 - 1,
            ),
            burstiness=metrics.burstiness_of_sums(count=interactions, span_seconds=last - first, gap_square_sum=squares),
        )

    @staticmethod
    def presence_from_weeks(pair, weeks, window):
        """Fill in a pair's presence figures from its ServiceWeek values, in week order."""
        active = {(week - window.first_day).days // 7 for week, *_ in weeks}
        _presence_fill(
            pair, window, interactions=sum(n for _, n, *_ in weeks), supports=sum(s for _, _, s, *_ in weeks),
            active_weeks=len(active), longest_absence=metrics.longest_absence(active, window.weeks),
            burstiness=metrics.burstiness_of_weeks(
                (n, first_at, last_at, squares) for _, n, _, first_at, last_at, squares in weeks
            ),
        )

    def responsiveness(self, pair, key):
        waits = self.waits.get(key, [])
        answered = [w for w in waits if w is not None]
        pair.addressed_threads = len(waits)
        pair.answered_within_2d = metrics.share(sum(w <= metrics.ANSWER_WITHIN for w in answered), len(waits))
        pair.median_first_response_hours = metrics.median_hours(answered)
        pair.unanswered = len(waits) - len(answered)

    def reciprocity(self, pair, key):
        threads, conversations, started = self.threads.get(key, (0, 0, 0))
        pair.threads_with_service = threads
        pair.reciprocity = metrics.share(conversations, threads)
        pair.community_started_share = metrics.share(started, threads)

    def _threads_with_service(self) -> dict:
        """Return pair → (threads with the service, of which conversations, of which community-started)."""
        found = {}
        weeks = [connection.ops.adapt_datefield_value(w) for w in (self.first_week, self.last_week)]
        window_end = connection.ops.adapt_datetimefield_value(self.window.end)
        with connection.cursor() as cursor:
            for kind, column in ((NEIGHBOURHOOD, "neighbourhood_id"), (GROUP, "group_id")):
                cursor.execute(
                    f"SELECT service_id, {column}, COUNT(*), {CONVERSATIONS}, {COMMUNITY_STARTED} "
                    f"FROM {ThreadServiceWeek._meta.db_table} WHERE council_id = %s AND week >= %s AND week <= %s "
                    f"AND {FIRST_IN_WINDOW} AND {column} IS NOT NULL GROUP BY service_id, {column}",
                    [window_end, self.council.pk, *weeks, weeks[0]],
                )
                for service, community, threads, conversations, started in cursor.fetchall():
                    found[(service, kind, community)] = (threads, conversations, started)
        return found

    def _people_reached(self) -> dict:
        """Return pair → distinct community-side people reached in threads and at events.

        A person's week in the window counts when the window also holds the service's
        nearest week of turns in the same threads, on one side or the other (ReachWeek).
        """
        first, last = (connection.ops.adapt_datefield_value(w) for w in (self.first_week, self.last_week))
        reached = "(service_week_before >= %s OR service_week_after <= %s)"
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # Pair by pair, from the window's weeks alone in the index of each pair's weeks
                # (migration 0023): grouped over the whole table, SQLite read every week of
                # every pair (ten million interactions, a year: 0.9 s against 0.5 s).
                pair = ", ".join(f"json_extract(p.value, '$[{n}]')" for n in range(3))
                cursor.execute(
                    f"SELECT {pair}, (SELECT COUNT(DISTINCT person_id) FROM {ReachWeek._meta.db_table} r "
                    "WHERE r.council_id = %s AND (r.service_id, r.community_kind, r.community_id) = "
                    f"({pair}) AND r.week >= %s AND r.week <= %s AND {reached}) FROM json_each(%s) p",
                    [self.council.pk, first, last, first, last, json.dumps(self.pairs)],
                )
            else:
                cursor.execute(
                    "SELECT service_id, community_kind, community_id, COUNT(DISTINCT person_id) "
                    f"FROM {ReachWeek._meta.db_table} WHERE council_id = %s AND week >= %s AND week <= %s "
                    f"AND {reached} GROUP BY service_id, community_kind, community_id",
                    [self.council.pk, first, last, first, last],
                )
            return {(service, kind, community): people for service, kind, community, people in cursor.fetchall()}

    def service(self, service, setting, pairs) -> metrics.ServiceHealth:
        officers = setting.officers.get(service.id, frozenset())
        active = {p: weeks for p, weeks in self.officer_weeks.get(service.id, {}).items() if p in officers}
        own = [p for p in pairs if p.service == service.slug and p.community_kind == NEIGHBOURHOOD]
        return metrics.ServiceHealth(
            service=service.slug, name=service.name,
            officers=len(officers),
            active_officers=len(active),
            adoption=metrics.share(len(active), len(officers)),
            champions=sorted(
                setting.handles.get(person, str(person))
                for person, weeks in active.items() if metrics.is_champion(len(weeks), self.window.weeks)
            ),
            communities_engaged=sum(p.pattern == "engaged" for p in own),
            communities_docking=sum(p.pattern == "docking" for p in own),
        )

    def neighbourhood(self, place) -> metrics.NeighbourhoodHealth:
        row = self.participation.get(place.id, {"participants": 0, "interactions": 0, "offline": 0, "assisted": 0})
        return metrics.NeighbourhoodHealth(
            neighbourhood=place.slug, name=place.name, population=place.population,
            participants=row["participants"],
            participants_per_1000=metrics.per_1000(row["participants"], place.population),
            offline_share=metrics.share(row["offline"], row["interactions"]),
            assisted_share=metrics.share(row["assisted"], row["interactions"]),
            deprivation_decile=place.deprivation_decile,
        )


def addressed_threads_in_window(window: metrics.Window, columns=()):
    """Yield (service, *columns, wait) for each post addressed to a service in the window, in the current council.

    The wait is the time to the service's first response, or None when it has not
    answered by the end of the window (a later answer has not happened yet, as far as
    the window knows). A year of a county's addressed posts is a hundred thousand rows:
    each wait is kept in microseconds, so that no instant is turned into Python.
    """
    with connection.cursor() as cursor:
        cursor.execute(*_addressed_in_window_sql(window, columns))
        rows = cursor.fetchall()
    for *row, wait in rows:
        yield *row, None if wait is None else timedelta(microseconds=wait)


def _addressed_in_window_sql(window: metrics.Window, columns=()) -> tuple[str, list]:
    """Return SQL and parameters for the window's addressed posts: service, the columns asked for, and `wait`."""
    end = connection.ops.adapt_datetimefield_value(window.end)
    return (
        f"SELECT service_id, {''.join(f'{c}, ' for c in columns)}"
        f"CASE WHEN first_response_at < %s THEN response_wait END AS wait FROM {AddressedThread._meta.db_table} "
        "WHERE council_id = %s AND posted_at >= %s AND posted_at < %s",
        [end, require_current_council().pk, connection.ops.adapt_datetimefield_value(window.start), end],
    )


def _middle_waits_in_wait_order(cursor, window: metrics.Window, answered: dict[int, int]) -> list[tuple[int, int]]:
    """Return (service, wait) for each service's middle one or two answered waits in the window.

    `answered` gives how many posts each service answered within the window. Each service's
    answered posts are walked in order of wait through an index (migrations 0017 and 0020)
    until the middle ones, so nothing is put in order and no row of the table is read.
    """
    start, end = (connection.ops.adapt_datetimefield_value(instant) for instant in (window.start, window.end))
    council = require_current_council().pk
    # SQLite's planner would rather walk the posts in time order and sort their waits.
    index = "INDEXED BY addressed_thread_wait_order " if connection.vendor == "sqlite" else ""
    one_service = (
        f"SELECT * FROM (SELECT service_id, response_wait FROM {AddressedThread._meta.db_table} {index}"
        "WHERE council_id = %s AND service_id = %s "
        "AND response_wait IS NOT NULL AND posted_at >= %s AND posted_at < %s AND first_response_at < %s "
        "ORDER BY response_wait LIMIT %s OFFSET %s) middle"
    )
    middles = []
    services = sorted(answered.items())
    # SQLite takes at most 500 parts in one compound statement.
    for chunk in (services[i:i + 100] for i in range(0, len(services), 100)):
        params = []
        for service, n in chunk:
            # The middle wait when n is odd, the two middle ones when it is even.
            params += [council, service, start, end, end, 2 - n % 2, (n - 1) // 2]
        cursor.execute(" UNION ALL ".join([one_service] * len(chunk)), params)
        middles += cursor.fetchall()
    return middles


def _presence_fill(pair, window, *, interactions, supports, active_weeks, longest_absence, burstiness) -> None:
    """Set a pair's presence figures, and those that follow from them."""
    pair.service_interactions = interactions
    pair.active_weeks = active_weeks
    pair.presence = metrics.presence(active_weeks, window.weeks)
    pair.longest_absence_weeks = longest_absence
    pair.burstiness = burstiness
    pair.pattern = metrics.pattern(interactions, pair.presence)
    pair.support_given = supports
    pair.enablement_share = metrics.share(supports, interactions)


def _pair_keys(service, neighbourhood, group):
    if neighbourhood is not None:
        yield (service, NEIGHBOURHOOD, neighbourhood)
    if group is not None:
        yield (service, GROUP, group)


# For the pages -----------------------------------------------------------------------
#
# Each page asks only for what it shows, summed by the database from the rollups of
# the window's weeks: a few hundred rows at most, however many interactions lie behind.


def person_may_read_health(*, person) -> bool:
    """Return True if the person administers the current council or is an officer of one of its services."""
    from villagehall.people.selectors import person_is_council_administrator

    return person.is_authenticated and (
        person_is_council_administrator(person=person)
        or Membership.objects.filter(person=person, organisation__kind=Organisation.Kind.COUNCIL_SERVICE).exists()
    )


def _window_weeks(window: metrics.Window) -> dict:
    return {"week__gte": window.first_day, "week__lte": window.week_start_day(window.weeks - 1)}


def presence_grid_for_council(*, window: metrics.Window) -> dict:
    """Return each service's presence and pattern in each neighbourhood of the current council."""
    cells = {}
    for service, place, weeks, interactions in ServiceWeek.objects.filter(
        community_kind=NEIGHBOURHOOD, **_window_weeks(window)
    ).values_list("service_id", "community_id").annotate(weeks=Count("*"), n=Sum("interactions")).order_by():
        presence = metrics.presence(weeks, window.weeks)
        cells[(service, place)] = {
            "service_interactions": interactions, "active_weeks": weeks, "presence": presence,
            "pattern": metrics.pattern(interactions, presence),
        }
    return cells


def weekly_presence_for_pair(*, service, neighbourhood, window: metrics.Window) -> dict:
    """Return a service's interactions in a neighbourhood week by week, with the pair's presence figures."""
    rows = list(ServiceWeek.objects.filter(
        service=service, community_kind=NEIGHBOURHOOD, community_id=neighbourhood.pk, **_window_weeks(window)
    ).order_by("week").values_list("week", "interactions", "supports", "first_at", "last_at", "gap_square_sum"))
    by_week = {week: n for week, n, *_ in rows}
    pair = metrics.PairHealth(service=service.slug, community=neighbourhood.slug, community_kind=NEIGHBOURHOOD)
    _RollupReads.presence_from_weeks(pair, rows, window)
    weeks = [window.week_start_day(i) for i in range(window.weeks)]
    return {"pair": pair, "weeks": [(week, by_week.get(week, 0)) for week in weeks]}


def responsiveness_for_council(*, window: metrics.Window, unanswered_limit: int | None = 100) -> dict:
    """Return each service's answers to posts addressed to it, and the oldest posts still unanswered."""
    in_window = AddressedThread.objects.filter(posted_at__gte=window.start, posted_at__lt=window.end)
    # A post counts as answered when its answer came by the end of the window.
    answered_by_end = Q(answered_week__lte=window.week_start_day(window.weeks - 1))
    counts = list(AddressedWeek.objects.filter(**_window_weeks(window)).values_list("service_id").annotate(
        addressed=Sum("posts"),
        answered=Sum("posts", filter=answered_by_end, default=0),
        within_2d=Sum("answered_within_2d", filter=answered_by_end, default=0),
    ).order_by())
    middle_waits = defaultdict(list)
    with connection.cursor() as cursor:
        answered = {service: n_answered for service, _, n_answered, _ in counts if n_answered}
        for service, wait in _middle_waits_in_wait_order(cursor, window, answered):
            middle_waits[service].append(timedelta(microseconds=wait))
    summary = {
        service: {
            "addressed_threads": n_addressed,
            "answered_within_2d": metrics.share(within_2d, n_addressed),
            "median_first_response_hours": metrics.median_hours(middle_waits[service]),
            "unanswered": n_addressed - n_answered,
        }
        for service, n_addressed, n_answered, within_2d in counts
    }
    answered = Q(first_response_at__isnull=False, first_response_at__lt=window.end)
    waiting = in_window.exclude(answered).order_by("posted_at", "thread_id").values_list(
        "thread_id", "service_id", "posted_at", "thread__post_id", "thread__post__title", "thread__external_id",
    )
    unanswered = [
        {"thread": thread, "service": service, "posted_at": posted_at, "post": post,
         "label": title or (f"Imported post {external_id}" if external_id else f"Post {thread}")}
        for thread, service, posted_at, post, title, external_id in (
            waiting if unanswered_limit is None else waiting[:unanswered_limit]
        )
    ]
    return {"services": summary, "unanswered": unanswered,
            "unanswered_total": sum(s["unanswered"] for s in summary.values())}


def reciprocity_for_council(*, window: metrics.Window) -> dict:
    """Return, for each service, its threads in the window: how many, how many conversations, who started them."""
    last_week = window.week_start_day(window.weeks - 1)
    rows = ReciprocityWeek.objects.filter(
        # Each thread once: in its first week with the service in the window.
        **_window_weeks(window), previous_week__lt=window.first_day,
    ).values_list("service_id").annotate(
        total=Sum("threads"),
        conversations=Sum("threads", filter=Q(conversation_week__lte=last_week), default=0),
        started=Sum("threads", filter=Q(community_started=True), default=0),
    ).order_by()
    return {
        service: {
            "threads_with_service": threads,
            "reciprocity": metrics.share(conversations, threads),
            "community_started_share": metrics.share(started, threads),
            "service_started": threads - started,
            "community_started": started,
        }
        for service, threads, conversations, started in rows
    }


def enabling_for_council(*, window: metrics.Window, setting: metrics.CouncilFacts) -> dict:
    """Return, for each service, its partnerships and the support it gave across the neighbourhoods."""
    totals = {
        service: (n, supports)
        for service, n, supports in ServiceWeek.objects.filter(
            community_kind=NEIGHBOURHOOD, **_window_weeks(window)
        ).values_list("service_id").annotate(n=Sum("interactions"), s=Sum("supports")).order_by()
    }
    kinds = {o.id: o.kind for o in setting.services + setting.groups}
    result = {}
    for service in setting.services:
        live = [
            p for p in setting.projects
            if service.id in p.partners and metrics.is_live(start=p.start, end=p.end, window=window)
        ]
        n, supports = totals.get(service.id, (0, 0))
        result[service.id] = {
            "partnered_projects": len(live),
            "three_way_partnerships": sum(metrics.is_three_way(p.partners, kinds) for p in live),
            "service_interactions": n, "support_given": supports,
            "enablement_share": metrics.share(supports, n),
        }
    return result


def adoption_over_time_for_council(*, window: metrics.Window, setting: metrics.CouncilFacts) -> dict:
    """Return, for each service, its officers active week by week, its adoption and its champions."""
    # The officers' weeks of the window, counted by the database both ways: a year of a
    # county's is tens of thousands of rows, which Python would take longer to sort out.
    officer_weeks = (
        f"FROM {OfficerWeek._meta.db_table} w JOIN {Membership._meta.db_table} m "
        "ON m.organisation_id = w.service_id AND m.person_id = w.person_id "
        "WHERE w.council_id = %s AND w.week >= %s AND w.week <= %s"
    )
    params = [require_current_council().pk,
              *(connection.ops.adapt_datefield_value(w) for w in (window.first_day, window.week_start_day(window.weeks - 1)))]
    active = defaultdict(dict)  # service → week → officers active
    weeks_of = defaultdict(dict)  # service → officer → weeks active
    if connection.vendor == "postgresql":
        # Both counts from one pass over the rows (a county's year: 17 ms, against 21 ms each).
        counts = (f"SELECT w.service_id, w.week, w.person_id, COUNT(*) {officer_weeks} "
                  "GROUP BY GROUPING SETS ((w.service_id, w.week), (w.service_id, w.person_id))")
    else:
        counts = (f"SELECT w.service_id, w.week, NULL, COUNT(*) {officer_weeks} GROUP BY w.service_id, w.week "
                  f"UNION ALL SELECT w.service_id, NULL, w.person_id, COUNT(*) {officer_weeks} "
                  "GROUP BY w.service_id, w.person_id")
        params = params * 2
    with connection.cursor() as cursor:
        cursor.execute(counts, params)
        for service, week, person, count in cursor.fetchall():
            if person is None:  # counted by week
                active[service][date.fromisoformat(str(week))] = count  # SQLite gives text
            else:  # counted by officer
                weeks_of[service][person] = count
    weeks = [window.week_start_day(i) for i in range(window.weeks)]
    result = {}
    for service in setting.services:
        officers, counts = len(setting.officers.get(service.id, ())), active[service.id]
        result[service.id] = {
            "officers": officers,
            "active_officers": len(weeks_of[service.id]),
            "adoption": metrics.share(len(weeks_of[service.id]), officers),
            "weekly": [(week, counts.get(week, 0), metrics.share(counts.get(week, 0), officers)) for week in weeks],
            "champions": sorted(
                person for person, n in weeks_of[service.id].items() if metrics.is_champion(n, window.weeks)
            ),
        }
    return result


def inclusion_for_council(*, window: metrics.Window) -> dict:
    """Return, for each neighbourhood, its participants and the community side's activity by channel."""
    found = defaultdict(lambda: {"participants": 0, "interactions": 0, "offline": 0, "assisted": 0})
    for place, interactions, offline, assisted in NeighbourhoodWeek.objects.filter(
        **_window_weeks(window)
    ).values_list("neighbourhood_id").annotate(Sum("interactions"), Sum("offline"), Sum("assisted")).order_by():
        found[place].update(interactions=interactions, offline=offline, assisted=assisted)
    # Each participant once: in the week they first took part in the window, the one whose
    # earlier week lies before it (models.ParticipantWeek).
    for place, participants in ParticipantWeek.objects.filter(
        **_window_weeks(window), earlier_week__lt=window.first_day
    ).values_list("neighbourhood_id").annotate(Sum("people")).order_by():
        found[place]["participants"] = participants
    return dict(found)
