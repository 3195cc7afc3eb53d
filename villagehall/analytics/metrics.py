"""Relationship health, as ../shared/METRICS.md (version 1) defines it: pure functions.

Nothing here touches the database. `relationship_health()` computes every figure
from the interaction events themselves, line by line as the definitions read, and is
the reference the tests check by hand. The rollups (`rollups.py`) and the reports
built from them (`selectors.py`) use the same small building blocks below, and the
tests hold the two to the same answers.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

METRICS_VERSION = 1

SERVICE = "council_service"
VOLUNTARY_ORG = "voluntary_org"
COMMUNITY_GROUP = "community_group"

NEIGHBOURHOOD = "neighbourhood"
GROUP = "group"

# Kinds that are turns in a thread's conversation, and the ones that reach people.
TURN_KINDS = frozenset({"post", "comment", "response"})
ANSWER_KINDS = frozenset({"comment", "response"})
REACHING_KINDS = frozenset({"post", "comment", "response", "reaction"})

ANSWER_WITHIN = timedelta(hours=48)

PAIR_FIGURES = (
    "service_interactions", "active_weeks", "presence", "longest_absence_weeks", "burstiness", "pattern",
    "addressed_threads", "answered_within_2d", "median_first_response_hours", "unanswered",
    "threads_with_service", "reciprocity", "community_started_share", "people_reached",
    "support_given", "enablement_share", "partnered_projects", "three_way_partnerships",
)
SERVICE_FIGURES = (
    "officers", "active_officers", "adoption", "champions", "communities_engaged", "communities_docking",
)
NEIGHBOURHOOD_FIGURES = (
    "participants", "participants_per_1000", "offline_share", "assisted_share", "deprivation_decile",
)


# The window ------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The `weeks` whole weeks, Monday to Sunday in `time_zone`, ending with the week containing `until`."""

    weeks: int
    until: date
    time_zone: str = "Europe/London"

    def __post_init__(self):
        if self.weeks < 1:
            raise ValueError("A window has at least one week.")
        ZoneInfo(self.time_zone)  # fail early on an unknown zone

    # Cached: a report asks for these hundreds of thousands of times.
    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def first_day(self) -> date:
        return self.last_day - timedelta(days=7 * self.weeks - 1)

    @cached_property
    def last_day(self) -> date:
        return self.until + timedelta(days=6 - self.until.weekday())

    def week_start_day(self, index: int) -> date:
        """Return the Monday of week `index` (0 is the first week of the window)."""
        return self.first_day + timedelta(weeks=index)

    def local_midnight(self, day: date) -> datetime:
        """Return the first instant of `day` in the council's time zone, in UTC."""
        # Midnight never falls in a British clock change; where a zone skips midnight,
        # fold=0 resolves it to the first instant that does exist that day.
        return datetime.combine(day, time(), tzinfo=self.zone).astimezone(timezone.utc)

    @cached_property
    def start(self) -> datetime:
        """The window's first instant."""
        return self.local_midnight(self.first_day)

    @cached_property
    def end(self) -> datetime:
        """The first instant after the window (the window is start <= at < end)."""
        return self.local_midnight(self.last_day + timedelta(days=1))

    def week_boundaries(self) -> list[datetime]:
        """Return the weeks + 1 instants that start each week and end the last one."""
        return [self.local_midnight(self.week_start_day(i)) for i in range(self.weeks + 1)]

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end

    def week_of(self, at: datetime) -> int | None:
        """Return the index of the week containing `at`, or None outside the window."""
        index = (at.astimezone(self.zone).date() - self.first_day).days // 7
        return index if 0 <= index < self.weeks else None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


# Small building blocks, shared with the rollups ------------------------------------


def share(part: int, whole: int) -> float | None:
    """Return part / whole, or None when there is nothing to share."""
    return part / whole if whole else None


def presence(active_weeks: int, weeks: int) -> float:
    return active_weeks / weeks


def longest_absence(active: set[int], weeks: int) -> int:
    """Return the longest run of consecutive weeks (indexes 0..weeks-1) not in `active`."""
    longest = run = 0
    for index in range(weeks):
        run = 0 if index in active else run + 1
        longest = max(longest, run)
    return longest


