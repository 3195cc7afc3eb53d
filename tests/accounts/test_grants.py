"""Officer badges, verified marks and council roles are given by a council administrator
(or by an allowed email domain), never self-claimed, and every grant and removal is recorded."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import CouncilFactory, MembershipFactory, OrganisationFactory, PersonFactory
from tests.test_email import PASSWORD, link_in, smtp_inbox  # noqa: F401  (the SMTP fixture)
from villagehall.people import services
from villagehall.core.models import AuditEntry
from villagehall.people.models import CouncilRole, Membership, Person


def records(*, person=None, organisation=None, **filters):
    """Return the audit log's (action, actor, target id, reason) for grants about a person or an organisation."""
    if person is not None:
        filters.update(target_type="people.person", target_id=str(person.pk))
    if organisation is not None:
        filters.update(target_type="people.organisation", target_id=str(organisation.pk))
    return [(action, actor, int(target) if target else None, reason) for action, actor, target, reason in
            AuditEntry.dangerously_unscoped.filter(**filters).values_list("action", "actor", "target_id", "reason")]


def test_an_administrator_gives_and_takes_away_an_officer_badge_on_the_record(council, parks, administrator):
    olu = PersonFactory()
    membership = services.officer_badge_grant(by=administrator, person=olu, organisation=parks,
                                              reason="Started in Parks this week.", title="Parks officer")
    assert membership.title == "Parks officer" and membership.council == council
    granted = AuditEntry.dangerously_unscoped.get(action="badge.grant")
    assert (granted.actor, granted.target_id, granted.reason) == (administrator, str(olu.pk), "Started in Parks this week.")
    assert granted.after == {"organisation": "Parks", "given by": "a council administrator"}
    assert granted.actor_name == "Ada Administrator" and granted.target_label == str(olu) and granted.created_at

    services.officer_badge_remove(by=administrator, membership=membership, reason="Moved to Housing.")
    assert not Membership.dangerously_unscoped.filter(person=olu).exists()
    assert records(action="badge.remove") == [("badge.remove", administrator.pk, olu.pk, "Moved to Housing.")]


def test_nobody_else_can_claim_a_badge_or_a_verified_mark(council, parks, administrator):
    olu = PersonFactory()
    # Not themselves, not an admin of the service's own page, not another council's administrator.
    service_admin = MembershipFactory(organisation=parks, role=Membership.Role.ADMIN).person
    elsewhere = PersonFactory()
    services.council_administrator_grant(person=elsewhere, council=CouncilFactory(slug="elsewhere"))
    group = OrganisationFactory(council=council, slug="gardeners")
    for who in (olu, service_admin, elsewhere):
        with pytest.raises(PermissionDenied):
            services.officer_badge_grant(by=who, person=olu, organisation=parks, reason="Me, please.")
        with pytest.raises(PermissionDenied):
            services.organisation_verify(by=who, organisation=group, reason="We are real.")
        with pytest.raises(PermissionDenied):
            services.council_role_grant(by=who, person=olu, council=council, role="moderator", reason="Me.")
    assert not Membership.dangerously_unscoped.filter(person=olu).exists()
    group.refresh_from_db()
    assert not group.verified


def test_a_grant_says_why_and_badges_belong_to_services(council, parks, administrator):
    with pytest.raises(ValidationError):
        services.officer_badge_grant(by=administrator, person=PersonFactory(), organisation=parks, reason="  ")
    group = OrganisationFactory(council=council, slug="gardeners")
    with pytest.raises(ValidationError):
        services.officer_badge_grant(by=administrator, person=PersonFactory(), organisation=group, reason="Why not.")
    assert not AuditEntry.dangerously_unscoped.filter(action="badge.grant").exists()


