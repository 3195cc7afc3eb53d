"""Reads for moderation: who moderates, who is held or blocked, the queue, a thing's
history, the reasons on offer, the policy and the audit log."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator

from villagehall.conversation.models import Comment, Post, State
from villagehall.core.models import AuditEntry
from villagehall.core.text import render_markdown
from villagehall.moderation.models import ModerationAction, ModerationPolicy, ReasonTemplate, Report, Standing
from villagehall.moderation.wording import DEFAULT_POLICY, DEFAULT_REASONS
from villagehall.people.models import CouncilRole

MODERATING_ROLES = (CouncilRole.Role.ADMINISTRATOR, CouncilRole.Role.MODERATOR)
# A council's queue is short when moderators keep up; this bounds a page when they do not.
QUEUE_AT_MOST = 200


# (person id, council id, answer) while a request's reader summary, which read it, is being used.
_moderating_already_read = ContextVar("moderating_already_read", default=None)


@contextmanager
def moderating_already_read(*, person, council, moderating: bool):
    """Answer person_is_moderator for this person in this council from a read made moments ago."""
    token = _moderating_already_read.set((person.pk, council.pk, moderating))
    try:
        yield
    finally:
        _moderating_already_read.reset(token)


def person_is_moderator(*, person) -> bool:
    """Return True if the person moderates the current council (moderators, council and site administrators)."""
    from villagehall.core.tenancy import current_council

    already_read = _moderating_already_read.get()
    if already_read is not None and already_read[:2] == (person.pk, getattr(current_council(), "pk", None)):
        return already_read[2]
    return person.is_authenticated and person.is_active and (
        person.is_superuser or CouncilRole.objects.filter(person=person, role__in=MODERATING_ROLES).exists()
    )


def profile_shown_to(*, person, viewer) -> bool:
    """Return False for a profile with a link in its bio and nothing published yet, unless it is the viewer's own
    or the viewer moderates: such profiles are how spam accounts advertise. A guest has no profile."""
    from villagehall.moderation.trust import has_link

    if person.is_guest:
        # A guest has no account and so no page: their comments show where they wrote them.
        return False
    if not has_link(person.bio):
        return True
    if viewer is not None and viewer.is_authenticated and viewer.pk == person.pk:
        return True
    # Activity anywhere counts: an account is the same person in every council.
    published = (
        Post.dangerously_unscoped.filter(author=person, state=State.PUBLISHED).exists()
        or Comment.dangerously_unscoped.filter(author=person, state=State.PUBLISHED).exists()
    )
    return published or (viewer is not None and person_is_moderator(person=viewer))


def standing_of(*, person) -> Standing | None:
    """Return the person's hold or block in the current council, if they have one."""
    if not person.is_authenticated:
        return None
    return Standing.objects.filter(person=person).first()


@dataclass
class Reason:
    key: str
    title: str
    text: str


def reasons_on_offer() -> list[Reason]:
    """Return the reasons moderators can choose in the current council: its own, or the suggested ones."""
    own = [Reason(str(t.pk), t.title, t.text) for t in ReasonTemplate.objects.all()]
    return own or [Reason(f"default-{n}", title, text) for n, (title, text) in enumerate(DEFAULT_REASONS)]


def reason_templates():
    """Return the current council's own reason templates, by title."""
    return ReasonTemplate.objects.all()


@dataclass
class Policy:
    text: str
    html: str
    own: bool  # False while the council uses the suggested wording
    updated_at: object = None


def moderation_policy() -> Policy:
    """Return the current council's moderation policy, or the suggested one."""
    policy = ModerationPolicy.objects.first()
    if policy is None:
        return Policy(DEFAULT_POLICY, render_markdown(DEFAULT_POLICY), own=False)
    return Policy(policy.text, policy.text_html, own=True, updated_at=policy.updated_at)


@dataclass
class QueueItem:
    target_type: str
    target: object
    reports: list = field(default_factory=list)
    held: bool = False

    @property
    def since(self):
        times = [r.created_at for r in self.reports]
        if self.held:
            times.append(self.target.created_at)
        return min(times)

    @property
    def reasons(self) -> list[str]:
        seen = []
        for report in self.reports:
            label = report.get_reason_display()
            if label not in seen:
                seen.append(label)
        return seen


