"""Community projects: starting one, its lifecycle and the criteria for each step, its team,
needs, partners and updates, and who may do what."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import PersonFactory
from villagehall.analytics.models import Interaction
from villagehall.conversation.models import Post
from villagehall.projects import services
from villagehall.projects.models import Need, Project, ProjectMember, ProjectPartner, ProjectStatusChange


def move(town, to_status, person=None, reason="Moving on."):
    return services.project_status_change(person=person or town.rita, project=town.orchard, to_status=to_status, reason=reason)


def test_starting_a_project_makes_an_idea_with_its_organiser_history_and_lead_group(town):
    project = town.orchard
    assert project.status == Project.Status.IDEA
    assert project.start is not None and project.end is None
    assert list(project.team.values_list("person", "role")) == [(town.rita.pk, "organiser")]
    assert list(project.partnerships.values_list("organisation", "role")) == [(town.gardeners.pk, "lead")]
    change = ProjectStatusChange.objects.get(project=project)
    assert (change.from_status, change.to_status, change.changed_by) == ("", "idea", town.rita)


def test_a_project_is_announced_in_its_neighbourhood_and_support_is_recorded_in_its_thread(town):
    post = town.orchard.post
    assert (post.kind, post.title, post.neighbourhood, post.organisation, post.acting_for) == (
        "idea", "New project: Community orchard", town.northfield, town.gardeners, town.gardeners)
    assert town.orchard.get_absolute_url() in post.body
    assert post.project_update.project == town.orchard
    services.partnership_add(person=town.olu, project=town.orchard, organisation=town.parks, role="partner")
    support = Interaction.objects.get(kind="support")
    assert (support.post, support.thread) == (post, Interaction.objects.get(post=post, kind="post"))


def test_a_resident_starts_a_project_as_themselves(town):
    project = services.project_create(person=town.nina, name="Street party", purpose="", neighbourhood=town.northfield)
    assert project.group is None and not project.partnerships.exists()


def test_nobody_starts_a_project_for_a_group_they_are_not_in_and_nothing_is_stored(town):
    before = Project.objects.count()
    with pytest.raises(PermissionDenied):
        services.project_create(person=town.nina, name="Fake", purpose="", neighbourhood=town.northfield, group=town.gardeners)
    with pytest.raises(ValidationError):
        services.project_create(person=town.olu, name="Service", purpose="", neighbourhood=town.northfield, group=town.parks)
    assert Project.objects.count() == before


def test_each_step_forward_needs_its_criteria_and_says_which_are_missing(town):
    with pytest.raises(ValidationError, match="at least two people in the team"):
        move(town, "forming")
    services.project_join(person=town.nina, project=town.orchard)
    move(town, "forming", reason="Nina has joined.")
    with pytest.raises(ValidationError, match="at least one need listed"):
        move(town, "seeking_support")
    need = services.need_add(person=town.rita, project=town.orchard, kind="money", summary="Trees", amount=400)
    move(town, "seeking_support")
    with pytest.raises(ValidationError, match="at least one need met or partly met"):
        move(town, "running")
    services.need_set_status(person=town.rita, need=need, status="partly_met")
    move(town, "running")
    project = move(town, "done", reason="Twelve trees planted.")
    assert project.status == "done" and project.end is not None
    with pytest.raises(ValidationError, match="cannot move"):
        move(town, "running")
    history = list(ProjectStatusChange.objects.filter(project=project).values_list("from_status", "to_status", "reason"))
    assert history[1:] == [
        ("idea", "forming", "Nina has joined."), ("forming", "seeking_support", "Moving on."),
        ("seeking_support", "running", "Moving on."), ("running", "done", "Twelve trees planted."),
    ]


def test_a_paused_project_resumes_where_it_left_off_and_a_stopped_one_stays_stopped(town):
    services.project_join(person=town.nina, project=town.orchard)
    move(town, "forming")
    project = move(town, "paused", reason="Waiting for the spring.")
    assert (project.status, project.paused_from) == ("paused", "forming")
    with pytest.raises(ValidationError):
        move(town, "running")
    project = move(town, "forming", reason="Spring is here.")
    assert (project.status, project.paused_from) == ("forming", "")
    project = move(town, "stopped", reason="The green is being built on.")
    assert project.end is not None
    with pytest.raises(ValidationError):
        move(town, "forming")


def test_a_move_needs_a_reason_and_stores_nothing_without_one(town):
    services.project_join(person=town.nina, project=town.orchard)
    with pytest.raises(ValidationError, match="Say why"):
        move(town, "forming", reason="  ")
    town.orchard.refresh_from_db()
    assert town.orchard.status == "idea"
    assert ProjectStatusChange.objects.filter(project=town.orchard).count() == 1


ROLES = ["anonymous", "stranger", "team member", "organiser", "administrator"]
# role → may they? for each action, as the project page and the services agree.
PERMISSIONS = {
    "projects.project_change_status": [False, False, False, True, True],
    "projects.need_manage": [False, False, False, True, False],
    "projects.project_join": [False, True, False, False, True],
    "projects.update_post": [False, False, True, True, False],
    "projects.project_leave": [False, False, True, False, False],
}


@pytest.mark.parametrize("perm", sorted(PERMISSIONS))
def test_permissions_as_a_table(town, perm):
    services.project_join(person=town.nina, project=town.orchard)
    people = [AnonymousUser(), PersonFactory(), town.nina, town.rita, town.admin]
    assert [person.has_perm(perm, town.orchard) for person in people] == PERMISSIONS[perm], list(zip(ROLES, people))


def test_only_organisers_list_needs_and_needs_of_each_kind_say_what_they_need(town):
    with pytest.raises(PermissionDenied):
        services.need_add(person=town.nina, project=town.orchard, kind="money", summary="Trees", amount=400)
    with pytest.raises(ValidationError, match="how much"):
        services.need_add(person=town.rita, project=town.orchard, kind="money", summary="Trees")
    with pytest.raises(ValidationError, match="room"):
        services.need_add(person=town.rita, project=town.orchard, kind="room", summary="A hall")
    with pytest.raises(ValidationError, match="how many volunteers"):
        services.need_add(person=town.rita, project=town.orchard, kind="volunteers", summary="Diggers")
    need = services.need_add(person=town.rita, project=town.orchard, kind="volunteers", summary="Diggers",
                             quantity=6, skills="digging, pruning")
    assert (need.status, need.quantity) == ("open", 6)
    assert Need.objects.count() == 1


def test_an_organisation_partners_only_through_its_own_members_and_it_counts_as_support(town):
    with pytest.raises(PermissionDenied):
        services.partnership_add(person=town.rita, project=town.orchard, organisation=town.parks, role="partner")
    partnership = services.partnership_add(person=town.olu, project=town.orchard, organisation=town.parks, role="partner")
    assert partnership.role == "partner"
    event = Interaction.objects.get(kind="support")
    assert (event.actor, event.acting_for, event.neighbourhood, event.group) == (
        town.olu, town.parks, town.northfield, town.gardeners)
    with pytest.raises(ValidationError, match="already"):
        services.partnership_add(person=town.pat, project=town.orchard, organisation=town.parks, role="supporter")
    services.partnership_add(person=town.vera, project=town.orchard, organisation=town.volunteers, role="supporter")
    assert set(town.orchard.partnerships.values_list("organisation__slug", "role")) == {
        ("gardeners", "lead"), ("parks", "partner"), ("volunteers", "supporter")}


def test_the_lead_is_chosen_by_the_organisers_and_there_is_one(town):
    with pytest.raises(PermissionDenied):
        services.partnership_add(person=town.olu, project=town.orchard, organisation=town.parks, role="lead")
    project = services.project_create(person=town.nina, name="Bench", purpose="", neighbourhood=town.northfield)
    for officer_or_worker in (town.olu, town.vera):
        services.project_join(person=officer_or_worker, project=project)
    ProjectMember.objects.filter(project=project, person__in=[town.olu, town.vera]).update(role="organiser")
    services.partnership_add(person=town.olu, project=project, organisation=town.parks, role="lead")
    with pytest.raises(ValidationError, match="already has a lead"):
        services.partnership_add(person=town.vera, project=project, organisation=town.volunteers, role="lead")
    assert ProjectPartner.objects.filter(project=project, role="lead").count() == 1


def test_updates_are_posts_in_the_neighbourhood_and_on_the_groups_page(town):
    with pytest.raises(PermissionDenied):
        services.project_update_post(person=town.nina, project=town.orchard, title="News", body="Hi")
    post = services.project_update_post(person=town.rita, project=town.orchard, title="Trees ordered",
                                        body="Twelve **apple** trees.", acting_for=town.gardeners)
    assert (post.kind, post.neighbourhood, post.organisation, post.acting_for) == (
        "update", town.northfield, town.gardeners, town.gardeners)
    assert post.project_update.project == town.orchard
    assert Interaction.objects.get(post=post, kind="post").group == town.gardeners
    assert Post.objects.filter(pk=post.pk).exists()


def test_joining_twice_is_refused_politely(town):
    services.project_join(person=town.nina, project=town.orchard)
    with pytest.raises(ValidationError, match="already in"):
        services.project_join(person=town.nina, project=town.orchard)


def test_updates_in_a_members_only_space_stay_off_the_project_page(town):
    from villagehall.people.models import Organisation
    from villagehall.projects.selectors import project_page

    assert [post.title for post in project_page(project=town.orchard).updates] == ["New project: Community orchard"]
    Organisation.objects.filter(pk=town.gardeners.pk).update(members_only=True)
    town.orchard.refresh_from_db()
    assert project_page(project=town.orchard).updates == []
