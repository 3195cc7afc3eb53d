"""An officer's badge from an allowed email domain lasts while the address that gave it stays
on the account, confirmed: removing the address (on allauth's email page or anywhere else)
or its losing confirmation takes the badge back, on the record. A badge an administrator
gave by hand stays."""

import importlib

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps

from tests.factories import OrganisationFactory, PersonFactory
from tests.test_email import link_in, smtp_inbox  # noqa: F401  (the SMTP fixture)
from villagehall.core.models import AuditEntry
from villagehall.people import services
from villagehall.people.models import Membership

OFFICE = "olu@brackenford.gov.uk"


@pytest.fixture
def olu(council, parks, administrator):
    """Olu signs in with a home address and has confirmed a council one, which made him a Parks officer."""
    services.council_email_domain_add(by=administrator, organisation=parks, domain="brackenford.gov.uk",
                                      title="Parks officer", reason="Every Parks officer has one.")
    olu = PersonFactory(email="olu@home.example", display_name="Olu Officer")
    confirmed(olu, OFFICE)
    return olu


def confirmed(person, email):
    """Add a confirmed address, as following the link does (allauth's adapter then gives the badges)."""
    EmailAddress.objects.create(user=person, email=email, verified=True, primary=False)
    services.officer_badges_from_verified_email(person=person, email=email)


def badge(person, organisation):
    return Membership.dangerously_unscoped.filter(person=person, organisation=organisation).first()


def removals(person):
    return list(AuditEntry.dangerously_unscoped.filter(
        action="badge.remove", target_type="people.person", target_id=str(person.pk),
    ).values_list("actor", "reason", "before"))


def test_removing_the_address_on_the_email_page_takes_the_badge_back_on_the_record(client, olu, parks):
    assert badge(olu, parks).badge_address == OFFICE
    client.force_login(olu)
    response = client.post("/accounts/email/", {"action_remove": "", "email": OFFICE})
    assert response.status_code == 302
    assert not EmailAddress.objects.filter(email=OFFICE).exists()
    assert badge(olu, parks) is None
    [(actor, reason, before)] = removals(olu)
    assert actor is None and OFFICE in reason and "was removed" in reason
    assert before == {"organisation": "Parks",
                      "taken by": "the address at an allowed email domain that gave it being removed or no longer confirmed"}


def test_adding_and_confirming_then_removing_through_the_pages(client, council, parks, administrator, smtp_inbox):
    services.council_email_domain_add(by=administrator, organisation=parks, domain="brackenford.gov.uk")
    pat = PersonFactory(email="pat@home.example")
    client.force_login(pat)
    assert client.post("/accounts/email/", {"action_add": "", "email": "pat@brackenford.gov.uk"}).status_code == 302
    _, message = smtp_inbox.only()
    assert badge(pat, parks) is None, "not before the address is confirmed"
    client.post(link_in(message, "/accounts/confirm-email/"))
    assert badge(pat, parks).badge_address == "pat@brackenford.gov.uk"
    client.post("/accounts/email/", {"action_remove": "", "email": "pat@brackenford.gov.uk"})
    assert badge(pat, parks) is None and len(removals(pat)) == 1


def test_an_address_that_is_no_longer_confirmed_takes_its_badge_back(olu, parks):
    address = EmailAddress.objects.get(email=OFFICE)
    address.verified = False
    address.save()  # as an administrator unticking "verified" in the admin pages does
    assert badge(olu, parks) is None
    [(_, reason, _)] = removals(olu)
    assert "is no longer confirmed" in reason


def test_a_badge_an_administrator_gave_by_hand_stays(olu, council, parks, administrator):
    libraries = OrganisationFactory(council=council, slug="libraries", name="Libraries", kind="council_service")
    services.council_email_domain_add(by=administrator, organisation=libraries, domain="brackenford.gov.uk")
    assert badge(olu, libraries).badge_address == OFFICE
    # The administrator confirms Parks by hand: that badge no longer hangs on the address.
    services.officer_badge_grant(by=administrator, person=olu, organisation=parks, reason="Started in Parks.")
    assert badge(olu, parks).badge_address == ""
    EmailAddress.objects.get(email=OFFICE).delete()
    assert badge(olu, parks) is not None, "given by hand"
    assert badge(olu, libraries) is None, "given by the address"


def test_a_badge_given_by_hand_first_is_never_tied_to_an_address(council, parks, administrator):
    sam = PersonFactory(email="sam@home.example")
    services.officer_badge_grant(by=administrator, person=sam, organisation=parks, reason="Seconded to Parks.")
    services.council_email_domain_add(by=administrator, organisation=parks, domain="brackenford.gov.uk")
    confirmed(sam, "sam@brackenford.gov.uk")
    EmailAddress.objects.get(email="sam@brackenford.gov.uk").delete()
    assert badge(sam, parks) is not None and removals(sam) == []


def test_another_confirmed_address_at_an_allowed_domain_keeps_the_badge(olu, parks, administrator):
    services.council_email_domain_add(by=administrator, organisation=parks, domain="parks.brackenford.gov.uk")
    confirmed(olu, "olu@parks.brackenford.gov.uk")
    EmailAddress.objects.get(email=OFFICE).delete()
    assert badge(olu, parks).badge_address == "olu@parks.brackenford.gov.uk" and removals(olu) == []


def test_other_addresses_changing_leave_the_badge_alone(olu, parks):
    home = EmailAddress.objects.get(email="olu@home.example")
    home.verified = False
    home.save()
    EmailAddress.objects.create(user=olu, email="olu@elsewhere.example", verified=False)
    EmailAddress.objects.get(email="olu@elsewhere.example").delete()
    assert badge(olu, parks).badge_address == OFFICE


def test_badges_given_before_addresses_were_kept_find_theirs_in_the_audit_log(olu, parks, administrator):
    Membership.dangerously_unscoped.update(badge_address="")
    by_hand = PersonFactory(email="kim@brackenford.gov.uk")
    services.officer_badge_grant(by=administrator, person=by_hand, organisation=parks, reason="By hand.")
    migration = importlib.import_module("villagehall.people.migrations.0007_membership_badge_address")
    migration.addresses_from_the_audit_log(apps, None)
    assert badge(olu, parks).badge_address == OFFICE
    assert badge(by_hand, parks).badge_address == ""
