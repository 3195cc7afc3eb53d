"""The parts of a page that belong to the person reading it, filled in as the page leaves.

Most of a page is the same for everyone who may see the same things, so it can be
rendered once and kept (`core.page_cache`). What belongs to one person — their name and
unread notifications in the header, whether they follow this or liked that, whether a
reply is their own, their CSRF token — is written into the page as a marker when it is
rendered (the `personal` template tags), and `PersonalPartsMiddleware` fills the markers
in for whoever the page goes to, with a few small queries. It does so for every page,
rendered just now or kept, so a kept page cannot differ from a fresh one. What a kept page
asked of a reader is kept too, under their PersonalVersion, which the database moves
whenever any of it changes (core.personal_versions).

Markers are HTML comments (`<!--vh…-->`), which nothing a person writes can produce:
templates escape what people write, and Markdown is cleaned of comments. The CSRF token
stands in as a word derived from SECRET_KEY (`{% csrf_token %}` escapes what it is
given, so it cannot be a comment), which nobody can know to write.
"""

import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.urls import get_script_prefix, reverse
from django.utils.crypto import salted_hmac
from django.utils.functional import LazyObject, cached_property
from django.utils.html import escape

# The CSRF token's stand-in is derived from SECRET_KEY: anyone could otherwise write it
# into a post and have it filled in with each reader's token.
CSRF_PLACEHOLDER = "vhcsrf" + salted_hmac("villagehall.core.personal", "CSRF placeholder", algorithm="sha256").hexdigest()[:40]
FOLLOW_TARGETS = ("neighbourhood", "organisation", "post", "person")
_CSRF_PLACEHOLDER = CSRF_PLACEHOLDER.encode()

# <!--vh=name-->, and <!--vh?condition:arg:arg-->shown if true<!--vh|-->shown if not<!--vh/-->,
# which may nest.
_MARKER = b"<!--vh"


# What is kept of a person's own parts (PersonalState.read_kept): for as long as a kept page,
# and no more than this many follows and posts asked about.
KEPT_SECONDS = 600
KEPT_ANSWERS_MAX = 2_000

CONDITIONS = {"following", "reacted", "author", "moderating", "unread", "email_unconfirmed", "may"}
VALUES = {"unread", "display_name", "email", "page"}


def value_marker(name: str) -> str:
    if name not in VALUES:
        raise ValueError(f"No personal value called {name!r}.")
    return f"<!--vh={name}-->"


def region_markers(condition: str, args) -> tuple[str, str, str]:
    """Return the opening, "otherwise" and closing markers of a region shown on a condition."""
    if condition not in CONDITIONS:
        raise ValueError(f"No personal condition called {condition!r}.")
    # A model instance stands as its label and primary key ("may" regions name the object a rule is asked about).
    args = [f"{a._meta.label_lower}:{a.pk}" if isinstance(a, Model) else str(a) for a in args]
    opening = "<!--vh?" + ":".join([condition, *args]) + "-->"
    return opening, "<!--vh|-->", "<!--vh/-->"


_CSRF_BASE = len(CSRF_ALLOWED_CHARS)
_CSRF_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def masked_csrf_token(request) -> str:
    """Return the request's CSRF token masked afresh, as django.middleware.csrf.get_token does.

    Django draws each of the mask's 32 characters with its own call to the system's random
    source, which cost about a tenth of a signed-in page kept in the cache; this draws 256
    bits once and takes the mask's characters as base-62 digits of them (62**32 is below
    2**191, so each mask is as likely as any other to within 2**-65). The token is the mask
    followed by each secret character shifted by the mask's, which Django's middleware unmasks.
    """
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH or not _CSRF_INDEX.keys() >= set(secret):
        return get_token(request)  # no secret yet: Django makes one and sets its cookie
    # As get_token: the cookie is used, so it is sent again to renew its expiry.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    draw = int.from_bytes(secrets.token_bytes(32))
    mask, cipher = [], []
    for char in secret:
        draw, shift = divmod(draw, _CSRF_BASE)
        mask.append(CSRF_ALLOWED_CHARS[shift])
        cipher.append(CSRF_ALLOWED_CHARS[(_CSRF_INDEX[char] + shift) % _CSRF_BASE])
    return "".join(mask) + "".join(cipher)


def csrf_context(request):
    """Template context: the CSRF token as a placeholder, filled in per person as the page leaves."""
    return {"csrf_token": CSRF_PLACEHOLDER}


@dataclass
class Summary:
    """What every page shows of the person reading it."""

    unread: int = 0
    moderating: bool = False
    email_confirmed: bool = True
    spaces: frozenset = frozenset()  # members-only organisations they belong to
    memberships: frozenset = frozenset()  # every organisation they belong to (they may speak for it)
    held_comments: int = 0  # their replies waiting for a moderator, which only they see


