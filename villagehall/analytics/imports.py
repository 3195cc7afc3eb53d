"""Reading the JSON Lines import format of METRICS.md into a council, a batch at a time.

Each line is checked on its own as it is read, against what earlier lines and earlier
imports hold: a line may refer only to records given on an earlier line or imported
before. Good lines are written in batches so that later lines can refer to them;
`analytics_import()` (services.py) runs the whole file in one transaction and rolls
it back if any line was bad, so a file is imported whole or not at all.

Memory stays bounded whatever the file's length: the import keeps the council's
neighbourhoods, organisations, people, projects and events in memory (small next to
its interactions) and a batch or two of lines, and finds the posts that threads refer
to in the database.

The lines are read and checked in a second process while the first writes the batches
read before, so that on two cores reading and writing run side by side. (In a second
thread they would take turns: both need Python's interpreter lock.) On PostgreSQL the
writing process in turn prepares each batch's interactions while the database is still
writing the batch before: a second thread waits on the database, which needs no
interpreter lock.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections import deque
from contextlib import contextmanager
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from hashlib import sha256
from typing import NamedTuple

import orjson
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections

from villagehall.analytics.models import ImportedRecord, Interaction
from villagehall.analytics.rollups import planner_statistics_refresh, sqlite_instant, sqlite_room_to_sort
from villagehall.events.models import Event
from villagehall.people.models import Membership, Organisation, Person
from villagehall.places.models import RESERVED_SLUGS, Neighbourhood
from villagehall.projects.models import Project, ProjectPartner

# Each batch costs a few statements whatever its size. Importing the first two million lines
# of the ten-million benchmark file into PostgreSQL: 35,000 lines a second in batches of
# 5,000, 48,500 in batches of 20,000, 45,000 in batches of 50,000; SQLite the same either way.
BATCH_LINES = 20_000
UNUSABLE_PASSWORD = f"{UNUSABLE_PASSWORD_PREFIX}imported"
MAX_ID_LENGTH = 100

SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
ORGANISATION_KINDS = frozenset(Organisation.Kind.values)
INTERACTION_KINDS = frozenset(Interaction.Kind.values)
CHANNELS = frozenset(Interaction.Channel.values)
SERVICE = Organisation.Kind.COUNCIL_SERVICE

INTERACTION_FIELDS = frozenset({
    "type", "id", "at", "actor", "acting_for", "neighbourhood", "group", "kind", "channel", "thread", "addressed_to",
    "event",
})
FIELDS = {
    "neighbourhood": {"type", "slug", "name", "population", "deprivation_decile"},
    "organisation": {"type", "slug", "name", "kind"},
    "person": {"type", "id", "name", "member_of"},
    "project": {"type", "id", "name", "neighbourhood", "partners", "start", "end"},
    "event": {"type", "id", "name", "neighbourhood", "organiser", "at"},
    "interaction": INTERACTION_FIELDS,
}


class BadLine(Exception):
    """A line that cannot be imported; the message says why, in plain words."""


class ImportReadFailed(Exception):
    """The file could not be read to its end; nothing was imported."""


@dataclass
class ImportSummary:
    lines: int = 0
    records: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    bad_lines: int = 0
    # Seconds spent reading and writing the lines, and recounting the rollups after them.
    import_seconds: float = 0.0
    rebuild_seconds: float = 0.0


# Reading one value -------------------------------------------------------------


class LineReader:
    """Reads the fields of one line, collecting every problem instead of stopping at the first."""

    def __init__(self, data: dict):
        self.data = data
        self.problems: list[str] = []

    def problem(self, message: str):
        self.problems.append(message)

    def text(self, key, *, max_length, required=True):
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"{key} is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{key} must be a non-empty string")
            return None
        if len(value) > max_length:
            self.problem(f"{key} is longer than {max_length} characters")
            return None
        return value

    def identifier(self, key, *, required=True):
        """Read an id: a string, or a whole number taken as its digits."""
        value = self.data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.text(key, max_length=MAX_ID_LENGTH, required=required)

    def slug(self, key, *, required=True):
        value = self.text(key, max_length=50, required=required)
        if value is not None and not SLUG.match(value):
            self.problem(f"{key} “{value}” may contain only letters, numbers, hyphens and underscores")
            return None
        return value

    def whole_number(self, key, *, low, high=None):
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
            self.problem(f"{key} must be a whole number {bounds}, or null")
            return None
        return value

    def choice(self, key, choices, *, default=None):
        value = self.data.get(key, default)
        if value is None:
            self.problem(f"{key} is missing")
        elif value not in choices:
            self.problem(f"{key} “{value}” is not one of {', '.join(sorted(choices))}")
            return None
        return value

    def day(self, key, *, required=True):
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"{key} is missing")
            return None
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.problem(f"{key} must be a date written YYYY-MM-DD")
            return None

    def instant(self, key):
        value = self.data.get(key)
        if value is None:
            self.problem(f"{key} is missing")
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            instant = datetime.fromisoformat(value)
        except ValueError:
            self.problem(f"{key} must be a date and time such as 2026-02-02T12:00:00Z")
            return None
        if instant.tzinfo is None:
            self.problem(f"{key} needs a time zone, such as Z or +01:00")
            return None
        return instant.astimezone(timezone.utc)

    def slug_list(self, key):
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(f"{key} must be a list of organisation slugs")
            return []
        return list(dict.fromkeys(value))


def read_json(raw: bytes | str):
    """Return a line's JSON value, or raise BadLine saying what is wrong with it.

    orjson reads a good line in a third of the time; a bad one is read again by json,
    whose messages say where the problem is in the words this import has always used.
    """
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise BadLine("not valid UTF-8 text")
    except ValueError as error:
        raise BadLine(f"not valid JSON ({error.msg}, column {error.colno})")


# The import --------------------------------------------------------------------


class Pending(NamedTuple):
    """A good line, other than an interaction, waiting in the batch to be written."""

    number: int
    type: str
    values: dict


# A good interaction line waits as a plain tuple of its number and these values: nearly every
# line of a large file is one, and a tuple crosses between processes at a quarter of the
# cost of a dict or a named tuple.
INTERACTION_VALUES = (
    "id", "at", "kind", "channel", "actor", "thread", "acting_for", "neighbourhood", "group", "addressed_to", "event",
)


# About the length of an interaction's line in the format; a file's size over it is
# roughly its number of lines.
LINE_BYTES = 200


@contextmanager
def interaction_indexes_set_aside(path):
    """On SQLite, drop the interactions' indexes while a large file is imported, and make them anew after.

    Ten million interactions into an empty table took 217 s with the indexes kept up
    row by row; without them the lines went in in 139 s, and the six indexes were then
    made, each in one sort, in 37 s; with a helper thread sorting, the whole import took
    154 s. A file is large when it has at least as many lines as the table has rows:
    into a larger table, making the indexes anew would cost more than it saves. The
    unique indexes stay, as they find the ids imported before. The block must run
    inside the import's transaction: if it raises, rolling the transaction back brings
    the indexes back too, so they are made anew only when it succeeds. PostgreSQL
    keeps its indexes, because dropping one would stop every reader of the table until
    the import commits; SQLite's readers go on reading what was last committed.
    """
    table = Interaction._meta.db_table
    if connection.vendor != "sqlite" or not connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        if os.path.getsize(path) // LINE_BYTES < cursor.fetchone()[0]:
            yield
            return
        cursor.execute(
            "SELECT m.name, m.sql FROM pragma_index_list(%s) i JOIN sqlite_master m ON m.name = i.name "
            "WHERE NOT i.\"unique\" ORDER BY m.name", [table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor, sqlite_room_to_sort(cursor):
        for _, sql in indexes:
            cursor.execute(sql)


class CouncilImport:
    """Feeds the lines of one file into one council; call `finish()` after the last line."""

    def __init__(self, council, *, on_error, batch_lines=None):
        self.council = council
        self.on_error = on_error
        self.batch_lines = batch_lines or BATCH_LINES
        self.summary = ImportSummary()
        self.batch: list[Pending] = []
        self.interactions: list[tuple] = []  # (number, *INTERACTION_VALUES)
        self.batch_errors: list[tuple[int, str]] = []
        self.in_flight: InteractionsInFlight | None = None
        # Posts of the batch being written that kept the row of an earlier import: the row
        # numbered for each → the row it kept.
        self.renumbered: dict[int, int] = {}
        # What the council already holds, and what earlier lines added: key → id, or
        # None until the line's batch is written.
        self.neighbourhoods: dict[str, int | None] = dict(Neighbourhood.objects.values_list("slug", "pk"))
        self.organisations: dict[str, int | None] = dict(Organisation.objects.values_list("slug", "pk"))
        self.organisation_kinds: dict[str, str] = dict(Organisation.objects.values_list("slug", "kind"))
        self.people = self._imported(ImportedRecord.Type.PERSON)
        self.projects = self._imported(ImportedRecord.Type.PROJECT)
        self.events = self._imported(ImportedRecord.Type.EVENT)
        self.interactions_written, self.next_statistics_refresh = 0, 10_000
        self.writer = InteractionWriter(council)
        self.post_ids: deque[int] = deque()  # row ids numbered ahead for the file's posts
        self.posts_written = RecentPosts()
        # A county's file names a hundred thousand people or more: they are written as
        # rows, without building a model object for each.
        self.person_rows = RowWriter(Person, {"password": UNUSABLE_PASSWORD}, ["id", "username", "email", "display_name"])
        self.record_rows = RowWriter(ImportedRecord, {"council": council}, ["type", "external_id", "object_id"])

    @staticmethod
    def _imported(type_) -> dict[str, int | None]:
        return dict(ImportedRecord.objects.filter(type=type_).values_list("external_id", "object_id"))

    def import_file(self, path, *, on_progress=None) -> ImportSummary:
        """Read, check and write the file's lines; return the summary.

        A forked process reads and checks the lines, batch by batch, knowing what this
        import knew when it began and learning each record of the file as it reads it;
        this process writes each batch in order, and alone touches the database.
        `on_progress` is called with the bytes of each batch as it is sent to be written.
        """
        self._reserve_post_ids()
        receiving, sending = multiprocessing.Pipe(duplex=False)
        # Forked, the reader starts at once with what this process knows, where a fresh
        # interpreter would have to set Django up again. It only parses lines and writes to
        # the pipe: it takes no lock that another thread of this process could be holding.
        reader = multiprocessing.get_context("fork").Process(
            target=self._read_file, args=(path, sending), name="analytics-import-reader", daemon=True,
        )
        reader.start()
        sending.close()
        try:
            # A batch waits in the pipe until it is taken: the reader is a batch or two ahead at most.
            while (message := self._receive(receiving))[0] == "batch":
                _, self.batch, self.interactions, self.batch_errors, lines, size = message
                self.summary.lines += lines
                self.flush()
                if on_progress is not None:
                    on_progress(size)
            if message[0] == "failed":
                raise ImportReadFailed(message[1])
            self.finish_interactions()
            # The pages read people, memberships and the rest from the moment the import
            # commits, sooner than PostgreSQL's own statistics catch up with a large file.
            planner_statistics_refresh(Interaction, Person, Membership, ImportedRecord, Event, Project, ProjectPartner)
        finally:
            # Before anything else uses the connection, however the import ends.
            self.writer.stop()
            if reader.is_alive():
                reader.terminate()
            reader.join()
            receiving.close()
        self.drop_scratch()
        return self.summary

    @staticmethod
    def _receive(receiving) -> tuple:
        try:
            return receiving.recv()
        except EOFError:
            return ("failed", "the reading process stopped before the end of the file")

    # Reading (in the reading process) -----------------------------------------------

    def _read_file(self, path, sending) -> None:
        """Send the file's lines, checked, in batches, then ("done",).

        A batch is ("batch", good lines but interactions, good interactions, bad lines, lines, bytes).
        """
        try:
            batch, interactions, errors, lines, size = [], [], [], 0, 0
            with open(path, "rb") as file:
                for number, raw in enumerate(file, start=1):
                    lines += 1
                    size += len(raw)
                    if raw.strip():
                        try:
                            good = self._read(number, raw)
                        except BadLine as bad:
                            errors.append((number, str(bad)))
                        else:
                            (batch if type(good) is Pending else interactions).append(good)
                    if len(batch) + len(interactions) + len(errors) >= self.batch_lines:
                        sending.send(("batch", batch, interactions, errors, lines, size))
                        batch, interactions, errors, lines, size = [], [], [], 0, 0
            sending.send(("batch", batch, interactions, errors, lines, size))
            sending.send(("done",))
        except Exception as error:
            sending.send(("failed", str(error) or type(error).__name__))
        finally:
            sending.close()

    def _read(self, number, raw) -> Pending | tuple:
        """Return the line as a Pending record, or an interaction's tuple; raise BadLine if it is not good."""
        data = read_json(raw)
        if not isinstance(data, dict):
            raise BadLine("expected a JSON object, {…}")
        type_ = data.get("type")
        if type_ == "interaction":
            interaction = self._read_interaction_quickly(number, data)
            if interaction is not None:
                return interaction
        if type_ not in FIELDS:
            raise BadLine(
                "type is missing" if type_ is None else f"type “{type_}” is not one of {', '.join(FIELDS)}"
            )
        line = LineReader(data)
        unknown = sorted(set(data) - FIELDS[type_])
        if unknown:
            line.problem(f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
        values = getattr(self, f"_read_{type_}")(line)
        if line.problems:
            raise BadLine("; ".join(line.problems))
        if type_ == "interaction":
            return (number, *(values[key] for key in INTERACTION_VALUES))
        return Pending(number, type_, values)

    def _known(self, line, key, value, registry, what):
        if value is not None and value not in registry:
            line.problem(f"{key} “{value}” is not {what} given on an earlier line or imported before")
            return False
        return value is not None

    def _read_neighbourhood(self, line):
        slug = line.slug("slug")
        if slug in RESERVED_SLUGS:
            line.problem(f"slug “{slug}” is used by Village Hall’s own addresses; choose another")
        values = {
            "slug": slug, "name": line.text("name", max_length=200),
            "population": line.whole_number("population", low=0),
            "deprivation_decile": line.whole_number("deprivation_decile", low=1, high=10),
        }
        if not line.problems:
            self.neighbourhoods.setdefault(slug, None)
        return values

    def _read_organisation(self, line):
        values = {
            "slug": line.slug("slug"), "name": line.text("name", max_length=200),
            "kind": line.choice("kind", ORGANISATION_KINDS),
        }
        if not line.problems:
            self.organisations.setdefault(values["slug"], None)
            self.organisation_kinds[values["slug"]] = values["kind"]
        return values

    def _read_person(self, line):
        values = {
            "id": line.identifier("id"), "name": line.text("name", max_length=80),
            "member_of": line.slug_list("member_of"),
        }
        for slug in values["member_of"]:
            self._known(line, "member_of", slug, self.organisations, "an organisation")
        if not line.problems:
            self.people.setdefault(values["id"], None)
        return values

    def _read_project(self, line):
        values = {
            "id": line.identifier("id"), "name": line.text("name", max_length=200),
            "neighbourhood": line.slug("neighbourhood", required=False),
            "partners": line.slug_list("partners"),
            "start": line.day("start"), "end": line.day("end", required=False),
        }
        self._known(line, "neighbourhood", values["neighbourhood"], self.neighbourhoods, "a neighbourhood")
        for slug in values["partners"]:
            self._known(line, "partners", slug, self.organisations, "an organisation")
        if values["start"] and values["end"] and values["end"] < values["start"]:
            line.problem("end is before start")
        if not line.problems:
            self.projects.setdefault(values["id"], None)
        return values

    def _read_event(self, line):
        values = {
            "id": line.identifier("id"), "name": line.text("name", max_length=200),
            "neighbourhood": line.slug("neighbourhood", required=False),
            "organiser": line.slug("organiser", required=False),
            "at": line.instant("at"),
        }
        self._known(line, "neighbourhood", values["neighbourhood"], self.neighbourhoods, "a neighbourhood")
        self._known(line, "organiser", values["organiser"], self.organisations, "an organisation")
        if not line.problems:
            self.events.setdefault(values["id"], None)
        return values

    def _read_interaction_quickly(self, number, data) -> tuple | None:
        """Return a well-formed interaction line's tuple, or None to have `_read_interaction` say what is wrong.

        Nearly every line of a large file is an interaction, and nearly all are good:
        checked here without building a list of problems, they import twice as fast.
        """
        get = data.get
        id_, actor, at, kind, channel = get("id"), get("actor"), get("at"), get("kind"), get("channel", "online")
        if (
            type(id_) is not str or not 0 < len(id_) <= MAX_ID_LENGTH or not id_.strip()
            or type(actor) is not str or actor not in self.people
            or type(at) is not str or kind not in INTERACTION_KINDS or channel not in CHANNELS
            or not data.keys() <= INTERACTION_FIELDS
        ):
            return None
        try:
            instant = datetime.fromisoformat(at)
        except ValueError:
            return None
        if instant.tzinfo is None:
            return None
        if len(at) == 20 and at[19] == "Z" and at[4] == "-" and at[13] == ":":
            # Whole seconds in UTC, as most files give them: PostgreSQL reads the line's text
            # as it is, and SQLite's is cut from it; text also crosses to the writing process
            # in half the time of a datetime.
            instant = at if self.writer.postgres else f"{at[:10]} {at[11:19]}"
        else:
            instant = instant.astimezone(timezone.utc)
        references = []
        for key, registry in (("acting_for", self.organisations), ("neighbourhood", self.neighbourhoods),
                              ("group", self.organisations), ("addressed_to", self.organisations),
                              ("event", self.events)):
            value = get(key)
            if value is not None and (type(value) is not str or value not in registry):
                return None
            references.append(value)
        kinds = self.organisation_kinds
        group, addressed_to, thread = references[2], references[3], get("thread")
        if group is not None and kinds[group] == SERVICE:
            return None
        if addressed_to is not None and (kinds[addressed_to] != SERVICE or kind != "post"):
            return None
        if thread is not None and (type(thread) is not str or not 0 < len(thread) <= MAX_ID_LENGTH or not thread.strip()):
            return None
        if kind == "post":
            if thread not in (None, id_):
                return None
            thread = None
        return (number, id_, instant, kind, channel, actor, thread, *references)

    def _read_interaction(self, line):
        values = {
            "id": line.identifier("id"), "at": line.instant("at"),
            "kind": line.choice("kind", INTERACTION_KINDS),
            "channel": line.choice("channel", CHANNELS, default=Interaction.Channel.ONLINE),
            "actor": line.identifier("actor"),
            "acting_for": line.slug("acting_for", required=False),
            "neighbourhood": line.slug("neighbourhood", required=False),
            "group": line.slug("group", required=False),
            "thread": line.identifier("thread", required=False),
            "addressed_to": line.slug("addressed_to", required=False),
            "event": line.identifier("event", required=False),
        }
        self._known(line, "actor", values["actor"], self.people, "a person")
        self._known(line, "acting_for", values["acting_for"], self.organisations, "an organisation")
        self._known(line, "neighbourhood", values["neighbourhood"], self.neighbourhoods, "a neighbourhood")
        if self._known(line, "group", values["group"], self.organisations, "an organisation"):
            if self.organisation_kinds[values["group"]] == SERVICE:
                line.problem(f"group “{values['group']}” is a council service, not a community group or voluntary organisation")
        if self._known(line, "addressed_to", values["addressed_to"], self.organisations, "an organisation"):
            if self.organisation_kinds[values["addressed_to"]] != SERVICE:
                line.problem(f"addressed_to “{values['addressed_to']}” is not a council service")
            elif values["kind"] not in (None, "post"):
                line.problem("only a post can be addressed to a service")
        self._known(line, "event", values["event"], self.events, "an event")
        if values["kind"] == "post":
            if values["thread"] not in (None, values["id"]):
                line.problem("a post is its own thread: thread must be the post’s own id or null")
            values["thread"] = None
        return values

    # Writing ---------------------------------------------------------------------

    def flush(self) -> None:
        """Write the batch's records, and send its interactions to be written after the batch before.

        Its bad lines are reported, in line order, once its interactions are written
        (`finish_interactions()`), since a reply's thread may yet turn out to be missing.
        """
        by_type: dict[str, list[Pending]] = {type_: [] for type_ in FIELDS if type_ != "interaction"}
        for pending in self.batch:
            by_type[pending.type].append(pending)
        # While the database writes the batch before, this batch's interactions are made
        # into rows, unless they may refer to people, organisations or neighbourhoods that
        # only this batch gives: those must be written first.
        prepared = None
        if not (by_type["neighbourhood"] or by_type["organisation"] or by_type["person"]):
            prepared = self._prepare_interactions(self.interactions)
        self.finish_interactions()
        self._reserve_post_ids()
        # In the order records refer to each other, so every reference is written first.
        self._write_neighbourhoods(by_type["neighbourhood"])
        self._write_organisations(by_type["organisation"])
        self._write_people(by_type["person"])
        self._write_projects(by_type["project"])
        self._write_events(by_type["event"])
        self._send_interactions(prepared or self._prepare_interactions(self.interactions))
        for type_, lines in by_type.items():
            self.summary.records[type_] += len(lines)
        self.batch, self.interactions = [], []

    def _last_of_each(self, pendings, key):
        """Return the values of each record, the last line winning when an id comes twice."""
        return {p.values[key]: p.values for p in pendings}

    def _write_neighbourhoods(self, pendings):
        for slug, values in self._last_of_each(pendings, "slug").items():
            neighbourhood, _ = Neighbourhood.objects.update_or_create(
                slug=slug, defaults={k: values[k] for k in ("name", "population", "deprivation_decile")}
            )
            self.neighbourhoods[slug] = neighbourhood.pk

    def _write_organisations(self, pendings):
        for slug, values in self._last_of_each(pendings, "slug").items():
            organisation, _ = Organisation.objects.update_or_create(
                slug=slug, defaults={"name": values["name"], "kind": values["kind"]}
            )
            self.organisations[slug] = organisation.pk

    def _write_people(self, pendings):
        records = self._last_of_each(pendings, "id")
        if not records:
            return
        existing = {ext: self.people[ext] for ext in records if self.people.get(ext) is not None}
        new = [ext for ext in records if ext not in existing]
        if existing:
            self._rename_people({pk: records[ext]["name"] for ext, pk in existing.items()})
        if new:
            # Numbered ahead, so their rows need not be read back.
            self.people.update(zip(new, self.writer.reserve_ids(Person, len(new))))
            self.person_rows.insert([
                (self.people[ext], handle, f"{handle}@invalid", records[ext]["name"])
                for ext, handle in ((ext, self._handle(ext)) for ext in new)
            ])
            self.record_rows.insert([(ImportedRecord.Type.PERSON.value, ext, self.people[ext]) for ext in new])
        # A person's memberships become those the file lists (someone new has none yet).
        wanted = {(self.people[ext], self.organisations[slug]) for ext, v in records.items() for slug in v["member_of"]}
        current = list(Membership.objects.filter(person_id__in=list(existing.values()))
                       .values_list("pk", "person_id", "organisation_id")) if existing else []
        Membership.objects.filter(pk__in=[pk for pk, *key in current if tuple(key) not in wanted]).delete()
        have = {tuple(key) for pk, *key in current}
        Membership.objects.bulk_create([
            Membership(council=self.council, person_id=person, organisation_id=organisation)
            for person, organisation in sorted(wanted - have)
        ])

    def _handle(self, external_id) -> str:
        # Imported people cannot sign in: an unusable password, an address that cannot
        # receive mail, and a handle that stays the same however often the file comes in.
        digest = sha256(f"{self.council.pk}:{external_id}".encode()).hexdigest()[:20]
        return f"imported-{self.council.slug}-{digest}"

    @staticmethod
    def _rename_people(names: dict[int, str]):
        """Give people imported before the names the file now gives them, writing only those that changed."""
        ids = list(names)
        changed = []
        for start in range(0, len(ids), 900):
            for pk, name in Person.objects.filter(pk__in=ids[start:start + 900]).values_list("pk", "display_name"):
                if names[pk] != name:
                    changed.append((names[pk], pk))
        if changed:
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {Person._meta.db_table} SET display_name = %s WHERE id = %s", changed)

    def _write_projects(self, pendings):
        records = self._last_of_each(pendings, "id")
        if not records:
            return
        self._write_with_mapping(
            ImportedRecord.Type.PROJECT, self.projects, records, ["name", "neighbourhood", "start", "end"],
            lambda v: Project(
                council=self.council, name=v["name"], start=v["start"], end=v["end"],
                neighbourhood_id=self.neighbourhoods.get(v["neighbourhood"]),
            ),
        )
        project_ids = [self.projects[ext] for ext in records]
        ProjectPartner.objects.filter(project_id__in=project_ids).delete()
        ProjectPartner.objects.bulk_create([
            ProjectPartner(council=self.council, project_id=self.projects[ext], organisation_id=self.organisations[slug])
            for ext, values in records.items() for slug in values["partners"]
        ])

    def _write_events(self, pendings):
        records = self._last_of_each(pendings, "id")
        if not records:
            return
        self._write_with_mapping(
            ImportedRecord.Type.EVENT, self.events, records, ["name", "neighbourhood", "organiser", "at"],
            lambda v: Event(
                council=self.council, name=v["name"], at=v["at"],
                neighbourhood_id=self.neighbourhoods.get(v["neighbourhood"]),
                organiser_id=self.organisations.get(v["organiser"]),
            ),
        )

    def _write_with_mapping(self, type_, registry, records, fields, make):
        """Create or update records known by an imported id, and remember which is which."""
        objects = {ext: make(values) for ext, values in records.items()}
        model = type(next(iter(objects.values())))
        old = {ext: obj for ext, obj in objects.items() if registry.get(ext) is not None}
        new = {ext: obj for ext, obj in objects.items() if registry.get(ext) is None}
        for ext, obj in old.items():
            obj.pk = registry[ext]
        if old:
            model.objects.bulk_update(old.values(), fields)
        if new:
            model.objects.bulk_create(new.values())
            self.record_rows.insert([(type_.value, ext, obj.pk) for ext, obj in new.items()])
        registry.update((ext, obj.pk) for ext, obj in objects.items())

    def _reserve_post_ids(self) -> None:
        """Keep row ids in hand for the posts of this batch and the next: every line might be one."""
        if len(self.post_ids) < 2 * self.batch_lines:
            self.post_ids.extend(self.writer.reserve_ids(Interaction, 4 * self.batch_lines))

    def _prepare_interactions(self, interactions) -> PreparedInteractions:
        """Make the batch's interaction lines into rows, as far as the records written so far allow.

        Each post is given its row id here, so replies carry their thread from the start.
        A line waits, as it came, if it refers to an event that this batch gives and that
        has no row yet.
        """
        events, recent_posts, new_post_id = self.events, self.posts_written, self.post_ids.popleft
        row = self._row_maker()
        prepared = PreparedInteractions(lines=len(interactions))
        rows, posts_here = prepared.rows, prepared.posts_here
        for line in interactions:
            number, id_, kind, event = line[0], line[1], line[3], line[11]
            if kind == "post":
                posts_here.setdefault(id_, number)
                # A post given again keeps its row: a batch cannot hold two rows for one id.
                recent_posts.remember(id_, recent_posts.get(id_) or new_post_id())
            else:
                recent_posts.forget(id_)
            # The last line with an id wins: a database cannot upsert one row twice in a statement.
            rows.pop(id_, None)
            if event is not None and event not in events:
                rows[id_] = line
                prepared.waiting.append((id_, line))
            else:
                rows[id_] = row(line)
        return prepared

    def _row_maker(self):
        """Return a function making an interaction line into its prepared row (ROW_COLUMNS)."""
        council, people, places, events = self.council.pk, self.people, self.neighbourhoods, self.events
        organisation, post_row, sqlite = self.organisations.get, self.posts_written.get, not self.writer.postgres

        def row(line):
            number, id_, at, kind, channel, actor, thread, acting_for, place, group, addressed_to, event = line
            if sqlite and type(at) is not str:
                at = sqlite_instant(at)
            if kind == "post":
                row_id = thread_row = post_row(id_)
            else:
                row_id, thread_row = None, post_row(thread)
            return (
                number, thread, row_id, council, id_, at, kind, people[actor], organisation(acting_for),
                places.get(place), organisation(group), channel, thread_row, organisation(addressed_to),
                events.get(event),
            )

        return row

    def _send_interactions(self, prepared: PreparedInteractions) -> None:
        """Finish the batch's rows, now that everything they refer to is written, and send them to be written."""
        rows = prepared.rows
        if prepared.waiting:
            row = self._row_maker()
            for id_, line in prepared.waiting:
                if rows[id_] is line:
                    rows[id_] = row(line)
        if self.renumbered:
            # Posts of the batch before that kept the row of an earlier import, with replies here.
            renumbered = self.renumbered
            for id_, row in rows.items():
                if row[THREAD_ID] in renumbered:
                    rows[id_] = with_thread(row, renumbered[row[THREAD_ID]])
            self.renumbered = {}
        # A reply whose post comes on a later line of this batch must find it imported before.
        posts_here = prepared.posts_here
        too_early = {key: row for key, row in rows.items() if posts_here.get(row[THREAD_EXTERNAL_ID], 0) > row[LINE]}
        imported_before = self._posts_already_imported({row[THREAD_EXTERNAL_ID] for row in too_early.values()})
        missing = [key for key, row in too_early.items() if row[THREAD_EXTERNAL_ID] not in imported_before]
        bad = [(rows[key][LINE], rows[key][THREAD_EXTERNAL_ID]) for key in missing]
        for key in missing:
            del rows[key]
        # Those imported before are found by their ids, not by the row this batch numbered.
        for key, row in too_early.items():
            if key in rows:
                rows[key] = with_thread(row, None)
        self.in_flight = InteractionsInFlight(prepared.lines, bad, self.batch_errors)
        self.batch_errors = []
        if rows:
            self.writer.start(list(rows.values()))

    def finish_interactions(self) -> None:
        """Wait for the batch being written, then count its interactions and report its bad lines."""
        in_flight, self.in_flight = self.in_flight, None
        if in_flight is None:
            return
        if self.writer.in_flight is not None:
            renumbered, missing_threads = self.writer.finish()
            for external_id, numbered, kept in renumbered:
                self.posts_written.remember(external_id, kept)
                self.renumbered[numbered] = kept
            in_flight.bad += missing_threads
        errors = in_flight.errors + [
            (number, f"thread “{thread}” is not a post given on an earlier line or imported before")
            for number, thread in in_flight.bad
        ]
        written = in_flight.interactions - len(in_flight.bad)
        self.summary.records["interaction"] += written
        self.interactions_written += written
        if self.interactions_written >= self.next_statistics_refresh:
            # The table grows inside this one transaction; keep the planner's picture of it true.
            planner_statistics_refresh(Interaction)
            self.next_statistics_refresh *= 2
        for number, reason in sorted(errors):
            self.summary.bad_lines += 1
            self.on_error(number, reason)

    def _posts_already_imported(self, external_ids) -> set[str]:
        if not external_ids:
            return set()
        return set(Interaction.objects.filter(kind="post", external_id__in=list(external_ids)).values_list(
            "external_id", flat=True
        ))

    def drop_scratch(self):
        self.writer.drop()


@dataclass
class PreparedInteractions:
    """A batch's interactions made into rows, by id, but those still waiting (as their lines) for an event's row."""

    lines: int
    rows: dict[str, tuple] = field(default_factory=dict)
    waiting: list[tuple[str, tuple]] = field(default_factory=list)
    posts_here: dict[str, int] = field(default_factory=dict)  # a post's id → the first line giving it


@dataclass
class InteractionsInFlight:
    """What is known of the batch being written: how many interactions, and its bad lines so far."""

    interactions: int  # lines, each id counted as often as it is given
    bad: list[tuple[int, str]]  # (line, thread) of replies whose thread was not found
    errors: list[tuple[int, str]]  # (line, reason) found in reading


class RecentPosts:
    """The row ids of the posts an import gave last, by external id, so their replies need no lookup.

    Replies mostly follow their posts within days, and so within the next few hundred
    thousand lines. Two generations of at most `generation` posts each keep memory bounded
    however long the file: a reply to an older post has its thread looked up by the database.
    """

    generation = 250_000

    def __init__(self):
        self.recent: dict[str, int] = {}
        self.older: dict[str, int] = {}

    def get(self, external_id) -> int | None:
        row = self.recent.get(external_id)
        return self.older.get(external_id) if row is None else row

    def remember(self, external_id, row_id) -> None:
        self.recent[external_id] = row_id
        if len(self.recent) >= self.generation:
            self.older, self.recent = self.recent, {}

    def forget(self, external_id) -> None:
        """Forget a post given again as something else, which can no longer be a thread."""
        self.recent.pop(external_id, None)
        self.older.pop(external_id, None)


class RowWriter:
    """Inserts rows of a model given only the columns that differ, every other field at its default.

    The defaults are worked out once, by Django, from an unsaved instance; each row then
    costs the database its insert and nothing more.
    """

    def __init__(self, model, fixed: dict, varying: list[str]):
        template = model(**fixed)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in varying]
        self.columns = [model._meta.get_field(name).column for name in varying] + [f.column for f in fields]
        self.defaults = tuple(f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields)
        self.table = model._meta.db_table
        self.sql = (f"INSERT INTO {self.table} ({', '.join(self.columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(self.columns))})")

    def insert(self, rows) -> None:
        defaults = self.defaults
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*row, *defaults))
            else:
                cursor.executemany(self.sql, [(*row, *defaults) for row in rows])


