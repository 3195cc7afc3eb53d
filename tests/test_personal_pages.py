"""Pages kept once for every signed-in reader, with each reader's own parts filled in:
a kept page is the page that reader would have been rendered, and it changes as soon as
anything it shows changes, theirs or everyone's."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from villagehall.conversation import services
from villagehall.core.personal import CSRF_PLACEHOLDER
from villagehall.notifications.models import Notification
from villagehall.people.models import CouncilRole
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, PostFactory

FEED = "/testborough/northfield/"
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]{64}')


def page(client, url=FEED) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert "<!--vh" not in html and CSRF_PLACEHOLDER not in html
    return html


def same_but_tokens(html: str) -> str:
    # Every response masks the CSRF token afresh; everything else must match.
    return TOKEN.sub(r"\1…", html)


@pytest.fixture
def post(scoped, neighbourhood):
    return PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, title="Library hours")


@pytest.fixture
def reader(client, db):
    person = PersonFactory(display_name="Rhoda Reader")
    client.force_login(person)
    return person


@pytest.fixture
def gardeners(council, neighbourhood):
    return OrganisationFactory(council=council, slug="gardeners", name="Northfield Gardeners", neighbourhood=neighbourhood)


@pytest.mark.parametrize(
    "url", [FEED, "/testborough/", "/testborough/northfield/?kind=question", "/testborough/org/gardeners/"]
)
def test_a_kept_page_is_what_the_reader_would_have_been_rendered(client, post, gardeners, url):
    first, second = PersonFactory(display_name="First Reader"), PersonFactory(display_name="Second Reader")
    services.follow_toggle(person=second, target=post.neighbourhood)
    client.force_login(first)
    assert "First Reader" in page(client, url)
    client.force_login(second)
    kept = page(client, url)
    cache.clear()
    fresh = page(client, url)
    assert same_but_tokens(kept) == same_but_tokens(fresh)
    assert "Second Reader" in kept and "First Reader" not in kept


def test_a_post_page_served_from_kept_comments_is_what_the_reader_would_have_been_rendered(client, post):
    author, other = PersonFactory(display_name="Author Ann"), PersonFactory(display_name="Other Olly")
    mine = services.comment_create(author=author, post=post, body="My own reply")
    services.comment_create(author=other, post=post, body="Another reply")
    services.reaction_toggle(person=other, post=post, comment=mine, kind="thanks")
    client.force_login(author)
    page(client, post.get_absolute_url())
    client.force_login(other)
    kept = page(client, post.get_absolute_url())
    cache.clear()
    assert same_but_tokens(kept) == same_but_tokens(page(client, post.get_absolute_url()))


def test_the_feed_changes_when_the_reader_follows(client, reader, post):
    assert 'aria-pressed="false">Follow<' in page(client)
    client.post("/testborough/follow/", {"type": "neighbourhood", "id": post.neighbourhood.pk})
    assert 'aria-pressed="true">Following<' in page(client)


def test_the_feed_shows_a_new_post_to_a_signed_in_reader(client, reader, post):
    assert "Spare compost" not in page(client)
    services.post_create(author=PersonFactory(), kind="offer", title="Spare compost", body="Free.",
                         neighbourhood=post.neighbourhood)
    assert "Spare compost" in page(client)


def test_a_reaction_shows_pressed_to_the_reader_and_counted_to_everyone(client, reader, post):
    neighbour = PersonFactory()
    assert 'value="like" class="react" aria-pressed="false"' in page(client, post.get_absolute_url())
    client.post(f"/testborough/posts/{post.pk}/reactions/", {"kind": "like"})
    html = page(client, post.get_absolute_url())
    assert 'value="like" class="react" aria-pressed="true"' in html and "1 person likes this" in html
    client.force_login(neighbour)
    html = page(client, post.get_absolute_url())
    assert 'value="like" class="react" aria-pressed="false"' in html and "1 person likes this" in html


def test_reacting_to_a_comment_presses_only_that_comment(client, reader, post):
    first = services.comment_create(author=PersonFactory(), post=post, body="First")
    second = services.comment_create(author=PersonFactory(), post=post, body="Second")
    page(client, post.get_absolute_url())
    client.post(f"/testborough/posts/{post.pk}/reactions/", {"kind": "thanks", "comment": second.pk})
    html = page(client, post.get_absolute_url())
    pressed = re.findall(r'name="comment" value="(\d+)">\s*<button[^>]*value="like"[^>]*>Like</button>\s*'
                         r'<button[^>]*value="thanks" class="react" aria-pressed="(\w+)"', html)
    assert dict(pressed) == {str(first.pk): "false", str(second.pk): "true"}


def test_signing_out_leaves_no_signed_in_page_behind(client, reader, post):
    assert "Rhoda Reader" in page(client)
    client.post("/accounts/logout/")
    html = page(client)
    assert "Rhoda Reader" not in html and "Sign in" in html


def test_a_new_notification_shows_in_the_header_at_once(client, reader, post, council):
    assert "Notifications</a>" in page(client)
    Notification.objects.create(council=council, person=reader, text="Someone replied.")
    assert "Notifications (1 new)</a>" in page(client)


def test_a_new_moderator_sees_the_moderation_link_at_once(client, reader, post, council):
    assert "Moderation</a>" not in page(client)
    CouncilRole.objects.create(council=council, person=reader, role=CouncilRole.Role.MODERATOR)
    assert "Moderation</a>" in page(client)


def test_the_note_about_confirming_an_email_address_goes_once_it_is_confirmed(client, post):
    person = PersonFactory(email_verified=False)
    client.force_login(person)
    assert f"We sent a link to {person.email}" in page(client)
    EmailAddress.objects.filter(user=person).update(verified=True)
    assert "We sent a link to" not in page(client)


def test_joining_a_members_only_space_shows_its_posts_in_the_feed(client, reader, post, council, neighbourhood):
    space = OrganisationFactory(council=council, slug="allotment", name="Allotment Society", members_only=True)
    PostFactory(council=council, neighbourhood=neighbourhood, organisation=space, title="Members' plot news")
    assert "Members' plot news" not in page(client)
    MembershipFactory(organisation=space, person=reader)
    assert "Members&#x27; plot news" in page(client)


def test_only_an_organisations_admin_is_offered_who_can_see_its_space(client, reader, gardeners):
    admin = MembershipFactory(organisation=gardeners, role="admin").person
    assert "Change who can see this space" not in page(client, "/testborough/org/gardeners/")
    client.force_login(admin)
    assert "Change who can see this space" in page(client, "/testborough/org/gardeners/")


def test_a_members_only_space_opens_to_a_new_member_at_once(client, reader, council):
    OrganisationFactory(council=council, slug="allotment", name="Allotment Society", members_only=True)
    assert "conversations are for its members only" in page(client, "/testborough/org/allotment/")
    CouncilRole.objects.create(council=council, person=reader, role=CouncilRole.Role.MODERATOR)
    assert "Only members can see the posts on this page" in page(client, "/testborough/org/allotment/")


def test_only_the_author_sees_their_reply_waiting_for_a_moderator(client, reader, post):
    from villagehall.conversation.models import Comment, State

    held = services.comment_create(author=reader, post=post, body="Waiting for a moderator")
    Comment.objects.filter(pk=held.pk).update(state=State.HELD)
    assert "Waiting for a moderator to read it" in page(client, post.get_absolute_url())
    client.force_login(PersonFactory())
    assert "Waiting for a moderator" not in page(client, post.get_absolute_url())


def test_what_people_write_cannot_ask_for_a_readers_own_parts(client, reader, scoped, neighbourhood):
    post = services.post_create(author=PersonFactory(), kind="update", title="<!--vh=email-->",
                                body="<!--vh=email--> and <!--vh?moderating-->x<!--vh/-->", neighbourhood=neighbourhood)
    html = page(client, post.get_absolute_url())
    assert reader.email not in html


def test_the_signed_in_feed_reads_the_session_with_the_person_the_council_and_summary_then_nothing_more(
    client, reader, post, django_assert_num_queries
):
    with django_assert_num_queries(7):
        # The council, the session with its person, the reader's summary; the neighbourhood's
        # conversation version (the page might be kept under it); the neighbourhood, its posts
        # with their related rows (never counted); the follow button's state.
        page(client)
    with django_assert_num_queries(3):
        # The council, the session with its person, and the summary with the follow button's state.
        page(client)
    with django_assert_num_queries(2):
        # The council, and the session with its person and their version: the summary and the
        # follow button's state were kept under that version by the page before.
        page(client)


def test_a_kept_post_page_is_what_each_reader_would_have_been_rendered(client, post, council):
    """Author, moderator, officer and resident: each gets their own report, close, link,
    speaking-as and respond parts, whether the page was drawn for them or kept from another."""
    services.comment_create(author=PersonFactory(), post=post, body="A reply")
    moderator = PersonFactory(display_name="Moderator Mo")
    CouncilRole.objects.create(council=council, person=moderator, role=CouncilRole.Role.MODERATOR)
    parks = OrganisationFactory(council=council, slug="parks", name="Parks", kind="council_service")
    officer = MembershipFactory(organisation=parks, person=PersonFactory(display_name="Officer Oz")).person
    resident, second_resident = PersonFactory(display_name="Resident Rae"), PersonFactory(display_name="Resident Ros")
    url = post.get_absolute_url()
    for first, then in [(resident, post.author), (post.author, resident), (resident, moderator),
                        (resident, officer), (officer, second_resident)]:
        cache.clear()
        client.force_login(first)
        page(client, url)
        client.force_login(then)
        kept = page(client, url)
        cache.clear()
        assert same_but_tokens(kept) == same_but_tokens(page(client, url)), (first, then)

    def parts(person):
        client.force_login(person)
        html = page(client, url)
        return {
            "report": "Report<span class=\"visually-hidden\"> this post" in html,
            "close": "Close comments</button>" in html,
            "link": "Link a related post" in html,
            "speak as Parks": "Parks (shown with its badge)" in html,
            "respond": "Give an official response" in html,
        }

    assert parts(resident) == {"report": True, "close": False, "link": False, "speak as Parks": False, "respond": False}
    assert parts(post.author) == {"report": False, "close": True, "link": True, "speak as Parks": False, "respond": False}
    assert parts(moderator) == {"report": True, "close": True, "link": True, "speak as Parks": False, "respond": False}
    assert parts(officer) == {"report": True, "close": False, "link": False, "speak as Parks": True, "respond": True}


def test_a_post_waiting_for_a_moderator_is_never_kept_for_other_readers(client, scoped, neighbourhood):
    author = PersonFactory()
    held = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, author=author,
                       title="Waiting post", state="held")
    client.force_login(author)
    assert "Waiting post" in page(client, held.get_absolute_url())
    client.force_login(PersonFactory())
    assert client.get(held.get_absolute_url()).status_code == 404


def test_a_reader_with_a_reply_waiting_gets_a_post_page_of_their_own(client, reader, post):
    from villagehall.conversation.models import Comment, State

    client.force_login(PersonFactory())
    page(client, post.get_absolute_url())  # kept for signed-in readers
    held = services.comment_create(author=reader, post=post, body="My reply, waiting")
    Comment.objects.filter(pk=held.pk).update(state=State.HELD)
    client.force_login(reader)
    assert "My reply, waiting" in page(client, post.get_absolute_url())


def test_a_kept_post_page_reads_the_session_person_council_summary_and_the_post_for_its_rules(
    client, reader, post, django_assert_num_queries
):
    page(client, post.get_absolute_url())
    with django_assert_num_queries(4):
        # The council, the session with its person, the summary with the follow and reaction
        # states, and the post the close-comments and see-also rules are asked about.
        page(client, post.get_absolute_url())


def test_counting_a_readers_waiting_replies_reads_only_replies_not_published(reader, council):
    """Counted on every page a signed-in reader opens: it must not walk every reply they wrote."""
    from django.db import connection

    from villagehall.core.personal import _personal_reads

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL chooses by its statistics")
    sql, params = _personal_reads(person_id=reader.pk, council_id=council.pk)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "comment_not_published" in plan and "author_id" not in plan


def test_each_page_masks_the_readers_csrf_token_afresh_and_the_token_is_accepted(reader, post):
    """The token is masked by core.personal, not Django's get_token: it must still be the
    cookie's secret as Django unmasks it, differ on every page, and let a form through."""
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    first, second = client.get(FEED), client.get(FEED)
    tokens = [TOKEN.search(response.content.decode()).group(0)[-64:] for response in (first, second)]
    secret = client.cookies["csrftoken"].value
    assert tokens[0] != tokens[1]
    assert all(_unmask_cipher_token(token) == secret for token in tokens)
    altered = tokens[0][:-1] + ("a" if tokens[0][-1] != "a" else "b")
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": altered}).status_code == 403
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[0]}).status_code == 302


