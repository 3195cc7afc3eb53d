"""Rows kept in each server process for as long as nothing has changed them.

Some rows are read on nearly every request (the council in the address, the signed-in
reader's session with the person). A KeptRows keeps what was read, and knows when to read
it again from the database itself.

On SQLite each database connection keeps the rows it has read for as long as SQLite's own
change counters say nothing was written since: `PRAGMA data_version`, which moves when
another connection (in any process) commits, and the connection's `total_changes`, which
moves with every row it writes itself. Reading both costs a fraction of reading a row
through Django. Nothing is kept inside a transaction, which could still be rolled back.

On PostgreSQL reading is a round trip, so each process keeps what was read, and a thread
listens on its own connection for the notifications that triggers on the rows' tables
send when a change is committed (on `channel`). A notification's payload names the tag of
the rows it changes (a person's id, say), or is empty for "any of them"; every kept row
with that tag is dropped. While the thread is not listening (starting, or its connection
lost), nothing is kept and every lookup reads the row. A lost connection is noticed as
soon as the server closes it, or, if it goes silent, when its heartbeat is not heard back
within HEARTBEAT_SECONDS; a change committed in between can go unseen until then. A change
is seen by other processes the moment its notification arrives, a few milliseconds after
the commit.

Tests run in transactions that are never committed, so nothing would be announced: the
setting ROWS_KEPT_IN_PROCESS turns keeping off, and tests that commit turn it on.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

RETRY_SECONDS = (0.5, 1, 2, 5, 10, 30)
HEARTBEAT_SECONDS = 2


class KeptRows:
    """Rows by key, kept while nothing has changed them: on SQLite by each connection, on
    PostgreSQL by the process while the change notifications on `channel` are being heard."""

    def __init__(self, channel: str, *, max_rows: int = 10_000):
        self.channel = channel
        # Where the heartbeat is sent: the channel itself, but for a test of a deaf connection.
        self.heartbeat_channel = channel
        self.application_name = f"villagehall listener: {channel}"  # as pg_stat_activity shows it
        self.max_rows = max_rows
        self._rows = {}  # key -> (tag, values), oldest first
        self._keys_by_tag = {}
        self._lock = threading.Lock()
        # Goes up with every change heard: a row read before one is not kept after it.
        self._generation = 0
        self._listening = False
        self._thread = None
        self._stop = threading.Event()

    def get(self, key, read, *, using="default", tag_of=lambda values: ""):
        """Return the values kept under key, or else `read()`'s (None when there is no such row).

        What `read` returns is kept, under the tag `tag_of(values)` names, unless that is None.
        Callers must not change the values they are given: they are shared.
        """
        if settings.ROWS_KEPT_IN_PROCESS and connections[using].vendor == "sqlite":
            return self._get_on_sqlite(key, read, connections[using], tag_of)
        if not self._enabled(using):
            return read()
        kept = self._rows.get(key)
        if kept is not None:
            return kept[1]
        generation = self._generation
        values = read()
        tag = None if values is None else tag_of(values)
        if tag is not None:
            with self._lock:
                if self._listening and generation == self._generation:
                    self._keep(key, tag, values)
        return values

    def _get_on_sqlite(self, key, read, connection, tag_of):
        if connection.in_atomic_block:
            return read()
        connection.ensure_connection()
        database = connection.connection
        if database.in_transaction:
            return read()
        written = (database.execute("PRAGMA data_version").fetchone()[0], database.total_changes)
        by_channel = connection.__dict__.setdefault("_kept_rows", {})
        kept = by_channel.get(self.channel)
        if kept is None or kept[0] is not database or kept[1] != written:
            kept = by_channel[self.channel] = (database, written, {})
        rows = kept[2]
        if key in rows:
            return rows[key]
        values = read()
        if values is not None and tag_of(values) is not None:
            if len(rows) >= self.max_rows:
                rows.clear()
            rows[key] = values
        return values

    def forget(self, *, key=None, tag=None):
        """Drop the row kept under key, or those with tag, now (a change this process has just committed).

        Only needed on PostgreSQL: on SQLite the connection's own writes move its counters."""
        with self._lock:
            self._generation += 1
            if key is not None:
                self._drop(key)
            if tag is not None:
                for kept_key in self._keys_by_tag.pop(tag, ()):
                    self._rows.pop(kept_key, None)

    def stop(self):
        """Stop listening and forget every kept row (tests, and a process shutting down)."""
        self._stop.set()
        self._forget_all(listening=False)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _keep(self, key, tag, values):
        self._drop(key)
        while len(self._rows) >= self.max_rows:
            self._drop(next(iter(self._rows)))
        self._rows[key] = (tag, values)
        self._keys_by_tag.setdefault(tag, set()).add(key)

    def _drop(self, key):
        kept = self._rows.pop(key, None)
        if kept is not None:
            keys = self._keys_by_tag.get(kept[0])
            keys.discard(key)
            if not keys:
                del self._keys_by_tag[kept[0]]

    def _forget_all(self, *, listening: bool):
        with self._lock:
            self._rows.clear()
            self._keys_by_tag.clear()
            self._generation += 1
            self._listening = listening

    def _heard(self, payload: str):
        if payload:
            self.forget(tag=payload)
        else:
            self._forget_all(listening=self._listening)

    def _enabled(self, using) -> bool:
        if not settings.ROWS_KEPT_IN_PROCESS or connections[using].vendor != "postgresql":
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
                target=self._listen, args=(params,), name=self.application_name, daemon=True
            )
            self._thread.start()

    def _listen(self, params):
        import psycopg

        failures = 0
        while not self._stop.is_set():
            try:
                with psycopg.connect(**{**params, "application_name": self.application_name}, autocommit=True) as connection:
                    connection.execute(f"LISTEN {self.channel}")
                    self._hear(connection)
            except Exception:  # noqa: BLE001 (any failure means: stop keeping rows, try again)
                self._forget_all(listening=False)
                logger.warning("Not hearing changes on %s; reading each time until back.", self.channel, exc_info=True)
                self._stop.wait(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
                failures += 1
            else:
                failures = 0
        self._forget_all(listening=False)

    def _hear(self, connection):
        """Drop kept rows at each change announced, for as long as the connection hears.

        Rows are kept only once the connection has heard its own heartbeat, and again every
        HEARTBEAT_SECONDS: a connection that stops hearing (a pooler in transaction mode
        passes LISTEN on but never the notifications) must not leave old rows in place.
        """
        heartbeat = f"heartbeat:{os.getpid()}:{id(self)}"
        sent = heard = None
        while not self._stop.is_set():
            now = time.monotonic()
            if sent is None or (heard is not None and heard >= sent and now - sent > HEARTBEAT_SECONDS):
                connection.execute("SELECT pg_notify(%s, %s)", [self.heartbeat_channel, heartbeat])
                sent = now
            elif (heard is None or heard < sent) and now - sent > HEARTBEAT_SECONDS:
                raise ConnectionError("the listening connection no longer hears its own heartbeat")
            # Wakes at least once a second to send the heartbeat and see whether to stop.
            for notification in connection.notifies(timeout=1.0):
                if notification.payload == heartbeat:
                    heard = time.monotonic()
                    if not self._listening:
                        self._forget_all(listening=True)
                elif not notification.payload.startswith("heartbeat:"):
                    self._heard(notification.payload)
