"""Writes for community projects. Each checks permission first, writes in one transaction,
records the interaction event where there is one, and marks the council's pages changed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from villagehall.analytics.models import Interaction
from villagehall.analytics.services import community_space_of, interaction_record
from villagehall.conversation.models import Post
from villagehall.conversation.rules import may_speak_for
from villagehall.conversation.services import post_create
from villagehall.core.page_cache import council_content_changed
from villagehall.core.text import render_markdown
from villagehall.people.models import Organisation
from villagehall.people.rules import email_confirmation_check
from villagehall.projects import lifecycle
from villagehall.projects.models import Need, Project, ProjectMember, ProjectPartner, ProjectStatusChange, ProjectUpdate
from villagehall.projects.selectors import project_facts

Status = Project.Status


def project_support_record(*, project, actor, acting_for, at) -> Interaction:
    """Record support given to a project (METRICS.md kind `support`), in the project's thread."""
    thread = Interaction.objects.filter(post_id=project.post_id, kind=Interaction.Kind.POST).first() if project.post_id else None
    return interaction_record(
        kind=Interaction.Kind.SUPPORT, actor=actor, at=at, acting_for=acting_for, neighbourhood=project.neighbourhood,
        group=community_space_of(project.group), thread=thread, post=project.post if thread else None,
    )


@transaction.atomic
def project_create(*, person, name, purpose, neighbourhood, group=None, at=None) -> Project:
    """Start a project as a resident, or for a community group one is a member of."""
    if not person.has_perm("projects.project_create"):
        email_confirmation_check(person, to="start a project")
        raise PermissionDenied("Sign in to start a project.")
    if group is not None:
        if group.kind == Organisation.Kind.COUNCIL_SERVICE:
            raise ValidationError("Projects are started by residents and community groups; a service can join one as a partner.")
        if not may_speak_for(person, group):
            raise PermissionDenied("You can only start a project for a group you are a member of.")
    if neighbourhood is None:
        raise ValidationError("Choose the neighbourhood the project is in.")
    at = at or timezone.now()
    project = Project.objects.create(
        name=name.strip(), purpose=purpose, purpose_html=render_markdown(purpose), neighbourhood=neighbourhood,
        group=group, started_by=person, start=timezone.localdate(at), status=Status.IDEA, status_changed_at=at,
    )
    # The project is announced where its neighbours are; the announcement's thread is the
    # project's conversation, and the support it is given is recorded in that thread.
    project.post = post_create(
        author=person, kind=Post.Kind.IDEA, title=f"New project: {project.name}",
        body=f"{purpose.strip()}\n\n[Follow the project, join its team or offer support]({project.get_absolute_url()})".strip(),
        neighbourhood=neighbourhood, organisation=group, acting_for=group, at=at,
    )
    project.save(update_fields=["post"])
    ProjectUpdate.objects.create(project=project, post=project.post)
    ProjectMember.objects.create(project=project, person=person, role=ProjectMember.Role.ORGANISER, joined_at=at)
    ProjectStatusChange.objects.create(
        project=project, from_status="", to_status=Status.IDEA, changed_by=person, at=at,
        reason="Started the project.",
    )
    if group is not None:
        ProjectPartner.objects.create(
            project=project, organisation=group, role=ProjectPartner.Role.LEAD, added_by=person, added_at=at
        )
    council_content_changed()
    return project


