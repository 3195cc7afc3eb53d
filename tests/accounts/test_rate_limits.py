"""Sign-in rate limits, counted in the configured cache: a guessed password is paused after
five failures for the account, and a flood from one address gets a calm 429 page."""

import pytest

from tests.factories import PersonFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def rita(db):
    return PersonFactory(email="rita@example.org")


def test_five_wrong_passwords_pause_the_account_even_for_the_right_one(client, rita):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": "rita@example.org", "password": "guess"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"login": "RITA@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "too many attempts to sign in to this account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_flood_of_sign_ins_from_one_address_gets_a_calm_page(client, settings, rita):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for _ in range(3):
        client.post("/accounts/login/", {"login": "someone@example.org", "password": "guess"})
    response = client.post("/accounts/login/", {"login": "rita@example.org", "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please wait a moment" in page and '<link rel="stylesheet"' in page


def test_the_limits_live_in_the_shared_cache(client, rita):
    from django.core.cache import cache

    client.post("/accounts/login/", {"login": "rita@example.org", "password": "guess"})
    cache.clear()  # what a restart of the cache server, or another process without it, would see
    for _ in range(4):
        client.post("/accounts/login/", {"login": "rita@example.org", "password": "guess"})
    response = client.post("/accounts/login/", {"login": "rita@example.org", "password": PASSWORD})
    assert response.status_code == 302
