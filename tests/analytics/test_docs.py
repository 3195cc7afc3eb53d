"""docs/metrics.md names every figure, and its worked example says what the report says."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from villagehall.analytics.metrics import DEFINITIONS, NEIGHBOURHOOD_FIGURES, PAIR_FIGURES, SERVICE_FIGURES

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_every_figure_is_explained_in_the_docs_and_on_the_pages():
    text = DOC.read_text()
    for name in PAIR_FIGURES + SERVICE_FIGURES + NEIGHBOURHOOD_FIGURES:
        assert f"| `{name}` |" in text, name
        assert DEFINITIONS.get(name), name


@pytest.mark.django_db
def test_the_worked_example_is_what_the_report_says(tmp_path):
    example = re.search(r"```jsonl\n(.*?)```", DOC.read_text(), re.S).group(1)
    path = tmp_path / "example.jsonl"
    path.write_text(example)
    call_command("analytics", "import", str(path), "--council", "northshire", stdout=io.StringIO())
    out = io.StringIO()
    call_command("analytics", "report", "--council", "northshire", "--weeks", "4", "--until", "2026-02-01", stdout=out)
    report = json.loads(out.getvalue())
    pairs = {p["community"]: p for p in report["pairs"]}

    assert pairs["northfield"] == pairs["northfield"] | {
        "service_interactions": 3, "active_weeks": 3, "presence": 0.75, "longest_absence_weeks": 1,
        "pattern": "engaged", "addressed_threads": 2, "answered_within_2d": 0.5,
        "median_first_response_hours": 5.0, "unanswered": 1, "threads_with_service": 2, "reciprocity": 0.5,
        "community_started_share": 0.5, "people_reached": 2, "support_given": 1, "partnered_projects": 1,
        "three_way_partnerships": 1,
    }
    assert pairs["northfield"]["burstiness"] == pytest.approx(-709_200 / 756_000)
    assert pairs["northfield"]["enablement_share"] == pytest.approx(1 / 3)
    gardeners, trust = pairs["northfield-gardeners"], pairs["northfield-trust"]
    assert (gardeners["service_interactions"], gardeners["presence"], gardeners["pattern"]) == (1, 0.25, "intermittent")
    assert (gardeners["burstiness"], gardeners["partnered_projects"]) == (None, 1)
    assert (trust["pattern"], trust["enablement_share"], trust["reciprocity"]) == ("absent", None, None)
    assert report["services"][0] | {"name": None} == {
        "service": "parks", "name": None, "officers": 2, "active_officers": 1, "adoption": 0.5,
        "champions": ["sam"], "communities_engaged": 1, "communities_docking": 0,
    }
    northfield = report["neighbourhoods"][0]
    assert (northfield["participants"], northfield["offline_share"], northfield["assisted_share"]) == (3, 0.5, 0.0)
    assert northfield["participants_per_1000"] == pytest.approx(3000 / 8200)
