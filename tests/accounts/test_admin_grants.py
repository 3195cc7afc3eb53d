"""The admin pages keep working for memberships, roles and organisations, but every
badge, role and verified mark given or taken there goes through the grant services."""

import pytest

from tests.factories import OrganisationFactory, PersonFactory
from villagehall.people import services
from villagehall.core.models import AuditEntry
from villagehall.people.models import CouncilRole, Membership, Organisation


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_adding_and_removing_an_officer_in_the_admin_is_recorded(admin_client, council, administrator, parks):
    olu = PersonFactory()
    response = admin_client.post("/admin/people/membership/add/", {
        "council": council.pk, "organisation": parks.pk, "person": olu.pk, "role": "member",
        "title": "Parks officer", "reason": "Joined the Parks team.",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.dangerously_unscoped.get(person=olu)
    record = AuditEntry.dangerously_unscoped.get(action="badge.grant")
    assert (record.actor, record.target_id, record.reason) == (administrator, str(olu.pk), "Joined the Parks team.")

    response = admin_client.post(f"/admin/people/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.dangerously_unscoped.filter(person=olu).exists()
    removed = AuditEntry.dangerously_unscoped.get(action="badge.remove")
    assert removed.actor == administrator and removed.reason


def test_a_membership_cannot_be_moved_to_someone_else_in_the_admin(admin_client, council, administrator, parks):
    olu = PersonFactory()
    membership = services.officer_badge_grant(by=administrator, person=olu, organisation=parks, reason="New.")
    response = admin_client.post(f"/admin/people/membership/{membership.pk}/change/", {
        "council": council.pk, "organisation": parks.pk, "person": PersonFactory().pk, "role": "member",
        "title": "Head of Parks",
    })
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.person == olu and membership.title == "Head of Parks"


def test_verifying_in_the_admin_needs_a_reason_and_is_recorded(admin_client, council, administrator):
    group = OrganisationFactory(council=council, slug="gardeners", name="Gardeners")
    form = {
        "council": council.pk, "slug": "gardeners", "name": "Gardeners", "kind": "community_group",
        "description": "", "charity_number": "", "neighbourhood": "", "verified_mark": "on",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/admin/people/organisation/{group.pk}/change/", form)
    assert response.status_code == 200 and "Say why" in response.content.decode()
    group.refresh_from_db()
    assert not group.verified

    response = admin_client.post(f"/admin/people/organisation/{group.pk}/change/",
                                 {**form, "verification_reason": "Met them at the hall."})
    assert response.status_code == 302, response.content.decode()[:3000]
    group.refresh_from_db()
    assert group.verified and group.verified_by == administrator
    assert AuditEntry.dangerously_unscoped.get(action="organisation.verify", target_id=str(group.pk)).reason == "Met them at the hall."


def test_the_verified_mark_cannot_be_set_through_the_model_form_fields(admin_client, council):
    response = admin_client.post("/admin/people/organisation/add/", {
        "council": council.pk, "slug": "new", "name": "New Group", "kind": "community_group",
        "verified_by": admin_client.session["_auth_user_id"], "verified_at": "2026-01-01 10:00",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    group = Organisation.dangerously_unscoped.get(slug="new")
    assert not group.verified and group.verified_by is None


def test_a_council_role_given_in_the_admin_is_recorded(admin_client, council, administrator):
    mo = PersonFactory()
    response = admin_client.post("/admin/people/councilrole/add/", {
        "council": council.pk, "person": mo.pk, "role": "moderator", "reason": "Trained last week.",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CouncilRole.dangerously_unscoped.filter(person=mo, role="moderator").exists()
    assert AuditEntry.dangerously_unscoped.get(action="council_role.grant", target_id=str(mo.pk)).actor == administrator
    own = CouncilRole.dangerously_unscoped.get(person=administrator)
    assert admin_client.post(f"/admin/people/councilrole/{own.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_admin_sign_in_goes_through_the_site_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/people/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "next=/admin/people/" in response["Location"].replace("%2F", "/")
    response = client.get("/admin/people/")
    assert response.status_code == 302
