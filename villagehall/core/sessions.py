"""Sessions kept in the database, read together with the signed-in person in one statement.

Every signed-in request reads its session and then the person it names. Django's database
sessions build the first read through the ORM each time, which costs more than running it,
and the second is another round trip. This store keeps sessions in a table that also names
the person (core.models.Session) and reads both with one plain SQL statement, with the
person's PersonalVersion, under which what is kept of their own parts of pages is kept
(core.personal); the authentication backends (people.authentication) take the person from
it when the session names the same person, and read them as before otherwise. With a
shared cache (REDIS_URL) the settings use Django's `cached_db` sessions instead, which read
from the cache and fall back to the database. An in-process cache is never used for
sessions: another server process would still find a session there after signing out had
deleted it.
"""

import json
from contextvars import ContextVar
from functools import lru_cache

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core import signing
from django.core.signals import request_finished
from django.db import connections, router
from django.dispatch import receiver
from django.utils import timezone

# (person id, converted row, personal version) read with this request's session, until a backend takes it.
person_read_with_session = ContextVar("person_read_with_session", default=None)


@receiver(request_finished, dispatch_uid="villagehall.core.sessions.forget_person_read")
def _forget_person_read(**kwargs):
    # Server threads serve one request after another: nothing read for one is left for the next.
    person_read_with_session.set(None)


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
        from villagehall.core.models import PersonalVersion
        from villagehall.people.authentication import PERSON_BY_ID
        from villagehall.people.models import Person

        model = self.model
        connection = connections[router.db_for_read(model)]
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.{q('session_data')}, s.{q('person_id')}, v.{q('version')}, {PERSON_BY_ID.columns(connection, 'p')}"
                f" FROM {q(model._meta.db_table)} s LEFT JOIN {q(Person._meta.db_table)} p ON p.{q('id')} = s.{q('person_id')}"
                f" LEFT JOIN {q(PersonalVersion._meta.db_table)} v ON v.{q('person_id')} = s.{q('person_id')}"
                f" WHERE s.{q('session_key')} = %s AND s.{q('expire_date')} > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            person_read_with_session.set(None)
            self._session_key = None
            return {}
        session_data, person_id, version, *person = row
        # No person row (none named, or gone: every column NULL) leaves the backends to read them as before.
        found = person_id is not None and any(value is not None for value in person)
        person_read_with_session.set((person_id, PERSON_BY_ID.converted(person, connection), version or 0) if found else None)
        return self.decode(session_data)


@lru_cache(maxsize=4096)
def _verified_session_json(session_data: str, key_salt: str, serializer) -> str | None:
    """Return the session data as JSON once its signature is checked, or None if it does not check out."""
    try:
        return json.dumps(signing.loads(session_data, salt=key_salt, serializer=serializer))
    except Exception:  # noqa: BLE001 (Django's decode says why, and gives an empty session)
        return None
