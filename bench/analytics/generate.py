"""Write a large, realistic JSON Lines import file for the analytics benchmarks.

    python bench/analytics/generate.py OUT.jsonl --interactions 10000000 [--weeks 156] [--until 2026-11-22]

A county-sized council: 40 neighbourhoods, 24 services with 800 officers, 260 groups,
100,000 residents, projects, events, and interactions spread over the weeks before
`--until` in time order: posts, comments and reactions in threads (some addressed to a
service and answered, some not), official responses, attendance, offline contact and
support. Residents mostly take part where they live, and mostly reply to neighbours;
a few are far more active than the rest. The same seed writes the same file.
"""

import argparse
import json
import random
from collections import deque
from datetime import date, datetime, time, timedelta, timezone

NEIGHBOURHOODS = 40
SERVICES = ["parks", "housing", "libraries", "waste", "highways", "youth", "adult-care", "planning",
            "environmental-health", "leisure", "community-safety", "public-health", "transport", "schools",
            "benefits", "regeneration", "culture", "licensing", "trading-standards", "arts", "sport",
            "family-support", "homelessness", "climate"]
OFFICERS = 800
COMMUNITY_GROUPS = 200
VOLUNTARY_ORGS = 60
RESIDENTS = 100_000
PROJECTS = 2_000
EVENTS_PER_DAY = 20

CHANNELS = ["online"] * 80 + ["phone"] * 6 + ["meeting"] * 5 + ["drop-in"] * 3 + ["paper"] * 2 + ["assisted"] * 4


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--until", type=date.fromisoformat, default=date(2026, 11, 22))
    parser.add_argument("--seed", type=int, default=5)
    options = parser.parse_args()
    with open(options.out, "w") as out:
        lines = write_council(out, interactions=options.interactions, weeks=options.weeks, until=options.until,
                              rng=random.Random(options.seed))
    print(f"Wrote {lines:,} lines to {options.out}")