# The columns written to an interaction's row, in order.
WRITTEN_COLUMNS = (
    "council_id", "external_id", "at", "kind", "actor_id", "acting_for_id", "neighbourhood_id", "group_id",
    "channel", "thread_id", "addressed_to_id", "event_id",
)
# A prepared row: its line, its thread's id in the file, the row id numbered ahead for a
# post (None for the rest), then the values written, so that a row's written part is a slice.
ROW_COLUMNS = ("line", "thread_external_id", "id", *WRITTEN_COLUMNS)
LINE, THREAD_EXTERNAL_ID, ROW_ID, EXTERNAL_ID, KIND, THREAD_ID = (
    ROW_COLUMNS.index(c) for c in ("line", "thread_external_id", "id", "external_id", "kind", "thread_id")
)


def with_thread(row: tuple, thread_id: int | None) -> tuple:
    """Return the prepared row with another thread's row id (None: found by the thread's id in the file)."""
    return (*row[:THREAD_ID], thread_id, *row[THREAD_ID + 1:])


class InteractionWriter:
    """Writes a batch of prepared interaction rows, on PostgreSQL on a thread of its own.

    Nearly always the rows are new: a post's row id is numbered ahead (`reserve_ids()`)
    so that replies already carry their thread, and the batch is added straight to the
    table, by the quickest means the database offers (COPY on PostgreSQL, executemany
    on SQLite). If an id was imported before, the unique index refuses the batch and it
    is written again as upserts, from a scratch table, a few statements however long
    the batch: the posts, each its own thread, then the rest with their threads. Replies
    whose thread the import does not know are written that way too, their threads
    looked up by their posts' ids.

    On PostgreSQL a batch is written on the writing thread (`start()`, then `finish()`) on
    the import's connection, which Django lets that thread use while the import leaves it
    alone: between the two calls the import only prepares the next batch.
    """

    TABLE = "interaction_import"

    def __init__(self, council):
        self.council = council
        self.table = Interaction._meta.db_table
        self.db = connections[DEFAULT_DB_ALIAS]  # the import's connection, which the writing thread borrows
        self.postgres = self.db.vendor == "postgresql"
        self.made = False
        self.sequences: dict[str, str] = {}  # table → the sequence numbering its rows (PostgreSQL)
        self.writer: ThreadPoolExecutor | None = None
        self.in_flight: Future | None = None

    # The writing thread ---------------------------------------------------------------

    def start(self, rows) -> None:
        """Write the rows: on PostgreSQL on the writing thread, on SQLite at once.

        SQLite lets go of the interpreter lock for each row it inserts and must then wait to
        have it back while the import prepares the next batch: on a second thread the first
        two million lines of the benchmark's file went in at 45,000–51,000 lines a second,
        written at once at 59,000–60,000.
        """
        if not self.postgres:
            self.in_flight = Future()
            self.in_flight.set_result(self.write(rows))
            return
        if self.writer is None:
            self.db.inc_thread_sharing()
            self.writer = ThreadPoolExecutor(1, thread_name_prefix="analytics-import-writer")
        self.in_flight = self.writer.submit(self.write, rows)

    def finish(self) -> tuple[list[tuple[str, int, int]], list[tuple[int, str]]]:
        """Wait for the rows started last to be written; return what `write()` does."""
        in_flight, self.in_flight = self.in_flight, None
        return in_flight.result()

    def stop(self) -> None:
        """Wait for any batch still being written, and end the writing thread."""
        if self.writer is not None:
            self.writer.shutdown(wait=True)
            self.writer = None
            self.db.dec_thread_sharing()
        self.in_flight = None

    # Writing ----------------------------------------------------------------------------

    def reserve_ids(self, model, count) -> range | list[int]:
        """Return `count` row ids of the model's table that no other row will take."""
        table = model._meta.db_table
        with self.db.cursor() as cursor:
            if self.postgres:
                if table not in self.sequences:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                    self.sequences[table] = cursor.fetchone()[0]
                # The sequence named once: looked up in each row, it took 0.18 s for
                # 80,000 ids, against 0.04 s.
                cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [self.sequences[table], count])
                return [row[0] for row in cursor.fetchall()]
            # SQLite numbers past the highest id it has given out (AUTOINCREMENT); raising
            # that mark keeps the ids for this import. No one else writes until it commits.
            cursor.execute(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                f"coalesce((SELECT max(id) FROM {table}), 0))", [table],
            )
            last = cursor.fetchone()[0]
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last + count])
            return range(last + 1, last + count + 1)

    def write(self, rows) -> tuple[list[tuple[str, int, int]], list[tuple[int, str]]]:
        """Write the rows; return the posts that kept the row of an earlier import, as (external
        id, row id numbered, row id kept), and the lines, and threads, of replies whose thread
        was not found."""
        known = [row for row in rows if row[THREAD_ID] is not None or row[THREAD_EXTERNAL_ID] is None]
        with self.db.cursor() as cursor:
            cursor.execute("SAVEPOINT interaction_batch")
            try:
                self._add(cursor, known)
            except (IntegrityError, self.db.Database.IntegrityError):
                # An id imported before: write the whole batch again, as upserts. (The
                # bulk loads speak to the driver directly, which raises its own error.)
                cursor.execute("ROLLBACK TO SAVEPOINT interaction_batch")
                cursor.execute("RELEASE SAVEPOINT interaction_batch")
                return self._upsert(rows)
            cursor.execute("RELEASE SAVEPOINT interaction_batch")
        if len(known) == len(rows):
            return [], []
        return self._upsert([row for row in rows if row[THREAD_ID] is None and row[THREAD_EXTERNAL_ID] is not None])

    def _add(self, cursor, rows) -> None:
        """Insert new rows: posts with the ids numbered for them, the rest numbered by the table."""
        posts = [row[ROW_ID:] for row in rows if row[KIND] == "post"]
        others = [row[ROW_ID + 1:] for row in rows if row[KIND] != "post"]
        for columns, values in ((("id", *WRITTEN_COLUMNS), posts), (WRITTEN_COLUMNS, others)):
            if not values:
                continue
            if self.postgres:
                with cursor.copy(f"COPY {self.table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                # Straight to sqlite3: Django's cursor wrapper would rewrite every row's parameters.
                cursor.cursor.executemany(
                    f"INSERT INTO {self.table} ({', '.join(columns)}) VALUES ({', '.join(['?'] * len(columns))})", values,
                )

    def _upsert(self, rows) -> tuple[list[tuple[str, int, int]], list[tuple[int, str]]]:
        """Write the rows through the scratch table, as upserts; return what `write()` does."""
        posts = {row[EXTERNAL_ID]: row[ROW_ID] for row in rows if row[KIND] == "post"}
        # A reply to a post of this batch finds its thread by the post's id in the file:
        # the post may keep the row of an earlier import.
        rows = [
            with_thread(row, None) if row[THREAD_EXTERNAL_ID] in posts else row for row in rows
        ]
        self._load(rows)
        non_posts = len(rows) - len(posts)
        threads_to_find = sum(row[THREAD_ID] is None and row[THREAD_EXTERNAL_ID] is not None for row in rows)
        columns = ", ".join(WRITTEN_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in WRITTEN_COLUMNS[2:])
        # The conflict target names the partial unique index on (council, external_id);
        # PostgreSQL and SQLite read it alike.
        conflict = "ON CONFLICT (council_id, external_id) WHERE external_id IS NOT NULL DO UPDATE SET"
        staged = [f"s.{c}" for c in WRITTEN_COLUMNS]
        with self.db.cursor() as cursor:
            # Each post is its own thread: a new one under the id numbered for it, one
            # imported before under its own.
            post_updates = ", ".join(
                f"{c} = {self.table}.id" if c == "thread_id" else f"{c} = excluded.{c}" for c in WRITTEN_COLUMNS[2:]
            )
            cursor.execute(
                f"INSERT INTO {self.table} (id, {columns}) "
                f"SELECT s.id, {', '.join('s.id' if c == 's.thread_id' else c for c in staged)} "
                f"FROM {self.TABLE} s WHERE s.kind = 'post' {conflict} {post_updates} RETURNING external_id, id"
            )
            renumbered = [(external_id, posts[external_id], id_) for external_id, id_ in cursor.fetchall()
                          if posts[external_id] != id_]
            cursor.execute(
                f"INSERT INTO {self.table} ({columns}) SELECT {', '.join(staged)} FROM {self.TABLE} s "
                f"WHERE s.kind <> 'post' AND (s.thread_id IS NOT NULL OR s.thread_external_id IS NULL) "
                f"{conflict} {updates}"
            )
            written = cursor.rowcount
            if threads_to_find:
                # A reply whose thread is not found is left out, and counted; only then are the
                # missing threads looked for, so a good batch costs no lookup of its own.
                # Each thread by its own look-up in the unique index, whatever the planner
                # makes of the scratch table's statistics, which are taken once; the
                # look-ups are kept (MATERIALIZED) so that each is made once.
                cursor.execute(
                    f"WITH found AS MATERIALIZED (SELECT {', '.join(c for c in staged if c != 's.thread_id')}, "
                    f"(SELECT p.id FROM {self.table} p WHERE p.council_id = s.council_id "
                    "AND p.external_id = s.thread_external_id AND p.kind = 'post') AS thread_id "
                    f"FROM {self.TABLE} s WHERE s.kind <> 'post' AND s.thread_id IS NULL "
                    "AND s.thread_external_id IS NOT NULL) "
                    f"INSERT INTO {self.table} ({columns}) SELECT {columns} FROM found "
                    f"WHERE found.thread_id IS NOT NULL {conflict} {updates}"
                )
                written += cursor.rowcount
        return renumbered, (self._missing_threads() if written < non_posts else [])

    def _load(self, rows) -> None:
        """Fill the scratch table with the rows."""
        with self.db.cursor() as cursor:
            if not self.made:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.TABLE} ("
                    "line bigint, thread_external_id varchar(100), id bigint, council_id bigint, "
                    f"external_id varchar(100), at {'timestamptz' if self.postgres else 'datetime'}, "
                    "kind varchar(12), actor_id bigint, acting_for_id bigint, neighbourhood_id bigint, "
                    "group_id bigint, channel varchar(10), thread_id bigint, addressed_to_id bigint, event_id bigint)"
                )
            cursor.execute(f"{'TRUNCATE' if self.postgres else 'DELETE FROM'} {self.TABLE}")
            if self.postgres:
                with cursor.copy(f"COPY {self.TABLE} ({', '.join(ROW_COLUMNS)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                if not self.made:
                    # Nothing else analyses a temporary table, and unanalysed the planner may
                    # scan every interaction for each batch; batches are alike, so once will do.
                    cursor.execute(f"ANALYZE {self.TABLE}")
            else:
                cursor.cursor.executemany(
                    f"INSERT INTO {self.TABLE} ({', '.join(ROW_COLUMNS)}) VALUES ({', '.join(['?'] * len(ROW_COLUMNS))})",
                    rows,
                )
        self.made = True

    def _missing_threads(self) -> list[tuple[int, str]]:
        """Return the lines, and threads, of staged replies whose thread is no post in the database."""
        with self.db.cursor() as cursor:
            cursor.execute(
                f"SELECT line, thread_external_id FROM {self.TABLE} s WHERE s.kind <> 'post' "
                f"AND s.thread_external_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {self.table} p "
                f"WHERE p.council_id = %s AND p.external_id = s.thread_external_id AND p.kind = 'post')",
                [self.council.pk],
            )
            return cursor.fetchall()

    def drop(self):
        with self.db.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
