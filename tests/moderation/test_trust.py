"""Trust levels and rate limits: a new account can do a little less, its first post with a
link waits for a moderator, everyone's posting, reacting and reporting is rate-limited, and
a profile that only advertises is not shown."""

import shutil
import socket
import subprocess
import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import CommentFactory, MembershipFactory, OrganisationFactory, PersonFactory, PostFactory
from villagehall.conversation import services as conversation
from villagehall.conversation.models import Post, State
from villagehall.moderation import trust
from villagehall.moderation.models import NewAccount
from villagehall.moderation.rate_limits import RateLimited, rate_limit_take
from villagehall.people.models import Person

PASSWORD = "a long and memorable passphrase"


@pytest.fixture
def newcomer(db):
    person = PersonFactory(display_name="Nick Newcomer")
    NewAccount.objects.create(person=person)
    return person


def write(person, neighbourhood, body="Hello neighbours", title="Hello"):
    return conversation.post_create(author=person, kind="update", title=title, body=body, neighbourhood=neighbourhood)


def test_signing_up_makes_a_new_account_but_an_administrator_made_one_is_not(client, db):
    response = client.post("/accounts/signup/", {
        "email": "sam@example.org", "display_name": "Sam", "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 302
    sam = Person.objects.get(email="sam@example.org")
    assert trust.person_is_new(person=sam)
    assert not trust.person_is_new(person=PersonFactory())


def test_a_new_accounts_first_post_with_a_link_waits_for_a_moderator(client, scoped, neighbourhood, newcomer):
    client.force_login(newcomer)
    response = client.post("/testborough/posts/new/", {
        "kind": "offer", "title": "Garden tools", "body": "See https://tools.example.org", "neighbourhood": neighbourhood.pk,
    })
    held = Post.objects.get()
    assert held.state == State.HELD and response.status_code == 302
    shown = client.get(response["Location"]).content.decode()
    assert "waiting for a moderator" in shown and "Replies open once a moderator has published the post." in shown
    assert 'name="kind" value="like"' not in shown
    assert "Garden tools" not in client.get("/testborough/northfield/", headers={"Cookie": ""}).content.decode()
    assert write(newcomer, neighbourhood, body="No links this time").state == State.PUBLISHED
    assert write(newcomer, neighbourhood, body="Now with www.example.org").state == State.PUBLISHED


def test_a_new_account_has_fewer_links_posts_and_replies(settings, scoped, neighbourhood, newcomer):
    with pytest.raises(trust.LimitReached, match="at most 2 links"):
        write(newcomer, neighbourhood, body="https://a.example https://b.example [c](https://c.example)")
    for _ in range(settings.TRUST_NEW_ACCOUNT_POSTS_PER_DAY):
        post = write(newcomer, neighbourhood)
    with pytest.raises(trust.LimitReached, match="3 posts a day"):
        write(newcomer, neighbourhood)
    for _ in range(settings.TRUST_NEW_ACCOUNT_REPLIES_PER_DAY):
        conversation.comment_create(author=newcomer, post=post, body="And another thing")
    with pytest.raises(trust.LimitReached, match="10 replies a day"):
        conversation.comment_create(author=newcomer, post=post, body="One more")


def test_the_limits_lift_with_time_and_good_faith_or_a_membership(settings, scoped, council, neighbourhood, newcomer):
    NewAccount.objects.filter(person=newcomer).update(joined_at=timezone.now() - timedelta(days=settings.TRUST_NEW_ACCOUNT_DAYS))
    assert trust.person_is_new(person=newcomer)  # old enough, but nothing published yet
    for _ in range(settings.TRUST_NEW_ACCOUNT_POSTS_TO_LEAVE):
        PostFactory(author=newcomer, neighbourhood=neighbourhood, council=council)
    assert not trust.person_is_new(person=newcomer)
    vouched = PersonFactory()
    NewAccount.objects.create(person=vouched)
    MembershipFactory(organisation=OrganisationFactory(council=council), person=vouched)
    assert not trust.person_is_new(person=vouched)


def test_a_post_with_too_many_links_keeps_what_was_typed(client, scoped, neighbourhood, newcomer):
    client.force_login(newcomer)
    body = "https://a.example https://b.example https://c.example"
    response = client.post("/testborough/posts/new/", {
        "kind": "update", "title": "Links galore", "body": body, "neighbourhood": neighbourhood.pk,
    })
    text = response.content.decode()
    assert response.status_code == 400 and "at most 2 links" in text and "Links galore" in text and body in text
    assert not Post.objects.exists()


def test_posting_reacting_and_reporting_are_rate_limited_on_the_pages(client, settings, scoped, neighbourhood):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": (2, 60), "reaction": (2, 60), "report": (1, 60)}
    person = PersonFactory()
    client.force_login(person)
    form = {"kind": "update", "title": "Third time", "body": "Hello", "neighbourhood": neighbourhood.pk}
    assert [client.post("/testborough/posts/new/", form).status_code for _ in range(3)] == [302, 302, 400]
    response = client.post("/testborough/posts/new/", form)
    assert "a lot of posts in a short time" in response.content.decode() and 'value="Third time"' in response.content.decode()
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    url = f"/testborough/posts/{post.pk}/reactions/"
    for _ in range(2):
        client.post(url, {"kind": "like"})
    assert client.post(url, {"kind": "like"}, headers={"HX-Request": "true"}).status_code == 429
    post.refresh_from_db()
    assert post.like_count == 0  # liked, then taken back; the third was refused
    report = f"/testborough/moderation/report/?post={post.pk}"
    assert client.post(report, {"reason": "spam"}).status_code == 302
    other = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    response = client.post(f"/testborough/moderation/report/?post={other.pk}", {"reason": "spam"})
    assert response.status_code == 400 and "a lot of reports" in response.content.decode()


def test_a_profile_with_a_link_and_nothing_published_is_not_shown(client, scoped, neighbourhood, council):
    spammer = PersonFactory(bio="Cheap watches at watches-4-u.example.com")
    url = f"/testborough/people/{spammer.username}/"
    assert client.get(url).status_code == 404
    client.force_login(PersonFactory())
    assert client.get(url).status_code == 404
    client.force_login(spammer)
    assert client.get(url).status_code == 200
    client.logout()
    CommentFactory(author=spammer, post=PostFactory(neighbourhood=neighbourhood, council=council))
    assert client.get(url).status_code == 200
    assert client.get(f"/testborough/people/{PersonFactory(bio='I grow leeks').username}/").status_code == 200


@pytest.mark.parametrize("text, links", [
    ("no links here", 0),
    ("see https://example.org and http://example.com/page", 2),
    ("[a link](https://example.org) and www.example.org", 2),
    ("javascript:alert(1) is not a link", 0),
])
def test_links_are_counted(text, links):
    assert trust.links_in(text) == links


# The cache is Redis when configured; prove the counting is shared and atomic there too.


@pytest.fixture
def redis_cache(settings, tmp_path):
    binary = shutil.which("redis-server") or shutil.which("valkey-server")
    if binary is None:
        pytest.skip("no redis-server or valkey-server to test against")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": f"redis://127.0.0.1:{port}/0"}}
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_rate_limits_hold_across_threads_in_redis(redis_cache, settings, db):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": (20, 60)}
    person = PersonFactory()
    allowed, refused = [], []

    def attempt():
        try:
            rate_limit_take(person=person, action="report")
            allowed.append(1)
        except RateLimited:
            refused.append(1)

    threads = [threading.Thread(target=attempt) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 20 a minute, unless the test straddled a minute's end, when the next window starts afresh.
    assert len(allowed) in (20, 40) and len(allowed) + len(refused) == 50
    assert isinstance(RateLimited("x"), PermissionDenied)