def version(person) -> int:
    from villagehall.core.models import PersonalVersion

    return PersonalVersion.objects.filter(person_id=person.pk).values_list("version", flat=True).first() or 0


def test_every_write_a_readers_own_parts_show_moves_their_version(reader, post, council, gardeners):
    """The triggers (core.personal_versions) move the version for every write the summary,
    follows and reactions read, however it is made; writes they do not read leave it."""
    from villagehall.conversation.models import Comment, Follow, Reaction, State

    other = PersonFactory()
    space = OrganisationFactory(council=council, slug="allotment", name="Allotment Society")
    MembershipFactory(organisation=space, person=other)
    writes = {
        "a notification": lambda: Notification.objects.create(council=council, person=reader, text="Hello"),
        "notifications read": lambda: Notification.objects.filter(person=reader).update(read_at=post.created_at),
        "a notification deleted": lambda: Notification.objects.filter(person=reader).delete(),
        "a role": lambda: CouncilRole.objects.create(council=council, person=reader, role=CouncilRole.Role.MODERATOR),
        "a role taken away": lambda: CouncilRole.objects.filter(person=reader).delete(),
        "an address no longer confirmed": lambda: EmailAddress.objects.filter(user=reader).update(verified=False),
        "an address confirmed": lambda: EmailAddress.objects.filter(user=reader).update(verified=True),
        "a membership": lambda: MembershipFactory(organisation=space, person=reader),
        "a space made members-only": lambda: type(space).objects.filter(pk=space.pk).update(members_only=True),
        "a membership ended": lambda: space.memberships.filter(person=reader).delete(),
        "a follow": lambda: Follow.objects.create(council=council, follower=reader, neighbourhood=post.neighbourhood),
        "a follow ended": lambda: Follow.objects.filter(follower=reader).delete(),
        "a reaction": lambda: Reaction.objects.create(council=council, person=reader, post=post, kind="like", created_at=post.created_at),
        "a reaction taken back": lambda: Reaction.objects.filter(person=reader).delete(),
        "a reply held": lambda: Comment.objects.filter(pk=services.comment_create(
            author=reader, post=post, body="Mine").pk).update(state=State.HELD),
        "a held reply deleted": lambda: Comment.objects.filter(author=reader, state=State.HELD).delete(),
    }
    for what, write in writes.items():
        before = version(reader)
        write()
        assert version(reader) > before, what
    unread_elsewhere = version(reader)
    Notification.objects.create(council=council, person=other, text="Not for the reader")
    services.comment_create(author=reader, post=post, body="Published at once")
    type(space).objects.filter(pk=space.pk).update(name="Allotment Friends")
    assert version(reader) == unread_elsewhere


