"""Guest comments on the pages: the “Fill in your details” form, what it keeps and says on
bad input, CSRF on cached pages, rate limits, the emailed link's page, the guest marker,
and the council administrator's switch."""

import re

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import Client

from tests.factories import (
    CommentFactory, CouncilAdministratorFactory, OrganisationFactory, PersonFactory, PostFactory,
)
from tests.guests.conftest import confirm_path
from villagehall.conversation.models import Comment, Post, State
from villagehall.core.models import AuditEntry
from villagehall.guests.models import GuestComment
from villagehall.places.models import Council

DETAILS = {"name": "Sam Guest", "email": "sam@example.org", "body": "Lovely idea.", "parent": ""}


@pytest.fixture(autouse=True)
def on_commit_at_once(monkeypatch):
    """Each test runs in a transaction that never commits: send the email when the service asks."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


def form_url(post):
    return f"/testborough/guests/posts/{post.pk}/comments/"


def csrf_client():
    return Client(enforce_csrf_checks=True)


def token_in(page) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert found, "no CSRF token in the page"
    return found.group(1)


def send(client, post, **changes):
    """Open the post as a visitor would, then send the guest form with its CSRF token."""
    page = client.get(post.get_absolute_url())
    return client.post(form_url(post), {**DETAILS, **changes, "csrfmiddlewaretoken": token_in(page)})


def test_signed_out_visitors_see_the_form_where_the_council_takes_guest_comments(client, post):
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Fill in your details" in page and 'name="email"' in page
    assert "Sign in</a> or" in page


def test_no_form_where_the_council_does_not(client, scoped, neighbourhood):
    post = PostFactory(neighbourhood=neighbourhood, council=scoped)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Fill in your details" not in page and "to reply." in page


def test_no_form_on_closed_posts_or_for_people_signed_in(client, post):
    client.force_login(PersonFactory())
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Fill in your details" not in page and "Post reply" in page
    client.logout()
    post.comments_closed = True
    post.save()
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Fill in your details" not in page and "Comments are closed." in page


def test_sending_the_form_emails_the_link_and_says_so(post, outbox):
    client = csrf_client()
    response = send(client, post)
    assert response.status_code == 302 and response["Location"].endswith(f"/posts/{post.pk}/#reply-form")
    page = client.get(response["Location"]).content.decode()
    assert "We have emailed a link to sam@example.org" in page
    assert GuestComment.objects.filter(email="sam@example.org", confirmed_at__isnull=True).count() == 1
    assert [m.to for m in outbox] == [["sam@example.org"]]
    assert not Comment.objects.exists()


def test_the_form_refuses_a_post_without_its_csrf_token(post, outbox):
    response = csrf_client().post(form_url(post), DETAILS)
    assert response.status_code == 403
    assert not GuestComment.objects.exists() and outbox == []


def test_a_cached_page_gives_each_visitor_their_own_working_token(post, outbox):
    first, second = csrf_client(), csrf_client()
    miss = first.get(post.get_absolute_url())
    hit = second.get(post.get_absolute_url())
    assert miss["X-Village-Hall-Cache"] == "miss" and hit["X-Village-Hall-Cache"] == "hit"
    assert "csrftoken" in hit.cookies
    assert token_in(hit) != token_in(miss)
    # Everything but the token is the same page.
    assert re.sub(r'value="[^"]{64}"', "", hit.content.decode()) == re.sub(r'value="[^"]{64}"', "", miss.content.decode())
    response = second.post(form_url(post), {**DETAILS, "csrfmiddlewaretoken": token_in(hit)})
    assert response.status_code == 302 and len(outbox) == 1


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(post, outbox):
    client = csrf_client()
    response = send(client, post, name="Sam <b>Guest</b>", email="not-an-address", body="My **words**.")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give an email address we can send the link to" in page
    assert 'value="Sam &lt;b&gt;Guest&lt;/b&gt;"' in page and "My **words**.</textarea>" in page
    assert 'value="not-an-address"' in page
    assert not GuestComment.objects.exists() and outbox == []

    response = send(client, post, body="https://a.example https://b.example https://c.example")
    assert response.status_code == 400 and "at most 2 links" in response.content.decode()


def test_with_htmx_the_form_is_replaced_in_place(post, outbox):
    client = csrf_client()
    token = token_in(client.get(post.get_absolute_url()))
    refused = client.post(form_url(post), {**DETAILS, "email": "", "csrfmiddlewaretoken": token}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    assert 'id="reply-form"' in refused.content.decode() and 'value="Sam Guest"' in refused.content.decode()
    sent = client.post(form_url(post), {**DETAILS, "csrfmiddlewaretoken": token}, HTTP_HX_REQUEST="true")
    assert sent.status_code == 200 and "Check your email" in sent.content.decode()
    assert len(outbox) == 1


def test_a_reply_to_a_comment_through_the_form(post, outbox):
    answer = CommentFactory(post=post, council=post.council, body="Bring a flask.")
    page = Client().get(f"{post.get_absolute_url()}?reply_to={answer.pk}").content.decode()
    assert f"Reply to {answer.author.display_name}" in page and f'name="parent" value="{answer.pk}"' in page
    response = send(csrf_client(), post, parent=str(answer.pk))
    assert response.status_code == 302
    assert GuestComment.objects.get().parent == answer
    response = send(csrf_client(), post, parent="999999")
    assert response.status_code == 404


def test_members_only_posts_are_not_found_for_guests(client, scoped, welcoming, neighbourhood, outbox):
    group = OrganisationFactory(council=welcoming, members_only=True)
    post = PostFactory(neighbourhood=neighbourhood, council=welcoming, organisation=group)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.post(form_url(post), DETAILS).status_code == 404
    assert not GuestComment.objects.exists()


def test_the_service_refuses_when_the_page_is_out_of_date(post, outbox):
    client = csrf_client()
    token = token_in(client.get(post.get_absolute_url()))
    Council.objects.filter(pk=post.council_id).update(guest_comments=False)
    response = client.post(form_url(post), {**DETAILS, "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert "only from people who are signed in" in response.content.decode()
    assert not GuestComment.objects.exists()


def test_rate_limits_per_address_and_per_network_address(post, outbox, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "guest_comment_email": (2, 3600), "guest_comment_ip": (4, 3600)}
    settings.TRUST_GUEST_COMMENTS_WAITING_PER_EMAIL = 10
    client = csrf_client()
    assert send(client, post).status_code == 302
    assert send(client, post).status_code == 302
    refused = send(client, post, body="Third time.")
    assert refused.status_code == 400
    assert "Several comments have been sent from this email address" in refused.content.decode()
    assert "Third time.</textarea>" in refused.content.decode()
    assert send(client, post, email="other@example.org").status_code == 302
    refused = send(client, post, email="third@example.org")
    assert "A lot of comments have come from here" in refused.content.decode()
    assert len(outbox) == 3


def publish_link(client, post, outbox):
    assert send(client, post).status_code == 302
    return confirm_path(outbox[-1])


def test_the_link_shows_the_comment_and_publishes_it_with_a_button(post, outbox):
    client = csrf_client()
    link = publish_link(client, post, outbox)
    page = client.get(link)
    assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
    text = page.content.decode()
    assert "Lovely idea." in text and "Sam Guest" in text and "Publish my comment" in text
    assert not Comment.objects.exists(), "opening the link (as a mail scanner would) publishes nothing"

    response = client.post(link, {"csrfmiddlewaretoken": token_in(page)})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "Your comment is up." in page and "Lovely idea." in page
    assert Post.objects.get(pk=post.pk).comment_count == 1

    again = client.get(link)
    assert again.status_code == 200 and "This link has been used" in again.content.decode()
    assert client.post(link, {"csrfmiddlewaretoken": token_in(page_with_token(client, post))}).status_code == 200
    assert Comment.objects.count() == 1


def page_with_token(client, post):
    return client.get(post.get_absolute_url())


def test_a_held_comment_says_it_waits(post, outbox):
    client = Client()
    client.get(post.get_absolute_url())
    client.post(form_url(post), {**DETAILS, "body": "See https://pond.example"})
    response = client.post(confirm_path(outbox[-1]))
    assert response.status_code == 302
    assert "waiting for a moderator" in client.get(response["Location"]).content.decode()
    assert Comment.objects.get().state == State.HELD


def test_expired_and_broken_links_say_so(post, outbox):
    client = Client()
    link = publish_link(client, post, outbox)
    response = client.get(link[:-3] + "xx/")
    assert response.status_code == 410 and "not one we sent" in response.content.decode()
    GuestComment.objects.update(expires_at="2000-01-01T00:00:00Z")
    response = client.get(link)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert client.post(link).status_code == 410
    assert not Comment.objects.exists()


def test_a_refused_confirmation_says_why(post, outbox):
    client = Client()
    link = publish_link(client, post, outbox)
    Post.objects.filter(pk=post.pk).update(comments_closed=True)
    response = client.post(link)
    assert response.status_code == 403 and "Comments are closed" in response.content.decode()


def test_a_guest_is_marked_has_no_page_and_their_address_never_shows(post, outbox):
    client = Client()
    assert send(client, post, name='<script>alert("x")</script>').status_code == 302
    client.post(confirm_path(outbox[-1]))
    comment = Comment.objects.get()
    page = Client().get(post.get_absolute_url()).content.decode()
    byline = re.search(rf'id="comment-{comment.pk}".*?<span class="byline">(.*?)</span>\s*</p>', page, re.S).group(1)
    assert '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' in byline and "<script>alert" not in page
    assert '<span class="guest-marker">guest</span>' in byline
    assert "/people/" not in byline
    assert "sam@example.org" not in page
    assert Client().get(f"/testborough/people/{comment.author.username}/").status_code == 404


def test_the_administrators_page_switches_guest_comments(client, scoped):
    administrator = CouncilAdministratorFactory(council=scoped).person
    url = "/testborough/guests/setting/"
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(PersonFactory())
    assert client.get(url).status_code == 403
    client.force_login(administrator)
    page = client.get(url)
    assert page.status_code == 200 and "Comments from guests" in page.content.decode()
    response = client.post(url, {"allowed": "guests", "reason": "Trying it out."})
    assert response.status_code == 302
    assert Council.objects.get(pk=scoped.pk).guest_comments
    assert AuditEntry.objects.get(action="council.guest_comments").reason == "Trying it out."
    assert client.post(url, {"allowed": "maybe"}).status_code == 400
    queue = client.get("/testborough/moderation/").content.decode()
    assert 'href="/testborough/guests/setting/"' in queue


def test_the_admin_switch_is_in_the_audit_log_and_refreshes_pages(client, scoped):
    site_admin = PersonFactory(is_staff=True, is_superuser=True)
    client.force_login(site_admin)
    before = Council.objects.get(pk=scoped.pk).content_version
    url = f"/admin/places/council/{scoped.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200 and "guest_comments" in form.content.decode()
    response = client.post(url, {
        "slug": scoped.slug, "name": scoped.name, "time_zone": scoped.time_zone, "welcome": "", "guest_comments": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    council = Council.objects.get(pk=scoped.pk)
    assert council.guest_comments and council.content_version > before
    assert AuditEntry.objects.get(action="council.guest_comments").actor == site_admin
    assert admin_site.is_registered(Council)


def test_the_form_costs_the_post_page_no_query(client, post):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(post.get_absolute_url()).status_code == 200
        return len(captured)

    with_form = queries()
    Council.objects.filter(pk=post.council_id).update(guest_comments=False)
    assert queries() == with_form
