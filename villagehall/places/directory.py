"""The councils, kept in each server process while PostgreSQL tells it of every change.

Every page under /<council>/ starts by finding its council, and the council's content
versions key every kept page (core.page_cache), so the row must never be older than the
last change to it.

On SQLite each database connection keeps the rows it has read for as long as SQLite's own
change counters say nothing was written since: `PRAGMA data_version`, which moves when
another connection (in any process) commits, and the connection's `total_changes`, which
moves with every row it writes itself. Reading both costs a quarter of reading the row
through Django. Nothing is kept inside a transaction, which could still be rolled back.

On PostgreSQL reading it is a round trip, so each process keeps the rows it has read and a thread
listens on its own connection for the notification that a trigger on the council table
sends when a change is committed (migration places 0005, which names this CHANNEL); any notification drops every
kept row. While the thread is not listening (starting, or its connection lost), nothing
is kept and every lookup reads the row. A lost connection is noticed as soon as the server
closes it, or, if it goes silent, when its heartbeat is not heard back within
HEARTBEAT_SECONDS; a change committed in between can go unseen until then.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

CHANNEL = "villagehall_councils"
RETRY_SECONDS = (0.5, 1, 2, 5, 10, 30)
HEARTBEAT_SECONDS = 2
APPLICATION_NAME = "villagehall council listener"  # as pg_stat_activity shows it


class CouncilDirectory:
    """Council rows by slug, kept while change notifications are being heard."""

    heartbeat_sql = f"SELECT pg_notify('{CHANNEL}', %s)"

    def __init__(self, lookup):
        self.lookup = lookup  # a core.prepared.RowLookup of Council by slug
        self._rows = {}
        self._lock = threading.Lock()
        # Goes up with every notification: a row read before one is not kept after it.
        self._generation = 0
        self._listening = False
        self._thread = None
        self._stop = threading.Event()

    def get(self, slug, *, using="default"):
        """Return the council at this address (a fresh instance for each caller), or None."""
        if settings.COUNCILS_KEPT_IN_PROCESS and connections[using].vendor == "sqlite":
            return self._get_on_sqlite(slug, using)
        if not self._enabled(using):
            return self.lookup.get(slug, using=using)
        values = self._rows.get(slug)
        if values is None:
            generation = self._generation
            values = self.lookup.row(slug, using=using)
            if values is None:
                return None
            with self._lock:
                if self._listening and generation == self._generation:
                    self._rows[slug] = values
        return self.lookup.instance(values, using=using)

    def _get_on_sqlite(self, slug, using):
        connection = connections[using]
        if connection.in_atomic_block:
            return self.lookup.get(slug, using=using)
        connection.ensure_connection()
        database = connection.connection
        if database.in_transaction:
            return self.lookup.get(slug, using=using)
        written = (database.execute("PRAGMA data_version").fetchone()[0], database.total_changes)
        kept = connection.__dict__.get("_kept_councils")
        if kept is None or kept[0] is not database or kept[1] != written:
            kept = connection._kept_councils = (database, written, {})
        values = kept[2].get(slug)
        if values is None:
            values = self.lookup.row(slug, using=using)
            if values is None:
                return None
            kept[2][slug] = values
        return self.lookup.instance(values, using=using)

    def _enabled(self, using) -> bool:
        if not settings.COUNCILS_KEPT_IN_PROCESS or connections[using].vendor != "postgresql":
            return False
        if self._thread is None or not self._thread.is_alive():
            self._start(using)
        return self._listening

    def _start(self, using):
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            params = connections[using].get_connection_params()
            self._thread = threading.Thread(
                target=self._listen, args=(params,), name="council-change-listener", daemon=True
            )
            self._thread.start()

    def stop(self):
        """Stop listening and forget every kept row (tests, and a process shutting down)."""
        self._stop.set()
        self._forget(listening=False)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _forget(self, *, listening: bool):
        with self._lock:
            self._rows.clear()
            self._generation += 1
            self._listening = listening

    def _listen(self, params):
        import psycopg

        failures = 0
        while not self._stop.is_set():
            try:
                with psycopg.connect(**{**params, "application_name": APPLICATION_NAME}, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._hear(connection)
            except Exception:  # noqa: BLE001 (any failure means: stop keeping rows, try again)
                self._forget(listening=False)
                logger.warning("Not hearing council changes; reading councils each time until back.", exc_info=True)
                self._stop.wait(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
                failures += 1
            else:
                failures = 0
        self._forget(listening=False)

    def _hear(self, connection):
        """Drop the kept rows at each change announced, for as long as the connection hears.

        Rows are kept only once the connection has heard its own heartbeat, and again every
        HEARTBEAT_SECONDS: a connection that stops hearing (a pooler in transaction mode
        passes LISTEN on but never the notifications) must not leave old rows in place.
        """
        heartbeat = f"heartbeat:{os.getpid()}:{id(self)}"
        sent = heard = None
        while not self._stop.is_set():
            now = time.monotonic()
            if sent is None or (heard is not None and heard >= sent and now - sent > HEARTBEAT_SECONDS):
                connection.execute(self.heartbeat_sql, [heartbeat])
                sent = now
            elif (heard is None or heard < sent) and now - sent > HEARTBEAT_SECONDS:
                raise ConnectionError("the listening connection no longer hears its own heartbeat")
            # Wakes at least once a second to send the heartbeat and see whether to stop.
            for notification in connection.notifies(timeout=1.0):
                if notification.payload == heartbeat:
                    heard = time.monotonic()
                    if not self._listening:
                        self._forget(listening=True)
                elif not notification.payload.startswith("heartbeat:"):
                    self._forget(listening=self._listening)
