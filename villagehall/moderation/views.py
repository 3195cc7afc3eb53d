"""Pages for reporting and moderating: thin views that parse input, call one service or selector, and render."""

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from villagehall.conversation import selectors as conversation
from villagehall.conversation.models import Comment, Post, State
from villagehall.moderation import selectors, services
from villagehall.conversation import services as conversation_services
from villagehall.moderation.forms import (
    ActionForm, EditForm, PolicyForm, ReasonTemplateForm, ReportForm, UndoForm, VisibilityForm,
)
from villagehall.moderation.models import ModerationAction, ReasonTemplate
from villagehall.moderation.rate_limits import rate_limit_take
from villagehall.people.models import Organisation, Person
from villagehall.people.views import refusal_message


def _message(error) -> str:
    return refusal_message(error)


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied("This page is for the council’s moderators and administrators.")


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


# Reporting


def _report_target(request):
    """Return (kind, thing, where to go back to) for ?post=, ?comment= or ?person=, as the reporter may see it."""
    person = request.user
    if (value := request.GET.get("post", "")).isdigit():
        try:
            post = conversation.post_get(post_id=int(value), person=person)
        except Post.DoesNotExist:
            raise Http404("There is no such post here.")
        return "post", post, post.get_absolute_url()
    if (value := request.GET.get("comment", "")).isdigit():
        comment = get_object_or_404(Comment.objects.select_related("post", "author"), pk=int(value), state=State.PUBLISHED)
        try:
            conversation.post_get(post_id=comment.post_id, person=person)
        except Post.DoesNotExist:
            raise Http404("There is no such reply here.")
        return "comment", comment, comment.get_absolute_url()
    if value := request.GET.get("person", ""):
        someone = get_object_or_404(Person, username=value, is_active=True)
        return "person", someone, someone.profile_url(request.council.slug)
    raise Http404("Say what to report.")


@login_required
def report_new(request, council_slug):
    kind, target, back = _report_target(request)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_take(person=request.user, action="report")
            services.report_create(
                reporter=request.user, reason=form.cleaned_data["reason"], details=form.cleaned_data["details"],
                **{kind: target},
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "Thank you. A moderator will look at it, and you will hear what they decide.")
            return redirect(back)
    return render(request, "moderation/report.html", {
        "form": form, "kind": kind, "target": target, "back": back,
    }, status=400 if request.method == "POST" else 200)


# The queue and the actions


@login_required
@require_GET
def queue_page(request, council_slug):
    _require(request, "moderation.moderate")
    return _private(render(request, "moderation/queue.html", {
        "items": selectors.moderation_queue(), "beyond": selectors.moderation_queue_beyond(),
    }))


def _moderate(request, *, target_type, target, content_post=None):
    history_of = {target_type: target}
    history = selectors.moderation_history(**history_of)
    standing = None
    if target_type == "person":
        standing = selectors.standing_of(person=target)
    kinds = selectors.available_actions(
        target_type=target_type, target=target, open_reports=bool(history.open_reports), standing=standing,
    )
    reasons = selectors.reasons_on_offer()
    chosen = request.POST.get("form") if request.method == "POST" else None
    act_kinds = [k for k in kinds if k != ModerationAction.Kind.EDIT]
    action_form = ActionForm(request.POST if chosen == "act" else None, kinds=act_kinds, reasons=reasons, prefix="act")
    edit_form = None
    if ModerationAction.Kind.EDIT in kinds:
        initial = {"body": target.body, "note": target.moderator_note}
        if target_type == "post":
            initial["title"] = target.title
        edit_form = EditForm(
            request.POST if chosen == "edit" else None, initial=initial, reasons=reasons,
            with_title=target_type == "post", prefix="edit",
        )
    form = action_form if chosen == "act" else edit_form if chosen == "edit" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.moderation_act(
                moderator=request.user, reason=data["reason_text"], **{target_type: target},
                **(
                    {"kind": data["kind"]} if chosen == "act"
                    else {"kind": ModerationAction.Kind.EDIT, "title": data.get("title"), "body": data["body"],
                          "note": data["note"]}
                ),
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "Done. The person concerned has been told, and it is in the record.")
            return redirect(request.path)
    return _private(render(request, "moderation/target.html", {
        "target_type": target_type, "target": target, "content_post": content_post, "history": history,
        "standing": standing, "action_form": action_form if act_kinds else None, "edit_form": edit_form,
        "reasons": reasons,
    }, status=400 if form is not None else 200))


@login_required
def moderate_post(request, council_slug, post_id):
    _require(request, "moderation.moderate")
    post = get_object_or_404(Post.objects.select_related("author", "neighbourhood", "organisation"), pk=post_id)
    return _moderate(request, target_type="post", target=post, content_post=post)


