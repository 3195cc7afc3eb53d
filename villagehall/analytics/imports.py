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
thread they would take turns: both need Python's interpreter lock.)
"""

from __future__ import annotations

import json
import multiprocessing
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from hashlib import sha256
from typing import NamedTuple

import orjson
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection
from django.utils.functional import cached_property

from villagehall.analytics.models import ImportedRecord, Interaction
from villagehall.analytics.rollups import planner_statistics_refresh, sqlite_instant
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
        # What the council already holds, and what earlier lines added: key → id, or
        # None until the line's batch is written.
        self.neighbourhoods: dict[str, int | None] = dict(Neighbourhood.objects.values_list("slug", "pk"))
        self.organisations: dict[str, int | None] = dict(Organisation.objects.values_list("slug", "pk"))
        self.organisation_kinds: dict[str, str] = dict(Organisation.objects.values_list("slug", "kind"))
        self.people = self._imported(ImportedRecord.Type.PERSON)
        self.projects = self._imported(ImportedRecord.Type.PROJECT)
        self.events = self._imported(ImportedRecord.Type.EVENT)
        self.interactions_written, self.next_statistics_refresh = 0, 10_000
        self.staging = InteractionStaging(council)
        self.posts_written = RecentPosts()
        # A county's file names a hundred thousand people or more: they are written as
        # rows, without building a model object for each.
        self.person_rows = RowWriter(Person, {"password": UNUSABLE_PASSWORD}, ["username", "email", "display_name"])
        self.record_rows = RowWriter(ImportedRecord, {"council": council}, ["type", "external_id", "object_id"])

    @staticmethod
    def _imported(type_) -> dict[str, int | None]:
        return dict(ImportedRecord.objects.filter(type=type_).values_list("external_id", "object_id"))

    def import_file(self, path, *, on_progress=None) -> ImportSummary:
        """Read, check and write the file's lines; return the summary.

        A forked process reads and checks the lines, batch by batch, knowing what this
        import knew when it began and learning each record of the file as it reads it;
        this process writes each batch in order, and alone touches the database.
        `on_progress` is called with the bytes of each batch as it is written.
        """
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
        finally:
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
        if len(at) == 20 and at[19] == "Z" and at[4] == "-" and at[13] == ":" and not self.staging.postgres:
            # Whole seconds in UTC, as most files give them: SQLite's text for it is cut from the line.
            instant = f"{at[:10]} {at[11:19]}"
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
        """Write the batch's good lines and report its bad ones, in line order."""
        by_type: dict[str, list[Pending]] = {type_: [] for type_ in FIELDS if type_ != "interaction"}
        for pending in self.batch:
            by_type[pending.type].append(pending)
        # In the order records refer to each other, so every reference is written first.
        self._write_neighbourhoods(by_type["neighbourhood"])
        self._write_organisations(by_type["organisation"])
        self._write_people(by_type["person"])
        self._write_projects(by_type["project"])
        self._write_events(by_type["event"])
        self.summary.records["interaction"] += self._write_interactions(self.interactions)
        for type_, lines in by_type.items():
            self.summary.records[type_] += len(lines)
        for number, reason in sorted(self.batch_errors):
            self.summary.bad_lines += 1
            self.on_error(number, reason)
        self.batch, self.interactions, self.batch_errors = [], [], []

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
            handles = {self._handle(ext): ext for ext in new}
            self.person_rows.insert(
                [(handle, f"{handle}@invalid", records[ext]["name"]) for handle, ext in handles.items()]
            )
            for handle, pk in self._people_by_handle(list(handles)):
                self.people[handles[handle]] = pk
            self.record_rows.insert([(ImportedRecord.Type.PERSON.value, ext, self.people[ext]) for ext in new])
        # A person's memberships become those the file lists.
        wanted = {(self.people[ext], self.organisations[slug]) for ext, v in records.items() for slug in v["member_of"]}
        current = list(Membership.objects.filter(person_id__in=[self.people[ext] for ext in records])
                       .values_list("pk", "person_id", "organisation_id"))
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
    def _people_by_handle(handles):
        table = Person._meta.db_table
        with connection.cursor() as cursor:
            for start in range(0, len(handles), 900):
                chunk = handles[start:start + 900]
                cursor.execute(f"SELECT username, id FROM {table} WHERE username IN ({', '.join(['%s'] * len(chunk))})",
                               chunk)
                yield from cursor.fetchall()

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

    def _write_interactions(self, interactions) -> int:
        """Write the batch's interactions; return how many were good."""
        if not interactions:
            return 0
        organisations, places, people, events = self.organisations, self.neighbourhoods, self.people, self.events
        post_row = self.posts_written.get
        posts_here: dict[str, int] = {}  # a post's id → the first line of this batch that gave it
        rows: dict[str, tuple] = {}
        council = self.council.pk
        for number, id_, at, kind, channel, actor, thread, acting_for, place, group, addressed_to, event in interactions:
            if kind == "post":
                posts_here.setdefault(id_, number)
            else:
                self.posts_written.forget(id_)
            # The last line with an id wins: a database cannot upsert one row twice in a statement.
            rows.pop(id_, None)
            rows[id_] = (
                number, council, id_, at, kind, people[actor], organisations.get(acting_for), places.get(place),
                organisations.get(group), channel, thread, organisations.get(addressed_to), events.get(event),
                post_row(thread),
            )
        # A reply whose post comes on a later line of this batch must find it imported before.
        too_early = {key: row for key, row in rows.items() if posts_here.get(row[10], 0) > row[0]}
        imported_before = self._posts_already_imported({row[10] for row in too_early.values()})
        missing = [key for key, row in too_early.items() if row[10] not in imported_before]
        bad = [(rows[key][0], rows[key][10]) for key in missing]
        for key in missing:
            del rows[key]
        self.staging.load(list(rows.values()))
        posts, missing_threads = self.staging.write()
        self.posts_written.update(posts)
        bad += missing_threads
        for number, thread in bad:
            self.batch_errors.append(
                (number, f"thread “{thread}” is not a post given on an earlier line or imported before")
            )
        self.interactions_written += len(interactions) - len(bad)
        if self.interactions_written >= self.next_statistics_refresh:
            # The table grows inside this one transaction; keep the planner's picture of it true.
            planner_statistics_refresh(Interaction)
            self.next_statistics_refresh *= 2
        return len(interactions) - len(bad)

    def _posts_already_imported(self, external_ids) -> set[str]:
        if not external_ids:
            return set()
        return set(Interaction.objects.filter(kind="post", external_id__in=list(external_ids)).values_list(
            "external_id", flat=True
        ))

    def drop_scratch(self):
        self.staging.drop()