def test_an_administrator_verifies_an_organisation_and_can_take_it_back(council, administrator):
    group = OrganisationFactory(council=council, slug="gardeners", kind="voluntary_org")
    services.organisation_verify(by=administrator, organisation=group, reason="Charity 1234567 checked.")
    group.refresh_from_db()
    assert group.verified and group.verified_by == administrator and group.verified_at is not None
    services.organisation_unverify(by=administrator, organisation=group, reason="The charity closed.")
    group.refresh_from_db()
    assert not group.verified and group.verified_by is None and group.verified_at is None
    assert [r[0] for r in records(organisation=group)] == ["organisation.unverify", "organisation.verify"]


def test_council_roles_are_granted_and_removed_on_the_record(council, administrator):
    mo = PersonFactory()
    role = services.council_role_grant(by=administrator, person=mo, council=council, role="moderator",
                                       reason="Volunteered at the residents' meeting.")
    assert role.role == CouncilRole.Role.MODERATOR
    with pytest.raises(ValidationError):
        services.council_role_remove(
            by=administrator, reason="Oops.",
            council_role=CouncilRole.dangerously_unscoped.get(person=administrator),
        )
    services.council_role_remove(by=administrator, council_role=role, reason="Stepped down.")
    assert [r[0] for r in records(person=mo)] == ["council_role.remove", "council_role.grant"]


def test_an_allowed_domain_gives_existing_verified_people_their_badge(council, parks, administrator):
    verified = PersonFactory(email="olu@brackenford.gov.uk")
    PersonFactory(email="una@brackenford.gov.uk", email_verified=False)
    PersonFactory(email="eve@brackenford.gov.uk.example.com")
    PersonFactory(email="sid@mail.brackenford.gov.uk")

    services.council_email_domain_add(by=administrator, organisation=parks, domain="@Brackenford.gov.uk",
                                      title="Parks officer", reason="Every Parks officer has one.")

    officers = set(Membership.dangerously_unscoped.filter(organisation=parks).values_list("person", flat=True))
    assert officers == {verified.pk}
    granted = AuditEntry.dangerously_unscoped.get(action="badge.grant")
    assert granted.actor is None and "@brackenford.gov.uk" in granted.reason
    assert granted.after["given by"] == "a verified address at an allowed email domain"
    assert AuditEntry.dangerously_unscoped.get(action="email_domain.add").after["domain"] == "@brackenford.gov.uk"
    assert Membership.dangerously_unscoped.get(person=verified).title == "Parks officer"


def test_only_an_administrator_allows_a_domain(council, parks):
    with pytest.raises(PermissionDenied):
        services.council_email_domain_add(by=PersonFactory(), organisation=parks, domain="brackenford.gov.uk")
    with pytest.raises(ValidationError):
        services.validate_email_domain("not a domain")


def test_verifying_an_address_at_an_allowed_domain_makes_an_officer(client, council, parks, administrator, smtp_inbox):
    services.council_email_domain_add(by=administrator, organisation=parks, domain="brackenford.gov.uk")
    response = client.post("/accounts/signup/", {
        "email": "olu@brackenford.gov.uk", "display_name": "Olu", "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 302
    olu = Person.objects.get(email="olu@brackenford.gov.uk")
    assert not Membership.dangerously_unscoped.filter(person=olu).exists(), "not before the address is verified"
    _, message = smtp_inbox.only()
    assert client.post(link_in(message, "/accounts/confirm-email/")).status_code == 302
    membership = Membership.dangerously_unscoped.get(person=olu)
    assert membership.organisation == parks
    assert records(person=olu)[0][0] == "badge.grant"


def test_the_profile_page_says_what_waits_for_a_confirmed_address(client, council):
    person = PersonFactory(email_verified=False)
    client.force_login(person)
    page = client.get(f"/{council.slug}/people/me/edit/").content.decode()
    assert "Please confirm your email address" in page and "Your data and your account" in page
    EmailAddress.objects.filter(user=person).update(verified=True)
    assert "Please confirm your email address" not in client.get(f"/{council.slug}/people/me/edit/").content.decode()
