"""The fictional borough of Brackenford: its places, organisations and people, and how
each council service behaves in each neighbourhood.

The service plans are what make the dashboards tell a true story. Each service has a
pattern in each neighbourhood, in the words of METRICS.md:

- engaged: present every week, answering what is addressed to it within a day or two
  (Parks and Libraries in most places, Housing and Youth Services where need is greatest);
- intermittent: present in about a third of the weeks, in bursts (Waste and Recycling,
  Highways);
- docking: present only for a four-week consultation, replying in one batch when it
  closes (Planning);
- absent: never there, whatever is asked of it (Adult Social Care).
"""

import bisect
import math
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from villagehall.demo import words
from villagehall.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_PEOPLE_DOMAIN
from villagehall.demo.texts import Locale, locale_make
from villagehall.people.models import Membership, Organisation, Person, Residency
from villagehall.places.models import Neighbourhood

WEEKS = 52
WEEK = 7 * 24 * 3600

ENGAGED, INTERMITTENT, DOCKING, ABSENT = "engaged", "intermittent", "docking", "absent"

# Officers per service in a six-neighbourhood borough; a bigger place has more.
OFFICERS_PER_SERVICE = {
    "parks": 7, "housing": 6, "libraries": 5, "waste": 4, "highways": 4, "adult-social-care": 5,
    "youth": 4, "planning": 4,
}
# Not every officer takes part: the share who do, by service ("start with the willing").
WILLING_SHARE = {"parks": 0.75, "libraries": 0.8, "housing": 0.5, "youth": 0.75}


@dataclass(frozen=True)
class Scale:
    """How big a borough to build."""

    name: str
    council_name: str
    neighbourhoods: int
    people: int
    voluntary_orgs: int
    community_groups: int
    posts: int  # over the year, all kinds and authors
    comments_per_post: float
    reactions_per_post: float  # on a post and its comments together
    # Threads with exactly these numbers of comments, for the benchmarks.
    long_threads: tuple[int, ...] = ()
    batch_size: int = 2_000
    # The city is loaded a week at a time, each week in its own transaction; the
    # borough in one, so a failed load leaves nothing behind.
    commit_every_week: bool = False


BOROUGH = Scale(
    name="borough", council_name="Brackenford Borough Council", neighbourhoods=6, people=300,
    voluntary_orgs=10, community_groups=20, posts=1_600, comments_per_post=4.0, reactions_per_post=5.0,
)
CITY = Scale(
    name="city", council_name="Brackenford City Council", neighbourhoods=40, people=50_000,
    voluntary_orgs=60, community_groups=400, posts=1_000_000, comments_per_post=5.0, reactions_per_post=4.0,
    long_threads=(1_000, 20), batch_size=5_000, commit_every_week=True,
)
SCALES = {"borough": BOROUGH, "city": CITY}


def scale_for(name: str, *, posts: int | None = None) -> Scale:
    """Return the named scale, shrunk (or grown) to about `posts` posts if given.

    People and organisations shrink with the posts, so a quick city-shaped check still
    has busy neighbourhoods rather than thousands of silent people.
    """
    scale = SCALES[name]
    if posts is None or posts == scale.posts:
        return scale
    share = posts / scale.posts

    def shrunk(full, floor):
        return max(floor, min(full, round(full * share)))

    return replace(
        scale,
        posts=posts,
        # Enough people that every neighbourhood has some.
        people=shrunk(scale.people, max(BOROUGH.people, 25 * scale.neighbourhoods)),
        voluntary_orgs=shrunk(scale.voluntary_orgs, BOROUGH.voluntary_orgs),
        community_groups=shrunk(scale.community_groups, BOROUGH.community_groups),
    )


@dataclass
class Place:
    """A neighbourhood, with the people who live there."""

    index: int
    id: int
    name: str
    population: int
    decile: int
    locale: Locale
    residents: list[int] = field(default_factory=list)
    cumulative_weights: list[float] = field(default_factory=list)
    groups: list["Org"] = field(default_factory=list)
    # (person id, service) for officers who live here and sometimes speak as neighbours.
    officers_living_here: list[tuple[int, "Org"]] = field(default_factory=list)

    def person(self, rng) -> int:
        """Return a resident, the active ones more often."""
        position = bisect.bisect(self.cumulative_weights, rng.random() * self.cumulative_weights[-1])
        return self.residents[min(position, len(self.residents) - 1)]


