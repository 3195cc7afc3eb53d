"""`villagehall analytics import`: idempotent, all or nothing, and every bad line reported."""

import io
import json
import re
import threading
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from villagehall.analytics.models import ImportedRecord, Interaction
from villagehall.analytics.selectors import relationship_health_for_council
from villagehall.core.tenancy import council_scope
from villagehall.events.models import Event
from villagehall.people.models import Membership, Organisation, Person
from villagehall.places.models import Council, Neighbourhood
from villagehall.projects.models import Project, ProjectPartner

# The example of METRICS.md, line for line.
EXAMPLE = [
    {"type": "neighbourhood", "slug": "northfield", "name": "Northfield", "population": 8200, "deprivation_decile": 2},
    {"type": "organisation", "slug": "parks", "name": "Parks and Open Spaces", "kind": "council_service"},
    {"type": "organisation", "slug": "northfield-gardeners", "name": "Northfield Gardeners", "kind": "community_group"},
    {"type": "person", "id": "p1", "name": "Sam Jones", "member_of": ["parks"]},
    {"type": "project", "id": "pr1", "name": "Community orchard", "neighbourhood": "northfield",
     "partners": ["parks", "northfield-gardeners"], "start": "2026-01-05", "end": None},
    {"type": "event", "id": "ev1", "name": "Litter pick", "neighbourhood": "northfield", "organiser": "parks",
     "at": "2026-02-07T10:00:00Z"},
    {"type": "person", "id": "p2", "name": "Alex Green"},
    {"type": "person", "id": "p3", "name": "Jo Brown"},
    {"type": "interaction", "id": "i1", "at": "2026-02-02T12:00:00Z", "actor": "p2", "acting_for": None,
     "neighbourhood": "northfield", "group": None, "kind": "post", "channel": "online", "thread": "i1",
     "addressed_to": "parks"},
    {"type": "interaction", "id": "i2", "at": "2026-02-03T09:30:00Z", "actor": "p1", "acting_for": "parks",
     "neighbourhood": "northfield", "group": None, "kind": "comment", "channel": "online", "thread": "i1"},
    {"type": "interaction", "id": "i3", "at": "2026-02-07T10:05:00Z", "actor": "p3", "acting_for": None,
     "neighbourhood": "northfield", "group": None, "kind": "attendance", "channel": "meeting", "event": "ev1"},
]


def write(tmp_path, lines, name="import.jsonl"):
    path = tmp_path / name
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return str(path)