class _Tables:
    """Table names, looked up once the apps are loaded."""

    @cached_property
    def names(self) -> dict:
        from allauth.account.models import EmailAddress

        from villagehall.conversation.models import Comment, Follow, Reaction
        from villagehall.notifications.models import Notification
        from villagehall.people.models import CouncilRole, Membership, Organisation

        q = connection.ops.quote_name
        return {
            model.__name__: q(model._meta.db_table)
            for model in (EmailAddress, Comment, Follow, Reaction, Notification, CouncilRole, Membership, Organisation)
        }


_TABLES = _Tables()


def _ids(values) -> str:
    return ", ".join(str(int(value)) for value in sorted(values))


def _personal_reads(*, person_id, council_id, summary=True, follows=(), reaction_posts=()) -> tuple[str, list]:
    """Return one statement reading a person's Summary, whether they follow the given targets and
    what they reacted on the given posts, as rows of (what, a, b)."""
    # Each empty third column is a typed NULL: PostgreSQL settles a UNION's column types
    # two parts at a time, and two bare NULLs would make it text, not the comment id.
    from villagehall.moderation.selectors import MODERATING_ROLES

    t = _TABLES.names
    mine = "council_id = %s AND {} = %s"
    parts, params = [], []

    def part(sql, column="person_id"):
        parts.append(sql.replace("MINE", mine.format(column)))
        params.extend([council_id, person_id])

    if summary:
        part(f"SELECT 'unread', COUNT(*), CAST(NULL AS bigint) FROM {t['Notification']} WHERE MINE AND read_at IS NULL")
        roles = ", ".join(f"'{role}'" for role in MODERATING_ROLES)
        part(f"SELECT 'moderating', COUNT(*), CAST(NULL AS bigint) FROM {t['CouncilRole']} WHERE MINE AND role IN ({roles})")
        parts.append(f"SELECT 'confirmed', COUNT(*), CAST(NULL AS bigint) FROM {t['EmailAddress']} WHERE user_id = %s AND verified = %s")
        params.extend([person_id, True])
        # Every membership, marked when the organisation's space is members-only.
        parts.append(
            f"SELECT 'member', m.organisation_id, CASE WHEN o.members_only THEN 1 ELSE 0 END FROM {t['Membership']} m"
            f" JOIN {t['Organisation']} o ON o.id = m.organisation_id WHERE m.council_id = %s AND m.person_id = %s"
        )
        params.extend([council_id, person_id])
        # Through the small index of the council's replies not published, not the author's,
        # which holds every reply they ever wrote: SQLite takes a partial index only when
        # the query repeats its condition word for word, as here.
        part(f"SELECT 'held', COUNT(*), CAST(NULL AS bigint) FROM {t['Comment']} WHERE MINE"
             " AND NOT (state = 'published') AND state = 'held'", column="author_id")
    for kind in FOLLOW_TARGETS:
        if ids := {pk for target, pk in follows if target == kind}:
            part(f"SELECT 'follow:{kind}', {kind}_id, CAST(NULL AS bigint) FROM {t['Follow']} WHERE MINE AND {kind}_id IN ({_ids(ids)})",
                 column="follower_id")
    if reaction_posts:
        part(f"SELECT 'reacted:' || kind, post_id, comment_id FROM {t['Reaction']} WHERE MINE AND post_id IN ({_ids(reaction_posts)})")
    return " UNION ALL ".join(parts), params