def burstiness_of_gaps(gaps: list[float]) -> float | None:
    """Return (σ − μ) / (σ + μ) of the gaps; None with fewer than 2 gaps or when σ + μ = 0."""
    if len(gaps) < 2:
        return None
    mean = statistics.fmean(gaps)
    sigma = statistics.pstdev(gaps, mu=mean)
    return None if sigma + mean == 0 else (sigma - mean) / (sigma + mean)


def burstiness_of_sums(*, count: int, span_seconds: float, gap_square_sum: float) -> float | None:
    """Return the burstiness of `count` times from their span and the sum of their squared gaps."""
    if count < 3:
        return None
    gaps = count - 1
    mean = span_seconds / gaps
    # The population variance is E[g²] − μ²; rounding can leave it a hair below zero.
    sigma = math.sqrt(max(0.0, gap_square_sum / gaps - mean * mean))
    return None if sigma + mean == 0 else (sigma - mean) / (sigma + mean)


def burstiness_of_weeks(weeks) -> float | None:
    """Return the burstiness of interactions summed up week by week, in week order.

    Each week gives (count, first_at, last_at, gap_square_sum); the gaps between weeks
    run from one week's last interaction to the next week's first.
    """
    count, gap_square_sum, first, previous_last = 0, 0.0, None, None
    for week_count, first_at, last_at, week_gap_square_sum in weeks:
        if previous_last is not None:
            gap_square_sum += (first_at - previous_last).total_seconds() ** 2
        first = first if first is not None else first_at
        previous_last = last_at
        count += week_count
        gap_square_sum += week_gap_square_sum
    if first is None:
        return None
    return burstiness_of_sums(
        count=count, span_seconds=(previous_last - first).total_seconds(), gap_square_sum=gap_square_sum
    )


def pattern(service_interactions: int, presence_: float) -> str:
    if service_interactions == 0:
        return "absent"
    if presence_ < 0.25:
        return "docking"
    if presence_ < 0.5:
        return "intermittent"
    return "engaged"


def label_changes(labels) -> int:
    """Return how many times consecutive labels differ."""
    changes, previous = 0, None
    for label in labels:
        if previous is not None and label != previous:
            changes += 1
        previous = label
    return changes


def is_champion(active_weeks: int, weeks: int) -> bool:
    """Return True for an officer active in at least half of the window's weeks."""
    return 2 * active_weeks >= weeks


def is_live(*, start: date, end: date | None, window: Window) -> bool:
    """Return True for a project started by the window's last day and not ended before its first."""
    return start <= window.last_day and (end is None or end >= window.first_day)


def per_1000(participants: int, population: int | None) -> float | None:
    return participants * 1000 / population if population else None


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def median_hours(waits: list[timedelta]) -> float | None:
    """Return the median wait in hours, or None without any."""
    return statistics.median(hours(w) for w in waits) if waits else None


# What the council holds ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InteractionFact:
    """One interaction event, as plain values (ids, not objects)."""

    id: int
    at: datetime
    kind: str
    actor: int
    acting_for: int | None = None
    neighbourhood: int | None = None
    group: int | None = None
    channel: str = "online"
    thread: int | None = None
    addressed_to: int | None = None
    event: int | None = None

    @property
    def thread_id(self) -> int | None:
        """The thread this belongs to; a post is its own thread."""
        if self.thread is None and self.kind == "post":
            return self.id
        return self.thread


@dataclass(frozen=True, slots=True)
class OrganisationFact:
    id: int
    slug: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class NeighbourhoodFact:
    id: int
    slug: str
    name: str
    population: int | None = None
    deprivation_decile: int | None = None


@dataclass(frozen=True, slots=True)
class ProjectFact:
    id: int
    neighbourhood: int | None
    start: date
    end: date | None
    partners: frozenset[int]


@dataclass
class CouncilFacts:
    """Everything the figures for one council and window are computed from."""

    council: str
    services: list[OrganisationFact]
    groups: list[OrganisationFact]
    neighbourhoods: list[NeighbourhoodFact]
    officers: dict[int, frozenset[int]] = field(default_factory=dict)  # service id → person ids
    handles: dict[int, str] = field(default_factory=dict)  # person id → the id a report shows
    projects: list[ProjectFact] = field(default_factory=list)
    event_organisers: dict[int, int | None] = field(default_factory=dict)  # event id → organisation id
    # The window's interactions, and the earlier turns of the threads they belong to.
    interactions: list[InteractionFact] = field(default_factory=list)


# The figures ---------------------------------------------------------------------


