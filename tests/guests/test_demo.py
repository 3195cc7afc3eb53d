"""The demo borough takes comments from guests, and has a few, so both can be seen."""

from django.test import Client

from tests.test_demo import demo
from villagehall.conversation.models import Comment
from villagehall.core.tenancy import council_scope
from villagehall.demo.accounts import DEMO_COUNCIL_SLUG
from villagehall.places.models import Council


def test_the_demo_borough_takes_and_shows_guest_comments(db):
    demo()
    council = Council.objects.get(slug=DEMO_COUNCIL_SLUG)
    assert council.guest_comments
    with council_scope(council):
        guests = list(Comment.objects.filter(author__is_guest=True).select_related("post", "author"))
    assert len(guests) == 2 and all(c.state == "published" for c in guests)
    page = Client().get(guests[0].post.get_absolute_url()).content.decode()
    assert guests[0].author.display_name in page and '<span class="guest-marker">guest</span>' in page
    assert "Fill in your details" in page

    demo(reset=True)
    council = Council.objects.get(slug=DEMO_COUNCIL_SLUG)
    with council_scope(council):
        assert Comment.objects.filter(author__is_guest=True).count() == 2
