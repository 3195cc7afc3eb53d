"""Reads about community projects. Each list runs a fixed number of queries however long it is."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q

from villagehall.conversation.models import State
from villagehall.projects import lifecycle
from villagehall.projects.models import Need, Project, ProjectMember, ProjectPartner, ProjectStatusChange, ProjectUpdate

UPDATES_SHOWN = 10

Status = Project.Status


def _open_needs():
    return Prefetch("needs", queryset=Need.objects.exclude(status=Need.Status.MET).order_by("created_at", "id"),
                    to_attr="open_needs")


def _partners():
    return Prefetch(
        "partnerships",
        queryset=ProjectPartner.objects.select_related("organisation").order_by("role", "organisation__name"),
        to_attr="partner_list",
    )


def project_directory(*, neighbourhood=None, status="", need_kind="", page=1):
    """Return a page of projects, newest first, filtered by neighbourhood, step and open need."""
    projects = Project.objects.select_related("neighbourhood", "group").annotate(
        team_size=Count("team", distinct=True),
    )
    if neighbourhood is not None:
        projects = projects.filter(neighbourhood=neighbourhood)
    if status:
        projects = projects.filter(status=status)
    if need_kind:
        projects = projects.filter(
            pk__in=Need.objects.filter(kind=need_kind).exclude(status=Need.Status.MET).values("project_id")
        )
    projects = projects.prefetch_related(_open_needs(), _partners()).order_by("-start", "-id")
    return Paginator(projects, settings.FEED_PAGE_SIZE).get_page(page)


def project_get(*, project_id) -> Project:
    """Return the project with its place and group, or raise Project.DoesNotExist."""
    return Project.objects.select_related("neighbourhood", "group", "started_by", "post").get(pk=project_id)


def project_facts(*, project) -> lifecycle.ProjectFacts:
    """Return what the lifecycle criteria look at, in one query."""
    counts = Project.objects.filter(pk=project.pk).aggregate(
        team_count=Count("team", distinct=True),
        need_count=Count("needs", distinct=True),
        met_count=Count(
            "needs", filter=Q(needs__status__in=[Need.Status.MET, Need.Status.PARTLY_MET]), distinct=True
        ),
    )
    return lifecycle.ProjectFacts(
        team_size=counts["team_count"], has_purpose=bool(project.purpose.strip()), needs=counts["need_count"],
        needs_met_or_partly=counts["met_count"],
    )


@dataclass
class ProjectPage:
    team: list
    partners: list
    needs: list
    history: list
    updates: list
    facts: lifecycle.ProjectFacts
    path: list
    moves: list


def project_page(*, project) -> ProjectPage:
    """Return everything the project page shows about the project itself."""
    team = list(ProjectMember.objects.filter(project=project).select_related("person").order_by("-role", "joined_at", "id"))
    partners = list(
        ProjectPartner.objects.filter(project=project).select_related("organisation").order_by("role", "organisation__name")
    )
    needs = list(Need.objects.filter(project=project).order_by("created_at", "id"))
    history = list(ProjectStatusChange.objects.filter(project=project).select_related("changed_by").order_by("-at", "-id"))
    updates = [
        # Only what any reader may see: published, and not inside a members-only space.
        update.post for update in ProjectUpdate.objects.filter(project=project, post__state=State.PUBLISHED)
        .filter(Q(post__organisation__isnull=True) | Q(post__organisation__members_only=False))
        .select_related(
            "post__author", "post__acting_for", "post__neighbourhood", "post__organisation", "post__addressed_to",
        ).order_by("-post__created_at", "-id")[:UPDATES_SHOWN]
    ]
    facts = lifecycle.ProjectFacts(
        team_size=len(team), has_purpose=bool(project.purpose.strip()), needs=len(needs),
        needs_met_or_partly=sum(1 for need in needs if need.status != Need.Status.OPEN),
    )
    return ProjectPage(
        team=team, partners=partners, needs=needs, history=history, updates=updates, facts=facts,
        path=lifecycle.path_for(project, facts), moves=lifecycle.moves_from(project),
    )


def projects_of_organisation(*, organisation, limit=20) -> list[ProjectPartner]:
    """Return the organisation's partnerships on projects, live ones first."""
    return list(
        ProjectPartner.objects.filter(organisation=organisation)
        .select_related("project__neighbourhood")
        .order_by(F("project__end").desc(nulls_first=True), "-project__start", "project__name")[:limit]
    )


def projects_person_organises(*, person) -> list[Project]:
    """Return the open projects the person organises in the current council."""
    if not person.is_authenticated:
        return []
    return list(
        Project.objects.filter(team__person=person, team__role=ProjectMember.Role.ORGANISER)
        .exclude(status__in=[Status.DONE, Status.STOPPED])
        .order_by("name")
    )
