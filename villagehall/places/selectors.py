"""Reads about councils and places."""

from villagehall.core.prepared import RowLookup
from villagehall.places.directory import CouncilDirectory
from villagehall.places.models import Council

# Every page under /<council>/ starts here: one plain indexed SELECT, built once, and on
# PostgreSQL not even that while the council is unchanged (places.directory).
COUNCILS = CouncilDirectory(RowLookup(Council, "slug"))


def council_by_slug(*, slug):
    """Return the council at this address, or None."""
    return COUNCILS.get(slug)
