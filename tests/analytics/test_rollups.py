"""The weekly rollups give the same figures as the definitions applied to the interactions."""

import random
from dataclasses import asdict
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from villagehall.analytics.models import (
    NO_EARLIER_WEEK, NO_LATER_WEEK, AddressedThread, AddressedWeek, ParticipantSpan, ParticipantWeek, ReachWeek,
    ReciprocityWeek, RollupState, ServiceWeek, ThreadServiceWeek,
)
from villagehall.analytics.rollups import rollups_rebuild, week_of
from villagehall.analytics.selectors import (
    relationship_health_for_council, relationship_health_recomputed_for_council, rollups_ready_for_council,
)
from villagehall.conversation import services as conversation
from villagehall.conversation.models import Post
from villagehall.people.models import Organisation
from tests.analytics.conftest import utc


def same_figures(council, *, weeks, until):
    """Assert the rollups and the definitions agree, figure by figure."""
    kept = relationship_health_for_council(council=council, weeks=weeks, until=until)
    reference = relationship_health_recomputed_for_council(council=council, weeks=weeks, until=until)
    for mine, theirs in zip(kept.pairs + kept.services + kept.neighbourhoods,
                            reference.pairs + reference.services + reference.neighbourhoods, strict=True):
        mine, theirs = asdict(mine), asdict(theirs)
        for name, value in theirs.items():
            if isinstance(value, float):
                assert mine[name] == pytest.approx(value, rel=1e-9, abs=1e-12), (name, mine, theirs)
            else:
                assert mine[name] == value, (name, mine, theirs)


def test_a_busy_random_council_agrees_in_every_window(hall):
    rng = random.Random(5)
    services = [hall.service(slug) for slug in ["parks", "housing", "libraries"]]
    groups = [hall.group("gardeners"), hall.group("trust", kind=Organisation.Kind.VOLUNTARY_ORG)]
    places = [hall.northfield, hall.neighbourhood("southfield"), hall.neighbourhood("eastfield", population=None)]
    officers = {s: [hall.officer(s) for _ in range(3)] for s in services}
    residents = [hall.person() for _ in range(12)]
    events = [hall.event(organiser=rng.choice(services + groups), at=utc(2026, 3, 1)) for _ in range(4)]
    threads = []
    # Ten weeks either side of the change to summer time, a few interactions a day.
    at = utc(2026, 2, 16)
    for _ in range(400):
        at += timedelta(minutes=rng.randrange(1, 600))
        service = rng.choice(services) if rng.random() < 0.4 else None
        actor = rng.choice(officers[service]) if service else rng.choice(residents + officers[services[0]])
        place, group = rng.choice(places + [None]), rng.choice(groups + [None, None])
        roll = rng.random()
        if roll < 0.25 or not threads:
            threads.append(hall.post(by=actor, at=at, acting_for=service, neighbourhood=place, group=group,
                                     addressed_to=rng.choice(services) if not service and rng.random() < 0.5 else None))
        elif roll < 0.75:
            hall.act(rng.choice(["comment", "comment", "response", "reaction"]), by=actor, at=at, acting_for=service,
                     thread=rng.choice(threads[-8:]))
        else:
            hall.act(rng.choice(["attendance", "contact", "support"]), by=actor, at=at, acting_for=service,
                     neighbourhood=place, group=group, event=rng.choice(events),
                     channel=rng.choice(["online", "phone", "assisted", "meeting"]))

    for weeks, until in [(1, date(2026, 3, 2)), (4, date(2026, 3, 29)), (3, date(2026, 4, 5)), (12, date(2026, 5, 1))]:
        same_figures(hall.council, weeks=weeks, until=until)
    busy = relationship_health_for_council(council=hall.council, weeks=12, until=date(2026, 5, 1))
    assert sum(p.people_reached for p in busy.pairs) > 20 and sum(p.addressed_threads for p in busy.pairs) > 20
    assert len({p.pattern for p in busy.pairs}) >= 2
    assert any(p.burstiness is not None for p in busy.pairs) and any(0 < (p.reciprocity or 0) < 1 for p in busy.pairs)
    rollups_rebuild(council=hall.council)
    for weeks, until in [(2, date(2026, 3, 29)), (12, date(2026, 5, 1))]:
        same_figures(hall.council, weeks=weeks, until=until)


