"""Taking part: posting, replying (threaded), reacting and speaking for an organisation,
each with JavaScript (htmx) and without it, plus what happens on bad input."""

import pytest
from playwright.sync_api import expect

from villagehall.conversation.models import Comment, Post
from villagehall.core.tenancy import council_scope

with_and_without_js = pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])


def stay_marker(page):
    """Mark the loaded document, so a test can tell an in-place update from a page load."""
    page.evaluate("window.villagehallTestMarker = true")


def still_same_document(page) -> bool:
    return page.evaluate("window.villagehallTestMarker === true")


@with_and_without_js
def test_write_a_post_in_a_neighbourhood(browsing, world, js):
    page = browsing.page(world.resident, js=js)
    page.goto("/testborough/northfield/")
    page.get_by_role("link", name="Write a post in Northfield").click()

    expect(page.get_by_label("Neighbourhood")).to_have_value(str(world.neighbourhood.pk))
    page.get_by_label("What kind of post is it?").select_option(label="Idea")
    page.get_by_label("Title").fill("Bulbs along the verge")
    page.get_by_label("What would you like to say?").fill("We could plant **daffodils** by the bus stop.")
    page.get_by_role("button", name="Publish").click()

    expect(page.get_by_role("status")).to_contain_text("Your post is up.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bulbs along the verge")
    post = page.locator("article.post")
    expect(post.locator(".body strong")).to_have_text("daffodils")
    expect(post.locator(".meta .kind")).to_have_text("Idea")
    expect(post.locator(".badge")).to_have_count(0)

    page.goto("/testborough/northfield/")
    expect(page.get_by_role("link", name="Bulbs along the verge")).to_be_visible()


@with_and_without_js
def test_reply_to_a_post_and_to_a_comment(browsing, world, js):
    with council_scope(world.council):
        answer = Comment.objects.get(post=world.question)
    page = browsing.page(world.neighbour, js=js)
    page.goto(world.question.get_absolute_url())
    stay_marker(page)

    page.get_by_label("Your reply").fill("I saw it too, the latch is *bent*.")
    page.get_by_role("button", name="Post reply").click()
    top_level = page.locator("#comments > li.comment")
    expect(top_level).to_have_count(2)
    expect(top_level.last).to_contain_text("I saw it too, the latch is bent.")
    expect(top_level.last.locator(".body em")).to_have_text("bent")
    expect(top_level.last.locator(".byline")).to_contain_text("Nina Neighbour")
    if js:
        assert still_same_document(page), "with JavaScript the reply is added in place"
        expect(page.get_by_label("Your reply")).to_have_value("")

    page.locator(f"#comment-{answer.pk}").get_by_role("link", name="Reply to Olu Officer").click()
    expect(page.get_by_role("heading", name="Reply to Olu Officer")).to_be_visible()
    stay_marker(page)
    page.get_by_label("Your reply").fill("Thank you, that is good news.")
    page.get_by_role("button", name="Post reply").click()

    replies = page.locator(f"#replies-{answer.pk} > li.comment")
    expect(replies).to_have_count(1)
    expect(replies.first).to_contain_text("Thank you, that is good news.")
    expect(top_level).to_have_count(2)
    if js:
        assert still_same_document(page)
    with council_scope(world.council):
        reply = Comment.objects.get(body="Thank you, that is good news.")
        assert reply.parent_id == answer.pk and reply.depth == 1
        assert Post.objects.get(pk=world.question.pk).comment_count == 3


@with_and_without_js
def test_react_to_a_post_and_a_comment(browsing, world, js):
    with council_scope(world.council):
        answer = Comment.objects.get(post=world.question)
    page = browsing.page(world.neighbour, js=js)
    page.goto(world.question.get_absolute_url())
    stay_marker(page)

    on_post = page.locator("article.post .reactions")
    like = on_post.get_by_role("button", name="Like")
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(on_post.locator(".reaction-counts")).to_have_text("1 person likes this")
    if js:
        assert still_same_document(page), "with JavaScript the count updates in place"

    on_answer = page.locator(f"#comment-{answer.pk} .reactions").first
    thanks = on_answer.get_by_role("button", name="Thanks")
    thanks.click()
    expect(thanks).to_have_attribute("aria-pressed", "true")
    expect(on_answer.locator(".reaction-counts")).to_have_text("1 person says thanks")
    expect(on_post.locator(".reaction-counts")).to_have_text("1 person likes this")

    like.click()
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(on_post.locator(".reaction-counts")).to_have_text("")
    if js:
        assert still_same_document(page)
    with council_scope(world.council):
        assert Post.objects.get(pk=world.question.pk).like_count == 0
        assert Comment.objects.get(pk=answer.pk).thanks_count == 1


@with_and_without_js
def test_speak_on_behalf_of_an_organisation(browsing, world, js):
    page = browsing.page(world.officer, js=js)
    page.goto("/testborough/posts/new/?neighbourhood=northfield")
    page.get_by_label("Title").fill("Pond path closed on Monday")
    page.get_by_label("What would you like to say?").fill("We are resurfacing the path by the pond.")
    page.get_by_role("radio", name="Parks (shown with its badge)").check()
    page.get_by_role("button", name="Publish").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pond path closed on Monday")
    badge = page.locator("article.post .byline .badge")
    expect(badge).to_have_text("for Parks")
    expect(badge).to_have_attribute("href", "/testborough/org/parks/")

    page.get_by_label("Your reply").fill("It will reopen by Wednesday.")
    page.locator("#reply-form").get_by_role("radio", name="Parks (shown with its badge)").check()
    page.get_by_role("button", name="Post reply").click()
    reply = page.locator("#comments > li.comment", has_text="It will reopen by Wednesday.")
    expect(reply.locator(".byline .badge")).to_have_text("for Parks")

    page.goto("/testborough/org/parks/")
    expect(page.get_by_role("link", name="Pond path closed on Monday")).to_be_visible()


@with_and_without_js
def test_empty_post_body_is_explained_and_the_title_kept(browsing, world, js):
    page = browsing.page(world.resident, js=js)
    page.goto("/testborough/posts/new/?neighbourhood=northfield")
    page.get_by_label("Title").fill("Lost cat on Elm Road")
    page.get_by_role("button", name="Publish").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Your post has not been published yet")
    expect(summary.get_by_role("link", name="Write something in your post.")).to_have_attribute("href", "#id_body")
    expect(page.locator(".field.has-error .error")).to_have_text("Write something in your post.")
    expect(page.get_by_label("Title")).to_have_value("Lost cat on Elm Road")
    with council_scope(world.council):
        assert not Post.objects.filter(title="Lost cat on Elm Road").exists()


@pytest.mark.parametrize("js", [
    pytest.param(True, id="js"),
    pytest.param(False, id="no-js"),
])
def test_empty_reply_is_explained(browsing, world, js):
    browsing.allow_console(r"status of 422")  # htmx is told about the error with a 422
    page = browsing.page(world.neighbour, js=js)
    page.goto(world.question.get_absolute_url())
    page.get_by_label("Your reply").fill("   ")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#reply-form .error")).to_have_text(
        "Your reply: Write something in your reply." if js else "Write something in your reply.", timeout=2_000)
    expect(page.locator("#comments > li.comment")).to_have_count(1)
