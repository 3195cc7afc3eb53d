"""The councils, kept in each server process while PostgreSQL tells it of every change.

Every page under /<council>/ starts by finding its council, and the council's content
versions key every kept page (core.page_cache), so the row must never be older than the
last change to it. On SQLite reading it is a few microseconds, and it is read each time.
On PostgreSQL it is a round trip, so each process keeps the rows it has read and a thread
listens on its own connection for the notification that a trigger on the council table
sends when a change is committed (migration places 0005, which names this CHANNEL); any notification drops every
kept row. While the thread is not listening (starting, or its connection lost), nothing
is kept and every lookup reads the row.
"""

import logging
import threading

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

CHANNEL = "villagehall_councils"
RETRY_SECONDS = (0.5, 1, 2, 5, 10, 30)


class CouncilDirectory:
    """Council rows by slug, kept while change notifications are being heard."""

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
                with psycopg.connect(**params, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._forget(listening=True)
                    failures = 0
                    while not self._stop.is_set():
                        # Wakes at least once a second to see whether it should stop.
                        for _ in connection.notifies(timeout=1.0):
                            self._forget(listening=True)
            except Exception:  # noqa: BLE001 (any failure means: stop keeping rows, try again)
                self._forget(listening=False)
                logger.warning("Not hearing council changes; reading councils each time until back.", exc_info=True)
                self._stop.wait(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
                failures += 1
        self._forget(listening=False)

