"""Sessions kept in the database, read with one prepared statement.

Every signed-in request reads its session first. Django's database sessions build that
read through the ORM each time, which costs more than running it; this store runs the
same SELECT as plain SQL. With a shared cache (REDIS_URL) the settings use Django's
`cached_db` sessions instead, which read from the cache and fall back to the database.
An in-process cache is never used for sessions: another server process would still find
a session there after signing out had deleted it.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    """Django's database session store, with the session read by plain SQL."""

    def load(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {q('session_data')} FROM {q(model._meta.db_table)}"
                f" WHERE {q('session_key')} = %s AND {q('expire_date')} > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
