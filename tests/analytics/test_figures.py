"""Every figure of METRICS.md, checked against numbers worked out by hand.

Unless a test says otherwise the window is the four weeks Monday 5 January to Sunday
1 February 2026 (GMT, so local time is UTC); `week(i)` is noon on the Monday of week i.
"""

from datetime import date, timedelta

import pytest

from villagehall.analytics.metrics import Window
from villagehall.people.models import Organisation
from tests.analytics.conftest import UNTIL, utc, week

EMPTY_PAIR = {
    "service_interactions": 0, "active_weeks": 0, "presence": 0.0, "longest_absence_weeks": 4,
    "burstiness": None, "pattern": "absent", "addressed_threads": 0, "answered_within_2d": None,
    "median_first_response_hours": None, "unanswered": 0, "threads_with_service": 0, "reciprocity": None,
    "community_started_share": None, "people_reached": 0, "support_given": 0, "enablement_share": None,
    "partnered_projects": 0, "three_way_partnerships": 0,
}

MICROSECOND = timedelta(microseconds=1)


def figures(pair, names=EMPTY_PAIR):
    return {name: getattr(pair, name) for name in names}


def test_no_data_gives_null_not_zero(hall, health):
    hall.service("parks")
    hall.service("housing")
    hall.officer(hall.service("libraries"))
    hall.group("gardeners")
    hall.neighbourhood("southfield", population=None)

    result = health()

    assert [(p.service, p.community, p.community_kind) for p in result.pairs] == [
        (service, community, kind)
        for service in ["housing", "libraries", "parks"]
        for community, kind in [("northfield", "neighbourhood"), ("southfield", "neighbourhood"), ("gardeners", "group")]
    ]
    for pair in result.pairs:
        assert figures(pair) == EMPTY_PAIR
    parks, libraries = result.service("parks"), result.service("libraries")
    assert (parks.officers, parks.active_officers, parks.adoption, parks.champions) == (0, 0, None, [])
    assert (libraries.officers, libraries.active_officers, libraries.adoption) == (1, 0, 0.0)
    assert (parks.communities_engaged, parks.communities_docking) == (0, 0)
    northfield, southfield = result.neighbourhood("northfield"), result.neighbourhood("southfield")
    assert (northfield.participants, northfield.participants_per_1000) == (0, 0.0)
    assert (northfield.offline_share, northfield.assisted_share, northfield.deprivation_decile) == (None, None, 5)
    assert southfield.participants_per_1000 is None


def test_a_single_interaction(hall, health):
    parks = hall.service("parks")
    officer = hall.officer(parks)
    hall.post(by=officer, at=week(1), acting_for=parks)

    result = health()

    assert figures(result.pair("parks", "northfield")) == EMPTY_PAIR | {
        "service_interactions": 1, "active_weeks": 1, "presence": 0.25, "longest_absence_weeks": 2,
        "pattern": "intermittent", "threads_with_service": 1, "reciprocity": 0.0,
        "community_started_share": 0.0, "enablement_share": 0.0,
    }
    service = result.service("parks")
    assert (service.officers, service.active_officers, service.adoption, service.champions) == (1, 1, 1.0, [])
    assert result.neighbourhood("northfield").participants == 0  # the officer wore the badge


def test_window_first_and_last_instants(hall, health):
    parks = hall.service("parks")
    officer = hall.officer(parks)
    window = Window(weeks=1, until=date(2026, 1, 7))
    assert (window.first_day, window.last_day) == (date(2026, 1, 5), date(2026, 1, 11))
    first, after = utc(2026, 1, 5), utc(2026, 1, 12)
    assert (window.start, window.end) == (first, after)
    for at in [first - MICROSECOND, first, after - MICROSECOND, after]:
        hall.act("contact", by=officer, at=at, acting_for=parks, channel="phone")
        hall.act("contact", by=hall.person(), at=at, channel="phone")

    result = health(weeks=1, until=date(2026, 1, 7))

    pair = result.pair("parks", "northfield")
    assert (pair.service_interactions, pair.active_weeks, pair.presence, pair.pattern) == (2, 1, 1.0, "engaged")
    assert result.neighbourhood("northfield").participants == 2


