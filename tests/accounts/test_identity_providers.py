"""Sign-in through OpenID Connect providers configured from the environment: the sign-in page
offers each one, the round trip uses the right callback address, and a council's own provider
makes its officers (no network: the provider's answers are stood in for)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.oauth2.client import OAuth2Client
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.core.exceptions import ImproperlyConfigured

from tests.factories import OrganisationFactory, PersonFactory
from villagehall.people import services
from villagehall.people.identity_providers import openid_connect_apps
from villagehall.core.models import AuditEntry
from villagehall.core.tenancy import council_scope
from villagehall.people.models import Membership, Person

ROOT = Path(__file__).resolve().parent.parent.parent

BRACKENFORD = {
    "id": "brackenford", "name": "Brackenford Council staff",
    "server_url": "https://login.microsoftonline.com/brackenford-tenant-id/v2.0",
    "client_id": "hall-client-id", "secret": "hall-client-secret",
    "verified_email": ["brackenford.gov.uk"],
}
RESIDENTS = {
    "id": "residents", "name": "your Brackenford ID",
    "server_url": "https://id.example.org/realms/residents", "client_id": "hall", "secret": "s",
}


@pytest.fixture
def providers(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": openid_connect_apps(json.dumps([BRACKENFORD, RESIDENTS]))},
    }


@pytest.fixture
def provider_answers(monkeypatch):
    """Stand in for the provider's discovery document, token endpoint and userinfo endpoint."""
    claims = {}
    config = {
        "issuer": "https://login.microsoftonline.com/brackenford-tenant-id/v2.0",
        "authorization_endpoint": "https://login.example.org/authorize",
        "token_endpoint": "https://login.example.org/token",
        "userinfo_endpoint": "https://login.example.org/userinfo",
        "jwks_uri": "https://login.example.org/keys",
    }
    monkeypatch.setattr(OpenIDConnectOAuth2Adapter, "openid_config", property(lambda self: config))
    monkeypatch.setattr(OAuth2Client, "get_access_token", lambda self, code, pkce_code_verifier=None: {
        "access_token": "an-access-token", "token_type": "Bearer",
    })
    monkeypatch.setattr(OpenIDConnectOAuth2Adapter, "_fetch_user_info", lambda self, token: dict(claims))
    return claims


def test_the_setting_becomes_allauth_apps():
    [app] = openid_connect_apps(json.dumps([BRACKENFORD]))
    assert app["provider_id"] == "brackenford" and app["name"] == "Brackenford Council staff"
    assert app["settings"] == {"server_url": BRACKENFORD["server_url"], "verified_email": ["brackenford.gov.uk"]}
    assert openid_connect_apps("") == []


@pytest.mark.parametrize("value, complaint", [
    ("{not json", "not valid JSON"),
    ('{"id": "x"}', "a list of objects"),
    (json.dumps([{**RESIDENTS, "client_id": ""}]), "missing client_id"),
    (json.dumps([{**RESIDENTS, "clientid": "typo"}]), "unknown keys: clientid"),
    (json.dumps([RESIDENTS, RESIDENTS]), "unique id"),
    (json.dumps([{**RESIDENTS, "server_url": "http://id.example.org"}]), "https"),
])
def test_a_mistake_in_the_setting_is_explained(value, complaint):
    with pytest.raises(ImproperlyConfigured, match=complaint):
        openid_connect_apps(value)


def test_the_environment_variable_configures_the_providers():
    result = subprocess.run(
        [sys.executable, "-m", "villagehall", "shell", "-c",
         "from django.conf import settings; import json; "
         "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS']))"],
        cwd=ROOT, capture_output=True, text=True,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "VILLAGEHALL_DATA_DIR": str(ROOT / "data"),
             "VILLAGEHALL_OIDC_PROVIDERS": json.dumps([BRACKENFORD])},
    )
    assert result.returncode == 0, result.stderr
    apps = json.loads(result.stdout.strip().splitlines()[-1])
    assert [app["provider_id"] for app in apps] == ["brackenford"]


def test_the_sign_in_page_offers_each_provider(client, db, providers):
    page = client.get("/accounts/login/").content.decode()
    assert "Or sign in with an account you already have" in page
    assert 'href="/accounts/oidc/brackenford/login/?process=login">Brackenford Council staff</a>' in page
    assert 'href="/accounts/oidc/residents/login/?process=login">your Brackenford ID</a>' in page


def test_no_providers_no_offer(client, db):
    assert "Or sign in with" not in client.get("/accounts/login/").content.decode()


