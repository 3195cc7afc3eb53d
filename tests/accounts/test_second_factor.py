"""Council administrators and moderators set up and use a second factor (an authenticator
app) before the admin and moderation pages; everyone else may, and nobody is locked out."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.cache import cache

from tests.factories import PersonFactory
from tests.test_email import smtp_inbox  # noqa: F401  (the SMTP server on loopback)
from villagehall.people import services

PASSWORD = "correct horse battery staple"


def code_for(secret):
    counter = next(iter(yield_hotp_counters_from_time()))
    # A code is accepted once; a test that signs in twice in one period clears the record of used codes.
    cache.clear()
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def required(settings):
    settings.SECOND_FACTOR_REQUIRED_FOR_ROLES = True


def sign_in(client, person):
    response = client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def set_up_totp(client):
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302 and page["Location"].startswith("/accounts/reauthenticate/"):
        # Setting up a second factor asks for the password again, however recently it was given.
        response = client.post(page["Location"], {"password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:2000]
        page = client.get(response["Location"])
    assert page.status_code == 200, page.content.decode()[:2000]
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": code_for(secret)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return secret


def test_an_administrator_without_a_second_factor_is_sent_to_set_one_up(client, required, administrator):
    sign_in(client, administrator)
    response = client.get("/admin/people/organisation/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
    page = client.get(response["Location"], follow=True)
    assert "Council administrators and moderators sign in with a second step" in page.content.decode()

    secret = set_up_totp(client)
    assert Authenticator.objects.filter(user=administrator, type="totp").exists()
    # Typing a code from the new app in this session is proof enough: no need to sign in again.
    assert client.get("/admin/people/organisation/").status_code == 200

    client.post("/accounts/logout/")
    response = sign_in(client, administrator)
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert client.get("/admin/people/organisation/").status_code == 302, "not signed in until the code is given"
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    assert client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)}).status_code == 302
    assert client.get("/admin/people/organisation/").status_code == 200


def test_a_session_that_skipped_the_second_factor_is_asked_for_it(client, required, administrator):
    client.force_login(administrator)
    set_up_totp(client)
    other = client.__class__()
    other.force_login(administrator)
    response = other.get("/admin/people/organisation/?q=parks")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next=")
    secret = next(iter(Authenticator.objects.filter(user=administrator, type="totp"))).wrap().instance.data["secret"]
    assert "secret" not in secret.lower() and len(secret) > 40, "kept encrypted, not as the plain secret"


def test_the_last_second_factor_of_an_administrator_cannot_be_removed(client, required, administrator):
    sign_in(client, administrator)
    set_up_totp(client)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=administrator, type="totp").exists()
    assert response.status_code in (200, 302)


def test_moderators_too_and_only_on_their_pages(client, required, council, settings):
    moderator = PersonFactory()
    services.council_role_grant(by=PersonFactory(is_superuser=True), person=moderator, council=council,
                                role="moderator", reason="Trained.")
    # The moderation pages are matched by the module their views live in.
    settings.SECOND_FACTOR_REQUIRED_VIEW_MODULES = ["villagehall.core.views"]
    sign_in(client, moderator)
    assert client.get("/").status_code == 302
    assert client.get(f"/{council.slug}/").status_code == 200


def test_residents_are_never_asked_but_may_set_one_up(client, required, council):
    resident = PersonFactory()
    sign_in(client, resident)
    assert client.get("/").status_code == 200
    set_up_totp(client)
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=resident, type="totp").exists()


def test_off_in_development_unless_asked_for(client, administrator):
    client.force_login(administrator)
    assert client.get("/admin/people/organisation/").status_code == 200


def test_security_page_lists_the_second_factor(client, council):
    resident = PersonFactory()
    client.force_login(resident)
    page = client.get("/accounts/2fa/").content.decode()
    assert re.search(r"authenticator app", page, re.IGNORECASE), page[:2000]


@pytest.mark.django_db(transaction=True)
def test_setting_up_a_second_factor_is_announced_by_email(client, smtp_inbox):
    # Committed for real, so the email goes while the request that caused it is still running.
    resident = PersonFactory()
    sign_in(client, resident)
    set_up_totp(client)
    recipients, message = smtp_inbox.only()
    assert recipients == [resident.email] and "authenticator" in message["Subject"].lower()
