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


@pytest.fixture
def two_places(scoped, neighbourhood):
    """Two neighbourhoods, a group with a page, and a post in each place."""
    from tests.factories import MembershipFactory, NeighbourhoodFactory, OrganisationFactory

    council = neighbourhood.council
    southfield = NeighbourhoodFactory(council=council, slug="southfield", name="Southfield")
    group = OrganisationFactory(council=council, slug="allotments", name="Allotment Society")
    member = MembershipFactory(organisation=group, person=PersonFactory(display_name="Mel Member")).person
    here = PostFactory(neighbourhood=neighbourhood, council=council, title="Northfield bins")
    there = PostFactory(neighbourhood=southfield, council=council, title="Southfield lights")
    on_page = PostFactory(neighbourhood=None, organisation=group, council=council, author=member, title="Seed swap")
    return here, there, on_page, group, member


def pages_of(group, *posts):
    return ["/testborough/northfield/", "/testborough/southfield/", group.get_absolute_url()] + [
        post.get_absolute_url() for post in posts
    ]


def test_a_reply_in_one_place_leaves_the_other_places_pages_kept(client, two_places):
    here, there, on_page, group, _ = two_places
    addresses = pages_of(group, here, there, on_page)
    for address in addresses:
        assert client.get(address)["X-Village-Hall-Cache"] == "miss"
    services.comment_create(author=PersonFactory(), post=here, body="Collected on Tuesday")
    served = {address: client.get(address) for address in addresses}
    cache_state = {address: response["X-Village-Hall-Cache"] for address, response in served.items()}
    assert cache_state == {
        "/testborough/northfield/": "miss", here.get_absolute_url(): "miss",  # where the reply is
        "/testborough/southfield/": "hit", there.get_absolute_url(): "hit",
        group.get_absolute_url(): "hit", on_page.get_absolute_url(): "hit",
    }
    assert "1 comment" in served["/testborough/northfield/"].content.decode()
    assert "Collected on Tuesday" in served[here.get_absolute_url()].content.decode()


def test_every_change_to_a_conversation_shows_on_the_pages_that_show_it(client, two_places):
    here, there, on_page, group, member = two_places
    addresses = pages_of(group, here, there, on_page)

    def fresh():
        for address in addresses:
            client.get(address)  # each page kept as it is now

    def shown(address):
        return client.get(address).content.decode()

    fresh()
    services.reaction_toggle(person=PersonFactory(), post=on_page, kind="like")
    assert "1 like" in shown(group.get_absolute_url())
    assert "1 person likes this" in shown(on_page.get_absolute_url())
    fresh()
    services.post_create(author=member, kind="update", title="Spoken for the society", body="Hello.",
                         neighbourhood=there.neighbourhood, acting_for=group)
    assert "Spoken for the society" in shown("/testborough/southfield/")
    assert "Spoken for the society" in shown(group.get_absolute_url())  # what it said elsewhere
    fresh()
    services.post_set_comments_closed(person=here.author, post=here, closed=True)
    assert "Comments are closed" in shown(here.get_absolute_url())
    fresh()
    services.post_link_add(person=there.author, from_post=there, to_post=here)
    assert "Northfield bins" in shown(there.get_absolute_url())
    fresh()
    from villagehall.people.services import profile_update

    profile_update(person=there.author, display_name="Renamed Author", bio="", neighbourhoods=[])
    assert "Renamed Author" in shown(there.get_absolute_url())


def test_signed_in_readers_are_served_the_kept_page_after_a_reply_elsewhere(client, two_places):
    here, there, _, group, _ = two_places
    client.force_login(PersonFactory())
    drawn = len(_queries(client, there.get_absolute_url()))
    services.comment_create(author=PersonFactory(), post=here, body="Collected on Tuesday")
    kept = _queries(client, there.get_absolute_url())
    assert len(kept) < drawn and not any("conversation_comment" in sql for sql in kept)
    services.comment_create(author=PersonFactory(), post=there, body="Fixed on Friday")
    assert "Fixed on Friday" in client.get(there.get_absolute_url()).content.decode()


def _queries(client, address) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return [query["sql"] for query in captured.captured_queries]