@login_required
def moderate_comment(request, council_slug, comment_id):
    _require(request, "moderation.moderate")
    comment = get_object_or_404(Comment.objects.select_related("author", "post"), pk=comment_id)
    return _moderate(request, target_type="comment", target=comment, content_post=comment.post)


@login_required
def moderate_person(request, council_slug, username):
    _require(request, "moderation.moderate")
    person = get_object_or_404(Person, username=username)
    return _moderate(request, target_type="person", target=person)


@login_required
def action_undo(request, council_slug, action_id):
    _require(request, "moderation.moderate")
    try:
        action = selectors.moderation_action_get(action_id=action_id)
    except ModerationAction.DoesNotExist:
        raise Http404("There is no such action here.")
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderation_undo(moderator=request.user, action=action, reason=form.cleaned_data["reason"])
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "Undone. The person concerned has been told, and it is in the record.")
            return redirect(action.get_absolute_url())
    return _private(render(request, "moderation/undo.html", {"action": action, "form": form},
                           status=400 if request.method == "POST" else 200))


# The policy and the reasons


@require_GET
def policy_page(request, council_slug):
    return render(request, "moderation/policy.html", {
        "policy": selectors.moderation_policy(),
        "may_edit": request.user.has_perm("moderation.edit_policy"),
    })


@login_required
def policy_edit(request, council_slug):
    _require(request, "moderation.edit_policy")
    policy = selectors.moderation_policy()
    form = PolicyForm(request.POST or None, initial={"text": policy.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.moderation_policy_save(person=request.user, text=form.cleaned_data["text"])
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "The policy is published.")
            return redirect("moderation_policy", council_slug=council_slug)
    return _private(render(request, "moderation/policy_edit.html", {"form": form, "policy": policy},
                           status=400 if request.method == "POST" else 200))


@login_required
def reasons_page(request, council_slug):
    _require(request, "moderation.edit_reasons")
    form = ReasonTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reason_template_save(person=request.user, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "The reason is added.")
            return redirect("moderation_reasons", council_slug=council_slug)
    return _private(render(request, "moderation/reasons.html", {
        "form": form, "templates": list(selectors.reason_templates()), "suggested": selectors.reasons_on_offer(),
    }, status=400 if request.method == "POST" else 200))


@login_required
def reason_edit(request, council_slug, template_id):
    _require(request, "moderation.edit_reasons")
    template = get_object_or_404(ReasonTemplate, pk=template_id)
    if request.method == "POST" and request.POST.get("remove"):
        services.reason_template_delete(person=request.user, template=template)
        messages.success(request, f"“{template.title}” is removed.")
        return redirect("moderation_reasons", council_slug=council_slug)
    form = ReasonTemplateForm(request.POST or None, initial={"title": template.title, "text": template.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.reason_template_save(person=request.user, template=template, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "The reason is saved.")
            return redirect("moderation_reasons", council_slug=council_slug)
    return _private(render(request, "moderation/reason_edit.html", {"form": form, "template": template},
                           status=400 if request.method == "POST" else 200))


# Members-only spaces


@login_required
def organisation_visibility(request, council_slug, organisation_slug):
    organisation = get_object_or_404(Organisation, slug=organisation_slug)
    if not request.user.has_perm("conversation.organisation_set_visibility", organisation):
        raise PermissionDenied("Only the group’s admins or a council administrator can change who sees its space.")
    form = VisibilityForm(
        request.POST or None, initial={"members_only": "members" if organisation.members_only else "everyone"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            conversation_services.organisation_visibility_set(
                person=request.user, organisation=organisation, members_only=form.cleaned_data["members_only"],
                reason=form.cleaned_data["reason"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "Saved. Lists and pages show the change at once.")
            return redirect(organisation)
    return _private(render(request, "moderation/visibility.html", {"form": form, "organisation": organisation},
                           status=400 if request.method == "POST" else 200))


# The audit log


@login_required
@require_GET
def audit_page(request, council_slug):
    _require(request, "moderation.view_audit_log")
    return _private(render(request, "moderation/audit.html", {"page": selectors.audit_log(page=_page_number(request))}))


class _Echo:
    def write(self, value):
        return value


# A cell starting with one of these is run as a formula by spreadsheets; a quote keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


AUDIT_COLUMNS = ["when", "who", "action", "target type", "target id", "target", "reason", "before", "after"]


@login_required
@require_GET
def audit_csv(request, council_slug):
    _require(request, "moderation.view_audit_log")
    writer = csv.writer(_Echo())
    council = request.council

    def rows():
        yield writer.writerow(AUDIT_COLUMNS)
        for entry in selectors.audit_log_entries(council=council):
            yield writer.writerow([_cell(v) for v in (
                entry.created_at.isoformat(), entry.actor_name, entry.action, entry.target_type, entry.target_id,
                entry.target_label, entry.reason, entry.before, entry.after,
            )])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{council_slug}-audit-log-{stamp}.csv"'
    return _private(response)
