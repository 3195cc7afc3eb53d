"""On PostgreSQL each server process keeps the councils' rows and hears of every committed
change to them: pages stop reading the council each time, see a change as soon as it is
announced, and see it within moments when the listening connection is lost."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from villagehall.conversation import services
from villagehall.places.models import Council
from villagehall.places.selectors import COUNCILS, council_by_slug
from tests.factories import CouncilFactory, NeighbourhoodFactory, PersonFactory, PostFactory

pytestmark = pytest.mark.django_db(transaction=True)


def within(seconds, check):
    """Return check()'s first true answer within the time, or its last answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(0.02)


def kept(slug) -> bool:
    """Return True if the council is found without asking the database."""
    council_by_slug(slug=slug)
    with CaptureQueriesContext(connection) as queries:
        council_by_slug(slug=slug)
    return len(queries) == 0


@pytest.fixture
def listening(settings):
    if connection.vendor != "postgresql":
        pytest.skip("about PostgreSQL, which announces changes")
    settings.ROWS_KEPT_IN_PROCESS = True
    council = CouncilFactory(slug="testborough", name="Testborough Council")
    assert within(5, lambda: kept("testborough")), "the listener never started"
    yield council
    COUNCILS.stop()


def test_a_council_is_read_once_and_again_after_any_change(listening):
    assert council_by_slug(slug="testborough").name == "Testborough Council"
    Council.objects.filter(pk=listening.pk).update(name="Testborough Borough Council")
    assert within(2, lambda: council_by_slug(slug="testborough").name == "Testborough Borough Council")
    assert within(2, lambda: kept("testborough"))
    assert council_by_slug(slug="nowhere") is None


def test_each_caller_gets_its_own_council(listening):
    first = council_by_slug(slug="testborough")
    first.name = "Changed by one request only"
    assert council_by_slug(slug="testborough").name == "Testborough Council"


def test_an_anonymous_page_shows_a_new_reply_once_it_is_committed(client, listening):
    neighbourhood = NeighbourhoodFactory(council=listening, slug="northfield", name="Northfield")
    post = PostFactory(neighbourhood=neighbourhood, council=listening, title="Library hours")
    assert "1 comment" not in client.get("/testborough/northfield/").content.decode()
    from villagehall.core.tenancy import council_scope

    with council_scope(listening):
        services.comment_create(author=PersonFactory(), post=post, body="Open late on Thursdays")
    assert within(2, lambda: "1 comment" in client.get("/testborough/northfield/").content.decode())


def test_losing_the_listening_connection_never_serves_an_old_council(listening):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()",
            [COUNCILS.kept.application_name],
        )
        assert cursor.fetchone() is not None
    Council.objects.filter(pk=listening.pk).update(name="Renamed while nobody listened")
    # The listener notices the closed connection and forgets every kept row: while it is
    # away nothing is kept, and on its return it starts afresh.
    assert within(2, lambda: council_by_slug(slug="testborough").name == "Renamed while nobody listened")
    assert within(15, lambda: kept("testborough")), "the listener did not come back"
    assert council_by_slug(slug="testborough").name == "Renamed while nobody listened"


def test_a_connection_that_does_not_hear_its_own_heartbeat_keeps_nothing(settings):
    """As through a pooler in transaction mode: LISTEN is accepted, notifications never come."""
    from villagehall.core.prepared import RowLookup
    from villagehall.places.directory import CouncilDirectory

    if connection.vendor != "postgresql":
        pytest.skip("about PostgreSQL, which announces changes")
    settings.ROWS_KEPT_IN_PROCESS = True
    deaf = CouncilDirectory(RowLookup(Council, "slug"))
    deaf.kept.heartbeat_channel = "somewhere_else"
    CouncilFactory(slug="testborough", name="Testborough Council")
    try:
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            deaf.get("testborough")
            with CaptureQueriesContext(connection) as queries:
                assert deaf.get("testborough").name == "Testborough Council"
            assert len(queries) == 1
            time.sleep(0.1)
    finally:
        deaf.stop()


@pytest.fixture
def on_sqlite(settings):
    if connection.vendor != "sqlite":
        pytest.skip("about SQLite, whose change counters say when to read again")
    settings.ROWS_KEPT_IN_PROCESS = True
    return CouncilFactory(slug="testborough", name="Testborough Council")


def in_another_thread(work):
    """Run work on another thread, which has its own database connection, as another request would."""
    import threading

    from django.db import connections

    failures = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 (reported to the test below)
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not failures, failures


def test_on_sqlite_a_council_is_kept_until_the_database_is_written(on_sqlite):
    assert kept("testborough")
    # Written through this connection...
    Council.objects.filter(pk=on_sqlite.pk).update(name="Testborough Borough Council")
    assert council_by_slug(slug="testborough").name == "Testborough Borough Council"
    assert kept("testborough")
    # ...and through another one, as by another thread or server process.
    in_another_thread(lambda: Council.objects.filter(pk=on_sqlite.pk).update(content_version=7))
    with CaptureQueriesContext(connection) as queries:
        assert council_by_slug(slug="testborough").content_version == 7
    assert len(queries) == 1
    assert kept("testborough")
    assert council_by_slug(slug="nowhere") is None


def test_on_sqlite_nothing_is_kept_inside_a_transaction_that_is_rolled_back(on_sqlite):
    from django.db import transaction

    assert kept("testborough")
    with pytest.raises(RuntimeError), transaction.atomic():
        Council.objects.filter(pk=on_sqlite.pk).update(name="A name never committed")
        assert council_by_slug(slug="testborough").name == "A name never committed"
        raise RuntimeError("the request failed")
    assert council_by_slug(slug="testborough").name == "Testborough Council"


def test_on_sqlite_each_caller_gets_its_own_council(on_sqlite):
    first = council_by_slug(slug="testborough")
    first.name = "Changed by one request only"
    assert council_by_slug(slug="testborough").name == "Testborough Council"