@dataclass
class PairHealth:
    service: str
    community: str
    community_kind: str
    service_interactions: int = 0
    active_weeks: int = 0
    presence: float = 0.0
    longest_absence_weeks: int = 0
    burstiness: float | None = None
    pattern: str = "absent"
    addressed_threads: int = 0
    answered_within_2d: float | None = None
    median_first_response_hours: float | None = None
    unanswered: int = 0
    threads_with_service: int = 0
    reciprocity: float | None = None
    community_started_share: float | None = None
    people_reached: int = 0
    support_given: int = 0
    enablement_share: float | None = None
    partnered_projects: int = 0
    three_way_partnerships: int = 0


@dataclass
class ServiceHealth:
    service: str
    name: str
    officers: int = 0
    active_officers: int = 0
    adoption: float | None = None
    champions: list[str] = field(default_factory=list)
    communities_engaged: int = 0
    communities_docking: int = 0


@dataclass
class NeighbourhoodHealth:
    neighbourhood: str
    name: str
    population: int | None = None
    participants: int = 0
    participants_per_1000: float | None = None
    offline_share: float | None = None
    assisted_share: float | None = None
    deprivation_decile: int | None = None


@dataclass
class Health:
    council: str
    window: Window
    pairs: list[PairHealth]
    services: list[ServiceHealth]
    neighbourhoods: list[NeighbourhoodHealth]

    def pair(self, service: str, community: str, community_kind: str = NEIGHBOURHOOD) -> PairHealth:
        """Return the pair for a service slug and community slug."""
        for pair in self.pairs:
            if (pair.service, pair.community, pair.community_kind) == (service, community, community_kind):
                return pair
        raise KeyError((service, community, community_kind))

    def service(self, slug: str) -> ServiceHealth:
        return next(s for s in self.services if s.service == slug)

    def neighbourhood(self, slug: str) -> NeighbourhoodHealth:
        return next(n for n in self.neighbourhoods if n.neighbourhood == slug)


def communities_of(facts: CouncilFacts) -> list[tuple[str, int, str]]:
    """Return every community as (kind, id, slug): neighbourhoods, then groups."""
    return [(NEIGHBOURHOOD, n.id, n.slug) for n in facts.neighbourhoods] + [
        (GROUP, g.id, g.slug) for g in facts.groups
    ]