def test_posts_and_replies_on_the_platform_are_counted_as_they_happen(hall):
    parks = hall.service("parks")
    officer = hall.officer(parks)
    resident = hall.person()
    question = conversation.post_create(
        author=resident, kind=Post.Kind.QUESTION, title="When is the gate mended?", body="It is broken.",
        neighbourhood=hall.northfield, addressed_to=parks, at=utc(2026, 1, 13, 9),
    )
    conversation.comment_create(author=officer, post=question, body="On Friday.", acting_for=parks,
                                at=utc(2026, 1, 13, 15))
    conversation.comment_create(author=resident, post=question, body="Thank you!", at=utc(2026, 1, 13, 16))

    pair = relationship_health_for_council(council=hall.council, weeks=4, until=date(2026, 2, 1)).pair(
        "parks", "northfield"
    )

    assert (pair.service_interactions, pair.addressed_threads, pair.answered_within_2d) == (1, 1, 1.0)
    assert (pair.median_first_response_hours, pair.reciprocity, pair.people_reached) == (6.0, 1.0, 1)
    same_figures(hall.council, weeks=4, until=date(2026, 2, 1))


def test_rollups_are_ready_once_rebuilt_in_the_councils_time_zone(hall):
    assert not rollups_ready_for_council(council=hall.council)
    rollups_rebuild(council=hall.council)
    assert rollups_ready_for_council(council=hall.council)

    hall.council.time_zone = "Europe/Dublin"
    hall.council.save()

    assert not rollups_ready_for_council(council=hall.council)


def test_a_rebuild_replaces_every_row(hall):
    parks = hall.service("parks")
    officer = hall.officer(parks)
    hall.act("contact", by=officer, at=utc(2026, 1, 6, 12), acting_for=parks)
    before = list(ServiceWeek.objects.values_list("week", "interactions", "first_at"))

    rollups_rebuild(council=hall.council)
    rollups_rebuild(council=hall.council)

    assert list(ServiceWeek.objects.values_list("week", "interactions", "first_at")) == before
    assert RollupState.objects.get().interactions == 1


def test_a_rebuild_leaves_the_connection_as_it_found_it(hall):
    # SQLite sorts a rebuild with helper threads and a smaller page cache; the web pages
    # served on the same connection afterwards keep their own.
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's settings for a rebuild last only for its transaction")
    hall.act("contact", by=hall.person(), at=utc(2026, 1, 6, 12))
    with connection.cursor() as cursor:
        before = [cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("threads", "cache_size")]

        rollups_rebuild(council=hall.council)

        assert [cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("threads", "cache_size")] == before


def test_participants_are_counted_once_across_a_block_of_weeks(hall, health):
    # Weeks are kept in blocks of 62; one ends on Sunday 17 January 2027.
    first, second = hall.person(), hall.person()
    hall.act("contact", by=first, at=utc(2027, 1, 12, 12))  # the last week of a block
    hall.act("contact", by=first, at=utc(2027, 1, 19, 12))  # the first week of the next
    hall.act("contact", by=second, at=utc(2027, 1, 19, 13), channel="assisted")

    both = health(weeks=2, until=date(2027, 1, 18)).neighbourhood("northfield")
    later = health(weeks=1, until=date(2027, 1, 18)).neighbourhood("northfield")

    assert (both.participants, both.assisted_share) == (2, pytest.approx(1 / 3))
    assert (later.participants, later.assisted_share) == (2, 0.5)