def test_window_across_the_start_of_british_summer_time(hall, health):
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026: the week of 23 March
    # is 167 hours long and ends at 23:00 UTC.
    window = Window(weeks=2, until=date(2026, 3, 29))
    assert (window.start, window.end) == (utc(2026, 3, 16), utc(2026, 3, 29, 23))
    parks = hall.service("parks")
    officer = hall.officer(parks)
    for at in [
        utc(2026, 3, 15, 23, 59, 59, 999999),  # Sunday before the window (GMT): out
        utc(2026, 3, 22, 23, 30),  # Sunday 22 March, 23:30 GMT: week 0
        utc(2026, 3, 23, 0, 0),  # Monday 23 March, 00:00 GMT: week 1
        utc(2026, 3, 29, 22, 59, 59, 999999),  # Sunday 29 March, 23:59:59.999999 BST: week 1, last instant
        utc(2026, 3, 29, 23, 0),  # Monday 30 March, 00:00 BST: out
    ]:
        hall.act("comment", by=officer, at=at, acting_for=parks)

    pair = health(weeks=2, until=date(2026, 3, 29)).pair("parks", "northfield")

    assert (pair.service_interactions, pair.active_weeks, pair.longest_absence_weeks) == (3, 2, 0)
    # Gaps are real elapsed seconds: 1,800 and 6 days 22:59:59.999999 (601,199.999999 s).
    gaps = [1800, 601199.999999]
    mean, sigma = sum(gaps) / 2, (gaps[1] - gaps[0]) / 2
    assert pair.burstiness == pytest.approx((sigma - mean) / (sigma + mean))
    assert pair.burstiness == pytest.approx(-1800 / 601199.999999)


def test_window_across_the_end_of_british_summer_time(hall, health):
    # Clocks go back at 01:00 UTC on Sunday 25 October 2026: the window of 12–25
    # October starts at 23:00 UTC on the 11th; its second week is 169 hours long.
    window = Window(weeks=2, until=date(2026, 10, 25))
    assert (window.start, window.end) == (utc(2026, 10, 11, 23), utc(2026, 10, 26))
    assert window.week_boundaries() == [utc(2026, 10, 11, 23), utc(2026, 10, 18, 23), utc(2026, 10, 26)]
    parks = hall.service("parks")
    officer = hall.officer(parks)
    for at in [
        utc(2026, 10, 11, 22, 59, 59, 999999),  # Sunday 11 October, 23:59:59.999999 BST: out
        utc(2026, 10, 11, 23, 0),  # Monday 12 October, 00:00 BST: first instant, week 0
        utc(2026, 10, 18, 23, 30),  # Monday 19 October, 00:30 BST: week 1
        utc(2026, 10, 25, 23, 59, 59, 999999),  # Sunday 25 October, 23:59:59.999999 GMT: last instant
        utc(2026, 10, 26, 0, 0),  # Monday 26 October, 00:00 GMT: out
    ]:
        hall.act("comment", by=officer, at=at, acting_for=parks)

    both = health(weeks=2, until=date(2026, 10, 25)).pair("parks", "northfield")
    second = health(weeks=1, until=date(2026, 10, 19)).pair("parks", "northfield")

    assert (both.service_interactions, both.active_weeks) == (3, 2)
    assert (second.service_interactions, second.active_weeks, second.presence) == (2, 1, 1.0)


def test_presence_longest_absence_and_pattern_thresholds(hall, health):
    parks = hall.service("parks")
    officer = hall.officer(parks)
    southfield, eastfield = hall.neighbourhood("southfield"), hall.neighbourhood("eastfield")
    hall.neighbourhood("westfield")
    for index in [0, 1, 2, 3]:
        hall.act("contact", by=officer, at=week(index), acting_for=parks)
    hall.act("contact", by=officer, at=week(0), acting_for=parks, neighbourhood=southfield)
    for index in [0, 1]:
        hall.act("contact", by=officer, at=week(index), acting_for=parks, neighbourhood=eastfield)
    gardeners = hall.group("gardeners")
    for index in range(8):
        hall.act("contact", by=officer, at=week(index), acting_for=parks, neighbourhood=None, group=gardeners)

    # Eight weeks, 5 January to 1 March.
    result = health(weeks=8, until=date(2026, 3, 1))

    rows = {
        p.community: (p.active_weeks, p.presence, p.longest_absence_weeks, p.pattern)
        for p in result.pairs if p.service == "parks"
    }
    assert rows == {
        "northfield": (4, 0.5, 4, "engaged"),
        "southfield": (1, 0.125, 7, "docking"),
        "eastfield": (2, 0.25, 6, "intermittent"),
        "westfield": (0, 0.0, 8, "absent"),
        "gardeners": (8, 1.0, 0, "engaged"),
    }
    service = result.service("parks")
    # Neighbourhoods only: the group's engagement is not a neighbourhood's.
    assert (service.communities_engaged, service.communities_docking) == (1, 1)
    assert service.champions == [officer.username]


