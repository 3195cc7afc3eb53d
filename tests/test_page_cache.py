"""Anonymous visitors get cached pages, and never a page older than the last change."""

import pytest

from villagehall.conversation import services
from tests.factories import PersonFactory, PostFactory
from tests.projects.town import town  # noqa: F401  (the shared fixture)


def test_anonymous_pages_are_cached_and_change_with_the_content(client, scoped, neighbourhood):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, title="Library hours")
    first = client.get("/testborough/northfield/")
    assert first["X-Village-Hall-Cache"] == "miss" and not first.cookies
    again = client.get("/testborough/northfield/")
    assert again["X-Village-Hall-Cache"] == "hit" and again.content == first.content
    services.comment_create(author=PersonFactory(), post=post, body="Open late on Thursdays")
    after = client.get("/testborough/northfield/")
    assert after["X-Village-Hall-Cache"] == "miss"
    assert "1 comment" in after.content.decode()
    assert "Open late on Thursdays" in client.get(post.get_absolute_url()).content.decode()


def test_anonymous_pages_carry_no_personal_token(client, scoped, neighbourhood):
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    page = client.get(post.get_absolute_url())
    assert "csrfmiddlewaretoken" not in page.content.decode() and not page.cookies


def test_signed_in_pages_are_never_served_from_the_cache(client, scoped, neighbourhood):
    PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    client.get("/testborough/northfield/")
    person = PersonFactory(display_name="Signed In Sue")
    client.force_login(person)
    page = client.get("/testborough/northfield/")
    assert "X-Village-Hall-Cache" not in page
    assert "Signed In Sue" in page.content.decode()


def test_a_fragment_and_the_whole_page_at_one_address_are_kept_apart(client, scoped, neighbourhood):
    """The next page of replies, asked for by htmx, is a fragment; without htmx the same address is the whole page."""
    post = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, title="Bus shelter")
    for n in range(3):
        services.comment_create(author=PersonFactory(), post=post, body=f"Reply {n}")
    address = f"{post.get_absolute_url()}?comments=1"
    for signed_in in (False, True):
        if signed_in:
            client.force_login(PersonFactory())
        fragment = client.get(address, headers={"HX-Request": "true"}).content.decode()
        whole = client.get(address).content.decode()
        fragment_again = client.get(address, headers={"HX-Request": "true"}).content.decode()
        assert "<html" in whole and "<html" not in fragment and "<html" not in fragment_again
        assert "Reply 0" in fragment and "Reply 0" in whole


def test_a_new_name_shows_at_once(client, scoped, neighbourhood):
    author = PersonFactory(display_name="Old Name")
    PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, author=author)
    assert "Old Name" in client.get("/testborough/northfield/").content.decode()
    from villagehall.people.services import profile_update

    profile_update(person=author, display_name="New Name", bio="", neighbourhoods=[])
    assert "New Name" in client.get("/testborough/northfield/").content.decode()


def test_signed_in_feeds_show_a_new_post_at_once(client, scoped, neighbourhood):
    reader = PersonFactory()
    client.force_login(reader)
    assert "Nothing here yet" in client.get("/testborough/northfield/").content.decode()
    services.post_create(author=PersonFactory(), kind="offer", title="Spare compost", body="Free to collect.",
                         neighbourhood=neighbourhood)
    page = client.get("/testborough/northfield/").content.decode()
    assert "Spare compost" in page and "Nothing here yet" not in page


def test_an_organisations_offers_outlast_replies_and_change_with_the_offers(client, town):
    """Offers, support and projects are kept apart from the conversation around them: a reply
    redraws the page's posts without reading them again, a new offer shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from villagehall.offers import services as offers

    offers.offer_create(person=town.olu, kind="fund", title="Green spaces fund", organisation=town.parks,
                        budget=1000, neighbourhoods=[town.northfield])
    post = services.post_create(author=town.olu, kind="update", title="Mowing this week", body="Tuesday.",
                                organisation=town.parks)
    assert "Green spaces fund" in client.get("/testborough/org/parks/").content.decode()
    services.comment_create(author=town.rita, post=post, body="Thank you")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/testborough/org/parks/").content.decode()
    assert "1 comment" in page and "Green spaces fund" in page
    assert not [q for q in queries.captured_queries if "offers_offer" in q["sql"]]
    offers.offer_create(person=town.olu, kind="equipment", title="Litter pickers", organisation=town.parks, quantity=20)
    assert "Litter pickers" in client.get("/testborough/org/parks/").content.decode()


def test_a_posts_replies_outlast_what_happens_on_other_posts_and_change_with_their_own(client, scoped, neighbourhood):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    here = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, title="Library hours")
    elsewhere = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, title="Bin day")
    first = services.comment_create(author=PersonFactory(), post=here, body="Open late on Thursdays")
    client.force_login(PersonFactory())
    assert "Open late on Thursdays" in client.get(here.get_absolute_url()).content.decode()

    services.comment_create(author=PersonFactory(), post=elsewhere, body="Tuesdays now")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(here.get_absolute_url()).content.decode()
    assert "Open late on Thursdays" in page
    assert not [q for q in queries.captured_queries if '"conversation_comment"."body"' in q["sql"]], "replies read again"

    services.reaction_toggle(person=PersonFactory(), post=here, comment=first, kind="thanks")
    assert "1 person says thanks" in client.get(here.get_absolute_url()).content.decode()
    services.comment_create(author=PersonFactory(), post=here, body="And Saturday mornings")
    page = client.get(here.get_absolute_url()).content.decode()
    assert "And Saturday mornings" in page and 'class="reply-link"' in page
    services.post_set_comments_closed(person=here.author, post=here, closed=True)
    page = client.get(here.get_absolute_url()).content.decode()
    assert "Comments are closed" in page and 'class="reply-link"' not in page