@dataclass
class Org:
    """An organisation and its members (officers, for a council service)."""

    id: int
    name: str
    kind: str
    key: str = ""  # the service's slug, for council services
    home: Place | None = None
    members: list[int] = field(default_factory=list)

    @property
    def is_service(self) -> bool:
        return self.kind == Organisation.Kind.COUNCIL_SERVICE


@dataclass
class ServicePlan:
    """How one council service shows up in each neighbourhood over the year."""

    org: Org
    patterns: list[str]  # by place index
    active_weeks: list[bytearray]  # by place index: 1 for a week the service is there
    patch: list[list[int]]  # by place index: the officers who cover it, lead first
    # Planning's consultation: the first and last week, and it answers only in the last.
    consultation: tuple[int, int] | None = None

    @property
    def key(self) -> str:
        return self.org.key

    def is_active(self, place: Place, week: int) -> bool:
        return 0 <= week < WEEKS and bool(self.active_weeks[place.index][week])

    def officer(self, place: Place, rng) -> int:
        """Return the officer who speaks for the service here: usually the lead."""
        patch = self.patch[place.index]
        return patch[0] if len(patch) == 1 or rng.random() < 0.75 else rng.choice(patch[1:])


@dataclass
class Borough:
    """Everything the year of activity is written about."""

    council: object
    scale: Scale
    places: list[Place]
    services: list[ServicePlan]
    voluntary_orgs: list[Org]
    groups: list[Org]
    people: list[int]
    demo_people: dict[str, int]
    zone: ZoneInfo
    week_starts: list[float]  # WEEKS Monday midnights, local time, as Unix timestamps
    until: float

    def week_of(self, timestamp: float) -> int:
        """Return the index of the week containing the timestamp (-1 before the year)."""
        return bisect.bisect(self.week_starts, timestamp) - 1

    def week_end(self, week: int) -> float:
        return self.week_starts[week + 1] if week + 1 < WEEKS else self.until

    def service(self, key: str) -> ServicePlan:
        return next(plan for plan in self.services if plan.key == key)


def week_starts_until(until: datetime, zone: ZoneInfo) -> list[float]:
    """Return the Monday midnights of the WEEKS weeks ending with the one containing `until`."""
    local = until.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    return [
        datetime.combine(monday - timedelta(weeks=WEEKS - 1 - week), time(0), tzinfo=zone).timestamp()
        for week in range(WEEKS)
    ]


def borough_build(*, council, scale: Scale, rng, until: datetime) -> Borough:
    """Create the council's neighbourhoods, organisations and people; return the setting."""
    zone = ZoneInfo(council.time_zone)
    places = _places_create(council, scale, rng)
    service_orgs = _services_create(council)
    voluntary_orgs = _voluntary_orgs_create(council, scale, rng)
    groups = _groups_create(council, scale, rng, places)
    people, demo_people = _people_create(council, scale, rng, places, service_orgs, voluntary_orgs, groups, until)
    services = [_service_plan(org, places, rng) for org in service_orgs]
    return Borough(
        council=council, scale=scale, places=places, services=services, voluntary_orgs=voluntary_orgs,
        groups=groups, people=people, demo_people=demo_people, zone=zone,
        week_starts=week_starts_until(until, zone), until=until.timestamp(),
    )


def _place_specs(scale: Scale, rng):
    """Yield (name, population, decile, description) for each neighbourhood."""
    specs = list(words.BOROUGH_NEIGHBOURHOODS[: scale.neighbourhoods])
    names = {spec[0] for spec in specs}
    while len(specs) < scale.neighbourhoods:
        name = rng.choice(words.PLACE_STARTS) + rng.choice(words.PLACE_ENDS)
        if name in names:
            continue
        names.add(name)
        # Deciles cycle through 1..10 so every city has its most and least deprived areas.
        decile = len(specs) % 10 + 1
        specs.append((name, rng.randrange(4_000, 16_000, 100), decile, rng.choice(words.PLACE_DESCRIPTIONS)))
    return specs


def _places_create(council, scale, rng) -> list[Place]:
    specs = _place_specs(scale, rng)
    rows = Neighbourhood.dangerously_unscoped.bulk_create(
        [
            Neighbourhood(
                council=council, slug=slugify(name), name=name, description=description,
                population=population, deprivation_decile=decile,
            )
            for name, population, decile, description in specs
        ]
    )
    places = []
    for index, (row, (name, population, decile, _)) in enumerate(zip(rows, specs)):
        has_library = _library_pattern(index) != ABSENT
        places.append(
            Place(index=index, id=row.pk, name=name, population=population, decile=decile,
                  locale=locale_make(rng, place=name, has_library=has_library))
        )
    return places