def test_burstiness(hall, health):
    parks, housing, libraries = hall.service("parks"), hall.service("housing"), hall.service("libraries")
    officer = hall.person()
    # Regular: a visit at noon every Monday.
    for index in range(4):
        hall.act("contact", by=officer, at=week(index), acting_for=parks)
    # Gaps of a day and an hour: μ = 45,000 s, σ = 41,400 s, so (σ − μ)/(σ + μ) = −3,600/86,400.
    for at in [week(0), week(0, days=1), week(0, days=1, hours=13)]:
        hall.act("contact", by=officer, at=at, acting_for=housing)
    # Three at the same instant: σ + μ = 0.
    for _ in range(3):
        hall.act("contact", by=officer, at=week(2), acting_for=libraries)
    # Two are too few.
    gardeners = hall.group("gardeners")
    for at in [week(0), week(3)]:
        hall.act("contact", by=officer, at=at, acting_for=parks, neighbourhood=None, group=gardeners)

    result = health()

    assert result.pair("parks", "northfield").burstiness == pytest.approx(-1.0)
    assert result.pair("housing", "northfield").burstiness == pytest.approx(-1 / 24)
    assert result.pair("libraries", "northfield").burstiness is None
    assert result.pair("parks", "gardeners", "group").burstiness is None


def test_an_officer_without_their_badge_is_on_the_community_side(hall, health):
    parks = hall.service("parks")
    officer = hall.officer(parks)
    resident = hall.person()
    # The officer asks Parks something as a neighbour, then answers it with the badge on.
    asked = hall.post(by=officer, at=week(1), addressed_to=parks)
    hall.comment(asked, by=officer, at=week(1, hours=13), acting_for=parks)
    # A resident's question is answered by the officer without the badge: not an answer from Parks.
    question = hall.post(by=resident, at=week(2), addressed_to=parks)
    hall.comment(question, by=officer, at=week(2, hours=13))

    result = health()

    assert figures(result.pair("parks", "northfield")) == EMPTY_PAIR | {
        "service_interactions": 1, "active_weeks": 1, "presence": 0.25, "longest_absence_weeks": 2,
        "pattern": "intermittent", "addressed_threads": 2, "answered_within_2d": 0.5,
        "median_first_response_hours": 1.0, "unanswered": 1, "threads_with_service": 1, "reciprocity": 0.0,
        "community_started_share": 1.0, "people_reached": 1, "enablement_share": 0.0,
    }
    northfield = result.neighbourhood("northfield")
    assert (northfield.participants, northfield.offline_share) == (2, 0.0)


def test_reciprocity_ignores_another_services_turns(hall, health):
    parks, housing = hall.service("parks"), hall.service("housing")
    parks_officer, housing_officer = hall.officer(parks), hall.officer(housing)
    first, second = hall.person(), hall.person()
    # Parks, Housing, Parks: for Parks S·S (no change); Housing's own thread is H alone.
    one = hall.post(by=parks_officer, at=week(1), acting_for=parks)
    hall.comment(one, by=housing_officer, at=week(1, hours=13), acting_for=housing)
    hall.comment(one, by=parks_officer, at=week(1, hours=14), acting_for=parks)
    # Resident, Parks, Housing, resident: C·S·C for Parks and C·H·C for Housing, both conversations.
    two = hall.post(by=first, at=week(2))
    hall.comment(two, by=parks_officer, at=week(2, hours=13), acting_for=parks)
    hall.comment(two, by=housing_officer, at=week(2, hours=14), acting_for=housing)
    hall.comment(two, by=first, at=week(2, hours=15))
    # Resident, Housing, Parks, Housing: C·S for Parks (one change), C·H·H for Housing (one change).
    three = hall.post(by=second, at=week(3))
    hall.comment(three, by=housing_officer, at=week(3, hours=13), acting_for=housing)
    hall.comment(three, by=parks_officer, at=week(3, hours=14), acting_for=parks)
    hall.comment(three, by=housing_officer, at=week(3, hours=15), acting_for=housing)

    result = health()

    for service in ["parks", "housing"]:
        pair = result.pair(service, "northfield")
        assert (pair.threads_with_service, pair.reciprocity, pair.community_started_share) == (
            3, pytest.approx(1 / 3), pytest.approx(2 / 3),
        )
        assert pair.people_reached == 2