def run_import(path, council="example"):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("analytics", "import", path, "--council", council, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue(), str(error)
    return True, out.getvalue(), err.getvalue(), ""


def counts(council):
    with council_scope(council):
        return {
            "interactions": Interaction.objects.count(), "people": Person.objects.count(),
            "memberships": Membership.objects.count(), "projects": Project.objects.count(),
            "partners": ProjectPartner.objects.count(), "events": Event.objects.count(),
            "neighbourhoods": Neighbourhood.objects.count(), "organisations": Organisation.objects.count(),
            "records": ImportedRecord.objects.count(),
        }


@pytest.mark.django_db
def test_the_metrics_example_imports_and_reports(tmp_path):
    ok, out, err, _ = run_import(write(tmp_path, EXAMPLE))

    assert ok, err
    assert "Imported 11 lines into example" in out
    assert re.search(r"Read and written in \d+\.\d s; rollups recounted in \d+\.\d s\.", out)
    council = Council.objects.get(slug="example")
    assert counts(council) == {
        "interactions": 3, "people": 3, "memberships": 1, "projects": 1, "partners": 2, "events": 1,
        "neighbourhoods": 1, "organisations": 2, "records": 3 + 1 + 1,
    }
    with council_scope(council):
        post = Interaction.objects.get(external_id="i1")
        assert post.thread_id == post.pk
        assert Interaction.objects.get(external_id="i2").thread_id == post.pk
        assert Interaction.objects.get(external_id="i3").event.name == "Litter pick"
    health = relationship_health_for_council(council=council, weeks=1, until=date(2026, 2, 2))
    pair = health.pair("parks", "northfield")
    assert (pair.service_interactions, pair.addressed_threads, pair.answered_within_2d) == (1, 1, 1.0)
    assert pair.median_first_response_hours == 21.5
    assert (pair.people_reached, pair.partnered_projects) == (2, 1)  # the poster and the litter picker
    assert health.service("parks").officers == 1


@pytest.mark.django_db
def test_imported_people_cannot_sign_in(tmp_path):
    run_import(write(tmp_path, EXAMPLE))

    person = Person.objects.get(pk=ImportedRecord.dangerously_unscoped.get(external_id="p1").object_id)
    assert person.display_name == "Sam Jones"
    assert not person.has_usable_password()
    assert person.email.endswith("@invalid") and person.username.startswith("imported-example-")


@pytest.mark.django_db
def test_importing_again_changes_nothing(tmp_path):
    path = write(tmp_path, EXAMPLE)
    run_import(path)
    council = Council.objects.get(slug="example")
    before = counts(council)
    with council_scope(council):
        ids = dict(Interaction.objects.values_list("external_id", "pk"))

    ok, _, err, _ = run_import(path)

    assert ok, err
    assert counts(council) == before
    with council_scope(council):
        assert dict(Interaction.objects.values_list("external_id", "pk")) == ids
        assert Interaction.objects.get(external_id="i1").thread_id == ids["i1"]  # still its own thread
        assert Interaction.objects.get(external_id="i2").thread_id == ids["i1"]


@pytest.mark.django_db
def test_an_id_seen_before_is_the_same_record(tmp_path):
    run_import(write(tmp_path, EXAMPLE))
    changed = [
        {"type": "person", "id": "p1", "name": "Sam Jones-Smith", "member_of": ["northfield-gardeners"]},
        {"type": "neighbourhood", "slug": "northfield", "name": "Northfield", "population": 9000},
        {"type": "interaction", "id": "i2", "at": "2026-02-03T10:30:00Z", "actor": "p1", "acting_for": "parks",
         "neighbourhood": "northfield", "kind": "response", "thread": "i1"},
    ]

    ok, _, err, _ = run_import(write(tmp_path, changed, "changed.jsonl"))

    assert ok, err
    council = Council.objects.get(slug="example")
    with council_scope(council):
        answer = Interaction.objects.get(external_id="i2")
        assert (answer.kind, answer.at.hour, Interaction.objects.count()) == ("response", 10, 3)
        sam = Person.objects.get(display_name="Sam Jones-Smith")
        assert list(sam.memberships.values_list("organisation__slug", flat=True)) == ["northfield-gardeners"]
        assert Neighbourhood.objects.get().population == 9000


@pytest.mark.django_db
def test_duplicate_ids_in_one_file_are_one_record_and_the_last_wins(tmp_path, monkeypatch):
    monkeypatch.setattr("villagehall.analytics.imports.BATCH_LINES", 4)  # duplicates across batches too
    comment = EXAMPLE[9]
    lines = [*EXAMPLE, EXAMPLE[6], {**comment, "at": "2026-02-03T11:00:00Z"}, {**comment, "at": "2026-02-03T11:30:00Z"}]

    ok, _, err, _ = run_import(write(tmp_path, lines))

    assert ok, err
    council = Council.objects.get(slug="example")
    assert counts(council)["interactions"] == 3 and counts(council)["people"] == 3
    with council_scope(council):
        assert Interaction.objects.get(external_id="i2").at.minute == 30


@pytest.mark.django_db
def test_threads_refer_to_posts_in_earlier_batches_and_earlier_imports(tmp_path, monkeypatch):
    monkeypatch.setattr("villagehall.analytics.imports.BATCH_LINES", 2)
    run_import(write(tmp_path, EXAMPLE))
    later = [{**EXAMPLE[9], "id": "i4", "at": "2026-02-04T09:00:00Z"}]

    ok, _, err, _ = run_import(write(tmp_path, later, "later.jsonl"))

    assert ok, err
    with council_scope(Council.objects.get(slug="example")):
        assert Interaction.objects.get(external_id="i4").thread.external_id == "i1"


@pytest.mark.django_db
def test_a_post_given_again_keeps_its_row_for_replies_in_the_next_batch(tmp_path, monkeypatch):
    # The import numbers each post's row ahead and prepares the next batch while one is
    # written; a post imported before keeps its row, and the next batch's replies follow it.
    monkeypatch.setattr("villagehall.analytics.imports.BATCH_LINES", 2)
    post, comment = EXAMPLE[8], EXAMPLE[9]
    assert run_import(write(tmp_path, [*EXAMPLE[:8], {**post, "id": "a", "thread": None}]))[0]
    council = Council.objects.get(slug="example")
    with council_scope(council):
        row = Interaction.objects.get(external_id="a").pk
    again = [
        {**post, "id": "a", "thread": None, "at": "2026-02-02T13:00:00Z"}, {**post, "id": "b", "thread": None},
        {**comment, "id": "to-a", "thread": "a"}, {**comment, "id": "to-b", "thread": "b"},
    ]

    ok, _, err, _ = run_import(write(tmp_path, again, "again.jsonl"))

    assert ok, err
    with council_scope(council):
        post_a = Interaction.objects.get(external_id="a")
        threads = dict(Interaction.objects.filter(kind="comment").values_list("external_id", "thread__external_id"))
    assert (post_a.pk, post_a.thread_id, post_a.at.hour) == (row, row, 13)
    assert threads == {"to-a": "a", "to-b": "b"}


@pytest.mark.parametrize("posts_remembered", [1, 1000])
@pytest.mark.django_db
def test_replies_find_their_posts_whether_or_not_the_import_still_remembers_them(tmp_path, monkeypatch, posts_remembered):
    # The import remembers the rows of the posts it wrote last; replies to older posts
    # have their threads looked up. Either way each reply lands in its own post's thread.
    monkeypatch.setattr("villagehall.analytics.imports.BATCH_LINES", 2)
    monkeypatch.setattr("villagehall.analytics.imports.RecentPosts.generation", posts_remembered)
    post, comment = EXAMPLE[8], EXAMPLE[9]
    lines = [
        *EXAMPLE[:8],
        {**post, "id": "a", "thread": None}, {**post, "id": "b", "thread": None},
        {**post, "id": "c", "thread": None}, {**comment, "id": "to-c", "thread": "c"},
        {**comment, "id": "to-a", "thread": "a"}, {**comment, "id": "to-b", "thread": "b"},
    ]

    ok, _, err, _ = run_import(write(tmp_path, lines))

    assert ok, err
    with council_scope(Council.objects.get(slug="example")):
        threads = dict(Interaction.objects.filter(kind="comment").values_list("external_id", "thread__external_id"))
    assert threads == {"to-c": "c", "to-a": "a", "to-b": "b"}


@pytest.mark.django_db
def test_a_post_given_again_as_a_comment_is_no_longer_a_thread(tmp_path, monkeypatch):
    monkeypatch.setattr("villagehall.analytics.imports.BATCH_LINES", 2)
    post, comment = EXAMPLE[8], EXAMPLE[9]
    lines = [
        *EXAMPLE[:8], {**post, "id": "a", "thread": None}, {**post, "id": "b", "thread": None},
        {**comment, "id": "b", "thread": "a"}, {**comment, "id": "to-b", "thread": "b"},
    ]

    ok, _, err, _ = run_import(write(tmp_path, lines))

    assert not ok
    assert "line 12: thread “b” is not a post given on an earlier line or imported before" in err


@pytest.mark.django_db
def test_a_bad_line_imports_nothing_and_every_bad_line_is_reported(tmp_path):
    lines = [*EXAMPLE[:8], "{not json", *EXAMPLE[8:], {"type": "person", "name": "No id"}]

    ok, out, err, message = run_import(write(tmp_path, lines))

    assert not ok
    assert message == "2 bad lines; nothing was imported."
    assert err.splitlines() == [
        "line 9: not valid JSON (Expecting property name enclosed in double quotes, column 2)",
        "line 13: id is missing",
    ]
    assert not Council.objects.filter(slug="example").exists()
    assert Interaction.dangerously_unscoped.count() == 0 and Person.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_file_leaves_an_earlier_import_as_it_was(tmp_path):
    run_import(write(tmp_path, EXAMPLE))
    council = Council.objects.get(slug="example")
    before = counts(council)
    lines = [{"type": "person", "id": "p9", "name": "New"}, {**EXAMPLE[9], "id": "i9", "kind": "wave"}]

    ok, *_ = run_import(write(tmp_path, lines, "bad.jsonl"))

    assert not ok
    assert counts(council) == before


GOOD_INTERACTION = {"type": "interaction", "id": "i9", "at": "2026-02-02T12:00:00Z", "actor": "p2",
                    "neighbourhood": "northfield", "kind": "comment", "thread": "i1"}


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="only SQLite sets the interactions' indexes aside (PostgreSQL keeps them)",
)