def _services_create(council) -> list[Org]:
    rows = Organisation.dangerously_unscoped.bulk_create(
        [
            Organisation(council=council, slug=slug, name=name, kind=Organisation.Kind.COUNCIL_SERVICE,
                         description=description)
            for slug, name, description, _ in words.SERVICES
        ]
    )
    return [
        Org(id=row.pk, name=row.name, kind=row.kind, key=slug)
        for row, (slug, *_rest) in zip(rows, words.SERVICES)
    ]


def _voluntary_orgs_create(council, scale, rng) -> list[Org]:
    areas = ["North", "South", "East", "West"]
    specs = []
    for number in range(scale.voluntary_orgs):
        name, description = words.VOLUNTARY_ORGS[number % len(words.VOLUNTARY_ORGS)]
        if number >= len(words.VOLUNTARY_ORGS):
            name = f"{name} ({areas[(number // len(words.VOLUNTARY_ORGS) - 1) % len(areas)]})"
        charity_number = str(rng.randrange(1_100_000, 1_199_999)) if rng.random() < 0.7 else ""
        specs.append((name, description, charity_number))
    slugs = _unique_slugs(name for name, _, _ in specs)
    rows = Organisation.dangerously_unscoped.bulk_create(
        [
            Organisation(council=council, slug=slug, name=name, kind=Organisation.Kind.VOLUNTARY_ORG,
                         description=description, charity_number=charity_number)
            for slug, (name, description, charity_number) in zip(slugs, specs)
        ]
    )
    return [Org(id=row.pk, name=row.name, kind=row.kind) for row in rows]