@dataclass
class PersonalState:
    """The person a response goes to, and what their markers need, read in as few statements as can be."""

    request: object
    follows: set = field(default_factory=set)  # (target type, id) they follow, of those asked about
    reactions: set = field(default_factory=set)  # (post id, comment id or 0, kind) they gave, on the posts asked about
    _asked_follows: set = field(default_factory=set)
    _asked_posts: set = field(default_factory=set)
    _summary: Summary = None
    _summary_read: tuple = None  # (counts, memberships, spaces) as read, kept with the person's version
    _answers: dict = field(default_factory=dict)
    _objects: dict = field(default_factory=dict)  # the objects "may" regions ask about, read once each
    _facts: dict = field(default_factory=dict)  # what their rules read about the person, read once each

    @cached_property
    def person(self):
        user = getattr(self.request, "user", None)
        if isinstance(user, LazyObject):
            # The person itself rather than the lazy stand-in, which costs on every attribute.
            user.is_authenticated  # noqa: B018 (loads the person)
            user = user._wrapped
        return user

    @cached_property
    def signed_in(self) -> bool:
        return self.person is not None and self.person.is_authenticated

    @property
    def council(self):
        return getattr(self.request, "council", None)

    @property
    def summary(self) -> Summary:
        if self._summary is None:
            self.read()
        return self._summary

    @cached_property
    def csrf_token(self) -> str:
        return masked_csrf_token(self.request)

    def may(self, perm: str, label: str, pk: int) -> bool:
        """Return the rule's answer for the person on the object (read once per response)."""
        from villagehall.core.permissions import facts_read_once
        from villagehall.core.tenancy import council_scope
        from villagehall.moderation.selectors import moderating_already_read

        key = (perm, label, pk)
        if key not in self._answers:
            # The summary has just said whether they moderate: rules need not ask again.
            with council_scope(self.council), moderating_already_read(
                person=self.person, council=self.council, moderating=self.summary.moderating
            ), facts_read_once(self._facts):
                if (label, pk) not in self._objects:
                    self._objects[label, pk] = apps.get_model(label)._default_manager.filter(pk=pk).first()
                target = self._objects[label, pk]
                self._answers[key] = target is not None and self.person.has_perm(perm, target)
        return self._answers[key]

    def read(self, *, follows=(), reaction_posts=()) -> None:
        """Read the summary (once), and the follows and reactions asked about that are not read yet."""
        follows = {(kind, int(pk)) for kind, pk in follows} - self._asked_follows
        reaction_posts = {int(pk) for pk in reaction_posts} - self._asked_posts
        if not self.signed_in or self.council is None:
            self._summary = self._summary or Summary()
            return
        if self._summary is not None and not follows and not reaction_posts:
            return
        sql, params = _personal_reads(
            person_id=self.person.pk, council_id=self.council.pk, summary=self._summary is None,
            follows=follows, reaction_posts=reaction_posts,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        self._asked_follows |= follows
        self._asked_posts |= reaction_posts
        counts = {}
        memberships, spaces = set(), set()
        for what, a, b in rows:
            if what.startswith("follow:"):
                self.follows.add((what[len("follow:"):], a))
            elif what == "member":
                memberships.add(a)
                if b:
                    spaces.add(a)
            elif what.startswith("reacted:"):
                self.reactions.add((a, b or 0, what[len("reacted:"):]))
            else:
                counts[what] = a
        if self._summary is None:
            self._summary_read = (counts, frozenset(memberships), frozenset(spaces))
            self._summary = self._summary_from(*self._summary_read)

    def _summary_from(self, counts, memberships, spaces) -> Summary:
        return Summary(
            unread=counts["unread"],
            # As moderation.selectors.person_is_moderator decides it, from the person as read just now.
            moderating=self.person.is_active and (self.person.is_superuser or counts["moderating"] > 0),
            email_confirmed=counts["confirmed"] > 0,
            spaces=spaces,
            memberships=memberships,
            held_comments=counts["held"],
        )

    def read_kept(self, *, follows=(), reaction_posts=()) -> None:
        """Read as read() does, taking what was kept for the person under their current
        PersonalVersion and keeping what is read for the next request.

        Only before the view runs: a write made by this request moves the version after the
        request read it, so what is kept under the version it read could be older than the write.
        """
        version = getattr(self.person, "personal_version", None) if self.signed_in else None
        if version is None or self.council is None or self._summary is not None:
            self.read(follows=follows, reaction_posts=reaction_posts)
            return
        key = f"personal:{self.council.pk}:{self.person.pk}:{version}"
        kept = cache.get(key)
        if kept is not None:
            self._summary_read, asked_follows, self.follows, asked_posts, self.reactions = kept
            self._summary = self._summary_from(*self._summary_read)
            self._asked_follows, self._asked_posts = set(asked_follows), set(asked_posts)
            self.follows, self.reactions = set(self.follows), set(self.reactions)
        asked = len(self._asked_follows) + len(self._asked_posts)
        self.read(follows=follows, reaction_posts=reaction_posts)
        if kept is not None and len(self._asked_follows) + len(self._asked_posts) == asked:
            return  # nothing new read
        asked_follows, asked_posts = self._asked_follows, self._asked_posts
        if len(asked_follows) + len(asked_posts) > KEPT_ANSWERS_MAX:
            # Someone reading page after page: keep only what this page asked.
            asked_follows = {(kind, int(pk)) for kind, pk in follows}
            asked_posts = {int(pk) for pk in reaction_posts}
        cache.set(key, (
            self._summary_read,
            frozenset(asked_follows), frozenset(self.follows & asked_follows),
            frozenset(asked_posts), frozenset(reaction for reaction in self.reactions if reaction[0] in asked_posts),
        ), KEPT_SECONDS)


def _condition(state: PersonalState, name: str, args: list[str]) -> bool:
    if not state.signed_in:
        return False
    if name == "following":
        return (args[0], int(args[1])) in state.follows
    if name == "reacted":
        return (int(args[0]), int(args[1]), args[2]) in state.reactions
    if name == "author":
        return state.person.pk == int(args[0])
    if name == "moderating":
        return state.summary.moderating
    if name == "unread":
        return state.summary.unread > 0
    if name == "email_unconfirmed":
        return not state.summary.email_confirmed
    if name == "may":
        return state.may(args[0], args[1], int(args[2]))
    raise ValueError(f"No personal condition called {name!r}.")


def _value(state: PersonalState, name: str) -> str:
    if not state.signed_in:
        return ""
    person = state.person
    if name == "unread":
        return str(state.summary.unread)
    if name == "display_name":
        return escape(person.display_name or "Your page")
    if name == "email":
        return escape(person.email)
    if name == "page":
        return _person_page(get_script_prefix(), state.request.council.slug, person.username)
    raise ValueError(f"No personal value called {name!r}.")


@lru_cache(maxsize=4096)
def _person_page(prefix: str, council_slug: str, username: str) -> str:
    # Reversed once per person, not on every page they open (the prefix is part of the key
    # because reverse() starts from it).
    return escape(reverse("person", args=[council_slug, username]))


@dataclass(frozen=True)
class PersonalPage:
    """A page cut at its markers, ready to be filled in for any person.

    `pieces` are bytes kept as they are, ("csrf",), ("value", name), or
    ("region", condition, args, pieces if true, pieces if not).
    """

    pieces: tuple
    follows: frozenset  # (target type, id) of every "following" region
    reaction_posts: frozenset  # post ids of every "reacted" region


_TOKEN = re.compile(
    rb"<!--vh\?([a-z_]+)((?::[\w.-]+)*)-->|<!--vh(\|)-->|<!--vh(/)-->|<!--vh=([a-z_]+)-->|" + re.escape(_CSRF_PLACEHOLDER)
)


def parse(content: bytes) -> PersonalPage:
    """Cut a rendered page at its markers; regions may hold regions."""
    follows, reaction_posts = set(), set()
    root = current = []
    stack = []  # (open region, the list it sits in)
    start = 0
    if _MARKER in content or _CSRF_PLACEHOLDER in content:
        for match in _TOKEN.finditer(content):
            if match.start() > start:
                current.append(content[start:match.start()])
            start = match.end()
            condition, args, otherwise, end, value = match.group(1, 2, 3, 4, 5)
            if condition:
                name, args = condition.decode(), tuple(args.decode().split(":")[1:])
                if name == "following":
                    follows.add((args[0], int(args[1])))
                elif name == "reacted":
                    reaction_posts.add(int(args[0]))
                region = ["region", name, args, [], []]
                current.append(region)
                stack.append((region, current))
                current = region[3]
            elif otherwise or end:
                if not stack:
                    raise ValueError("A personal region's marker is out of place.")
                current = stack[-1][0][4] if otherwise else stack.pop()[1]
            elif value:
                current.append(("value", value.decode()))
            else:
                current.append(("csrf",))
        if stack:
            raise ValueError("A personal region is not closed.")
    if start < len(content):
        current.append(content[start:])
    return PersonalPage(_frozen(root), frozenset(follows), frozenset(reaction_posts))


def _frozen(pieces) -> tuple:
    return tuple(
        ("region", piece[1], piece[2], _frozen(piece[3]), _frozen(piece[4])) if isinstance(piece, list) else piece
        for piece in pieces
    )


def _render(pieces, state: PersonalState, out: list) -> None:
    for piece in pieces:
        if isinstance(piece, bytes):
            out.append(piece)
        elif piece[0] == "csrf":
            out.append(state.csrf_token.encode())
        elif piece[0] == "value":
            out.append(_value(state, piece[1]).encode())
        else:
            _render(piece[3] if _condition(state, piece[1], piece[2]) else piece[4], state, out)


def fill(page: PersonalPage, state: PersonalState) -> bytes:
    """Return the page with every marker replaced by what it is for the person."""
    state.read(follows=page.follows, reaction_posts=page.reaction_posts)
    out = []
    _render(page.pieces, state, out)
    return b"".join(out)


class PersonalPartsMiddleware:
    """Fill in each page's personal parts for the person it goes to.

    Sits inside the CSRF middleware (which then sets the token's cookie if the page used
    it) and outside the page caches, so kept pages are kept with their markers. A cache
    that has already cut a page at its markers hands it over as `response.personal_page`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Views read the same summary (request.personal.summary) rather than asking again.
        request.personal = PersonalState(request)
        response = self.get_response(request)
        page = getattr(response, "personal_page", None)
        if page is None and (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and (_MARKER in response.content or _CSRF_PLACEHOLDER in response.content)
        ):
            page = parse(response.content)
        if page is not None:
            response.content = fill(page, request.personal)
        return response
