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


def redis_reachable(url="redis://127.0.0.1:6379/15") -> bool:
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_every_server_process_shares_the_count(client, settings, rita):
    import uuid

    import redis

    prefix = f"villagehall-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": prefix,
    }}
    server = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        for _ in range(5):
            client.post("/accounts/login/", {"login": "rita@example.org", "password": "guess"})
        assert server.keys(f"{prefix}:*"), "the failures are counted in Redis, where every process sees them"
        # Another process (another client, same Redis) is paused too.
        other = client.__class__()
        response = other.post("/accounts/login/", {"login": "rita@example.org", "password": PASSWORD})
        assert "too many attempts to sign in to this account" in response.content.decode()
    finally:
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)
