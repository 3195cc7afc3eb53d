"""The councils, kept in each server process for as long as they are unchanged.

Every page under /<council>/ starts by finding its council, and the council's content
versions key every kept page (core.page_cache), so the row must never be older than the
last change to it.

On SQLite each database connection keeps the rows it has read for as long as SQLite's own
change counters say nothing was written since: `PRAGMA data_version`, which moves when
another connection (in any process) commits, and the connection's `total_changes`, which
moves with every row it writes itself. Reading both costs a quarter of reading the row
through Django. Nothing is kept inside a transaction, which could still be rolled back.

On PostgreSQL reading it is a round trip, so each process keeps the rows it has read while
it hears a trigger on the council table announce every committed change (core.kept_rows;
migration places 0005, which names this CHANNEL); any change drops every kept council.
"""

from django.conf import settings
from django.db import connections

from villagehall.core.kept_rows import KeptRows

CHANNEL = "villagehall_councils"


class CouncilDirectory:
    """Council rows by slug, kept while nothing has changed them."""

    def __init__(self, lookup):
        self.lookup = lookup  # a core.prepared.RowLookup of Council by slug
        self.kept = KeptRows(CHANNEL, max_rows=1_000)

    def get(self, slug, *, using="default"):
        """Return the council at this address (a fresh instance for each caller), or None."""
        if settings.ROWS_KEPT_IN_PROCESS and connections[using].vendor == "sqlite":
            return self._get_on_sqlite(slug, using)
        values = self.kept.get(slug, lambda: self.lookup.row(slug, using=using), using=using)
        return None if values is None else self.lookup.instance(values, using=using)

    def stop(self):
        """Stop listening and forget every kept council (tests, and a process shutting down)."""
        self.kept.stop()

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