def test_the_round_trip_goes_to_the_provider_and_back_to_its_callback(client, db, providers, provider_answers):
    # Without JavaScript the link opens a page with a button: a plain GET never starts a sign-in.
    page = client.get("/accounts/oidc/brackenford/login/?process=login")
    assert page.status_code == 200 and "Continue to Brackenford Council staff" in page.content.decode()
    response = client.post("/accounts/oidc/brackenford/login/?process=login")
    assert response.status_code == 302
    sent = urlparse(response["Location"])
    query = parse_qs(sent.query)
    assert f"{sent.scheme}://{sent.netloc}{sent.path}" == "https://login.example.org/authorize"
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/brackenford/login/callback/"]
    assert query["client_id"] == ["hall-client-id"] and query["response_type"] == ["code"]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}
    assert query["code_challenge_method"] == ["S256"] and query["state"][0]


def sign_in_through(client, provider_id):
    response = client.post(f"/accounts/oidc/{provider_id}/login/?process=login")
    state = parse_qs(urlparse(response["Location"]).query)["state"][0]
    return client.get(f"/accounts/oidc/{provider_id}/login/callback/", {"code": "a-code", "state": state})


def test_an_officer_signing_in_with_the_councils_provider_becomes_an_officer(client, council, providers, provider_answers):
    parks = OrganisationFactory(council=council, slug="parks", kind="council_service")
    administrator = PersonFactory()
    services.council_administrator_grant(person=administrator, council=council)
    services.council_email_domain_add(by=administrator, organisation=parks, domain="brackenford.gov.uk")
    provider_answers.update(sub="entra-object-id-1", email="olu@brackenford.gov.uk", name="Olu Officer")

    response = sign_in_through(client, "brackenford")
    assert response.status_code == 302, response.content.decode()[:2000]
    olu = Person.objects.get(email="olu@brackenford.gov.uk")
    assert client.session["_auth_user_id"] == str(olu.pk)
    assert olu.display_name == "Olu Officer" and not olu.has_usable_password()
    assert Membership.dangerously_unscoped.get(person=olu).organisation == parks
    granted = AuditEntry.dangerously_unscoped.get(action="badge.grant", target_id=str(olu.pk))
    assert granted.after["given by"] == "a verified address at an allowed email domain"


def test_a_residents_provider_address_is_not_taken_as_verified_for_badges(client, council, providers, provider_answers):
    parks = OrganisationFactory(council=council, slug="parks", kind="council_service")
    administrator = PersonFactory()
    services.council_administrator_grant(person=administrator, council=council)
    services.council_email_domain_add(by=administrator, organisation=parks, domain="brackenford.gov.uk")
    # A common provider that does not vouch for the address must not hand out badges.
    provider_answers.update(sub="resident-1", email="eve@brackenford.gov.uk", name="Eve", email_verified=False)

    sign_in_through(client, "residents")
    eve = Person.objects.get(email="eve@brackenford.gov.uk")
    assert not Membership.dangerously_unscoped.filter(person=eve).exists()


@pytest.mark.parametrize("claim, confirmed", [(True, True), (False, False)])
def test_an_address_the_provider_vouches_for_counts_as_confirmed_for_posting(
    client, council, providers, provider_answers, claim, confirmed,
):
    provider_answers.update(sub="resident-2", email="ria@example.org", name="Ria", email_verified=claim)
    sign_in_through(client, "residents")
    ria = Person.objects.get(email="ria@example.org")
    assert EmailAddress.objects.get(user=ria).verified is confirmed
    with council_scope(council):
        assert ria.has_perm("conversation.post_create") is confirmed
        assert ria.has_perm("projects.project_create") is confirmed


def test_the_councils_provider_vouches_for_its_own_domain(client, council, providers, provider_answers):
    # No email_verified claim: the provider is trusted for brackenford.gov.uk by its setting.
    provider_answers.update(sub="entra-object-id-2", email="pat@brackenford.gov.uk", name="Pat Parks")
    sign_in_through(client, "brackenford")
    pat = Person.objects.get(email="pat@brackenford.gov.uk")
    with council_scope(council):
        assert pat.has_perm("conversation.post_create")


def test_an_address_vouched_for_stays_confirmed_through_the_sign_up_form(client, council, providers, provider_answers):
    # No name from the provider: the person is asked for one before the account is made.
    provider_answers.update(sub="resident-3", email="sol@example.org", name="", email_verified=True)
    response = sign_in_through(client, "residents")
    assert response.status_code == 302 and "/signup/" in response["Location"]
    response = client.post(response["Location"], {"email": "sol@example.org", "display_name": "Sol"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    sol = Person.objects.get(email="sol@example.org")
    assert EmailAddress.objects.get(user=sol).verified
    with council_scope(council):
        assert sol.has_perm("conversation.post_create")
