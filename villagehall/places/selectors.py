"""Reads about councils and places."""

from villagehall.core.prepared import RowLookup
from villagehall.places.models import Council

# Every page under /<council>/ starts here: one plain indexed SELECT, built once.
_COUNCIL_BY_SLUG = RowLookup(Council, "slug")


def council_by_slug(*, slug):
    """Return the council at this address, or None."""
    return _COUNCIL_BY_SLUG.get(slug)