def write_council(out, *, interactions, weeks, until, rng):
    dumps = json.dumps
    written = 0

    def emit(record):
        nonlocal written
        out.write(dumps(record, separators=(", ", ": ")))
        out.write("\n")
        written += 1

    places = [f"neighbourhood-{n}" for n in range(NEIGHBOURHOODS)]
    for n, slug in enumerate(places):
        emit({"type": "neighbourhood", "slug": slug, "name": f"Neighbourhood {n}",
              "population": rng.randrange(2_000, 15_000), "deprivation_decile": n % 10 + 1})
    for slug in SERVICES:
        emit({"type": "organisation", "slug": slug, "name": slug.replace("-", " ").title(), "kind": "council_service"})
    groups = [f"group-{n}" for n in range(COMMUNITY_GROUPS)]
    charities = [f"charity-{n}" for n in range(VOLUNTARY_ORGS)]
    for slug in groups:
        emit({"type": "organisation", "slug": slug, "name": slug.title(), "kind": "community_group"})
    for slug in charities:
        emit({"type": "organisation", "slug": slug, "name": slug.title(), "kind": "voluntary_org"})
    officers = []
    for n in range(OFFICERS):
        service = SERVICES[n % len(SERVICES)]
        officers.append((f"o{n}", service))
        emit({"type": "person", "id": f"o{n}", "name": f"Officer {n}", "member_of": [service]})
    for n in range(RESIDENTS):
        emit({"type": "person", "id": f"r{n}", "name": f"Resident {n}"})
    first_day = until - timedelta(days=until.weekday()) - timedelta(weeks=weeks - 1)
    days = weeks * 7
    for n in range(PROJECTS):
        start = first_day + timedelta(days=rng.randrange(days))
        end = start + timedelta(days=rng.randrange(30, 400)) if rng.random() < 0.7 else None
        partners = [rng.choice(SERVICES), rng.choice(groups)] + ([rng.choice(charities)] if rng.random() < 0.4 else [])
        emit({"type": "project", "id": f"pr{n}", "name": f"Project {n}", "neighbourhood": rng.choice(places),
              "partners": partners, "start": start.isoformat(), "end": end.isoformat() if end else None})

    # A resident lives in one neighbourhood; a few are far more active than the rest.
    home = [rng.randrange(NEIGHBOURHOODS) for _ in range(RESIDENTS)]
    by_place = [[] for _ in places]
    for resident, place in enumerate(home):
        by_place[place].append(resident)
    # Each service covers some neighbourhoods well, some now and then, some never.
    reach = {s: [rng.choice([0, 0.2, 1, 3, 6]) for _ in places] for s in SERVICES}
    officers_of = {s: [o for o, service in officers if service == s] for s in SERVICES}
    # Officers differ too: some are keen, most are not.
    keenness = {o: rng.choice([0.1, 0.3, 1, 1, 4]) for o, _ in officers}

    per_day = interactions / days
    threads = deque()  # (day, id, place, group, addressed) for the last fortnight's posts
    event_ids = deque(maxlen=200)
    next_id = 0
    for day_index in range(days):
        day = first_day + timedelta(days=day_index)
        midnight = datetime.combine(day, time(), tzinfo=timezone.utc)
        while threads and threads[0][0] < day_index - 14:
            threads.popleft()
        for n in range(EVENTS_PER_DAY):
            organiser = rng.choice(SERVICES) if rng.random() < 0.4 else rng.choice(groups)
            event = f"ev{day_index}-{n}"
            emit({"type": "event", "id": event, "name": "Meeting", "neighbourhood": rng.choice(places),
                  "organiser": organiser, "at": (midnight + timedelta(hours=18)).isoformat().replace("+00:00", "Z")})
            event_ids.append((event, organiser))
        count = int(per_day) + (rng.random() < per_day - int(per_day))
        records = []
        today = []
        for _ in range(count):
            next_id += 1
            at = midnight + timedelta(seconds=rng.randrange(86_400))
            service = rng.choice(SERVICES) if rng.random() < 0.15 else None
            place = rng.randrange(NEIGHBOURHOODS)
            if service is not None:
                # Officers go where their service goes.
                weights = reach[service]
                place = rng.choices(range(NEIGHBOURHOODS), weights=[w + 0.01 for w in weights])[0]
                candidates = officers_of[service]
                actor = rng.choices(candidates, weights=[keenness[o] for o in candidates])[0]
            else:
                people = by_place[place]
                actor = f"r{people[min(len(people) - 1, int(rng.paretovariate(1.2)) - 1)]}" if rng.random() < 0.5 else f"r{rng.choice(people)}"
            roll = rng.random()
            record = {"type": "interaction", "id": f"i{next_id}", "at": at, "actor": actor,
                      "acting_for": service, "neighbourhood": places[place], "group": None,
                      "channel": "online" if service else rng.choice(CHANNELS)}
            if roll < 0.20 or not threads:
                group = rng.choice(groups + charities) if rng.random() < 0.3 else None
                addressed = rng.choice(SERVICES) if service is None and rng.random() < 0.25 else None
                record.update(kind="post", thread=None, addressed_to=addressed, group=group)
                today.append((day_index, f"i{next_id}", places[place], group, addressed))
            elif roll < 0.88:
                # Most replies are to neighbours: a thread from the same neighbourhood when there is one nearby.
                _, thread, thread_place, group, addressed = threads[rng.randrange(len(threads))]
                for _ in range(12 if rng.random() < 0.8 else 0):
                    if thread_place == places[place]:
                        break
                    _, thread, thread_place, group, addressed = threads[rng.randrange(len(threads))]
                if addressed and service is None and rng.random() < 0.3:
                    service = addressed
                    candidates = officers_of[service]
                    record["actor"] = rng.choices(candidates, weights=[keenness[o] for o in candidates])[0]
                    record["acting_for"] = service
                kind = "reaction" if roll > 0.70 else ("response" if service and rng.random() < 0.2 else "comment")
                record.update(kind=kind, thread=thread, neighbourhood=thread_place, group=group)
            elif roll < 0.93 and event_ids:
                event, _ = rng.choice(event_ids)
                record.update(kind="attendance", event=event, channel="meeting")
            elif roll < 0.98:
                record.update(kind="contact", channel=rng.choice(["phone", "drop-in", "paper", "assisted"]))
            else:
                record.update(kind="support" if service else "contact")
            records.append(record)
        records.sort(key=lambda r: r["at"])
        for record in records:
            record["at"] = record["at"].isoformat().replace("+00:00", "Z")
            emit(record)
        threads.extend(today)
    return written


if __name__ == "__main__":
    main()