def participant_weeks():
    return list(ParticipantWeek.objects.order_by("week", "earlier_week").values_list("week", "earlier_week", "people"))


def test_a_persons_weeks_recorded_out_of_order_are_each_counted_under_the_week_before(hall, health):
    # Weeks are kept in blocks of 62; one ends on Sunday 17 January 2027. The weeks come
    # in out of order, each finding the weeks either side of it in its own block or another.
    regular, newcomer = hall.person(), hall.person()
    for at in [utc(2027, 2, 2, 12), utc(2026, 12, 1, 12), utc(2027, 1, 12, 12), utc(2027, 1, 19, 12),
               utc(2026, 12, 29, 12), utc(2027, 1, 13, 12)]:
        hall.act("contact", by=regular, at=at)
    hall.act("contact", by=newcomer, at=utc(2027, 1, 19, 15))

    assert participant_weeks() == [
        (date(2026, 11, 30), NO_EARLIER_WEEK, 1),
        (date(2026, 12, 28), date(2026, 11, 30), 1),
        (date(2027, 1, 11), date(2026, 12, 28), 1),
        (date(2027, 1, 18), NO_EARLIER_WEEK, 1),
        (date(2027, 1, 18), date(2027, 1, 11), 1),
        (date(2027, 2, 1), date(2027, 1, 18), 1),
    ]
    participants = {
        (weeks, until): health(weeks=weeks, until=until).neighbourhood("northfield").participants
        for weeks, until in [(1, date(2027, 1, 1)), (2, date(2026, 12, 20)), (2, date(2027, 1, 18)),
                             (12, date(2027, 2, 1)), (1, date(2027, 1, 25))]
    }
    assert participants == {
        (1, date(2027, 1, 1)): 1, (2, date(2026, 12, 20)): 0, (2, date(2027, 1, 18)): 2,
        (12, date(2027, 2, 1)): 2, (1, date(2027, 1, 25)): 0,
    }


def test_a_week_between_two_others_moves_the_later_one_under_it(hall):
    first, second = hall.person(), hall.person()
    for person in (first, second):
        hall.act("contact", by=person, at=utc(2026, 3, 3, 12))
        hall.act("contact", by=person, at=utc(2026, 3, 17, 12))
    assert participant_weeks() == [(date(2026, 3, 2), NO_EARLIER_WEEK, 2), (date(2026, 3, 16), date(2026, 3, 2), 2)]

    hall.act("contact", by=first, at=utc(2026, 3, 10, 12))

    assert participant_weeks() == [
        (date(2026, 3, 2), NO_EARLIER_WEEK, 2), (date(2026, 3, 9), date(2026, 3, 2), 1),
        (date(2026, 3, 16), date(2026, 3, 2), 1), (date(2026, 3, 16), date(2026, 3, 9), 1),
    ]
    hall.act("contact", by=second, at=utc(2026, 3, 10, 12))
    kept = participant_weeks()
    assert kept == [
        (date(2026, 3, 2), NO_EARLIER_WEEK, 2), (date(2026, 3, 9), date(2026, 3, 2), 2),
        (date(2026, 3, 16), date(2026, 3, 9), 2),
    ]
    rollups_rebuild(council=hall.council)
    assert participant_weeks() == kept


def addressed_weeks():
    columns = ["service__slug", "week", "answered_week", "posts", "answered_within_2d"]
    return list(AddressedWeek.objects.order_by(*columns).values_list(*columns))


