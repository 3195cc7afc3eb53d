"""Pages of community projects: thin views that parse input, call one service or selector, and render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from villagehall.core.page_cache import shared_page

from villagehall.offers import selectors as offer_selectors
from villagehall.people.models import Organisation
from villagehall.people.rules import email_confirmation_check
from villagehall.people.views import refusal_message
from villagehall.people.selectors import organisations_person_can_speak_for
from villagehall.places.models import Neighbourhood
from villagehall.projects import lifecycle, selectors, services
from villagehall.projects.forms import NeedForm, PartnerForm, ProjectForm, StatusForm, UpdateForm
from villagehall.projects.models import Need, Project


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def error_message(error) -> str:
    """Return the words of a refused service call, to show in the form's error summary."""
    return refusal_message(error)


def _sign_in_first(request):
    return redirect(f"/accounts/login/?{urlencode({'next': request.get_full_path()})}")


def access_project(project_id) -> Project:
    """Return the project in the current council, or 404 alike for missing and elsewhere."""
    try:
        return selectors.project_get(project_id=project_id)
    except Project.DoesNotExist:
        raise Http404("There is no such project here.")


@require_GET
def project_directory(request, council_slug):
    neighbourhoods = list(Neighbourhood.objects.all())
    by_slug = {n.slug: n for n in neighbourhoods}
    neighbourhood = by_slug.get(request.GET.get("neighbourhood", ""))
    status = request.GET.get("status", "")
    status = status if status in Project.Status.values else ""
    need = request.GET.get("need", "")
    need = need if need in Need.Kind.values else ""
    page = selectors.project_directory(
        neighbourhood=neighbourhood, status=status, need_kind=need, page=_page_number(request)
    )
    filters = {k: v for k, v in {"neighbourhood": neighbourhood.slug if neighbourhood else "", "status": status,
                                  "need": need}.items() if v}
    return render(request, "projects/directory.html", {
        "page": page, "neighbourhoods": neighbourhoods, "neighbourhood": neighbourhood, "status": status,
        "need": need, "statuses": Project.Status.choices, "need_kinds": Need.Kind.choices,
        "filter_query": urlencode(filters), "filtered": bool(filters),
    })


def _community_organisations(person):
    return [o for o in organisations_person_can_speak_for(person=person) if o.kind != Organisation.Kind.COUNCIL_SERVICE]


