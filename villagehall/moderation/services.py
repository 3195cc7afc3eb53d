"""Writes for moderation: reports, moderators' actions and their undoing, reasons and the policy.

Each checks permission first and writes in one transaction: the change, the note to the
person concerned and the audit entry are saved together or not at all.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from villagehall.conversation import services as conversation
from villagehall.conversation.models import State
from villagehall.conversation.selectors import post_visible_to
from villagehall.core.audit import audit_record
from villagehall.core.page_cache import council_content_changed
from villagehall.core.tenancy import require_current_council
from villagehall.core.text import render_markdown
from villagehall.moderation.models import ModerationAction, ModerationPolicy, ReasonTemplate, Report, Standing
from villagehall.moderation.selectors import available_actions, standing_of
from villagehall.notifications.services import notification_send
from villagehall.people.rules import email_confirmation_check

Kind = ModerationAction.Kind
SNAPSHOT_FIELDS = {"post": ("state", "title", "body", "moderator_note"), "comment": ("state", "body", "moderator_note")}


def _target_of(post, comment, person) -> tuple[str, object]:
    given = [(name, value) for name, value in (("post", post), ("comment", comment), ("person", person)) if value is not None]
    if len(given) != 1:
        raise ValidationError("Choose one post, reply or person.")
    return given[0]


# Reports


@transaction.atomic
def report_create(*, reporter, reason, details="", post=None, comment=None, person=None) -> Report:
    """Ask the current council's moderators to look at a post, a reply or a person."""
    if not reporter.has_perm("moderation.report"):
        if not reporter.is_authenticated:
            raise PermissionDenied("Sign in to report something.")
        standing = standing_of(person=reporter)
        if standing is None or standing.level != Standing.Level.BLOCKED:
            email_confirmation_check(reporter, to="report something")
        raise PermissionDenied("A moderator has stopped you taking part in this council for now, so reports are paused too.")
    target_type, target = _target_of(post, comment, person)
    if reason not in Report.Reason.values:
        raise ValidationError("Choose what is wrong.")
    details = (details or "").strip()
    if reason == Report.Reason.OTHER and not details:
        raise ValidationError("Say what is wrong, so a moderator knows what to look for.")
    if len(details) > 1000:
        raise ValidationError("Keep the details to 1,000 characters or fewer.")
    author_id = target.pk if target_type == "person" else target.author_id
    if author_id == reporter.pk:
        raise ValidationError("You cannot report yourself or what you wrote.")
    if target_type != "person":
        shown_post = target if target_type == "post" else target.post
        if target.state != State.PUBLISHED or not post_visible_to(post=shown_post, person=reporter):
            raise ValidationError("That is not showing, so there is nothing to report.")
    if Report.objects.filter(reporter=reporter, status=Report.Status.OPEN, **{target_type: target}).exists():
        raise ValidationError("You have already reported this. A moderator will look at it soon.")
    return Report.objects.create(reporter=reporter, reason=reason, details=details, **{target_type: target})


# Actions


def _snapshot(target_type, target) -> dict:
    if target_type == "person":
        standing = Standing.objects.filter(person=target).first()
        return {"standing": standing.level if standing else "", "standing_reason": standing.reason if standing else ""}
    return {name: getattr(target, name) for name in SNAPSHOT_FIELDS[target_type]}


def _refetch(target_type, target):
    if target_type == "person":
        return target
    target.refresh_from_db()
    return target


def _state_before_hiding(target_type, target) -> str:
    hidden = (
        ModerationAction.objects.filter(kind=Kind.HIDE, undone_at__isnull=True, **{target_type: target})
        .order_by("-created_at", "-id").first()
    )
    return hidden.before.get("state", State.PUBLISHED) if hidden else State.PUBLISHED


def _change_content(moderator, target_type, target, **changes):
    if target_type == "post":
        conversation.post_moderated_change(moderator=moderator, post=target, **changes)
    else:
        changes.pop("title", None)
        conversation.comment_moderated_change(moderator=moderator, comment=target, **changes)


def _set_standing(person, level, reason, at):
    if level:
        Standing.objects.update_or_create(person=person, defaults={"level": level, "reason": reason, "since": at})
    else:
        Standing.objects.filter(person=person).delete()