def test_addressed_posts_are_counted_by_their_week_and_their_answers_week(hall):
    parks, housing = hall.service("parks"), hall.service("housing")
    resident = hall.person()
    # Sunday evening: an answer 47 hours later falls in the next week, still within two days.
    quick = hall.post(by=resident, at=utc(2026, 3, 8, 18), addressed_to=parks)
    slow = hall.post(by=resident, at=utc(2026, 3, 9, 9), addressed_to=parks)
    waiting = hall.post(by=resident, at=utc(2026, 3, 10, 9), addressed_to=parks)
    hall.post(by=resident, at=utc(2026, 3, 10, 10), addressed_to=housing)
    hall.comment(quick, by=hall.officer(parks), at=utc(2026, 3, 10, 17), acting_for=parks)
    hall.comment(slow, by=hall.officer(parks), at=utc(2026, 3, 20, 9), acting_for=parks)
    # Another service's answer is not parks's.
    hall.comment(waiting, by=hall.officer(housing), at=utc(2026, 3, 10, 12), acting_for=housing)

    assert addressed_weeks() == [
        ("housing", date(2026, 3, 9), NO_LATER_WEEK, 1, 0),
        ("parks", date(2026, 3, 2), date(2026, 3, 9), 1, 1),
        ("parks", date(2026, 3, 9), date(2026, 3, 16), 1, 0),
        ("parks", date(2026, 3, 9), NO_LATER_WEEK, 1, 0),
    ]

    # An earlier answer, recorded late (an import, say), moves the post to its week.
    hall.comment(slow, by=hall.officer(parks), at=utc(2026, 3, 10, 9), acting_for=parks)

    kept = addressed_weeks()
    assert kept == [
        ("housing", date(2026, 3, 9), NO_LATER_WEEK, 1, 0),
        ("parks", date(2026, 3, 2), date(2026, 3, 9), 1, 1),
        ("parks", date(2026, 3, 9), date(2026, 3, 9), 1, 1),
        ("parks", date(2026, 3, 9), NO_LATER_WEEK, 1, 0),
    ]
    rollups_rebuild(council=hall.council)
    assert addressed_weeks() == kept
    same_figures(hall.council, weeks=2, until=date(2026, 3, 9))


def test_addressed_posts_are_counted_by_week_on_upgrade(hall):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    upgrade = import_module("villagehall.analytics.migrations.0020_addressed_week")
    hall.council.time_zone = "Pacific/Auckland"  # Monday begins on Sunday, in London's terms
    hall.council.save()
    parks = hall.service("parks")
    resident = hall.person()
    for day, hours in [(1, 2), (1, 49), (2, None), (8, 30)]:
        thread = hall.post(by=resident, at=utc(2026, 3, day, 12), addressed_to=parks)
        if hours is not None:
            hall.comment(thread, by=hall.officer(parks), at=utc(2026, 3, day, 12) + timedelta(hours=hours),
                         acting_for=parks)
    kept = addressed_weeks()
    # In London, the first three posts would fall in the week before.
    assert kept == [
        ("parks", date(2026, 3, 2), date(2026, 3, 2), 2, 1), ("parks", date(2026, 3, 2), NO_LATER_WEEK, 1, 0),
        ("parks", date(2026, 3, 9), date(2026, 3, 9), 1, 1),
    ]

    AddressedWeek.objects.all().delete()
    upgrade.fill(apps, connection.schema_editor())

    assert addressed_weeks() == kept


def reciprocity_weeks():
    columns = ["service__slug", "week", "previous_week", "conversation_week", "community_started", "threads"]
    return list(ReciprocityWeek.objects.order_by(*columns).values_list(*columns))