def test_kept_reads_change_with_what_they_show(client, reader, post, council, neighbourhood):
    """Each change shows on the very next page, though the page and the reader's own parts are kept."""
    from villagehall.conversation.models import Reaction
    from villagehall.notifications.services import notification_send

    assert "Notifications</a>" in page(client)
    assert "Notifications</a>" in page(client)  # from what was kept
    notification_send(person=reader, text="Someone replied.", council=council)
    assert "Notifications (1 new)</a>" in page(client)
    assert client.post("/testborough/notifications/read/").status_code == 302
    assert "Notifications</a>" in page(client)

    # Followed from another browser: the button shows it on the next page here.
    assert ">Following</button>" not in page(client)
    services.follow_toggle(person=reader, target=neighbourhood)
    assert ">Following</button>" in page(client)

    # A superuser's moderating comes from the person as read with the session, never kept.
    type(reader).objects.filter(pk=reader.pk).update(is_superuser=True)
    assert "Moderation</a>" in page(client)
    Reaction.objects.create(council=council, person=reader, post=post, kind="like", created_at=post.created_at)
    assert "Moderation</a>" in page(client)


def test_a_reply_held_after_the_post_page_was_kept_shows_to_its_author(client, reader, post):
    from villagehall.conversation.models import Comment, State

    page(client, post.get_absolute_url())
    page(client, post.get_absolute_url())  # from what was kept
    held = services.comment_create(author=reader, post=post, body="My reply, held later")
    Comment.objects.filter(pk=held.pk).update(state=State.HELD)
    assert "Waiting for a moderator to read it" in page(client, post.get_absolute_url())


def test_with_sessions_in_the_shared_cache_the_person_brings_their_version_too(
    client, settings, post, council, django_assert_num_queries
):
    """With REDIS_URL, sessions come from the cache and the person from their own statement,
    which brings their version, so what is kept of their parts is used there as well."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    reader = PersonFactory(display_name="Rhoda Reader")
    client.force_login(reader)
    page(client)
    page(client)
    with django_assert_num_queries(2):
        # The council, and the person with their version.
        assert "Rhoda Reader" in page(client)
    Notification.objects.create(council=council, person=reader, text="Someone replied.")
    assert "Notifications (1 new)</a>" in page(client)