def _groups_create(council, scale, rng, places) -> list[Org]:
    specs = []
    for number in range(scale.community_groups):
        place = places[number % len(places)]
        # Each place works through the list from its own starting point, so names
        # differ within a place and the first group of the first place is its garden.
        template, description = words.GROUP_NAMES[
            (number // len(places) + place.index * 3) % len(words.GROUP_NAMES)
        ]
        values = {"place": place.name, "park": rng.choice(place.locale.parks),
                  "street": rng.choice(place.locale.streets)}
        specs.append((place, template.format(**values), description.format(**values)))
    slugs = _unique_slugs(name for _, name, _ in specs)
    rows = Organisation.dangerously_unscoped.bulk_create(
        [
            Organisation(council=council, slug=slug, name=name, kind=Organisation.Kind.COMMUNITY_GROUP,
                         description=description, neighbourhood_id=place.id)
            for slug, (place, name, description) in zip(slugs, specs)
        ]
    )
    groups = []
    for row, (place, _, _) in zip(rows, specs):
        group = Org(id=row.pk, name=row.name, kind=row.kind, home=place)
        place.groups.append(group)
        groups.append(group)
    return groups


def _unique_slugs(names) -> list[str]:
    seen: dict[str, int] = {}
    slugs = []
    for name in names:
        slug = slugify(name)[:45]
        seen[slug] = seen.get(slug, 0) + 1
        slugs.append(slug if seen[slug] == 1 else f"{slug}-{seen[slug]}")
    return slugs


def _people_create(council, scale, rng, places, services, voluntary_orgs, groups, until):
    """Create everyone, with their memberships and residencies; return (ids, demo ids by role)."""
    size_factor = max(1.0, len(places) / len(words.BOROUGH_NEIGHBOURHOODS))
    officer_counts = {org.key: round(OFFICERS_PER_SERVICE[org.key] * size_factor) for org in services}
    titles = {slug: officer_titles for slug, _, _, officer_titles in words.SERVICES}
    population_weights = [place.population for place in places]

    def home_place():
        return rng.choices(places, weights=population_weights)[0]

    # Each person: (first, last, home place or None, activity weight, memberships).
    # A membership is (org, role, title).
    people = []
    demo = {}
    millbrook = places[0]
    for account in DEMO_ACCOUNTS:
        home = places[min(4, len(places) - 1)] if account.role == "administrator" else millbrook
        demo[account.role] = len(people)
        people.append({"account": account, "home": home, "weight": 25.0, "memberships": []})
    parks = next(org for org in services if org.key == "parks")
    people[demo["officer"]]["memberships"].append((parks, Membership.Role.MEMBER, "Parks officer"))
    # The demo officer lives in the next place along and works in Millbrook.
    people[demo["officer"]]["home"] = places[min(3, len(places) - 1)]

    officers = {org.key: [] for org in services}
    officers["parks"].append(demo["officer"])
    for org in services:
        while len(officers[org.key]) < officer_counts[org.key]:
            officers[org.key].append(len(people))
            title = rng.choice(titles[org.key])
            people.append({
                "home": home_place() if rng.random() < 0.6 else None, "weight": 1.0,
                "memberships": [(org, Membership.Role.MEMBER, title)],
            })
    for org in voluntary_orgs:
        for position in range(rng.randint(3, 5)):
            role = Membership.Role.ADMIN if position == 0 else Membership.Role.MEMBER
            people.append({
                "home": home_place(), "weight": 2.0,
                "memberships": [(org, role, rng.choice(words.VOLUNTARY_ROLES))],
            })
    # Residents: a few in every place first, so none is empty, then by population.
    homes = [place for place in places for _ in range(3)]
    while len(people) < scale.people:
        home = homes.pop() if homes else home_place()
        people.append({"home": home, "weight": min(40.0, rng.paretovariate(1.2)), "memberships": []})

    # Group members are residents of the group's home; the first is its organiser.
    residents_by_place = {place.index: [] for place in places}
    for position, person in enumerate(people):
        if person["home"] is not None and "account" not in person and not person["memberships"]:
            residents_by_place[person["home"].index].append(position)
    people[demo["organiser"]]["memberships"].append(
        (millbrook.groups[0], Membership.Role.ADMIN, "Organiser")
    )
    for group in groups:
        candidates = residents_by_place[group.home.index]
        size = min(len(candidates), rng.randint(4, 12) if scale.people < 5_000 else rng.randint(8, 40))
        chosen = rng.sample(candidates, size)
        if group is millbrook.groups[0]:
            chosen = chosen[: size - 1]
        else:
            people[chosen[0]]["memberships"].append((group, Membership.Role.ADMIN, rng.choice(words.ORGANISER_TITLES)))
            chosen = chosen[1:]
        for position in chosen:
            people[position]["memberships"].append((group, Membership.Role.MEMBER, ""))

    person_ids = _person_rows_create(people, rng, until)
    demo_ids = {role: person_ids[position] for role, position in demo.items()}

    memberships, residencies = [], []
    for person_id, person in zip(person_ids, people):
        for org, role, title in person["memberships"]:
            memberships.append(Membership(council=council, organisation_id=org.id, person_id=person_id,
                                          role=role, title=title))
            org.members.append(person_id)
        home = person["home"]
        if home is not None:
            residencies.append(Residency(council=council, person_id=person_id, neighbourhood_id=home.id))
            home.residents.append(person_id)
            home.cumulative_weights.append(
                (home.cumulative_weights[-1] if home.cumulative_weights else 0.0) + person["weight"]
            )
            for org, _, _ in person["memberships"]:
                if org.is_service:
                    home.officers_living_here.append((person_id, org))
    Membership.dangerously_unscoped.bulk_create(memberships, batch_size=2_000)
    Residency.dangerously_unscoped.bulk_create(residencies, batch_size=2_000)
    for org in services:
        org.members = [person_ids[position] for position in officers[org.key]]
    return person_ids, demo_ids


def _person_rows_create(people, rng, until) -> list[int]:
    # Hashing a password is slow on purpose, so the demo hashes the shared password
    # once; everyone else gets an unusable password and cannot sign in.
    demo_password = make_password(DEMO_PASSWORD)
    no_password = make_password(None)
    # Everyone joined in the half year before the demo year began.
    year_start = until - timedelta(weeks=WEEKS)
    rows = []
    for position, person in enumerate(people):
        account = person.get("account")
        if account:
            first, last = account.display_name.split(" ", 1)
            email, password, bio = account.email, demo_password, account.bio
            username = f"demo-{account.role}"
        else:
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.SURNAMES)
            username = slugify(f"{first} {last}").replace("-", ".") + f".{position}"
            email, password, bio = f"{username}@{DEMO_PEOPLE_DOMAIN}", no_password, ""
        rows.append(Person(username=username, email=email, password=password, first_name=first, last_name=last,
                           display_name=f"{first} {last}", bio=bio,
                           date_joined=year_start - timedelta(days=rng.uniform(0, 180))))
    created = Person.objects.bulk_create(rows, batch_size=2_000)
    return [person.pk for person in created]


