"""Who may do what with community projects: named rules used by pages, services and commands."""

import rules

from villagehall.core.permissions import read_once
from villagehall.people.rules import has_verified_email
from villagehall.people.selectors import person_is_council_administrator
from villagehall.projects.models import ProjectMember


def _team_role(person, project):
    """Return the person's role on the project's team, or None."""
    return read_once(
        ("project team role", person.pk, project.pk),
        lambda: ProjectMember.objects.filter(project=project, person=person).values_list("role", flat=True).first(),
    )


@rules.predicate
def is_project_organiser(person, project):
    return project is not None and _team_role(person, project) == ProjectMember.Role.ORGANISER


@rules.predicate
def is_team_member(person, project):
    return project is not None and _team_role(person, project) is not None


@rules.predicate
def is_council_administrator(person):
    return read_once(("council administrator", person.pk), lambda: person_is_council_administrator(person=person))


@rules.predicate
def project_is_open(person, project):
    return project is not None and not project.is_closed


# What others see waits until the person has confirmed an email address (checked last,
# as the other tests are cheaper); stepping back (leaving a team, ending a partnership) does not.
rules.add_perm("projects.project_create", rules.is_authenticated & has_verified_email)
rules.add_perm(
    "projects.project_change_status",
    rules.is_authenticated & (is_project_organiser | is_council_administrator) & has_verified_email,
)
rules.add_perm("projects.need_manage", rules.is_authenticated & is_project_organiser & project_is_open & has_verified_email)
rules.add_perm("projects.project_join", rules.is_authenticated & project_is_open & ~is_team_member & has_verified_email)
rules.add_perm("projects.project_leave", rules.is_authenticated & is_team_member & ~is_project_organiser)
rules.add_perm("projects.update_post", rules.is_authenticated & is_team_member & has_verified_email)
# The organisation's side of a partnership is checked by the service: only its members
# may put its name to a project.
rules.add_perm("projects.partner_add", rules.is_authenticated & project_is_open & has_verified_email)
rules.add_perm("projects.partner_remove", rules.is_authenticated & (is_project_organiser | is_council_administrator))