@transaction.atomic
def project_status_change(*, person, project, to_status, reason, at=None) -> Project:
    """Move a project to another step of its lifecycle, saying why."""
    if not person.has_perm("projects.project_change_status", project):
        email_confirmation_check(person, to="move a project on")
        raise PermissionDenied("Only the project’s organisers can move it to another step.")
    # Lock the row so two organisers moving it at once cannot both start from the same step.
    project = Project.objects.select_for_update().get(pk=project.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the project is moving on; it is kept in the project’s history.")
    if to_status not in lifecycle.moves_from(project):
        raise ValidationError(
            f"A project that is “{project.get_status_display().lower()}” cannot move to "
            f"“{Status(to_status).label.lower()}”."
        )
    unmet = lifecycle.unmet_criteria(project, to_status, project_facts(project=project))
    if unmet:
        raise ValidationError(f"Not yet. To move to “{Status(to_status).label.lower()}” a project needs {unmet}.")
    at = at or timezone.now()
    ProjectStatusChange.objects.create(
        project=project, from_status=project.status, to_status=to_status, changed_by=person, at=at, reason=reason
    )
    project.paused_from = project.status if to_status == Status.PAUSED else ""
    project.status = to_status
    project.status_changed_at = at
    if to_status in (Status.DONE, Status.STOPPED) and project.end is None:
        project.end = max(project.start, timezone.localdate(at))
    project.save(update_fields=["status", "paused_from", "status_changed_at", "end"])
    council_content_changed()
    return project


@transaction.atomic
def project_join(*, person, project, at=None) -> ProjectMember:
    """Join a project's team."""
    if not person.has_perm("projects.project_join", project):
        if (
            person.is_authenticated and not project.is_closed
            and ProjectMember.objects.filter(project=project, person=person).exists()
        ):
            raise ValidationError("You are already in this project’s team.")
        email_confirmation_check(person, to="join a project’s team")
        raise PermissionDenied("Sign in to join an open project’s team.")
    try:
        with transaction.atomic():
            member = ProjectMember.objects.create(project=project, person=person, joined_at=at or timezone.now())
    except IntegrityError:
        raise ValidationError("You are already in this project’s team.")
    council_content_changed()
    return member


@transaction.atomic
def project_leave(*, person, project) -> None:
    """Leave a project's team."""
    if not person.has_perm("projects.project_leave", project):
        raise PermissionDenied("Organisers stay in the team while they steer the project.")
    ProjectMember.objects.filter(project=project, person=person).delete()
    council_content_changed()


@transaction.atomic
def partnership_add(*, person, project, organisation, role, at=None) -> ProjectPartner:
    """Put an organisation's name to a project as its lead, a partner or a supporter."""
    if not person.has_perm("projects.partner_add", project):
        email_confirmation_check(person, to="partner on a project")
        raise PermissionDenied("Sign in to partner on an open project.")
    if not may_speak_for(person, organisation):
        raise PermissionDenied("Only members of an organisation can make it a partner.")
    if role not in ProjectPartner.Role.values:
        raise ValidationError("Choose lead, partner or supporter.")
    if role == ProjectPartner.Role.LEAD:
        if not person.has_perm("projects.need_manage", project):
            raise PermissionDenied("Only the project’s organisers can choose its lead organisation.")
        if ProjectPartner.objects.filter(project=project, role=ProjectPartner.Role.LEAD).exists():
            raise ValidationError("The project already has a lead organisation.")
    at = at or timezone.now()
    try:
        with transaction.atomic():
            partnership = ProjectPartner.objects.create(
                project=project, organisation=organisation, role=role, added_by=person, added_at=at
            )
    except IntegrityError:
        raise ValidationError(f"{organisation.name} is already on this project.")
    project_support_record(project=project, actor=person, acting_for=organisation, at=at)
    council_content_changed()
    return partnership


@transaction.atomic
def partnership_remove(*, person, partnership) -> None:
    """Take an organisation off a project, as the project's organisers or the organisation itself."""
    project = partnership.project
    if not (person.has_perm("projects.partner_remove", project) or may_speak_for(person, partnership.organisation)):
        raise PermissionDenied("Only the project’s organisers or the organisation can end a partnership.")
    partnership.delete()
    council_content_changed()


def _clean_need(kind, amount, quantity, starts_at, ends_at):
    if kind not in Need.Kind.values:
        raise ValidationError("Choose what kind of need it is.")
    if kind == Need.Kind.MONEY and not amount:
        raise ValidationError("Say how much money, in pounds.")
    if kind == Need.Kind.VOLUNTEERS and not quantity:
        raise ValidationError("Say how many volunteers.")
    if kind == Need.Kind.EXPERTISE and not quantity:
        raise ValidationError("Say how many hours of an officer’s time.")
    if kind == Need.Kind.ROOM and not (starts_at and ends_at):
        raise ValidationError("Say when the room is needed and for how long.")
    if ends_at and (not starts_at or ends_at <= starts_at):
        raise ValidationError("The end must come after the start.")


@transaction.atomic
def need_add(
    *, person, project, kind, summary, details="", amount=None, quantity=None, skills="",
    starts_at=None, ends_at=None, at=None,
) -> Need:
    """Add a need to a project: money, a room, equipment, volunteers, expertise or a permission."""
    if not person.has_perm("projects.need_manage", project):
        email_confirmation_check(person, to="list a project’s needs")
        raise PermissionDenied("Only the organisers of an open project can list its needs.")
    _clean_need(kind, amount, quantity, starts_at, ends_at)
    need = Need.objects.create(
        project=project, kind=kind, summary=summary.strip(), details=details, amount=amount, quantity=quantity,
        skills=skills.strip(), starts_at=starts_at, ends_at=ends_at, created_by=person, created_at=at or timezone.now(),
    )
    council_content_changed()
    return need


@transaction.atomic
def need_set_status(*, person, need, status) -> Need:
    """Mark a need open, partly met or met."""
    if not person.has_perm("projects.need_manage", need.project):
        email_confirmation_check(person, to="change a project’s needs")
        raise PermissionDenied("Only the organisers of an open project can change its needs.")
    if status not in Need.Status.values:
        raise ValidationError("Choose open, partly met or met.")
    need.status = status
    need.save(update_fields=["status"])
    council_content_changed()
    return need


@transaction.atomic
def project_update_post(*, person, project, title, body, acting_for=None, at=None) -> Post:
    """Post an update on a project; it appears in the project's neighbourhood and on its group's page."""
    if not person.has_perm("projects.update_post", project):
        email_confirmation_check(person, to="post a project update")
        raise PermissionDenied("Only people in the project’s team can post its updates.")
    post = post_create(
        author=person, kind=Post.Kind.UPDATE, title=title, body=body, neighbourhood=project.neighbourhood,
        organisation=project.group, acting_for=acting_for, at=at,
    )
    ProjectUpdate.objects.create(project=project, post=post)
    return post
