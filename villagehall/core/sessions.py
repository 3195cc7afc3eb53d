"""Sessions kept in the database, read together with the signed-in person in one statement.

Every signed-in request reads its session and then the person it names. Django's database
sessions build the first read through the ORM each time, which costs more than running it,
and the second is another round trip. This store keeps sessions in a table that also names
the person (core.models.Session) and reads both with one plain SQL statement, with the
person's PersonalVersion, under which what is kept of their own parts of pages is kept
(core.personal); the authentication backends (people.authentication) take the person from
it when the session names the same person, and read them as before otherwise. With a
shared cache (REDIS_URL) the settings use Django's `cached_db` sessions instead, which read
from the cache and fall back to the database.

What was read for a signed-in reader is also kept (core.kept_rows): on SQLite by each
connection until anything is written to the database, on PostgreSQL by each server process
until triggers on the sessions, people and PersonalVersion tables announce a committed
change to that person's rows (migration core 0004, which names this CHANNEL). Signing out,
a new password, a deactivated account or a new reaction reaches every process within
milliseconds of the commit. On PostgreSQL a request that may have written (not GET, HEAD
or OPTIONS) also drops its reader's rows from its own process as it finishes, so the page
it redirects to is never drawn from what was kept before it.
"""

import json
from contextvars import ContextVar
from functools import cache, lru_cache
from typing import NamedTuple

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core import signing
from django.core.signals import request_finished, request_started
from django.db import connections, router
from django.dispatch import receiver
from django.utils import timezone

from villagehall.core.kept_rows import KeptRows

CHANNEL = "villagehall_sessions"
KEPT_SESSIONS = KeptRows(CHANNEL, max_rows=20_000)

# (person id, converted row, personal version) read with this request's session, until a backend takes it.
person_read_with_session = ContextVar("person_read_with_session", default=None)
# The tag of the kept rows this request read its reader from, if the request may write.
_reader_of_writing_request = ContextVar("reader_of_writing_request", default=None)
_writing_request = ContextVar("writing_request", default=False)


class SessionRead(NamedTuple):
    session_data: str
    expire_date: object  # an aware datetime
    person: tuple | None  # as person_read_with_session holds it, or None when no person is named or found


@receiver(request_started, dispatch_uid="villagehall.core.sessions.note_writing_request")
def _note_writing_request(environ=None, **kwargs):
    method = (environ or {}).get("REQUEST_METHOD", "GET")
    _writing_request.set(method not in ("GET", "HEAD", "OPTIONS"))


@receiver(request_finished, dispatch_uid="villagehall.core.sessions.forget_person_read")
def _forget_person_read(**kwargs):
    # Server threads serve one request after another: nothing read for one is left for the next.
    person_read_with_session.set(None)
    reader = _reader_of_writing_request.get()
    if reader is not None:
        _reader_of_writing_request.set(None)
        KEPT_SESSIONS.forget(tag=reader)


def _kept_under(read: SessionRead) -> str | None:
    # Only a signed-in reader's session is kept, under their id, which the triggers announce.
    return None if read.person is None else str(read.person[0])


class SessionStore(DatabaseSessionStore):
    """Django's database session store, in a table that names the person, read by plain SQL."""

    @classmethod
    def get_model_class(cls):
        from villagehall.core.models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.person_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            session.person_id = None
        return session

    def decode(self, session_data):
        # Checking the signature and unpacking cost more than the statement that read the
        # session; the same session is the same text until it changes, so each text is
        # checked once per process and kept as JSON (a fresh dict for every request).
        text = _verified_session_json(session_data, self.key_salt, self.serializer)
        return super().decode(session_data) if text is None else json.loads(text)

    def load(self):
        alias = router.db_for_read(self.model)
        read = KEPT_SESSIONS.get(
            self.session_key, lambda: _read_session(self.session_key, connections[alias]), using=alias, tag_of=_kept_under
        )
        if read is None or read.expire_date <= timezone.now():
            person_read_with_session.set(None)
            self._session_key = None
            return {}
        person_read_with_session.set(read.person)
        if _writing_request.get() and read.person is not None:
            _reader_of_writing_request.set(_kept_under(read))
        return self.decode(read.session_data)

    def save(self, must_create=False):
        super().save(must_create=must_create)
        KEPT_SESSIONS.forget(key=self.session_key)

    def delete(self, session_key=None):
        super().delete(session_key)
        KEPT_SESSIONS.forget(key=session_key or self.session_key)


@cache
def _session_columns():
    from villagehall.core.models import Session
    from villagehall.core.prepared import RowLookup

    return RowLookup(Session, "session_key")


def _read_session(session_key, connection) -> SessionRead | None:
    """Read the session, the person it names and their PersonalVersion, in one statement."""
    from villagehall.core.models import PersonalVersion
    from villagehall.people.authentication import PERSON_BY_ID
    from villagehall.people.models import Person

    session = _session_columns()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {session.columns(connection, 's')}, v.{q('version')}, {PERSON_BY_ID.columns(connection, 'p')}"
            f" FROM {q(session.model._meta.db_table)} s LEFT JOIN {q(Person._meta.db_table)} p ON p.{q('id')} = s.{q('person_id')}"
            f" LEFT JOIN {q(PersonalVersion._meta.db_table)} v ON v.{q('person_id')} = s.{q('person_id')}"
            f" WHERE s.{q('session_key')} = %s AND s.{q('expire_date')} > %s",
            [session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    count = len(session.names)
    columns = dict(zip(session.names, session.converted(row[:count], connection)))
    version, *person = row[count:]
    person_id = columns["person_id"]
    # No person row (none named, or gone: every column NULL) leaves the backends to read them as before.
    found = person_id is not None and any(value is not None for value in person)
    return SessionRead(
        columns["session_data"],
        columns["expire_date"],
        (person_id, PERSON_BY_ID.converted(person, connection), version or 0) if found else None,
    )


@lru_cache(maxsize=4096)
def _verified_session_json(session_data: str, key_salt: str, serializer) -> str | None:
    """Return the session data as JSON once its signature is checked, or None if it does not check out."""
    try:
        return json.dumps(signing.loads(session_data, salt=key_salt, serializer=serializer))
    except Exception:  # noqa: BLE001 (Django's decode says why, and gives an empty session)
        return None