def test_threads_started_before_the_window(hall, health):
    parks = hall.service("parks")
    officer = hall.officer(parks)
    starter, replier, other = hall.person(), hall.person(), hall.person()
    before = week(0) - timedelta(weeks=1)
    # C (before), S (before), C (in), S (in): three changes, a conversation.
    thread = hall.post(by=starter, at=before, addressed_to=parks)
    hall.comment(thread, by=officer, at=before + timedelta(hours=1), acting_for=parks)
    hall.comment(thread, by=replier, at=week(0))
    hall.comment(thread, by=officer, at=week(1), acting_for=parks)
    # Parks answered only before the window: not one of the window's threads with Parks.
    quiet = hall.post(by=other, at=before, addressed_to=parks)
    hall.comment(quiet, by=officer, at=before + timedelta(hours=2), acting_for=parks)
    hall.comment(quiet, by=other, at=week(2))
    # A turn after the window has not happened yet, as far as this window knows.
    hall.comment(quiet, by=officer, at=week(4), acting_for=parks)

    pair = health().pair("parks", "northfield")

    assert (pair.addressed_threads, pair.answered_within_2d, pair.median_first_response_hours) == (0, None, None)
    assert (pair.threads_with_service, pair.reciprocity, pair.community_started_share) == (1, 1.0, 1.0)
    assert pair.people_reached == 1  # the replier; the starter posted before the window
    assert pair.service_interactions == 1


def test_first_response_within_48_hours(hall, health):
    parks, housing = hall.service("parks"), hall.service("housing")
    officer, other_officer = hall.officer(parks), hall.officer(housing)
    resident = hall.person()
    just_under = hall.post(by=resident, at=week(0), addressed_to=parks)
    hall.comment(just_under, by=officer, at=week(0) + timedelta(hours=47, minutes=59, seconds=59), acting_for=parks)
    hall.comment(just_under, by=officer, at=week(0, days=3), acting_for=parks)  # a later answer is not the first
    just_over = hall.post(by=resident, at=week(1), addressed_to=parks)
    hall.act("response", by=officer, at=week(1) + timedelta(hours=48, seconds=1), acting_for=parks, thread=just_over)
    exactly = hall.post(by=resident, at=week(2), addressed_to=parks)
    hall.comment(exactly, by=officer, at=week(2) + timedelta(hours=48), acting_for=parks)
    # Only a reaction from Parks and a reply from Housing: unanswered by Parks.
    ignored = hall.post(by=resident, at=week(2, hours=14), addressed_to=parks)
    hall.act("reaction", by=officer, at=week(2, hours=15), acting_for=parks, thread=ignored)
    hall.comment(ignored, by=other_officer, at=week(2, hours=15), acting_for=housing)
    # Asked on the last Sunday at noon, answered 25 hours later: after the window ends.
    late = hall.post(by=resident, at=week(3, days=6), addressed_to=parks)
    hall.comment(late, by=officer, at=week(3, days=6, hours=37), acting_for=parks)
    # Addressed to Housing, or posted by Parks itself: not Parks' addressed threads.
    hall.post(by=resident, at=week(1), addressed_to=housing)
    hall.post(by=officer, at=week(1), acting_for=parks, addressed_to=parks)

    four_weeks = health().pair("parks", "northfield")
    five_weeks = health(weeks=5, until=date(2026, 2, 8)).pair("parks", "northfield")

    under, over = 47 + 59 / 60 + 59 / 3600, 48 + 1 / 3600
    assert (four_weeks.addressed_threads, four_weeks.unanswered) == (5, 2)
    assert four_weeks.answered_within_2d == pytest.approx(2 / 5)  # just under, and exactly 48 hours
    assert four_weeks.median_first_response_hours == pytest.approx(48.0)
    assert sorted([under, over, 48.0])[1] == 48.0
    assert (five_weeks.addressed_threads, five_weeks.unanswered) == (5, 1)
    assert five_weeks.answered_within_2d == pytest.approx(3 / 5)
    assert five_weeks.median_first_response_hours == pytest.approx((under + 48.0) / 2)