def interaction_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                       [Interaction._meta.db_table])
        return dict(cursor.fetchall())


def indexes_dropped_by(path) -> tuple[bool, list[str]]:
    """Import the file; return whether it was imported and the indexes it dropped on the way."""
    with CaptureQueriesContext(connection) as captured:
        ok, *_ = run_import(path)
    return ok, [q["sql"].split('"')[1] for q in captured.captured_queries if q["sql"].startswith("DROP INDEX")]


@sqlite_only
@pytest.mark.django_db
def test_a_large_file_makes_the_interactions_indexes_anew_as_they_were(tmp_path):
    before = interaction_indexes()

    ok, dropped = indexes_dropped_by(write(tmp_path, EXAMPLE))

    assert ok
    assert sorted(dropped) == sorted(name for name, sql in before.items() if not sql.startswith("CREATE UNIQUE"))
    assert len(dropped) >= 6
    assert interaction_indexes() == before
    with council_scope(Council.objects.get(slug="example")):
        assert Interaction.objects.filter(thread__external_id="i1").count() == 2


@sqlite_only
@pytest.mark.django_db
def test_a_refused_file_leaves_the_interactions_indexes_as_they_were(tmp_path):
    before = interaction_indexes()

    ok, dropped = indexes_dropped_by(write(tmp_path, [*EXAMPLE, {**EXAMPLE[9], "id": "i9", "kind": "wave"}]))

    assert not ok and dropped
    assert interaction_indexes() == before


