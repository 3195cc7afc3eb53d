"""Interaction events: every meaningful act, the raw material of relationship health.

The fields follow ../shared/METRICS.md ("Terms") exactly.
"""

from datetime import date

from django.conf import settings
from django.db import models

from villagehall.core.tenancy import CouncilOwned


class Interaction(CouncilOwned):
    """One meaningful act. The table grows to millions of rows, so it carries only the
    indexes its readers use: the composite ones below lead with the council, and
    stand in for the single-column indexes Django would give each foreign key. Columns
    that most rows leave empty (a platform post, an event, a service's badge, an
    addressed service) are indexed only where they are set, so an imported row costs
    five index entries, not ten. A row of an organisation or neighbourhood is rarely
    deleted, and deleting one may scan.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        COMMENT = "comment", "Comment"
        RESPONSE = "response", "Official response"
        REACTION = "reaction", "Reaction"
        ATTENDANCE = "attendance", "Attendance"
        CONTACT = "contact", "Offline contact"
        SUPPORT = "support", "Support given"

    class Channel(models.TextChoices):
        ONLINE = "online", "Online"
        PHONE = "phone", "Phone"
        MEETING = "meeting", "Meeting"
        DROP_IN = "drop-in", "Drop-in"
        PAPER = "paper", "Paper"
        ASSISTED = "assisted", "Assisted"

    # Every reference below is kept by Django (which protects, cascades and clears them
    # as each on_delete says) and by the import, which checks each one, rather than by the
    # database: checking them row by row would cost a ten-million-line import and its
    # counting more than the writing itself.
    council = models.ForeignKey(
        "places.Council", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    # The id an imported record had in its source; platform events have none.
    external_id = models.CharField(max_length=100, null=True, blank=True)
    at = models.DateTimeField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interactions", db_constraint=False,
    )
    acting_for = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="interactions_as",
        db_index=False, db_constraint=False,
    )
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, blank=True, on_delete=models.PROTECT, related_name="interactions",
        db_index=False, db_constraint=False,
    )
    group = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="interactions_in",
        help_text="The community group or voluntary organisation whose space or project it happened in.",
        db_index=False, db_constraint=False,
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    # The interaction of the post this belongs to; a post is its own thread.
    thread = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    addressed_to = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="interactions_addressed",
        db_index=False, db_constraint=False,
    )
    post = models.ForeignKey(
        "conversation.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The platform post this interaction concerns, when it happened on the platform.",
        db_index=False, db_constraint=False,
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions",
        help_text="The event attended, for attendance.", db_index=False, db_constraint=False,
    )

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "external_id"], condition=models.Q(external_id__isnull=False),
                name="interaction_external_id_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["council", "acting_for", "at"], condition=models.Q(acting_for__isnull=False),
                name="interaction_by_service",
            ),
            # Few posts are addressed to a service, so this index is small and cheap to keep.
            models.Index(
                fields=["addressed_to", "at"], condition=models.Q(addressed_to__isnull=False),
                name="interaction_addressed",
            ),
            models.Index(fields=["council", "at"], name="interaction_by_time"),
            models.Index(fields=["post"], condition=models.Q(post__isnull=False), name="interaction_by_post"),
            models.Index(fields=["event"], condition=models.Q(event__isnull=False), name="interaction_by_event"),
            models.Index(fields=["thread", "at"], name="interaction_by_thread"),
        ]

    def __str__(self):
        return f"{self.kind} by {self.actor_id} at {self.at:%Y-%m-%d %H:%M}"


class ImportedRecord(CouncilOwned):
    """The record an id from an imported file became, so importing it again finds the same record."""

    class Type(models.TextChoices):
        PERSON = "person", "Person"
        PROJECT = "project", "Project"
        EVENT = "event", "Event"

    type = models.CharField(max_length=10, choices=Type.choices)
    external_id = models.CharField(max_length=100)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "type", "external_id"], name="imported_record_once"),
        ]

    def __str__(self):
        return f"{self.type} {self.external_id} → {self.object_id}"


# Weekly rollups ---------------------------------------------------------------------
#
# Relationship-health pages never read the interactions themselves: they read these
# counts, kept up to date as each interaction is recorded and rebuilt in full after an
# import (see rollups.py). `week` is the Monday that starts the week in the council's
# time zone. A community is a neighbourhood or a group, named by kind and id so that
# one column serves both. Rollups are derived and rebuilt at will, so their foreign keys
# go without indexes of their own: the unique constraints, which lead with the council
# and week or the thread, serve every read, and each extra index slows the rebuild.


class Community(models.TextChoices):
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
    GROUP = "group", "Group"


class Rollup(CouncilOwned):
    """Base for the rollup tables, each of which has an index that starts with the council."""

    # That index finds a council's rows: one more on the council alone would only slow
    # every rebuild and every interaction recorded. Rollups are counted from interactions
    # and rebuilt whole, so their references are not checked by the database either
    # (Django still deletes a rollup row with what it refers to): checking millions of
    # references row by row would cost a rebuild more than its counting.
    council = models.ForeignKey(
        "places.Council", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )

    class Meta:
        abstract = True


class ServiceWeek(Rollup):
    """A service's interactions in one community in one week: enough for presence and burstiness."""

    week = models.DateField()
    service = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    community_kind = models.CharField(max_length=13, choices=Community.choices)
    community_id = models.BigIntegerField()
    interactions = models.PositiveIntegerField()
    supports = models.PositiveIntegerField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    # The sum of the squared gaps, in seconds, between consecutive interactions in the
    # week; with the first and last of each week, the gaps of any run of weeks follow.
    gap_square_sum = models.FloatField()
    # The pair's active week before this one, if any, and the seconds from its last
    # interaction to this week's first: a window's gaps and absences are then summed from
    # its own rows, without putting them in order.
    previous_week = models.DateField(null=True)
    gap_before = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "week", "service", "community_kind", "community_id"], name="service_week_once"
            ),
        ]
        indexes = [
            # The presence grid and the partnerships page sum a window's weeks of services in
            # neighbourhoods from this index alone, instead of reading each week's row.
            models.Index(fields=["council", "community_kind", "week", "service", "community_id", "interactions",
                                 "supports"], name="service_week_grid"),
        ]