def relationship_health(facts: CouncilFacts, window: Window) -> Health:
    """Compute every figure of METRICS.md from the interaction events themselves."""
    service_ids = {s.id for s in facts.services}

    def side(fact: InteractionFact):
        """The service a fact is on the side of, or None for the community side."""
        return fact.acting_for if fact.acting_for in service_ids else None

    def communities(fact: InteractionFact):
        if fact.neighbourhood is not None:
            yield (NEIGHBOURHOOD, fact.neighbourhood)
        if fact.group is not None:
            yield (GROUP, fact.group)

    in_window = [f for f in facts.interactions if window.contains(f.at)]

    # Each thread's turns up to the end of the window, in time order, and its post.
    turns: dict[int, list[InteractionFact]] = defaultdict(list)
    posts: dict[int, InteractionFact] = {}
    for fact in sorted(facts.interactions, key=lambda f: (f.at, f.id)):
        if fact.at >= window.end or fact.thread_id is None:
            continue
        if fact.kind in TURN_KINDS:
            turns[fact.thread_id].append(fact)
        if fact.kind == "post" and fact.thread_id == fact.id:
            posts[fact.id] = fact

    service_side = defaultdict(list)  # (service, community) → the service's facts in it, in the window
    service_threads = defaultdict(set)  # (service, community) → threads_with_service
    addressed = defaultdict(list)  # (service, community) → addressed posts started in the window
    for fact in in_window:
        service = side(fact)
        if service is not None:
            for community in communities(fact):
                service_side[(service, community)].append(fact)
            post = posts.get(fact.thread_id)
            if fact.kind in TURN_KINDS and post is not None:
                for community in communities(post):
                    service_threads[(service, community)].add(post.id)
        elif fact.kind == "post" and fact.addressed_to in service_ids and fact.id in posts:
            for community in communities(fact):
                addressed[(fact.addressed_to, community)].append(fact)

    reached_in_thread = defaultdict(set)  # thread → community-side people reached in the window
    attended = defaultdict(set)  # (organising service, community) → community-side attendees
    for fact in in_window:
        if side(fact) is not None:
            continue
        if fact.kind in REACHING_KINDS and fact.thread_id is not None:
            reached_in_thread[fact.thread_id].add(fact.actor)
        if fact.kind == "attendance" and facts.event_organisers.get(fact.event) in service_ids:
            for community in communities(fact):
                attended[(facts.event_organisers[fact.event], community)].add(fact.actor)

    organisation_kinds = {o.id: o.kind for o in facts.services + facts.groups}
    pairs = []
    for service in facts.services:
        for kind, community_id, slug in communities_of(facts):
            key = (service.id, (kind, community_id))
            pair = PairHealth(service=service.slug, community=slug, community_kind=kind)
            _service_presence(pair, sorted(service_side[key], key=lambda f: (f.at, f.id)), window)
            _responsiveness(pair, service.id, addressed[key], turns, side, window)
            _reciprocity(pair, service.id, service_threads[key], turns, posts, side)
            people = set(attended[key])
            for thread in service_threads[key]:
                people |= reached_in_thread[thread]
            pair.people_reached = len(people)
            _partnerships(pair, service.id, kind, community_id, facts.projects, organisation_kinds, window)
            pairs.append(pair)

    services = []
    for service in facts.services:
        officers = facts.officers.get(service.id, frozenset())
        weeks_active = defaultdict(set)
        for fact in in_window:
            if fact.acting_for == service.id and fact.actor in officers:
                weeks_active[fact.actor].add(window.week_of(fact.at))
        own = [p for p in pairs if p.service == service.slug and p.community_kind == NEIGHBOURHOOD]
        services.append(ServiceHealth(
            service=service.slug, name=service.name,
            officers=len(officers),
            active_officers=len(weeks_active),
            adoption=share(len(weeks_active), len(officers)),
            champions=sorted(
                facts.handles.get(person, str(person))
                for person, weeks in weeks_active.items() if is_champion(len(weeks), window.weeks)
            ),
            communities_engaged=sum(p.pattern == "engaged" for p in own),
            communities_docking=sum(p.pattern == "docking" for p in own),
        ))

    neighbourhoods = []
    for place in facts.neighbourhoods:
        community_side = [f for f in in_window if f.neighbourhood == place.id and side(f) is None]
        participants = len({f.actor for f in community_side})
        neighbourhoods.append(NeighbourhoodHealth(
            neighbourhood=place.slug, name=place.name, population=place.population,
            participants=participants,
            participants_per_1000=per_1000(participants, place.population),
            offline_share=share(sum(f.channel != "online" for f in community_side), len(community_side)),
            assisted_share=share(sum(f.channel == "assisted" for f in community_side), len(community_side)),
            deprivation_decile=place.deprivation_decile,
        ))
    return Health(council=facts.council, window=window, pairs=pairs, services=services, neighbourhoods=neighbourhoods)


def _service_presence(pair: PairHealth, own: list[InteractionFact], window: Window) -> None:
    active = {window.week_of(f.at) for f in own}
    pair.service_interactions = len(own)
    pair.active_weeks = len(active)
    pair.presence = presence(len(active), window.weeks)
    pair.longest_absence_weeks = longest_absence(active, window.weeks)
    if len(own) >= 3:
        pair.burstiness = burstiness_of_gaps([(b.at - a.at).total_seconds() for a, b in zip(own, own[1:])])
    pair.pattern = pattern(pair.service_interactions, pair.presence)
    pair.support_given = sum(f.kind == "support" for f in own)
    pair.enablement_share = share(pair.support_given, pair.service_interactions)


def _responsiveness(pair, service_id, addressed, turns, side, window) -> None:
    waits = []
    for post in addressed:
        answers = [
            t.at - post.at for t in turns[post.id]
            if t.id != post.id and t.kind in ANSWER_KINDS and side(t) == service_id and t.at >= post.at
        ]
        if answers:  # turns stop at the end of the window
            waits.append(min(answers))
    pair.addressed_threads = len(addressed)
    pair.answered_within_2d = share(sum(w <= ANSWER_WITHIN for w in waits), len(addressed))
    pair.median_first_response_hours = median_hours(waits)
    pair.unanswered = len(addressed) - len(waits)


def _reciprocity(pair, service_id, threads, turns, posts, side) -> None:
    conversations = started_by_community = 0
    for thread in threads:
        labels = []
        for turn in turns[thread]:
            turn_side = side(turn)
            if turn_side == service_id:
                labels.append("S")
            elif turn_side is None:
                labels.append("C")
        conversations += label_changes(labels) >= 2
        started_by_community += side(posts[thread]) is None
    pair.threads_with_service = len(threads)
    pair.reciprocity = share(conversations, len(threads))
    pair.community_started_share = share(started_by_community, len(threads))