def test_first_response_at_48_hours_to_the_microsecond(hall, health):
    parks = hall.service("parks")
    officer, resident = hall.officer(parks), hall.person()
    for posted, wait in [(week(0) + timedelta(microseconds=250_000), timedelta(hours=48)),
                         (week(1) + timedelta(microseconds=999_999), timedelta(hours=48) + MICROSECOND)]:
        thread = hall.post(by=resident, at=posted, addressed_to=parks)
        hall.comment(thread, by=officer, at=posted + wait, acting_for=parks)

    pair = health().pair("parks", "northfield")

    assert (pair.addressed_threads, pair.answered_within_2d, pair.unanswered) == (2, 0.5, 0)
    assert pair.median_first_response_hours == 48 + 0.5 / 3_600_000_000


def test_people_reached_in_threads_and_at_events(hall, health):
    parks, housing = hall.service("parks"), hall.service("housing")
    officer = hall.officer(parks)
    first, second, third, fourth = (hall.person() for _ in range(4))
    thread = hall.post(by=officer, at=week(0), acting_for=parks)
    hall.comment(thread, by=first, at=week(0, hours=13))
    hall.act("reaction", by=fourth, at=week(0, hours=14), thread=thread)
    litter_pick = hall.event(organiser=parks, at=week(1))
    for person in [first, second]:
        hall.act("attendance", by=person, at=week(1), channel="meeting", event=litter_pick)
    hall.act("attendance", by=officer, at=week(1), channel="meeting", acting_for=parks, event=litter_pick)
    housing_meeting = hall.event(organiser=housing, at=week(2))
    hall.act("attendance", by=third, at=week(2), channel="meeting", event=housing_meeting)

    result = health()

    assert result.pair("parks", "northfield").people_reached == 3  # first, second and fourth
    assert result.pair("housing", "northfield").people_reached == 1


def test_people_reached_only_when_the_window_holds_both_their_week_and_the_services(hall, health):
    parks = hall.service("parks")
    officer = hall.officer(parks)
    early, late, both, elsewhere = (hall.person() for _ in range(4))
    # Parks answers in week 3 a thread the early bird joined in week 0.
    thread = hall.post(by=early, at=week(0))
    hall.comment(thread, by=officer, at=week(3), acting_for=parks)
    # The late comer replies in week 5, after the usual window, to a thread parks joined in week 1.
    later = hall.post(by=officer, at=week(1), acting_for=parks)
    hall.comment(later, by=late, at=week(5))
    # One person in both threads; and one whose thread parks never joined.
    hall.comment(thread, by=both, at=week(1))
    hall.comment(later, by=both, at=week(2))
    hall.post(by=elsewhere, at=week(1))

    def reached(weeks, until):
        return health(weeks=weeks, until=until).pair("parks", "northfield").people_reached

    assert reached(4, UNTIL) == 2  # early (week 0, parks in week 3) and both; late is after the window
    assert reached(1, date(2026, 1, 11)) == 0  # week 0 alone: parks had not taken a turn yet
    assert reached(2, date(2026, 1, 18)) == 0  # weeks 0–1: both's reply then is in the thread parks joined in week 3
    assert reached(2, date(2026, 1, 25)) == 1  # weeks 1–2: both again, though early's week is outside
    assert reached(3, date(2026, 2, 1)) == 1  # weeks 1–3: early's week is outside, both is in
    assert reached(2, date(2026, 2, 1)) == 0  # weeks 2–3: both's week-2 reply is in the thread parks took in week 1
    assert reached(6, date(2026, 2, 15)) == 3  # weeks 0–5: everyone but the one parks never met
    assert reached(1, date(2026, 2, 15)) == 0  # week 5 alone: late replied, but parks's turn was in week 1