def project_new(request, council_slug):
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    initial = {}
    if slug := request.GET.get("neighbourhood"):
        initial["neighbourhood"] = Neighbourhood.objects.filter(slug=slug).first()
    form = ProjectForm(request.POST or None, initial=initial, neighbourhoods=Neighbourhood.objects.all(),
                       groups=_community_organisations(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                person=request.user, name=form.cleaned_data["name"], purpose=form.cleaned_data["purpose"],
                neighbourhood=form.cleaned_data["neighbourhood"], group=form.chosen_group(),
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_message(error))
        else:
            messages.success(request, "Your project is started. Next: invite people to the team and list what it needs.")
            return redirect(project)
    return render(request, "projects/project_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@shared_page
@require_GET
def project_page(request, council_slug, project_id):
    # Kept for everyone who may see the same things: what each reader may do here (join,
    # leave, manage needs, ask for support) is asked of the rules as the page leaves.
    project = access_project(project_id)
    data = selectors.project_page(project=project)
    support = offer_selectors.project_support(
        project=project, needs=data.needs, partner_ids=[p.organisation_id for p in data.partners]
    )
    for need in data.needs:
        need.suggestions = support.suggestions.get(need.pk, [])
    return render(request, "projects/project.html", {
        "project": project, "data": data, "support": support,
        "steps": lifecycle.STEPS,
        "need_statuses": Need.Status.choices,
    })


def project_status(request, council_slug, project_id):
    project = access_project(project_id)
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    if not request.user.has_perm("projects.project_change_status", project):
        email_confirmation_check(request.user, to="move a project on")
        raise PermissionDenied("Only the project’s organisers can move it to another step.")
    facts = selectors.project_facts(project=project)
    moves = lifecycle.moves_from(project)
    form = StatusForm(request.POST or None, moves=moves)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_status_change(
                person=request.user, project=project, to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_message(error))
        else:
            messages.success(request, f"The project is now “{project.get_status_display().lower()}”.")
            return redirect(project)
    choices = [
        {"status": move, "label": Project.Status(move).label, "step": lifecycle.STEPS[move],
         "blocked": lifecycle.unmet_criteria(project, move, facts)}
        for move in moves
    ]
    return render(request, "projects/status.html", {"project": project, "form": form, "choices": choices},
                  status=400 if request.method == "POST" else 200)


def need_new(request, council_slug, project_id):
    project = access_project(project_id)
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    if not request.user.has_perm("projects.need_manage", project):
        email_confirmation_check(request.user, to="list a project’s needs")
        raise PermissionDenied("Only the organisers of an open project can list its needs.")
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.need_add(
                person=request.user, project=project, kind=data["kind"], summary=data["summary"],
                details=data["details"], amount=data["amount"], quantity=data["quantity"], skills=data["skills"],
                starts_at=data["starts_at"], ends_at=data["ends_at"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_message(error))
        else:
            messages.success(request, "The need is listed. Suggested offers appear under it.")
            return redirect(f"{project.get_absolute_url()}#needs-heading")
    return render(request, "projects/need_new.html", {"project": project, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def need_status(request, council_slug, project_id, need_id):
    project = access_project(project_id)
    need = get_object_or_404(Need, pk=need_id, project=project)
    need.project = project
    status = request.POST.get("status", "")
    try:
        services.need_set_status(person=request.user, need=need, status=status)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, f"“{need.summary}” is marked {need.get_status_display().lower()}.")
    return redirect(f"{project.get_absolute_url()}#need-{need.pk}")


@login_required
@require_POST
def project_join(request, council_slug, project_id):
    project = access_project(project_id)
    try:
        services.project_join(person=request.user, project=project)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, f"You are in the team of {project.name}.")
    return redirect(f"{project.get_absolute_url()}#team-heading")


@login_required
@require_POST
def project_leave(request, council_slug, project_id):
    project = access_project(project_id)
    services.project_leave(person=request.user, project=project)
    messages.success(request, f"You have left the team of {project.name}.")
    return redirect(project)


def partner_new(request, council_slug, project_id):
    project = access_project(project_id)
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    partnered = set(project.partnerships.values_list("organisation_id", flat=True))
    organisations = [o for o in organisations_person_can_speak_for(person=request.user) if o.pk not in partnered]
    form = PartnerForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_add(
                person=request.user, project=project, organisation=form.chosen_organisation(),
                role=form.cleaned_data["role"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_message(error))
        else:
            messages.success(request, f"{form.chosen_organisation().name} is on the project now.")
            return redirect(f"{project.get_absolute_url()}#partners-heading")
    return render(request, "projects/partner_new.html", {"project": project, "form": form, "organisations": organisations},
                  status=400 if request.method == "POST" else 200)


def update_new(request, council_slug, project_id):
    project = access_project(project_id)
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    if not request.user.has_perm("projects.update_post", project):
        email_confirmation_check(request.user, to="post a project update")
        raise PermissionDenied("Only people in the project’s team can post its updates.")
    form = UpdateForm(request.POST or None, organisations=organisations_person_can_speak_for(person=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            post = services.project_update_post(
                person=request.user, project=project, title=form.cleaned_data["title"],
                body=form.cleaned_data["body"], acting_for=form.organisation_spoken_for(),
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_message(error))
        else:
            messages.success(request, "Your update is up.")
            return redirect(post)
    return render(request, "projects/update_new.html", {"project": project, "form": form},
                  status=400 if request.method == "POST" else 200)