@sqlite_only
@pytest.mark.django_db
def test_a_small_file_into_a_larger_table_keeps_the_indexes(tmp_path):
    run_import(write(tmp_path, EXAMPLE))
    before = interaction_indexes()

    ok, dropped = indexes_dropped_by(write(tmp_path, [{**EXAMPLE[9], "id": "i4"}], "small.jsonl"))

    assert ok and dropped == []
    assert interaction_indexes() == before


BAD_LINES = [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('"a string"', "expected a JSON object"),
    ({"slug": "x"}, "type is missing"),
    ({"type": "spaceship"}, "type “spaceship” is not one of"),
    ({"type": "neighbourhood", "slug": "eastfield", "name": "Eastfield", "colour": "red"}, "unknown field colour"),
    ({"type": "neighbourhood", "name": "Eastfield"}, "slug is missing"),
    ({"type": "neighbourhood", "slug": "east field", "name": "Eastfield"}, "may contain only letters"),
    ({"type": "neighbourhood", "slug": "health", "name": "Health"}, "used by Village Hall’s own addresses"),
    ({"type": "neighbourhood", "slug": "eastfield", "name": ""}, "name must be a non-empty string"),
    ({"type": "neighbourhood", "slug": "eastfield", "name": 7}, "name must be a non-empty string"),
    ({"type": "neighbourhood", "slug": "eastfield", "name": "E", "population": -1}, "population must be a whole number"),
    ({"type": "neighbourhood", "slug": "eastfield", "name": "E", "population": 1.5}, "population must be a whole number"),
    ({"type": "neighbourhood", "slug": "eastfield", "name": "E", "deprivation_decile": 11}, "deprivation_decile must be"),
    ({"type": "neighbourhood", "slug": "eastfield", "name": "E", "deprivation_decile": True}, "deprivation_decile must be"),
    ({"type": "organisation", "slug": "choir", "name": "Choir", "kind": "club"}, "kind “club” is not one of"),
    ({"type": "organisation", "slug": "choir", "name": "Choir"}, "kind is missing"),
    ({"type": "person", "name": "No id"}, "id is missing"),
    ({"type": "person", "id": "p9", "name": "x" * 81}, "name is longer than 80 characters"),
    ({"type": "person", "id": "p9", "name": "P", "member_of": "parks"}, "member_of must be a list"),
    ({"type": "person", "id": "p9", "name": "P", "member_of": ["choir"]}, "member_of “choir” is not an organisation"),
    ({"type": "project", "id": "pr9", "name": "P", "start": "5 Jan 2026"}, "start must be a date written YYYY-MM-DD"),
    ({"type": "project", "id": "pr9", "name": "P"}, "start is missing"),
    ({"type": "project", "id": "pr9", "name": "P", "start": "2026-02-01", "end": "2026-01-01"}, "end is before start"),
    ({"type": "project", "id": "pr9", "name": "P", "start": "2026-02-01", "neighbourhood": "eastfield"},
     "neighbourhood “eastfield” is not a neighbourhood"),
    ({"type": "project", "id": "pr9", "name": "P", "start": "2026-02-01", "partners": ["choir"]},
     "partners “choir” is not an organisation"),
    ({"type": "event", "id": "ev9", "name": "E", "at": "2026-02-07"}, "at needs a time zone"),
    ({"type": "event", "id": "ev9", "name": "E", "at": "soon"}, "at must be a date and time"),
    ({"type": "event", "id": "ev9", "name": "E", "at": "2026-02-07T10:00:00Z", "organiser": "choir"},
     "organiser “choir” is not an organisation"),
    ({**GOOD_INTERACTION, "at": None}, "at is missing"),
    ({**GOOD_INTERACTION, "at": "2026-02-02 12:00"}, "at needs a time zone"),
    ({**GOOD_INTERACTION, "actor": "p404"}, "actor “p404” is not a person"),
    ({**GOOD_INTERACTION, "actor": None}, "actor is missing"),
    ({**GOOD_INTERACTION, "kind": "wave"}, "kind “wave” is not one of"),
    ({**GOOD_INTERACTION, "channel": "pigeon"}, "channel “pigeon” is not one of"),
    ({**GOOD_INTERACTION, "acting_for": "choir"}, "acting_for “choir” is not an organisation"),
    ({**GOOD_INTERACTION, "neighbourhood": "eastfield"}, "neighbourhood “eastfield” is not a neighbourhood"),
    ({**GOOD_INTERACTION, "group": "parks"}, "group “parks” is a council service"),
    ({**GOOD_INTERACTION, "addressed_to": "northfield-gardeners"}, "is not a council service"),
    ({**GOOD_INTERACTION, "addressed_to": "parks"}, "only a post can be addressed to a service"),
    ({**GOOD_INTERACTION, "thread": "i404"}, "thread “i404” is not a post given on an earlier line"),
    ({**GOOD_INTERACTION, "thread": "i2"}, "thread “i2” is not a post"),  # a comment, not a post
    ({**GOOD_INTERACTION, "kind": "post", "thread": "i1"}, "a post is its own thread"),
    ({**GOOD_INTERACTION, "event": "ev404"}, "event “ev404” is not an event"),
    ({**GOOD_INTERACTION, "id": ""}, "id must be a non-empty string"),
    ({**GOOD_INTERACTION, "id": "x" * 101}, "id is longer than 100 characters"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("line, reason", BAD_LINES, ids=[reason for _, reason in BAD_LINES])
def test_every_kind_of_bad_line(tmp_path, line, reason):
    ok, _, err, _ = run_import(write(tmp_path, [*EXAMPLE, line]))

    assert not ok
    assert err.startswith("line 12: ") and reason in err, err
    assert not Council.objects.filter(slug="example").exists()


@pytest.mark.django_db
def test_a_line_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(EXAMPLE[0]).encode() + b"\n" + '{"type": "person", "id": "p9", "name": "Zoë"}'.encode("latin-1") + b"\n")

    ok, _, err, _ = run_import(str(path))

    assert not ok and err == "line 2: not valid UTF-8 text\n"


@pytest.mark.django_db
def test_a_thread_must_refer_to_an_earlier_line(tmp_path):
    comment = {**GOOD_INTERACTION, "id": "c1", "thread": "later"}
    post = {**GOOD_INTERACTION, "id": "later", "kind": "post", "thread": None}

    ok, _, err, _ = run_import(write(tmp_path, [*EXAMPLE, comment, post]))

    assert not ok
    assert err == "line 12: thread “later” is not a post given on an earlier line or imported before\n"


@pytest.mark.django_db
def test_blank_lines_are_skipped_and_numbers_count_them(tmp_path):
    ok, out, err, _ = run_import(write(tmp_path, [EXAMPLE[0], "", "   ", "oops"]))

    assert not ok
    assert err == "line 4: not valid JSON (Expecting value, column 1)\n"


@pytest.mark.django_db
def test_an_unusable_council_slug_is_refused(tmp_path):
    ok, _, _, message = run_import(write(tmp_path, EXAMPLE), council="health")

    assert not ok and "cannot be made" in message


@pytest.mark.django_db
def test_two_replies_before_their_post_in_one_batch_are_both_reported(tmp_path):
    first = {**GOOD_INTERACTION, "id": "c1", "thread": "later"}
    second = {**GOOD_INTERACTION, "id": "c2", "thread": "later"}
    post = {**GOOD_INTERACTION, "id": "later", "kind": "post", "thread": None}

    ok, _, err, _ = run_import(write(tmp_path, [*EXAMPLE, first, second, post]))

    assert not ok
    assert err.splitlines() == [
        "line 12: thread “later” is not a post given on an earlier line or imported before",
        "line 13: thread “later” is not a post given on an earlier line or imported before",
    ]


@pytest.mark.django_db
def test_instants_are_kept_to_the_microsecond_in_any_written_form(tmp_path):
    written = {
        "i1": "2026-02-02T12:00:00Z", "i2": "2026-02-02 12:00:01Z", "i3": "2026-02-02T13:00:02+01:00",
        "i4": "2026-02-02T12:00:03.250000Z", "i5": "2026-02-02T07:00:04.5-05:00", "i6": "20260202T120005Z",
    }
    lines = EXAMPLE[:8] + [
        {"type": "interaction", "id": key, "at": at, "actor": "p2", "neighbourhood": "northfield", "kind": "contact",
         "channel": "phone"} for key, at in written.items()
    ]
    assert run_import(write(tmp_path, lines))[0]

    with council_scope(Council.objects.get(slug="example")):
        stored = dict(Interaction.objects.values_list("external_id", "at"))
    assert [stored[key].isoformat() for key in written] == [
        "2026-02-02T12:00:00+00:00", "2026-02-02T12:00:01+00:00", "2026-02-02T12:00:02+00:00",
        "2026-02-02T12:00:03.250000+00:00", "2026-02-02T12:00:04.500000+00:00", "2026-02-02T12:00:05+00:00",
    ]
    # Ordered by the database as instants, not as the text they came in.
    with council_scope(Council.objects.get(slug="example")):
        assert list(Interaction.objects.order_by("at").values_list("external_id", flat=True)) == list(written)


@pytest.mark.django_db
def test_a_file_that_cannot_be_read_imports_nothing(tmp_path):
    from django.db import transaction

    from villagehall.analytics.imports import CouncilImport, ImportReadFailed

    council = Council.objects.create(slug="example", name="Example")

    with pytest.raises(ImportReadFailed, match="Is a directory"), transaction.atomic(), council_scope(council):
        CouncilImport(council, on_error=print).import_file(str(tmp_path))

    assert multiprocessing_children() == []


@pytest.mark.django_db
def test_an_import_stopped_while_writing_leaves_no_reading_process_behind(tmp_path, monkeypatch):
    from villagehall.analytics.imports import CouncilImport

    monkeypatch.setattr("villagehall.analytics.imports.BATCH_LINES", 2)
    council = Council.objects.create(slug="example", name="Example")
    # A long file with a bad twelfth line, after the first interactions are sent to be
    # written: the first batch to report a bad line stops the import.
    path = write(tmp_path, [*EXAMPLE, {"type": "wave"}] * 500)

    def stop(number, reason):
        raise RuntimeError(f"stopped at line {number}: {reason}")

    with pytest.raises(RuntimeError, match="stopped at line 12"), council_scope(council):
        CouncilImport(council, on_error=stop).import_file(path)

    assert multiprocessing_children() == []
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("analytics-import-writer")]


def multiprocessing_children():
    import multiprocessing

    return multiprocessing.active_children()