def _waiting():
    """The open reports, held posts and held replies of the current council, oldest first."""
    return (
        Report.objects.filter(status=Report.Status.OPEN).order_by("created_at", "id"),
        Post.objects.filter(state=State.HELD).order_by("created_at", "id"),
        Comment.objects.filter(state=State.HELD).order_by("created_at", "id"),
    )


def moderation_queue() -> list[QueueItem]:
    """Return what waits for the current council's moderators, oldest first: reported things
    and held posts and replies (the oldest QUEUE_AT_MOST of each)."""
    reports, held_posts, held_comments = _waiting()
    items: dict[tuple, QueueItem] = {}
    reports = reports.select_related("reporter", "post__author", "comment__author", "comment__post", "person")
    for report in reports[:QUEUE_AT_MOST]:
        key = (report.target_type, report.target_id)
        item = items.setdefault(key, QueueItem(report.target_type, report.target))
        item.reports.append(report)
    for post in held_posts.select_related("author")[:QUEUE_AT_MOST]:
        items.setdefault(("post", post.pk), QueueItem("post", post)).held = True
    for comment in held_comments.select_related("author", "post")[:QUEUE_AT_MOST]:
        items.setdefault(("comment", comment.pk), QueueItem("comment", comment)).held = True
    return sorted(items.values(), key=lambda item: item.since)


def moderation_queue_beyond() -> int:
    """Return how many reports, held posts and held replies wait behind those the queue shows."""
    return sum(max(0, waiting.count() - QUEUE_AT_MOST) for waiting in _waiting())


@dataclass
class History:
    open_reports: list
    closed_reports: list
    actions: list


def moderation_history(*, post=None, comment=None, person=None) -> History:
    """Return the reports about a post, comment or person, and every action taken on it, newest action first."""
    target = {"post": post} if post else {"comment": comment} if comment else {"person": person}
    reports = list(Report.objects.filter(**target).select_related("reporter").order_by("-created_at", "-id"))
    actions = list(ModerationAction.objects.filter(**target).select_related("moderator").order_by("-created_at", "-id"))
    return History(
        open_reports=[r for r in reports if r.status == Report.Status.OPEN],
        closed_reports=[r for r in reports if r.status != Report.Status.OPEN],
        actions=actions,
    )


def moderation_action_get(*, action_id) -> ModerationAction:
    """Return an action in the current council, or raise ModerationAction.DoesNotExist."""
    return ModerationAction.objects.select_related("post", "comment__post", "person", "moderator").get(pk=action_id)


def audit_log(*, page=1):
    """Return a page of the current council's audit log, newest first."""
    return Paginator(AuditEntry.objects.order_by("-created_at", "-id"), settings.AUDIT_LOG_PAGE_SIZE).get_page(page)


def audit_log_entries(*, council):
    """Return every entry in the council's audit log, newest first, read in batches.

    Named by council rather than scoped, because a download is read after the request
    (and its current council) has finished.
    """
    return AuditEntry.dangerously_unscoped.filter(council=council).order_by("-created_at", "-id").iterator(chunk_size=2000)


def available_actions(*, target_type: str, target, open_reports: bool, standing=None) -> list[str]:
    """Return the action kinds a moderator can take on the target as it is now."""
    from villagehall.moderation.models import ModerationAction

    Kind = ModerationAction.Kind
    if target_type == "person":
        level = standing.level if standing is not None else ""
        kinds = [Kind.HOLD] if level != Standing.Level.HELD else []
        kinds += [Kind.BLOCK] if level != Standing.Level.BLOCKED else []
        kinds += [Kind.RELEASE] if level else []
    else:
        kinds = {
            State.PUBLISHED: [Kind.HIDE, Kind.EDIT],
            State.HELD: [Kind.APPROVE, Kind.HIDE, Kind.EDIT],
            State.HIDDEN: [Kind.RESTORE, Kind.EDIT],
        }[target.state]
    return list(kinds) + ([Kind.DISMISS] if open_reports else [])