def test_support_given_and_enablement_share(hall, health):
    parks = hall.service("parks")
    officer = hall.officer(parks)
    hall.act("support", by=officer, at=week(0), acting_for=parks)
    hall.post(by=officer, at=week(1), acting_for=parks)
    hall.act("support", by=officer, at=week(2), acting_for=parks)
    hall.act("support", by=hall.person(), at=week(2))  # a neighbour's support is not the service's

    pair = health().pair("parks", "northfield")

    assert (pair.service_interactions, pair.support_given) == (3, 2)
    assert pair.enablement_share == pytest.approx(2 / 3)
    assert (pair.active_weeks, pair.presence, pair.longest_absence_weeks, pair.pattern) == (3, 0.75, 1, "engaged")
    assert pair.burstiness == pytest.approx(-1.0)


def test_partnered_projects_and_three_way_partnerships(hall, health):
    parks, housing = hall.service("parks"), hall.service("housing")
    gardeners = hall.group("gardeners")
    trust = hall.group("trust", kind=Organisation.Kind.VOLUNTARY_ORG)
    southfield = hall.neighbourhood("southfield")
    hall.project(partners=[parks, gardeners, trust], start=date(2025, 6, 1))
    hall.project(partners=[parks, gardeners], start=date(2026, 2, 1))  # starts on the last day
    hall.project(partners=[parks], start=date(2025, 1, 1), end=date(2026, 1, 5))  # ends on the first day
    hall.project(partners=[parks], start=date(2025, 1, 1), end=date(2026, 1, 4))  # over before the window
    hall.project(partners=[parks], start=date(2026, 2, 2))  # not started yet
    hall.project(partners=[parks, gardeners, trust], start=date(2025, 6, 1), neighbourhood=southfield)
    hall.project(partners=[housing, gardeners], start=date(2025, 6, 1))

    result = health()

    def partnered(service, community, kind="neighbourhood"):
        pair = result.pair(service, community, kind)
        return pair.partnered_projects, pair.three_way_partnerships

    assert partnered("parks", "northfield") == (3, 1)
    assert partnered("parks", "southfield") == (1, 1)
    assert partnered("parks", "gardeners", "group") == (3, 2)
    assert partnered("parks", "trust", "group") == (2, 2)
    assert partnered("housing", "northfield") == (1, 0)
    assert partnered("housing", "gardeners", "group") == (1, 0)
    assert partnered("housing", "trust", "group") == (0, 0)


def test_inclusion_by_neighbourhood(hall, health):
    parks = hall.service("parks")
    trust = hall.group("trust", kind=Organisation.Kind.VOLUNTARY_ORG)
    worker = hall.person()
    first, second, third = hall.person(), hall.person(), hall.person()
    southfield = hall.neighbourhood("southfield")
    hall.post(by=first, at=week(0))
    hall.act("contact", by=first, at=week(1), channel="phone")
    hall.act("contact", by=second, at=week(1), channel="assisted")
    hall.act("contact", by=third, at=week(2), channel="paper")
    hall.act("attendance", by=worker, at=week(2), channel="meeting", acting_for=trust)  # community side
    hall.act("contact", by=hall.officer(parks), at=week(2), acting_for=parks)  # service side: not counted
    hall.act("contact", by=hall.person(), at=week(2), neighbourhood=southfield)
    hall.act("contact", by=hall.person(), at=week(0) - timedelta(days=1))  # before the window

    northfield = health().neighbourhood("northfield")

    assert northfield.participants == 4
    assert northfield.participants_per_1000 == pytest.approx(0.8)  # 4 × 1000 / 5000
    assert northfield.offline_share == pytest.approx(4 / 5)
    assert northfield.assisted_share == pytest.approx(1 / 5)
    assert northfield.deprivation_decile == 5


def test_adoption_and_champions(hall, health):
    parks = hall.service("parks")
    gardeners = hall.group("gardeners")
    keen, occasional, quiet = (hall.officer(parks, name) for name in ["Keen", "Occasional", "Quiet"])
    hall.act("contact", by=keen, at=week(0), acting_for=parks)
    hall.act("contact", by=keen, at=week(1), acting_for=parks, neighbourhood=None, group=gardeners)
    hall.act("contact", by=occasional, at=week(3), acting_for=parks)
    hall.act("contact", by=quiet, at=week(3))  # without the badge: not active for Parks

    service = health().service("parks")

    assert (service.officers, service.active_officers) == (3, 2)
    assert service.adoption == pytest.approx(2 / 3)
    assert service.champions == [keen.username]  # two of four weeks is half
