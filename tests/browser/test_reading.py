"""Reading: a neighbourhood feed and its filter, following, and long comment threads."""

import pytest
from playwright.sync_api import expect

from tests.factories import PostFactory
from villagehall.conversation import services
from villagehall.conversation.models import Post
from villagehall.core.tenancy import council_scope


def test_neighbourhood_feed_lists_posts_and_filters_by_kind(browsing, world):
    PostFactory(neighbourhood=world.neighbourhood, kind=Post.Kind.OFFER, title="Free seedlings on Saturday")
    page = browsing.page()
    page.goto("/testborough/")
    page.get_by_role("region", name="Neighbourhoods").get_by_role("link", name="Northfield").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Northfield")
    feed = page.locator("section", has=page.get_by_role("heading", name="Latest in Northfield"))
    expect(feed.get_by_role("heading", level=3)).to_have_text(["Free seedlings on Saturday", "When will the park gate be fixed?"])

    page.get_by_label("Show", exact=True).select_option("question")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{browsing.base_url}/testborough/northfield/?kind=question")
    expect(page.get_by_label("Show", exact=True)).to_have_value("question")
    feed = page.locator("section", has=page.get_by_role("heading", name="Latest of this kind"))
    expect(feed.get_by_role("heading", level=3)).to_have_text(["When will the park gate be fixed?"])


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_following_a_neighbourhood_gathers_its_posts(browsing, world, js):
    page = browsing.page(world.neighbour, js=js)
    page.goto("/testborough/northfield/")
    follow = page.get_by_role("button", name="Follow")
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    following = page.get_by_role("button", name="Following")
    expect(following).to_have_attribute("aria-pressed", "true")
    if not js:
        expect(page.get_by_role("status")).to_contain_text("You are following this now.")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Following").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Following")
    expect(page.locator("section", has_text="Neighbourhoods").get_by_role("link", name="Northfield")).to_be_visible()
    latest = page.locator("section", has=page.get_by_role("heading", name="The latest from what you follow"))
    expect(latest.get_by_role("heading", level=3)).to_have_text(["When will the park gate be fixed?"])

    page.goto("/testborough/northfield/")
    page.get_by_role("button", name="Following").click()
    expect(page.get_by_role("button", name="Follow", exact=True)).to_have_attribute("aria-pressed", "false")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_show_more_comments_beyond_the_first_twenty(browsing, world, js):
    with council_scope(world.council):
        for number in range(2, 26):  # the officer's answer is comment 1
            services.comment_create(author=world.neighbour, post=world.question, body=f"Comment number {number}.")
    page = browsing.page(js=js)
    page.goto(world.question.get_absolute_url())
    comments = page.locator("#comments > li.comment")
    expect(comments).to_have_count(20)
    expect(page.locator("#show-more")).to_contain_text("(20 of 25 shown)")

    url_before = page.url
    page.get_by_role("link", name="Show more comments").click()
    expect(comments).to_have_count(25)
    expect(comments.last).to_contain_text("Comment number 25.")
    expect(comments.first).to_contain_text("Next Tuesday.")
    expect(page.get_by_role("link", name="Show more comments")).to_have_count(0)
    if js:
        assert page.url == url_before, "with JavaScript the comments are added in place"
    else:
        assert "comments=2" in page.url
