"""The councils, kept in each server process for as long as they are unchanged.

Every page under /<council>/ starts by finding its council, and the council's content
versions key every kept page (core.page_cache), so the row must never be older than the
last change to it. The rows are kept by core.kept_rows: on SQLite until the database's
change counters move, on PostgreSQL until a trigger on the council table announces a
committed change (migration places 0005, which names this CHANNEL); any change drops
every kept council.
"""

from villagehall.core.kept_rows import KeptRows

CHANNEL = "villagehall_councils"


class CouncilDirectory:
    """Council rows by slug, kept while nothing has changed them."""

    def __init__(self, lookup):
        self.lookup = lookup  # a core.prepared.RowLookup of Council by slug
        self.kept = KeptRows(CHANNEL, max_rows=1_000)

    def get(self, slug, *, using="default"):
        """Return the council at this address (a fresh instance for each caller), or None."""
        values = self.kept.get(slug, lambda: self.lookup.row(slug, using=using), using=using)
        return None if values is None else self.lookup.instance(values, using=using)

    def stop(self):
        """Stop listening and forget every kept council (tests, and a process shutting down)."""
        self.kept.stop()