def test_threads_are_counted_by_week_with_their_service_and_when_they_became_conversations(hall):
    parks, housing = hall.service("parks"), hall.service("housing")
    resident, neighbour = hall.person(), hall.person()
    asked = hall.post(by=resident, at=utc(2026, 3, 3, 9), addressed_to=parks)
    hall.comment(asked, by=hall.officer(parks), at=utc(2026, 3, 3, 12), acting_for=parks)
    announced = hall.post(by=hall.officer(parks), at=utc(2026, 3, 4, 9), acting_for=parks)
    hall.comment(asked, by=hall.officer(housing), at=utc(2026, 3, 11, 9), acting_for=housing)
    assert reciprocity_weeks() == [
        ("housing", date(2026, 3, 9), NO_EARLIER_WEEK, NO_LATER_WEEK, True, 1),
        ("parks", date(2026, 3, 2), NO_EARLIER_WEEK, NO_LATER_WEEK, False, 1),
        ("parks", date(2026, 3, 2), NO_EARLIER_WEEK, NO_LATER_WEEK, True, 1),
    ]

    # The resident answers back the next week: a conversation for parks from then on, in
    # the week parks had its turn and in the week of the answer alike.
    hall.comment(asked, by=resident, at=utc(2026, 3, 10, 9))
    hall.comment(asked, by=hall.officer(parks), at=utc(2026, 3, 17, 9), acting_for=parks)
    hall.comment(announced, by=neighbour, at=utc(2026, 3, 17, 10))

    kept = reciprocity_weeks()
    assert kept == [
        ("housing", date(2026, 3, 9), NO_EARLIER_WEEK, NO_LATER_WEEK, True, 1),
        ("parks", date(2026, 3, 2), NO_EARLIER_WEEK, date(2026, 3, 9), True, 1),
        ("parks", date(2026, 3, 2), NO_EARLIER_WEEK, NO_LATER_WEEK, False, 1),
        ("parks", date(2026, 3, 16), date(2026, 3, 2), date(2026, 3, 9), True, 1),
    ]
    rollups_rebuild(council=hall.council)
    assert reciprocity_weeks() == kept
    same_figures(hall.council, weeks=3, until=date(2026, 3, 16))


def test_thread_weeks_are_counted_for_reciprocity_on_upgrade(hall):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    upgrade = import_module("villagehall.analytics.migrations.0021_reciprocity_week")
    parks = hall.service("parks")
    resident = hall.person()
    for day in [2, 3, 10]:
        thread = hall.post(by=resident, at=utc(2026, 3, day, 9), addressed_to=parks)
        hall.comment(thread, by=hall.officer(parks), at=utc(2026, 3, day, 10), acting_for=parks)
        hall.comment(thread, by=resident, at=utc(2026, 3, day + 7, 9))
    kept = reciprocity_weeks()
    assert [(week, conversation, n) for _, week, _, conversation, _, n in kept] == [
        (date(2026, 3, 2), date(2026, 3, 9), 2), (date(2026, 3, 9), date(2026, 3, 16), 1),
    ]

    ReciprocityWeek.objects.all().delete()
    upgrade.fill(apps, connection.schema_editor())

    assert reciprocity_weeks() == kept


def test_participants_by_week_are_counted_on_upgrade_from_each_persons_weeks(hall):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    upgrade = import_module("villagehall.analytics.migrations.0018_participant_week")
    regular, newcomer = hall.person(), hall.person()
    for at in [utc(2026, 12, 1, 12), utc(2027, 1, 12, 12), utc(2027, 1, 19, 12), utc(2027, 2, 2, 12)]:
        hall.act("contact", by=regular, at=at)
    hall.act("contact", by=newcomer, at=utc(2027, 1, 19, 15))
    hall.act("contact", by=newcomer, at=utc(2027, 1, 20, 15), neighbourhood=hall.neighbourhood("southfield"))
    kept = participant_weeks()
    assert len(kept) == 6

    ParticipantWeek.objects.all().delete()
    upgrade.fill(apps, connection.schema_editor())

    assert participant_weeks() == kept