def _partnerships(pair, service_id, kind, community_id, projects, organisation_kinds, window) -> None:
    pair.partnered_projects, pair.three_way_partnerships = partnerships(
        projects, service_id=service_id, community_kind=kind, community_id=community_id,
        organisation_kinds=organisation_kinds, window=window,
    )


def partnerships(projects, *, service_id, community_kind, community_id, organisation_kinds, window) -> tuple[int, int]:
    """Return (partnered_projects, three_way_partnerships) for a service and community."""
    partnered = [
        p for p in projects
        if service_id in p.partners and is_live(start=p.start, end=p.end, window=window)
        and (p.neighbourhood == community_id if community_kind == NEIGHBOURHOOD else community_id in p.partners)
    ]
    return len(partnered), sum(is_three_way(p.partners, organisation_kinds) for p in partnered)


def is_three_way(partners, organisation_kinds) -> bool:
    """Return True when the partners include a voluntary organisation and a community group."""
    kinds = {organisation_kinds.get(p) for p in partners}
    return VOLUNTARY_ORG in kinds and COMMUNITY_GROUP in kinds


# Plain-English definitions, shown beside every figure on the pages ----------------

DEFINITIONS = {
    "service_interactions": "How many times the service, wearing its badge, posted, replied, responded, reacted, "
                            "came to something, made contact or gave support here in the window.",
    "active_weeks": "How many weeks of the window had at least one of those.",
    "presence": "The share of the window’s weeks in which the service showed up here at all.",
    "longest_absence_weeks": "The longest run of weeks in a row when the service did not show up here, counting "
                             "the start and the end of the window.",
    "burstiness": "How the service’s visits are spread out: −1 is like clockwork, about 0 is random, towards +1 "
                  "is all at once and then nothing. Blank with fewer than three visits.",
    "pattern": "Absent: never here. Docking: here in under a quarter of the weeks. Intermittent: under half. "
               "Engaged: half the weeks or more.",
    "addressed_threads": "Posts here, started in the window by residents or groups, that asked the service "
                         "something directly.",
    "answered_within_2d": "The share of those posts the service first replied to within 48 hours.",
    "median_first_response_hours": "The middle time, in hours, the service took to reply first, among the "
                                   "posts it did reply to.",
    "unanswered": "Posts asking the service something that had no reply from it by the end of the window.",
    "threads_with_service": "Conversations here in which the service posted, replied or responded in the window.",
    "reciprocity": "The share of those that were real back-and-forth: the service and the community each had "
                   "their say and the other answered (at least two changes of speaker, other services left out).",
    "community_started_share": "The share of those conversations that a resident or group started, rather "
                               "than the service.",
    "people_reached": "Different residents and group members who posted, replied or reacted in those "
                      "conversations in the window, or came to the service’s events here.",
    "support_given": "How many times the service gave support here: a grant, a loan, a room, a promise kept.",
    "enablement_share": "The share of the service’s activity here that was giving support.",
    "partnered_projects": "Community projects here, going on at some time in the window, with the service as "
                          "a partner.",
    "three_way_partnerships": "Of those, the ones that also have a voluntary organisation and a community "
                              "group as partners.",
    "officers": "People who are members of the service.",
    "active_officers": "Of those, the ones who did anything wearing the service’s badge in the window.",
    "adoption": "The share of the service’s officers who were active in the window.",
    "champions": "Officers active for the service in at least half of the window’s weeks.",
    "communities_engaged": "Neighbourhoods where the service’s pattern is engaged.",
    "communities_docking": "Neighbourhoods where the service’s pattern is docking.",
    "participants": "Different people who took part here in the window without a service’s badge.",
    "participants_per_1000": "Participants for every 1,000 people living here.",
    "offline_share": "The share of residents’ and groups’ activity here that happened offline: by phone, at "
                     "meetings or drop-ins, on paper, or with a digital champion’s help.",
    "assisted_share": "The share of that activity that a digital champion helped with.",
    "deprivation_decile": "Where the neighbourhood sits on the Index of Multiple Deprivation: 1 is the most "
                          "deprived tenth of the country, 10 the least.",
}