def _apply(kind, target_type, target, *, moderator, reason, title, body, note, at):
    if kind == Kind.HIDE:
        _change_content(moderator, target_type, target, state=State.HIDDEN)
    elif kind == Kind.RESTORE:
        # Back to how it was before it was hidden: published, or waiting for a moderator.
        _change_content(moderator, target_type, target, state=_state_before_hiding(target_type, target))
    elif kind == Kind.APPROVE:
        _change_content(moderator, target_type, target, state=State.PUBLISHED)
    elif kind == Kind.EDIT:
        note = (note or "").strip()
        if not note:
            raise ValidationError("Write a note to show under the text: what changed and why.")
        if not (body or "").strip() or (target_type == "post" and not (title or "").strip()):
            raise ValidationError("An edit keeps some words: to take everything away, hide it instead.")
        _change_content(moderator, target_type, target, title=title, body=body, note=note)
    elif kind == Kind.HOLD:
        _set_standing(target, Standing.Level.HELD, reason, at)
    elif kind == Kind.BLOCK:
        _set_standing(target, Standing.Level.BLOCKED, reason, at)
    elif kind == Kind.RELEASE:
        _set_standing(target, "", reason, at)


def _what(target_type, target) -> str:
    if target_type == "post":
        return f"your post “{target.title}”"
    if target_type == "comment":
        return f"your reply on “{target.post.title}”"
    return "you"


def _link(target_type, target, council) -> str:
    if target_type == "person":
        return reverse("moderation_policy", kwargs={"council_slug": council.slug})
    return target.get_absolute_url()


TOLD = {
    Kind.HIDE: "A moderator hid {what}.",
    Kind.RESTORE: "A moderator has put {what} back.",
    Kind.APPROVE: "A moderator has read {what} and it is now published.",
    Kind.EDIT: "A moderator edited {what}. A note under it says what changed.",
    Kind.HOLD: "From now on a moderator will read your new posts and replies in {council} before anyone else sees them.",
    Kind.BLOCK: "A moderator has stopped you taking part in {council} for now. You can still read everything.",
    Kind.RELEASE: "A moderator has lifted the hold or block on your posts and replies in {council}.",
}

OUTCOME = {
    Kind.HIDE: "hid it",
    Kind.RESTORE: "decided it can stay",
    Kind.APPROVE: "decided it can stay",
    Kind.EDIT: "edited it",
    Kind.HOLD: "will now read this person’s new posts before anyone else sees them",
    Kind.BLOCK: "has stopped this person taking part for now",
    Kind.RELEASE: "decided no limits are needed",
    Kind.DISMISS: "found nothing that needs action",
}


def _tell_the_person(kind, target_type, target, reason, council, *, undoing=None):
    person = target if target_type == "person" else target.author
    what = _what(target_type, target)
    if undoing is not None:
        text = f"A moderator has undone an earlier decision about {what} ({undoing.get_kind_display().lower()})."
    else:
        text = TOLD[kind].format(what=what, council=council.name)
    notification_send(person=person, text=f"{text}\n\nWhy: {reason}", link=_link(target_type, target, council))


def _tell_the_reporters(kind, target_type, target, reports):
    about = {
        "post": lambda: f"the post “{target.title}”",
        "comment": lambda: f"a reply on “{target.post.title}”",
        "person": lambda: f"{target.display_name or target.username}",
    }[target_type]()
    for reporter_id in {r.reporter_id for r in reports if r.reporter_id}:
        notification_send(
            person=next(r.reporter for r in reports if r.reporter_id == reporter_id),
            text=f"Thank you for your report about {about}. A moderator has looked at it and {OUTCOME[kind]}.",
        )


@transaction.atomic
def moderation_act(
    *, moderator, kind, reason, post=None, comment=None, person=None, title=None, body=None, note="", at=None,
) -> ModerationAction:
    """Take one action on a post, reply or person: change it, close its reports, tell those concerned and record it."""
    if not moderator.has_perm("moderation.moderate"):
        raise PermissionDenied("Only the council’s moderators can do that.")
    target_type, target = _target_of(post, comment, person)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why: the person concerned is told.")
    if target_type == "person" and target.pk == moderator.pk:
        raise ValidationError("You cannot moderate yourself; ask another moderator.")
    council = require_current_council()
    at = at or timezone.now()
    reports = list(
        Report.objects.select_for_update(of=("self",)).select_related("reporter")
        .filter(status=Report.Status.OPEN, **{target_type: target})
    )
    standing = Standing.objects.filter(person=target).first() if target_type == "person" else None
    if kind not in available_actions(target_type=target_type, target=target, open_reports=bool(reports), standing=standing):
        raise ValidationError("That cannot be done to this as it is now. The page shows what can.")
    before = _snapshot(target_type, target)
    _apply(kind, target_type, target, moderator=moderator, reason=reason, title=title, body=body, note=note, at=at)
    target = _refetch(target_type, target)
    after = _snapshot(target_type, target)
    action = ModerationAction.objects.create(
        moderator=moderator, kind=kind, reason=reason, before=before, after=after, created_at=at,
        **{target_type: target},
    )
    status = Report.Status.DISMISSED if kind == Kind.DISMISS else Report.Status.ACTED_ON
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(status=status, closed_by=action)
    if kind != Kind.DISMISS:
        _tell_the_person(kind, target_type, target, reason, council)
    _tell_the_reporters(kind, target_type, target, reports)
    audit_record(
        actor=moderator, action=f"{target_type}.{kind}", target=target, reason=reason, before=before, after=after, at=at,
    )
    return action