@pytest.mark.parametrize("zone, changes", [
    # Half-hour offsets, a half-hour change of clocks, and a zone west of Greenwich.
    ("Australia/Lord_Howe", [utc(2026, 4, 4, 15), utc(2026, 10, 3, 15, 30)]),
    ("America/St_Johns", [utc(2026, 3, 8, 5, 30), utc(2026, 11, 1, 4, 30)]),
    ("Asia/Kolkata", []),
])
def test_a_rebuild_cuts_weeks_in_the_councils_own_time_zone(hall, zone, changes):
    hall.council.time_zone = zone
    hall.council.save()
    local = ZoneInfo(zone)
    parks = hall.service("parks")
    officer, resident = hall.officer(parks), hall.person()
    instants = []
    for monday in [date(2026, 3, 2), date(2026, 3, 9), date(2026, 4, 6), date(2026, 9, 28), date(2026, 10, 5),
                   date(2026, 11, 2)]:
        midnight = datetime.combine(monday, time(), tzinfo=local).astimezone(timezone.utc)
        instants += [midnight, midnight - timedelta(microseconds=1), midnight + timedelta(minutes=30)]
    for change in changes:
        instants += [change - timedelta(microseconds=1), change, change + timedelta(hours=1)]
    for at in instants:
        # A post and its answer at the same instant: their ids put them in order.
        thread = hall.post(by=resident, at=at, addressed_to=parks)
        hall.comment(thread, by=officer, at=at, acting_for=parks)
        hall.comment(thread, by=resident, at=at + timedelta(hours=2))
    rollups = [
        (ServiceWeek, ["week", "community_kind", "interactions", "first_at", "last_at", "previous_week"]),
        (ThreadServiceWeek, ["thread_id", "week", "conversation_at"]),
        (ReachWeek, ["week", "community_kind", "person_id", "service_week_before", "service_week_after"]),
        (AddressedThread, ["thread_id", "first_response_at", "response_wait"]),
        (ParticipantSpan, ["block", "person_id", "weeks"]),
        (ParticipantWeek, ["week", "earlier_week", "people"]),
        (AddressedWeek, ["week", "answered_week", "posts", "answered_within_2d"]),
        (ReciprocityWeek, ["week", "previous_week", "conversation_week", "community_started", "threads"]),
    ]
    kept = [list(model.objects.order_by(*columns).values_list(*columns)) for model, columns in rollups]
    gaps = list(ServiceWeek.objects.order_by("week", "community_kind").values_list("gap_square_sum", "gap_before"))

    rollups_rebuild(council=hall.council)

    assert {week for week, *_ in kept[0]} == {week_of(at, local) for at in instants}
    assert [list(model.objects.order_by(*columns).values_list(*columns)) for model, columns in rollups] == kept
    rebuilt_gaps = list(ServiceWeek.objects.order_by("week", "community_kind").values_list("gap_square_sum", "gap_before"))
    assert [square for square, _ in rebuilt_gaps] == pytest.approx([square for square, _ in gaps], rel=1e-9)
    assert [before for _, before in rebuilt_gaps] == [
        None if before is None else pytest.approx(before, abs=1e-6) for _, before in gaps
    ]
    same_figures(hall.council, weeks=40, until=date(2026, 11, 8))


def test_rows_kept_before_previous_weeks_were_kept_learn_them_on_upgrade(hall):
    from importlib import import_module

    from django.db import connection

    upgrade = import_module("villagehall.analytics.migrations.0011_thread_service_previous_week")
    parks, housing = hall.service("parks"), hall.service("housing")
    resident = hall.person()
    thread = hall.post(by=resident, at=utc(2026, 1, 5, 9))
    for days, service in [(0, parks), (1, parks), (8, parks), (9, housing), (22, parks), (30, housing)]:
        hall.comment(thread, by=hall.officer(service), at=utc(2026, 1, 5, 12) + timedelta(days=days),
                     acting_for=service)
    columns = ["service__slug", "week", "previous_week"]
    kept = list(ThreadServiceWeek.objects.order_by(*columns).values_list(*columns))
    assert [row for row in kept if row[0] == "parks"] == [
        ("parks", date(2026, 1, 5), None), ("parks", date(2026, 1, 12), date(2026, 1, 5)),
        ("parks", date(2026, 1, 26), date(2026, 1, 12)),
    ]

    ThreadServiceWeek.objects.update(previous_week=None)
    with connection.cursor() as cursor:
        cursor.execute(upgrade.FILL_PREVIOUS_WEEKS)

    assert list(ThreadServiceWeek.objects.order_by(*columns).values_list(*columns)) == kept


