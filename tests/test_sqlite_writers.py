"""On SQLite, transactions that write queue on a lock beside the database: the next writer
goes as soon as one commits, rolls back or goes away, and one kept waiting past the
database's timeout is told the database is locked, as SQLite's own wait would tell it.
How soon the next writer goes is a matter of speed, measured by `mixed` in bench/run."""

import os
import threading

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.utils import ConnectionHandler

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="about SQLite, the embedded default")


def writer(path, *, timeout=5):
    """A connection of its own to a database file, as a server thread has."""
    handler = ConnectionHandler({"default": {
        "ENGINE": "villagehall.core.sqlite", "NAME": str(path), "OPTIONS": {**settings.SQLITE_OPTIONS, "timeout": timeout},
    }})
    return handler["default"]


def begin(db):
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)  # as transaction.atomic does


def end(db, *, commit=True):
    db.commit() if commit else db.rollback()
    db.set_autocommit(True)


def in_thread(work):
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:  # noqa: BLE001 (the test looks at it)
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker):
    # Databases of their own, not the test database: pytest-django would refuse them.
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "villagehall.sqlite3"
    db = writer(path)
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE notes (text TEXT)")
    db.close()
    return path


def notes(path):
    db = writer(path)
    with db.cursor() as cursor:
        cursor.execute("SELECT text FROM notes ORDER BY rowid")
        found = [row[0] for row in cursor.fetchall()]
    db.close()
    return found


def write(db, text):
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO notes (text) VALUES (%s)", [text])


def write_from_another_connection(path, text, *, timeout=5):
    db = writer(path, timeout=timeout)
    begin(db)
    write(db, text)
    end(db)
    db.close()


def test_a_writer_waits_for_the_one_writing_and_goes_when_it_commits(path):
    first = writer(path)
    begin(first)
    write(first, "first")

    thread, outcome = in_thread(lambda: write_from_another_connection(path, "second"))
    thread.join(timeout=0.3)
    assert thread.is_alive(), "the second writer did not wait"
    end(first)
    thread.join(timeout=5)
    assert not thread.is_alive() and "error" not in outcome
    assert notes(path) == ["first", "second"]


@pytest.mark.parametrize("how", ["rolled back", "closed"])
def test_the_lock_goes_with_a_rollback_and_with_a_closed_connection(path, how):
    first = writer(path)
    begin(first)
    write(first, "never kept")
    if how == "rolled back":
        end(first, commit=False)
    else:
        first.close()

    thread, outcome = in_thread(lambda: write_from_another_connection(path, "kept", timeout=0.5))
    thread.join(timeout=5)
    assert "error" not in outcome, outcome
    assert notes(path) == ["kept"]


def test_a_writer_kept_waiting_past_the_timeout_is_told_the_database_is_locked(path):
    first = writer(path)
    begin(first)
    write(first, "first")

    def second():
        db = writer(path, timeout=0.2)
        try:
            begin(db)
        finally:
            db.close()

    thread, outcome = in_thread(second)
    thread.join(timeout=5)
    end(first)
    assert isinstance(outcome.get("error"), OperationalError) and "database is locked" in str(outcome["error"])
    assert notes(path) == ["first"]