@transaction.atomic
def moderation_undo(*, moderator, action, reason, at=None) -> ModerationAction:
    """Undo a moderator's action: put back what it changed and reopen the reports it closed."""
    if not moderator.has_perm("moderation.moderate"):
        raise PermissionDenied("Only the council’s moderators can do that.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why: the person concerned is told.")
    action = ModerationAction.objects.select_for_update().get(pk=action.pk)
    if action.kind == Kind.UNDO:
        raise ValidationError("An undo cannot itself be undone; take a new action instead.")
    if action.undone_at is not None:
        raise ValidationError("That has already been undone.")
    council = require_current_council()
    at = at or timezone.now()
    target_type, target = action.target_type, action.target
    current = _snapshot(target_type, target)
    # Only what this action changed goes back, so a later, different action stays as it is.
    changed = {name: value for name, value in action.before.items() if action.after.get(name) != value}
    if target_type == "person":
        if changed:
            _set_standing(target, action.before["standing"], action.before["standing_reason"], at)
    elif changed:
        _change_content(
            moderator, target_type, target, state=changed.get("state"), title=changed.get("title"),
            body=changed.get("body"), note=changed.get("moderator_note"),
        )
    target = _refetch(target_type, target)
    after = _snapshot(target_type, target)
    undo = ModerationAction.objects.create(
        moderator=moderator, kind=Kind.UNDO, reason=reason, before=current, after=after, created_at=at,
        undoes=action, **{target_type: target},
    )
    action.undone_at = at
    action.save(update_fields=["undone_at"])
    for report in Report.objects.filter(closed_by=action):
        # The queue gets back what this action took off it, unless the same person has reported it again since.
        again = Report.objects.filter(
            reporter_id=report.reporter_id, status=Report.Status.OPEN, **{target_type: target}
        ).exists()
        if not again:
            Report.objects.filter(pk=report.pk).update(status=Report.Status.OPEN, closed_by=None)
    if action.kind != Kind.DISMISS:
        _tell_the_person(action.kind, target_type, target, reason, council, undoing=action)
    audit_record(
        actor=moderator, action=f"{target_type}.undo", target=target, reason=reason, before=current, after=after, at=at,
    )
    return undo


# Reasons and the policy


def _check_administrator(person, perm):
    if not person.has_perm(perm):
        raise PermissionDenied("Only the council’s administrators can change this.")


def _reason_fields(title, text):
    title, text = (title or "").strip(), (text or "").strip()
    if not title or not text:
        raise ValidationError("Give the reason a short title and the words the author will read.")
    return title, text


@transaction.atomic
def reason_template_save(*, person, title, text, template=None) -> ReasonTemplate:
    """Add a reason moderators can give, or change one."""
    _check_administrator(person, "moderation.edit_reasons")
    title, text = _reason_fields(title, text)
    if ReasonTemplate.objects.filter(title=title).exclude(pk=template.pk if template else None).exists():
        raise ValidationError("There is already a reason with that title.")
    before = {"title": template.title, "text": template.text} if template else None
    if template is None:
        template = ReasonTemplate.objects.create(title=title, text=text)
    else:
        template.title, template.text = title, text
        template.save(update_fields=["title", "text"])
    audit_record(
        actor=person, action="reason.add" if before is None else "reason.change", target=template,
        before=before, after={"title": title, "text": text},
    )
    return template


@transaction.atomic
def reason_template_delete(*, person, template) -> None:
    """Take away a reason moderators can give."""
    _check_administrator(person, "moderation.edit_reasons")
    audit_record(actor=person, action="reason.remove", target=template, before={"title": template.title, "text": template.text})
    template.delete()


@transaction.atomic
def moderation_policy_save(*, person, text) -> ModerationPolicy:
    """Publish the council's own moderation policy."""
    _check_administrator(person, "moderation.edit_policy")
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write the policy: what is welcome, what is not, and what moderators do.")
    policy = ModerationPolicy.objects.select_for_update().first()
    before = {"text": policy.text} if policy else None
    if policy is None:
        policy = ModerationPolicy(text=text)
    policy.text, policy.text_html = text, render_markdown(text)
    policy.updated_at, policy.updated_by = timezone.now(), person
    policy.save()
    audit_record(actor=person, action="policy.change", target=policy, before=before, after={"text": text})
    council_content_changed()
    return policy