class RecentPosts:
    """The row ids of the posts an import wrote last, by external id, so their replies need no lookup.

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

    def update(self, posts) -> None:
        self.recent.update(posts)
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
        self.sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(self.columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(self.columns))})")

    def insert(self, rows) -> None:
        defaults = self.defaults
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, [(*row, *defaults) for row in rows])


STAGED_COLUMNS = (
    "line", "council_id", "external_id", "at", "kind", "actor_id", "acting_for_id", "neighbourhood_id", "group_id",
    "channel", "thread_external_id", "addressed_to_id", "event_id", "thread_id",
)
WRITTEN_COLUMNS = (
    "council_id", "external_id", "at", "kind", "actor_id", "acting_for_id", "neighbourhood_id", "group_id",
    "channel", "thread_id", "addressed_to_id", "event_id",
)


class InteractionStaging:
    """A scratch table that each batch of interactions is loaded into and written from, set by set.

    Loading is the quickest the database offers (COPY on PostgreSQL, executemany on
    SQLite); the writes are then a few statements however long the batch: upsert the
    posts, each its own thread, then upsert the rest with their threads joined in.
    """

    TABLE = "interaction_import"

    def __init__(self, council):
        self.council = council
        self.table = Interaction._meta.db_table
        self.postgres = connection.vendor == "postgresql"
        self.made = False
        self.non_posts = 0

    def load(self, rows):
        with connection.cursor() as cursor:
            if not self.made:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.TABLE} ("
                    "line bigint, council_id bigint, external_id varchar(100), "
                    f"at {'timestamptz' if self.postgres else 'datetime'}, kind varchar(12), actor_id bigint, "
                    "acting_for_id bigint, neighbourhood_id bigint, group_id bigint, channel varchar(10), "
                    "thread_external_id varchar(100), addressed_to_id bigint, event_id bigint, thread_id bigint)"
                )
            cursor.execute(f"{'TRUNCATE' if self.postgres else 'DELETE FROM'} {self.TABLE}")
            if self.postgres:
                with cursor.copy(f"COPY {self.TABLE} ({', '.join(STAGED_COLUMNS)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                if not self.made:
                    # Nothing else analyses a temporary table, and unanalysed the planner may
                    # scan every interaction for each batch; batches are alike, so once will do.
                    cursor.execute(f"ANALYZE {self.TABLE}")
            else:
                # Straight to sqlite3: Django's cursor wrapper would rewrite every row's parameters.
                cursor.cursor.executemany(
                    f"INSERT INTO {self.TABLE} ({', '.join(STAGED_COLUMNS)}) VALUES ({', '.join(['?'] * len(STAGED_COLUMNS))})",
                    [(*row[:3], row[3] if type(row[3]) is str else sqlite_instant(row[3]), *row[4:]) for row in rows],
                )
        self.made = True
        self.non_posts = sum(row[4] != "post" for row in rows)
        # Replies whose post this import has not written: their threads are looked up.
        self.threads_to_find = sum(row[10] is not None and row[13] is None for row in rows)

    def missing_threads(self) -> list[tuple[int, str]]:
        """Return the lines, and threads, of staged replies whose thread is no post in the database."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT line, thread_external_id FROM {self.TABLE} s WHERE s.kind <> 'post' "
                f"AND s.thread_external_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {self.table} p "
                f"WHERE p.council_id = %s AND p.external_id = s.thread_external_id AND p.kind = 'post')",
                [self.council.pk],
            )
            return cursor.fetchall()

    def write(self) -> tuple[list[tuple[str, int]], list[tuple[int, str]]]:
        """Write the staged batch.

        Return the posts written, as (external id, row id), and the lines, and threads, of
        replies whose thread was not found.
        """
        columns = ", ".join(WRITTEN_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in WRITTEN_COLUMNS[2:])
        # The conflict target names the partial unique index on (council, external_id);
        # PostgreSQL and SQLite read it alike.
        upsert = f"ON CONFLICT (council_id, external_id) WHERE external_id IS NOT NULL DO UPDATE SET {updates}"
        staged = [f"s.{c}" for c in WRITTEN_COLUMNS]
        with connection.cursor() as cursor:
            if self.postgres:
                # Each post takes its id from the sequence first, so it can be its own thread
                # as it is written, instead of being written again.
                post_updates = ", ".join(
                    f"{c} = {self.table}.id" if c == "thread_id" else f"{c} = excluded.{c}" for c in WRITTEN_COLUMNS[2:]
                )
                cursor.execute(
                    f"INSERT INTO {self.table} (id, {columns}) "
                    f"SELECT s.id, {', '.join('s.id' if c == 's.thread_id' else c for c in staged)} FROM ("
                    f"SELECT nextval('{self.id_sequence}') AS id, * FROM {self.TABLE} "
                    "WHERE kind = 'post') s WHERE true "
                    f"ON CONFLICT (council_id, external_id) WHERE external_id IS NOT NULL DO UPDATE SET {post_updates} "
                    "RETURNING external_id, id"
                )
                posts = cursor.fetchall()
            else:
                cursor.execute(
                    f"INSERT INTO {self.table} ({columns}) "
                    f"SELECT {', '.join('NULL' if c == 's.thread_id' else c for c in staged)} "
                    f"FROM {self.TABLE} s WHERE s.kind = 'post' {upsert} RETURNING external_id, id"
                )
                posts = cursor.fetchall()
                cursor.execute(
                    f"UPDATE {self.table} SET thread_id = {self.table}.id FROM {self.TABLE} s "
                    f"WHERE {self.table}.council_id = %s AND {self.table}.external_id = s.external_id "
                    f"AND s.kind = 'post' AND {self.table}.kind = 'post'",
                    [self.council.pk],
                )
            # Replies to posts this import wrote carry their thread's row; only the others'
            # threads are looked up, by their posts' ids.
            cursor.execute(
                f"INSERT INTO {self.table} ({columns}) SELECT {', '.join(staged)} FROM {self.TABLE} s "
                f"WHERE s.kind <> 'post' AND (s.thread_id IS NOT NULL OR s.thread_external_id IS NULL) {upsert}"
            )
            written = cursor.rowcount
            if self.threads_to_find:
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
                    f"WHERE found.thread_id IS NOT NULL {upsert}"
                )
                written += cursor.rowcount
        return posts, (self.missing_threads() if written < self.non_posts else [])

    @cached_property
    def id_sequence(self) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [self.table])
            return cursor.fetchone()[0]

    def drop(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
