"""`villagehall analytics report`: JSON and CSV with every figure under its METRICS.md name."""

import csv
import io
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from villagehall.analytics.metrics import NEIGHBOURHOOD_FIGURES, PAIR_FIGURES, SERVICE_FIGURES
from tests.analytics.conftest import week


def report(*args) -> str:
    out = io.StringIO()
    call_command("analytics", "report", "--council", "testborough", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def world(hall):
    parks = hall.service("parks")
    officer = hall.officer(parks)
    hall.group("gardeners")
    question = hall.post(by=hall.person(), at=week(1), addressed_to=parks)
    hall.comment(question, by=officer, at=week(1, hours=14), acting_for=parks)
    return hall


def test_json_report(world):
    data = json.loads(report("--weeks", "4", "--until", "2026-02-01", "--format", "json"))

    assert (data["council"], data["weeks"], data["until"]) == ("testborough", 4, "2026-02-01")
    assert (data["first_day"], data["last_day"], data["time_zone"]) == ("2026-01-05", "2026-02-01", "Europe/London")
    assert [(p["service"], p["community"], p["community_kind"]) for p in data["pairs"]] == [
        ("parks", "northfield", "neighbourhood"), ("parks", "gardeners", "group"),
    ]
    northfield = data["pairs"][0]
    assert set(PAIR_FIGURES) <= set(northfield)
    assert (northfield["service_interactions"], northfield["addressed_threads"]) == (1, 1)
    assert (northfield["answered_within_2d"], northfield["median_first_response_hours"]) == (1.0, 2.0)
    assert data["pairs"][1]["burstiness"] is None and data["pairs"][1]["reciprocity"] is None
    [service] = data["services"]
    assert set(SERVICE_FIGURES) <= set(service)
    assert (service["service"], service["officers"], service["adoption"], service["champions"]) == ("parks", 1, 1.0, [])
    [place] = data["neighbourhoods"]
    assert set(NEIGHBOURHOOD_FIGURES) <= set(place)
    assert (place["neighbourhood"], place["participants"], place["offline_share"]) == ("northfield", 1, 0.0)


def test_csv_report_has_one_row_per_pair(world):
    rows = list(csv.DictReader(io.StringIO(report("--weeks", "4", "--until", "2026-02-01", "--format", "csv"))))

    assert len(rows) == 2
    assert list(rows[0]) == ["service", "community", "community_kind", *PAIR_FIGURES]
    assert rows[0]["service_interactions"] == "1" and rows[0]["pattern"] == "intermittent"
    assert rows[1]["burstiness"] == "" and rows[1]["answered_within_2d"] == ""  # null is an empty cell


def test_report_refuses_an_unknown_council_and_bad_arguments(db):
    with pytest.raises(CommandError, match="no council"):
        call_command("analytics", "report", "--council", "nowhere", "--weeks", "4", "--until", "2026-02-01")
    with pytest.raises(CommandError):
        call_command("analytics", "report", "--council", "nowhere", "--weeks", "0")
    with pytest.raises(CommandError):
        call_command("analytics", "report", "--council", "nowhere", "--until", "1 Feb")


@pytest.mark.django_db(transaction=True)
def test_the_report_counts_people_reached_on_a_second_connection_beside_the_other_reads(world):
    """Outside a transaction, people reached (the longest read) is counted on a connection of its own."""
    report("--weeks", "4", "--until", "2026-02-01")  # counts the rollups first
    with CaptureQueriesContext(connection) as captured:
        data = json.loads(report("--weeks", "4", "--until", "2026-02-01", "--format", "json"))

    statements = [q["sql"] for q in captured.captured_queries]
    assert [p["people_reached"] for p in data["pairs"]] == [1, 0]
    assert any("analytics_serviceweek" in sql for sql in statements)
    assert not any("analytics_reachweek" in sql for sql in statements)  # read on the other connection
    for thread in threading.enumerate():
        if thread.name.startswith("health-read"):
            thread.join(timeout=5)
            assert not thread.is_alive()