def _library_pattern(index: int) -> str:
    return ENGAGED if index % 2 == 0 else (INTERMITTENT if index % 4 == 1 else ABSENT)


def _pattern(key: str, place: Place) -> str:
    """Return how the service shows up in the place (see the module docstring)."""
    match key:
        case "parks":
            return INTERMITTENT if place.index % 3 == 2 else ENGAGED
        case "libraries":
            return _library_pattern(place.index)
        case "housing":
            return ENGAGED if place.decile <= 2 else (INTERMITTENT if place.decile <= 5 else ABSENT)
        case "youth":
            return ENGAGED if place.decile == 1 else (INTERMITTENT if place.decile <= 3 else ABSENT)
        case "waste" | "highways":
            return INTERMITTENT
        case "planning":
            return DOCKING
        case _:
            return ABSENT


# Planning's consultation: four weeks, starting this many weeks before the current one.
CONSULTATION_WEEKS = 4
CONSULTATION_STARTS_WEEKS_AGO = 10


def _service_plan(org: Org, places: list[Place], rng) -> ServicePlan:
    patterns = [_pattern(org.key, place) for place in places]
    consultation = None
    if DOCKING in patterns:
        first = WEEKS - 1 - CONSULTATION_STARTS_WEEKS_AGO
        consultation = (first, first + CONSULTATION_WEEKS - 1)
    active_weeks = []
    for pattern in patterns:
        weeks = bytearray(WEEKS)
        if pattern == ENGAGED:
            weeks = bytearray(b"\x01" * WEEKS)
        elif pattern == INTERMITTENT:
            # Bursts: two weeks there, four away, from a different week in each place and
            # now and then a week early or late. That is a third of any twelve weeks, so
            # the pattern reads the same whatever window a dashboard looks at.
            phase = rng.randrange(6)
            for burst in range(-phase, WEEKS, 6):
                burst += rng.choice((-1, 0, 0, 0, 1))
                for week in (burst, burst + 1):
                    if 0 <= week < WEEKS:
                        weeks[week] = 1
        elif pattern == DOCKING:
            # It launches the consultation and comes back when it closes, and that is all.
            weeks[consultation[0]] = weeks[consultation[1]] = 1
        active_weeks.append(weeks)

    # Only the willing officers take part; the rest are members who never appear.
    willing = org.members[: max(1, math.ceil(len(org.members) * WILLING_SHARE.get(org.key, 0.6)))]
    patch = []
    for place, pattern in zip(places, patterns):
        if pattern == ABSENT:
            patch.append([])
            continue
        lead = willing[place.index % len(willing)]
        team = [lead]
        if pattern == ENGAGED and len(willing) > 1:
            team.append(willing[(place.index + 1) % len(willing)])
        patch.append(team)
    return ServicePlan(org=org, patterns=patterns, active_weeks=active_weeks, patch=patch, consultation=consultation)


def follows_create(borough: Borough, rng, *, batch_size: int) -> int:
    """Have people follow their neighbourhood, their organisations and some of their
    neighbours' groups and services; return how many follows were made."""
    from villagehall.conversation.models import Follow

    council = borough.council
    follows: dict[tuple[int, str, int], None] = {}  # ordered, and each follow once
    services_by_place = {
        place.index: [plan.org for plan in borough.services if plan.patterns[place.index] != ABSENT]
        for place in borough.places
    }
    for place in borough.places:
        nearby = place.groups + services_by_place[place.index]
        for person in place.residents:
            if rng.random() < 0.7:
                follows[(person, "neighbourhood", place.id)] = None
            for org in nearby:
                if rng.random() < 0.15:
                    follows[(person, "organisation", org.id)] = None
    for org in [plan.org for plan in borough.services] + borough.voluntary_orgs + borough.groups:
        for person in org.members:
            follows[(person, "organisation", org.id)] = None
    # The Parks officer is someone people in Millbrook know by name.
    officer = borough.demo_people["officer"]
    for person in rng.sample(borough.places[0].residents, min(25, len(borough.places[0].residents))):
        if person != officer:
            follows[(person, "person", officer)] = None

    rows = (
        Follow(council=council, follower_id=follower, **{f"{target}_id": target_id})
        for follower, target, target_id in follows
    )
    made = 0
    while batch := [row for _, row in zip(range(batch_size), rows)]:
        Follow.dangerously_unscoped.bulk_create(batch)
        made += len(batch)
    return made
