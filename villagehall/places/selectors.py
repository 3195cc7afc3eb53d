"""Reads about councils and places."""

from django.db import connection

from villagehall.places.models import Council

_COUNCIL_COLUMNS = [field.column for field in Council._meta.concrete_fields]
_COUNCIL_BY_SLUG = (
    f"SELECT {', '.join(connection.ops.quote_name(c) for c in _COUNCIL_COLUMNS)} "
    f"FROM {connection.ops.quote_name(Council._meta.db_table)} WHERE slug = %s"
)


def council_by_slug(*, slug):
    """Return the council at this address, or None.

    Every page under /<council>/ starts here, so this is one plain indexed SELECT
    rather than a query built through the ORM on each request.
    """
    with connection.cursor() as cursor:
        cursor.execute(_COUNCIL_BY_SLUG, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    return Council.from_db(connection.alias, _COUNCIL_COLUMNS, list(row))