def test_service_weeks_kept_before_they_were_linked_learn_their_previous_week_on_upgrade(hall):
    from importlib import import_module

    from django.db import connection

    upgrade = import_module("villagehall.analytics.migrations.0013_service_week_previous_week")
    parks = hall.service("parks")
    officer = hall.officer(parks)
    # Weeks 0, 3 and 1, recorded in that order: week 1 comes between the other two.
    for at in [utc(2026, 1, 5, 9), utc(2026, 1, 6, 10, 0, 0, 250_000), utc(2026, 1, 28, 8), utc(2026, 1, 13, 9)]:
        hall.act("contact", by=officer, at=at, acting_for=parks, channel="phone")
    columns = ["week", "previous_week", "gap_before"]
    kept = list(ServiceWeek.objects.filter(community_kind="neighbourhood").order_by("week").values_list(*columns))
    assert kept == [
        (date(2026, 1, 5), None, None),
        (date(2026, 1, 12), date(2026, 1, 5), (utc(2026, 1, 13, 9) - utc(2026, 1, 6, 10, 0, 0, 250_000)).total_seconds()),
        (date(2026, 1, 26), date(2026, 1, 12), 15 * 86400 - 3600.0),
    ]

    ServiceWeek.objects.update(previous_week=None, gap_before=None)
    with connection.cursor() as cursor:
        cursor.execute(upgrade.FILL_PREVIOUS_WEEKS)
        cursor.execute(upgrade.FILL_GAPS.format(seconds=upgrade.SECONDS[connection.vendor]))

    filled = list(ServiceWeek.objects.filter(community_kind="neighbourhood").order_by("week").values_list(*columns))
    assert [row[:2] for row in filled] == [row[:2] for row in kept]
    assert [row[2] for row in filled] == [None, pytest.approx(kept[1][2], abs=1e-6), pytest.approx(kept[2][2], abs=1e-6)]


def test_addressed_posts_kept_before_their_waits_were_kept_learn_them_on_upgrade(hall):
    from importlib import import_module

    from django.db import connection

    upgrade = import_module("villagehall.analytics.migrations.0015_addressed_thread_response_wait")
    parks = hall.service("parks")
    officer, resident = hall.officer(parks), hall.person()
    posted = utc(2026, 1, 5, 9, 0, 0, 750_000)
    for wait in [timedelta(hours=48, microseconds=1), timedelta(0), timedelta(days=3, microseconds=-250_001)]:
        thread = hall.post(by=resident, at=posted, addressed_to=parks)
        hall.comment(thread, by=officer, at=posted + wait, acting_for=parks)
    hall.post(by=resident, at=posted, addressed_to=parks)  # never answered
    kept = list(AddressedThread.objects.order_by("thread_id").values_list("response_wait", flat=True))
    assert kept == [172_800_000_001, 0, 259_199_749_999, None]

    AddressedThread.objects.update(response_wait=None)
    with connection.cursor() as cursor:
        cursor.execute(upgrade.FILL_WAITS.format(microseconds=upgrade.MICROSECONDS[connection.vendor]))

    assert list(AddressedThread.objects.order_by("thread_id").values_list("response_wait", flat=True)) == kept


