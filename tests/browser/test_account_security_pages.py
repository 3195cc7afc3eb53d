"""The account, second-factor, sign-in-provider and privacy pages pass axe-core's WCAG 2.2
A and AA rules and log nothing to the console; an administrator sets up an authenticator
app and a resident deletes their account, both without JavaScript."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.test_accessibility import Audit
from villagehall.people import services
from villagehall.people.identity_providers import openid_connect_apps
from villagehall.people.models import Person
from villagehall.privacy.models import DataExport

PASSWORD = "correct horse battery staple"


@pytest.fixture
def audit(browsing):
    return Audit(browsing)


@pytest.fixture
def settings_for_pages(settings, tmp_path):
    settings.SECOND_FACTOR_REQUIRED_FOR_ROLES = True
    settings.DATA_DIR = tmp_path
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": openid_connect_apps(json.dumps([{
        "id": "testborough", "name": "Testborough Council staff", "server_url": "https://id.example.org/staff",
        "client_id": "hall", "secret": "s", "verified_email": ["testborough.gov.uk"],
    }]))}}
    return settings


def verified(person):
    EmailAddress.objects.get_or_create(user=person, email=person.email, defaults={"verified": True, "primary": True})
    return person


def sign_in(page, person):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def checker(audit, js):
    """axe runs inside the page, so pages opened without JavaScript are checked in the other run."""
    return audit if js else type("NoAudit", (), {
        "check": lambda self, page, label: None,
        "visit": lambda self, page, url, label=None, status=200: page.goto(url),
        "assert_clean": lambda self: None,
    })()


def code_for(secret):
    cache.clear()  # a code is accepted once per period
    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


@pytest.mark.parametrize("js", [False, True], ids=["without JavaScript", "with JavaScript"])
def test_an_administrator_sets_up_an_authenticator_app_to_reach_the_admin(browsing, world, settings_for_pages, audit, js):
    audit = checker(audit, js)
    administrator = verified(world.resident)
    services.council_administrator_grant(person=administrator, council=world.council)
    page = browsing.page(js=js)
    sign_in(page, administrator)
    page.goto("/admin/")
    # Setting up a second factor asks for the password again first.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.get_by_text("Council administrators and moderators sign in with a second step")).to_be_visible()
    audit.check(page, "confirm your password")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    audit.check(page, "set up an authenticator app")
    secret = page.get_by_label(re.compile("Authenticator secret", re.I)).input_value()
    page.get_by_label(re.compile("Authenticator code", re.I)).fill(code_for(secret))
    page.get_by_role("button", name=re.compile("Activate", re.I)).click()
    # Wait for the answer before going on: a new navigation would cancel the form's.
    expect(page).not_to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    audit.check(page, "after setting up: recovery codes")
    audit.visit(page, "/accounts/2fa/", label="second factor overview")
    audit.visit(page, "/accounts/2fa/recovery-codes/", label="recovery codes")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # Next time, the code is asked for at sign-in.
    other = browsing.page(js=js)
    sign_in(other, administrator)
    expect(other).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    audit.check(other, "sign in: the code from the app")
    other.get_by_label(re.compile("Code", re.I)).fill(code_for(secret))
    other.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(other).not_to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    other.goto("/admin/")
    expect(other).to_have_url(re.compile(r"/admin/$"))
    audit.assert_clean()


def test_account_pages_pass_axe(browsing, world, settings_for_pages, audit):
    resident = verified(world.resident)
    page = browsing.page()
    audit.visit(page, "/accounts/login/", label="sign in, with an identity provider offered")
    expect(page.get_by_role("link", name="Testborough Council staff")).to_be_visible()
    audit.visit(page, "/accounts/oidc/testborough/login/?process=login", label="sign in with an identity provider")

    page = browsing.page(resident)
    audit.visit(page, "/accounts/email/", label="email addresses")
    audit.visit(page, "/accounts/password/change/", label="change password")
    audit.visit(page, "/accounts/2fa/", label="second factor, none yet")
    audit.visit(page, "/accounts/3rdparty/", label="identity-provider accounts")
    audit.visit(page, "/accounts/privacy/", label="your data and your account")
    audit.assert_clean()


@pytest.mark.parametrize("js", [False, True], ids=["without JavaScript", "with JavaScript"])
def test_privacy_pages_download_and_delete(browsing, world, settings_for_pages, audit, js):
    audit = checker(audit, js)
    resident = world.resident
    page = browsing.page(resident, js=js)
    page.goto("/testborough/people/me/edit/")
    page.get_by_role("link", name="Your data and your account").click()
    page.get_by_role("button", name="Prepare a download of my data").click()
    expect(page.get_by_text("We are preparing a copy of your data")).to_be_visible()
    audit.check(page, "privacy page, download asked for")

    # The emailed link itself is not known here (only its hash is kept): make a fresh one.
    from villagehall.privacy import services as privacy
    export = DataExport.objects.get(person=resident)
    token = "a-test-token-" + "x" * 30
    export.token_hash = privacy._token_hash(token)
    export.save(update_fields=["token_hash"])
    audit.visit(page, f"/accounts/privacy/exports/{export.pk}/{token}/", label="download your data")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data (JSON)").click()
    content = json.loads(open(download.value.path()).read())
    assert content["profile"]["display_name"] == "Rita Resident"
    audit.visit(page, f"/accounts/privacy/exports/{export.pk}/{token}/", label="a used link", status=410)

    page.goto("/accounts/privacy/")
    page.get_by_label("Your email address").fill("not-my-address@example.org")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account has not been deleted")).to_be_visible()
    expect(page.get_by_label("Your email address")).to_have_value("not-my-address@example.org")
    audit.check(page, "delete your account, with an error")
    page.get_by_label("Your email address").fill(resident.email)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account has been deleted")).to_be_visible()
    audit.check(page, "after deleting")
    assert Person.objects.get(pk=resident.pk).display_name == "A former member"
    audit.assert_clean()