class OfficerWeek(Rollup):
    """How often a person acted for a service in one week."""

    week = models.DateField()
    service = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    interactions = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "week", "service", "person"], name="officer_week_once"),
        ]


class NeighbourhoodWeek(Rollup):
    """The community side's interactions in a neighbourhood in one week, by channel."""

    week = models.DateField()
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    interactions = models.PositiveIntegerField()
    offline = models.PositiveIntegerField()
    assisted = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "week", "neighbourhood"], name="neighbourhood_week_once"),
        ]


# Weeks are numbered from Monday 5 January 1970, and a block holds 62 of them: one bit
# each in a signed 64-bit integer, with room to spare.
WEEK_ZERO = date(1970, 1, 5)
BLOCK_WEEKS = 62


class ParticipantSpan(Rollup):
    """The weeks, one bit each, in which a person took part in a neighbourhood on the community side.

    Participants are distinct people, and distinct counts do not add up week by week;
    with a row per person and block of weeks, counting the participants of any window
    is one pass over a row per person, however many weeks the window holds.
    """

    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    block = models.IntegerField()
    weeks = models.BigIntegerField(help_text="Bit i is week block × 62 + i.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "block", "neighbourhood", "person"], name="participant_span_once"),
        ]

    @staticmethod
    def place_of(monday: date) -> tuple[int, int]:
        """Return the block holding the week that starts on `monday`, and the week's bit in it."""
        number = (monday - WEEK_ZERO).days // 7
        return number // BLOCK_WEEKS, 1 << (number % BLOCK_WEEKS)


# Weeks that do not exist are kept, in the keys of rollups counted by week, as the earliest
# or the latest day there is: "before the window" holds for a person's first week having
# no earlier one, "after it" for a post not yet answered, with no NULL in a unique key.
NO_EARLIER_WEEK = date.min
NO_LATER_WEEK = date.max


class ParticipantWeek(Rollup):
    """How many people took part in a neighbourhood in a week, counted by the week each last took part before.

    A person took part in a window exactly when one of their weeks in it follows a week
    before the window (or none), and only one does: their first week in the window. So a
    window's participants are a sum over its weeks of the rows whose earlier week lies
    before it, and the rows number at most weeks × weeks for each neighbourhood, however
    many people take part. ParticipantSpan keeps each person's own weeks, from which the
    rows are moved as people's weeks are recorded.
    """

    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    week = models.DateField()
    earlier_week = models.DateField(help_text="The Monday of each person's week before this one, or NO_EARLIER_WEEK.")
    people = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "week", "earlier_week", "neighbourhood"],
                                    name="participant_week_once"),
        ]
        # A window's participants are summed from this index alone.
        indexes = [models.Index(fields=["council", "week", "earlier_week", "neighbourhood", "people"],
                                name="participant_week_covering")]


