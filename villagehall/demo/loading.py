"""Writing and removing the demo's rows quickly.

Posts, comments, reactions and interaction events are written as plain rows with
`executemany` rather than through `bulk_create`: at the city scale (about twenty
million rows) building a model instance per row costs three times as much as the
insert itself. The rows carry their own ids, allocated here, so a comment can name
its root and an interaction its thread in the same insert. Everything that matters
is still what the services would write; `villagehall.demo.year` keeps it so.
"""

from contextlib import contextmanager
from datetime import UTC, datetime

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from villagehall.analytics.models import Interaction
from villagehall.conversation.models import Comment, Follow, Post, PostLink, Reaction

POST_FIELDS = (
    "id", "council_id", "kind", "title", "body", "body_html", "author_id", "acting_for_id", "neighbourhood_id",
    "organisation_id", "addressed_to_id", "comments_closed", "created_at", "comment_count", "like_count",
    "thanks_count",
)
COMMENT_FIELDS = (
    "id", "council_id", "post_id", "parent_id", "root_id", "depth", "author_id", "acting_for_id", "body",
    "body_html", "created_at", "like_count", "thanks_count",
)
REACTION_FIELDS = ("id", "council_id", "person_id", "post_id", "comment_id", "kind", "created_at")
INTERACTION_FIELDS = (
    "id", "council_id", "external_id", "at", "kind", "actor_id", "acting_for_id", "neighbourhood_id", "group_id",
    "channel", "thread_id", "addressed_to_id", "post_id", "event_id",
)
POST_LINK_FIELDS = ("id", "council_id", "from_post_id", "to_post_id", "added_by_id", "created_at")


class TableWriter:
    """Buffer rows for one table and insert them in batches.

    Rows are tuples in the order of `fields` (attribute names, such as `author_id`);
    times are Unix timestamps, turned into the database's datetime value on the way in.
    A field not named gets its model default, as `Model.objects.create()` would give it.
    """

    def __init__(self, model, fields, *, batch_size: int):
        concrete = {field.attname: field for field in model._meta.concrete_fields}
        unknown = [name for name in fields if name not in concrete]
        defaulted = [field for name, field in concrete.items() if name not in fields]
        # A field with no default would need a value here, or the insert would fail
        # half-way through a long load: say so before starting.
        undefaultable = [
            field.attname for field in defaulted
            if not (field.has_default() or field.null or field.empty_strings_allowed)
        ]
        if unknown or undefaultable:
            raise LookupError(
                f"The demo cannot write {model.__name__} rows: unknown fields {unknown}, "
                f"fields with no default to fill in {undefaultable}."
            )
        self.model = model
        self.batch_size = batch_size
        self.rows: list[tuple] = []
        self.written = 0
        self.defaults = [field.get_db_prep_save(field.get_default(), connection) for field in defaulted]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(concrete[name].column) for name in fields)
        columns += "".join(f", {quote(field.column)}" for field in defaulted)
        placeholders = ", ".join(["%s"] * (len(fields) + len(defaulted)))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
        self.time_positions = [
            position for position, name in enumerate(fields) if isinstance(concrete[name], models.DateTimeField)
        ]

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        adapt = connection.ops.adapt_datetimefield_value
        rows = []
        for row in self.rows:
            row = list(row)
            for position in self.time_positions:
                row[position] = adapt(datetime.fromtimestamp(row[position], UTC))
            rows.append(row + self.defaults)
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
        self.written += len(rows)
        self.rows = []


class IdAllocator:
    """Hand out ids above every id already in the table.

    The load runs on a quiet installation (the demo council is new, or being
    rebuilt), so nothing else takes these ids while it runs.
    """

    def __init__(self, model):
        self.model = model
        self.next = (model.dangerously_unscoped.aggregate(top=Max("pk"))["top"] or 0) + 1

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


class ConversationWriter:
    """The tables a year of conversation goes into, with their id allocators."""

    def __init__(self, *, batch_size: int):
        self.posts = TableWriter(Post, POST_FIELDS, batch_size=batch_size)
        self.comments = TableWriter(Comment, COMMENT_FIELDS, batch_size=batch_size)
        self.reactions = TableWriter(Reaction, REACTION_FIELDS, batch_size=batch_size)
        self.interactions = TableWriter(Interaction, INTERACTION_FIELDS, batch_size=batch_size)
        self.post_links = TableWriter(PostLink, POST_LINK_FIELDS, batch_size=batch_size)
        self.post_ids = IdAllocator(Post)
        self.comment_ids = IdAllocator(Comment)
        self.reaction_ids = IdAllocator(Reaction)
        self.interaction_ids = IdAllocator(Interaction)
        self.post_link_ids = IdAllocator(PostLink)

    @property
    def tables(self):
        return (self.posts, self.comments, self.reactions, self.interactions, self.post_links)

    def flush(self) -> None:
        for table in self.tables:
            table.flush()

    def finish(self) -> None:
        """Write what is left and move the database's id sequences past the ids used."""
        self.flush()
        statements = connection.ops.sequence_reset_sql(no_style(), [table.model for table in self.tables])
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


@contextmanager
def fast_loading():
    """On SQLite, trade durability for speed while the demo loads, then put it back.

    A crash during the load can lose the load, never earlier data: the journal stays
    in WAL mode, only the waits for the disk are skipped.
    """
    # Inside a caller's transaction (a test, say) SQLite cannot change these; load as is.
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous=OFF")
        # A bigger page cache keeps the hot ends of the indexes in memory.
        cursor.execute("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={int(synchronous)}")
            cursor.execute(f"PRAGMA cache_size={int(cache_size)}")


def tidy_after_load() -> None:
    """Refresh the query planner's statistics (and on SQLite fold the write-ahead log back in).

    Autovacuum would take PostgreSQL's statistics within minutes where it runs, but not
    every server runs it; without them the planner guesses, and at city scale it guessed
    that the council's whole index narrowed a look-up by post (0.9 s for each reply).
    """
    if connection.in_atomic_block:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    with connection.cursor() as cursor:
        # A bounded ANALYZE: enough rows for good plans without reading every table.
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("PRAGMA optimize")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# The big tables, deleted with one statement each. Django's own delete would load
# every row (ten million at the city scale) to emulate ON DELETE in Python.
_BULK_DELETED = (PostLink, Follow, Reaction, Interaction, Comment, Post)


def council_data_delete(council) -> None:
    """Delete every row of the council, then the council itself."""
    with transaction.atomic():
        for model in _BULK_DELETED:
            _clear_references_from_elsewhere(model, council)
        with connection.cursor() as cursor:
            quote = connection.ops.quote_name
            for model in _BULK_DELETED:
                cursor.execute(
                    f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote('council_id')} = %s", [council.pk]
                )
        # The rest is small: Django's delete of the council follows every relation,
        # including those other parts of Village Hall add later.
        council.delete()


def _clear_references_from_elsewhere(model, council) -> None:
    """Apply ON DELETE for rows of other tables that point at the council's rows of `model`.

    Other parts of Village Hall may point at posts or comments (an official response,
    a notification); their rows go, or let go, as their own `on_delete` says.
    """
    for relation in model._meta.get_fields(include_hidden=True):
        # Reverse foreign keys, hidden ones ("+") and many-to-many tables included.
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        referrer = relation.related_model
        if referrer in _BULK_DELETED:
            continue
        rows = referrer._base_manager.filter(**{f"{relation.field.name}__council": council})
        if relation.on_delete is models.SET_NULL:
            rows.update(**{relation.field.name: None})
        else:
            rows.delete()