def test_people_reached_are_counted_on_upgrade_from_the_thread_rollups_and_attendances(hall):
    from importlib import import_module

    from django.db import connection

    upgrade = import_module("villagehall.analytics.migrations.0012_people_reached_by_week")
    parks, housing, gardeners = hall.service("parks"), hall.service("housing"), hall.group("gardeners")
    asker, reactor, helper = hall.person(), hall.person(), hall.person()
    thread = hall.post(by=asker, at=utc(2026, 1, 5, 9), group=gardeners, addressed_to=parks)
    hall.act("reaction", by=reactor, at=utc(2026, 1, 13, 9), thread=thread)
    hall.comment(thread, by=hall.officer(parks), at=utc(2026, 1, 20, 9), acting_for=parks)
    hall.comment(thread, by=helper, at=utc(2026, 1, 27, 9))
    hall.comment(thread, by=hall.officer(housing), at=utc(2026, 2, 3, 9), acting_for=housing)
    # The reactor also came to parks's event in the week they reacted: one row, met that week.
    litter_pick = hall.event(organiser=parks, at=utc(2026, 1, 14, 10))
    hall.act("attendance", by=reactor, at=utc(2026, 1, 14, 10), channel="meeting", event=litter_pick)
    columns = ["week", "service__slug", "community_kind", "person_id", "service_week_before", "service_week_after"]
    kept = list(ReachWeek.objects.order_by(*columns).values_list(*columns))
    assert ("2026-01-12", "parks", "neighbourhood", reactor.pk, "2026-01-12", "2026-01-12") in [
        (str(w), s, k, p, str(b), str(a)) for w, s, k, p, b, a in kept
    ]
    assert len(kept) == 12  # three people, twice each (neighbourhood and group) for each of two services

    ReachWeek.objects.all().delete()
    with connection.cursor() as cursor:
        # Until this upgrade, the people in threads and at events were kept in tables of their own.
        cursor.execute(
            "CREATE TABLE analytics_threadpersonweek (council_id bigint, thread_id bigint, person_id bigint, week date)"
        )
        cursor.executemany(
            "INSERT INTO analytics_threadpersonweek VALUES (%s, %s, %s, %s)",
            [(hall.council.pk, thread.pk, person.pk, monday)
             for person, monday in [(asker, date(2026, 1, 5)), (reactor, date(2026, 1, 12)), (helper, date(2026, 1, 26))]],
        )
        cursor.execute(
            "CREATE TABLE analytics_attendanceweek (council_id bigint, week date, service_id bigint, "
            "community_kind varchar(13), community_id bigint, person_id bigint)"
        )
        cursor.execute(
            "INSERT INTO analytics_attendanceweek VALUES (%s, %s, %s, 'neighbourhood', %s, %s)",
            [hall.council.pk, date(2026, 1, 12), parks.pk, hall.northfield.pk, reactor.pk],
        )
        cursor.execute(upgrade.FILL_REACH_WEEKS)

    assert list(ReachWeek.objects.order_by(*columns).values_list(*columns)) == kept


def test_a_rebuild_leaves_exactly_the_rows_a_rebuild_from_nothing_would(hall):
    from villagehall.analytics.rollups import ROLLUP_MODELS

    def every_row():
        return {
            model.__name__: sorted(
                model.objects.values_list(*(f.attname for f in model._meta.concrete_fields if not f.primary_key))
            )
            for model in ROLLUP_MODELS
        }

    parks = hall.service("parks")
    officer, resident = hall.officer(parks), hall.person()
    for day in range(0, 60, 3):
        # Late on Sunday evening in London is Monday morning in Sydney: the change of zone
        # moves the residents' posts into the next week.
        at = utc(2026, 3, 1, 23, 30) + timedelta(days=day)
        thread = hall.post(by=resident, at=at, addressed_to=parks)
        hall.comment(thread, by=officer, at=at + timedelta(minutes=40), acting_for=parks)
        hall.comment(thread, by=resident, at=at + timedelta(hours=30))
    rollups_rebuild(council=hall.council)
    in_london = every_row()

    hall.council.time_zone = "Australia/Sydney"
    hall.council.save()
    rollups_rebuild(council=hall.council)
    rebuilt = every_row()
    for model in ROLLUP_MODELS:
        model.objects.all().delete()
    rollups_rebuild(council=hall.council)

    assert rebuilt == every_row()
    assert rebuilt["NeighbourhoodWeek"] != in_london["NeighbourhoodWeek"]