class AddressedThread(Rollup):
    """A community-side post addressed to a service, and when the service first answered it."""

    thread = models.OneToOneField(Interaction, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    service = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    group = models.ForeignKey(
        "people.Organisation", null=True, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    posted_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True)
    # Microseconds from the post to that first response, kept so that a window's waits
    # are read rather than worked out from two instants a row.
    response_wait = models.BigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["council", "posted_at"], name="addressed_thread_by_time")]


class AddressedWeek(Rollup):
    """How many posts addressed to a service in a week were first answered in each later week.

    A window's counts for the responsiveness page are sums over its weeks: a post counts as
    answered when its answer's week lies in the window or before its end, and as answered
    within two days only then. A week's posts fall into a few weeks of answer, so a year of
    a county's hundred thousand posts is a few thousand rows.
    """

    service = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    week = models.DateField(help_text="The Monday of the week the posts were written.")
    answered_week = models.DateField(help_text="The Monday of the week of the first answer, or NO_LATER_WEEK.")
    posts = models.PositiveIntegerField()
    answered_within_2d = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "week", "service", "answered_week"], name="addressed_week_once"),
        ]


class ThreadServiceWeek(Rollup):
    """A week in which a service took a turn in a thread, with what reciprocity needs of the thread."""

    thread = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    service = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    week = models.DateField()
    # The service's week of turns in the thread before this one, if any: a window's first
    # row for a thread and service is the one whose previous week lies before the window,
    # so readers count threads without having to make their rows distinct.
    previous_week = models.DateField(null=True)
    # The thread's community, from its post.
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    group = models.ForeignKey(
        "people.Organisation", null=True, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    community_started = models.BooleanField()
    # When the thread became a conversation for this service (its second change of
    # side, counting only this service and the community); later turns cannot undo it.
    conversation_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "service", "week"], name="thread_service_week_once"),
        ]
        indexes = [models.Index(fields=["council", "week"], name="thread_service_week_by_week")]


class ReciprocityWeek(Rollup):
    """How many threads a service took turns in during a week, told apart as reciprocity needs.

    ThreadServiceWeek's rows counted by what the reciprocity page asks of them for each
    service: a window's threads are those whose previous week with the service lies before
    it, its conversations those that had become one by its last week. A year of a
    county's 400,000 thread weeks is a few tens of thousands of these rows.
    """

    service = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    week = models.DateField()
    previous_week = models.DateField(help_text="The service's week of turns in the threads before, or NO_EARLIER_WEEK.")
    conversation_week = models.DateField(help_text="The week the threads became conversations, or NO_LATER_WEEK.")
    community_started = models.BooleanField()
    threads = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "week", "service", "previous_week", "conversation_week", "community_started"],
                name="reciprocity_week_once",
            ),
        ]


class ReachWeek(Rollup):
    """A community-side person a service may have reached in a community in one week.

    People reached are distinct people, so they do not add up week by week, and a
    person counts for a window only if the service took a turn in one of their threads
    within the same window: both weeks must lie inside it. A row is a week in which the
    person posted, replied or reacted in threads of the community the service took part
    in, with the service's nearest weeks of turns in those threads on either side (or
    the week itself, for an event the service organised). A window holding the row's
    week reaches the person if it also holds one of those two weeks, so any window is
    counted from its own weeks' rows alone.
    """

    week = models.DateField()
    service = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    community_kind = models.CharField(max_length=13, choices=Community.choices)
    community_id = models.BigIntegerField()
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False,
    )
    # The latest week up to this one, and the earliest from this one on, in which the
    # service took a turn in a thread the person was in this week.
    service_week_before = models.DateField(null=True)
    service_week_after = models.DateField(null=True)

    class Meta:
        # Pair by pair: a window's people are counted from each pair's rows read together,
        # already in order, and a rebuild writes the rows in this order too.
        constraints = [
            models.UniqueConstraint(
                fields=["council", "service", "community_kind", "community_id", "person", "week"],
                name="reach_week_once",
            ),
        ]


class RollupState(CouncilOwned):
    """When a council's rollups were last rebuilt, and in which time zone their weeks were cut."""

    rebuilt_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    interactions = models.BigIntegerField(help_text="How many interactions the rebuild counted.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council"], name="rollup_state_once")]
