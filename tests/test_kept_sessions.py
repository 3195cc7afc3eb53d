"""On PostgreSQL each server process keeps what it read with a signed-in reader's session
(the session, the person, their PersonalVersion) and hears of every committed change to
them: a returning reader's page asks nothing of the database for who they are, and signing
out, a closed account, a new name or something new for them shows within moments."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from villagehall.core.models import Session
from villagehall.core.sessions import KEPT_SESSIONS
from villagehall.core.tenancy import council_scope
from villagehall.notifications.services import notification_send
from villagehall.people.models import Person
from villagehall.places.selectors import COUNCILS
from tests.factories import CouncilFactory, PersonFactory
from tests.test_council_directory import within

pytestmark = pytest.mark.django_db(transaction=True)

HOME = "/testborough/"


def session_read(client, address=HOME) -> bool:
    """Return True if drawing the page read the reader's session from the database."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return any("core_session" in query["sql"] for query in queries)


def page(client) -> str:
    return client.get(HOME).content.decode()


def signed_in_with_rows_kept(client, settings, vendor, why):
    if connection.vendor != vendor:
        pytest.skip(why)
    settings.ROWS_KEPT_IN_PROCESS = True
    CouncilFactory(slug="testborough", name="Testborough Council")
    person = PersonFactory(display_name="Sue Signed-In")
    client.force_login(person)
    return person


@pytest.fixture
def reader(client, settings):
    person = signed_in_with_rows_kept(client, settings, "postgresql", "about PostgreSQL, which announces changes")
    assert within(5, lambda: not session_read(client)), "the session was never kept"
    yield person
    KEPT_SESSIONS.stop()
    COUNCILS.stop()


def test_a_returning_reader_is_known_without_reading_their_session(client, reader):
    with CaptureQueriesContext(connection) as queries:
        html = page(client)
    assert "Sue Signed-In" in html
    assert not any("core_session" in query["sql"] or "people_person" in query["sql"] for query in queries)


def test_signing_out_elsewhere_signs_the_reader_out_here(client, reader):
    # As another server process would: the row goes, and this process only hears of it.
    Session.objects.filter(person_id=reader.pk).delete()
    assert within(2, lambda: "Sign in" in page(client) and "Sue Signed-In" not in page(client))


def test_a_closed_account_is_signed_out_within_moments(client, reader):
    Person.objects.filter(pk=reader.pk).update(is_active=False)
    assert within(2, lambda: "Sue Signed-In" not in page(client))
    assert "Sign in" in page(client)


def test_a_new_name_shows_within_moments(client, reader):
    Person.objects.filter(pk=reader.pk).update(display_name="Sue Renamed")
    assert within(2, lambda: "Sue Renamed" in page(client))


def test_something_new_for_the_reader_shows_within_moments(client, reader):
    assert "new)" not in page(client)
    with council_scope(COUNCILS.get("testborough")):
        notification_send(person=reader, text="Your post has a reply")
    assert within(2, lambda: "(1 new)" in page(client))


def test_someone_elses_change_leaves_the_reader_kept(client, reader):
    other = PersonFactory(display_name="Olly Other")
    Person.objects.filter(pk=other.pk).update(display_name="Olly Renamed")
    time.sleep(0.5)  # for the announcement, which names the other person only, to arrive
    assert not session_read(client)


def test_a_request_that_may_have_written_reads_its_reader_afresh_next_time(client, reader):
    # Nothing unread, so nothing is written and nothing announced: only the request itself
    # can have dropped what this process kept for its reader.
    assert client.post("/testborough/notifications/read/").status_code in (200, 302)
    assert session_read(client)
    assert not session_read(client)



def test_a_returning_reader_gets_their_kept_feed_without_a_statement(client, reader, django_assert_num_queries):
    from tests.factories import NeighbourhoodFactory, PostFactory

    council = COUNCILS.get("testborough")
    neighbourhood = NeighbourhoodFactory(council=council, slug="northfield", name="Northfield")
    PostFactory(neighbourhood=neighbourhood, council=council, title="Library hours")
    feed = "/testborough/northfield/"
    for _ in range(2):  # the page, then the reader's own parts, kept
        assert "Library hours" in client.get(feed).content.decode()
    within(2, lambda: not session_read(client, feed))  # the posts' writes announced, the reader kept again
    with django_assert_num_queries(0):
        html = client.get(feed).content.decode()
    assert "Library hours" in html and "Sue Signed-In" in html


@pytest.fixture
def reader_on_sqlite(client, settings):
    person = signed_in_with_rows_kept(
        client, settings, "sqlite", "about SQLite, whose change counters say when to read again"
    )
    session_read(client)
    return person


def test_on_sqlite_a_reader_is_kept_until_the_database_is_written(client, reader_on_sqlite):
    from tests.test_council_directory import in_another_thread

    assert not session_read(client)
    assert "Sue Signed-In" in page(client)
    # Written by another connection, as by another thread or server process: read again at once.
    in_another_thread(lambda: Person.objects.filter(pk=reader_on_sqlite.pk).update(display_name="Sue Renamed"))
    assert session_read(client)
    assert "Sue Renamed" in page(client)
    in_another_thread(lambda: Session.objects.filter(person_id=reader_on_sqlite.pk).delete())
    html = page(client)
    assert "Sue Renamed" not in html and "Sign in" in html


def test_on_sqlite_the_readers_own_write_is_seen_on_the_next_page(client, reader_on_sqlite):
    assert "new)" not in page(client)
    with council_scope(COUNCILS.get("testborough")):
        notification_send(person=reader_on_sqlite, text="Your post has a reply")
    assert "(1 new)" in page(client)
