"""Comments from guests in Chromium: someone without an account fills in their details,
opens the emailed link and publishes their comment, with JavaScript (htmx) and without;
bad input keeps what was typed; the pages pass axe-core's WCAG 2.2 A and AA rules."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.test_accessibility import Audit
from tests.factories import CouncilAdministratorFactory, PersonFactory
from villagehall.conversation.models import Comment, Post
from villagehall.core.tenancy import council_scope

with_and_without_js = pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
LINK = re.compile(r"https?://[^/\s]+(/\S+/guests/confirm/\S+/)")


@pytest.fixture
def audit(browsing):
    return Audit(browsing)


@pytest.fixture
def welcoming(world, settings):
    """The council takes comments from guests; email stays in memory (django.core.mail.outbox)."""
    world.council.guest_comments = True
    world.council.save(update_fields=["guest_comments"])
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    return world


def emailed_link() -> str:
    assert len(mail.outbox) == 1, f"expected one email, got {len(mail.outbox)}"
    found = LINK.search(mail.outbox.pop().body)
    assert found
    return found.group(1)


def mark(page):
    page.evaluate("window.villagehallTestMarker = true")


def same_document(page) -> bool:
    return page.evaluate("window.villagehallTestMarker === true")


@with_and_without_js
def test_a_guest_fills_in_their_details_and_publishes_by_the_emailed_link(browsing, welcoming, audit, js):
    world = welcoming
    # htmx is told of a refused form with 422, which Chromium logs.
    browsing.allow_console(r"status of 422")
    page = browsing.page(js=js)
    page.goto(world.question.get_absolute_url())
    expect(page.get_by_role("heading", name="Fill in your details")).to_be_visible()
    if js:
        audit.check(page, "a post with the guest form")
        mark(page)

    # Bad input: the form says what is wrong and keeps what was typed.
    page.get_by_label("Your name").fill("Sam <b>Guest</b>")
    page.get_by_label("Your email address").fill("sam at example")
    page.get_by_label("Your comment").fill("The gate is *still* broken.")
    page.get_by_role("button", name="Send my comment").click()
    expect(page.locator("#reply-form .error").first).to_contain_text("Give an email address we can send the link to")
    expect(page.get_by_label("Your name")).to_have_value("Sam <b>Guest</b>")
    expect(page.get_by_label("Your comment")).to_have_value("The gate is *still* broken.")
    if js:
        assert same_document(page), "with JavaScript the form is checked in place"
        audit.check(page, "the guest form with errors")
    assert mail.outbox == []

    page.get_by_label("Your email address").fill("sam@example.org")
    page.get_by_role("button", name="Send my comment").click()
    expect(page.get_by_role("status")).to_contain_text("We have emailed a link to sam@example.org")
    if js:
        assert same_document(page)
    with council_scope(world.council):
        assert Comment.objects.filter(post=world.question).count() == 1, "nothing shows before the link is opened"

    link = emailed_link()
    reader = browsing.page(js=js)  # the email is read in another browser window
    reader.goto(link)
    expect(reader.get_by_role("heading", name="Publish your comment")).to_be_visible()
    expect(reader.locator(".quoted em")).to_have_text("still")
    if js:
        audit.check(reader, "the emailed link's page")
    reader.get_by_role("button", name="Publish my comment").click()

    expect(reader.get_by_role("status")).to_contain_text("Your comment is up.")
    with council_scope(world.council):
        comment = Comment.objects.get(post=world.question, author__is_guest=True)
        assert Post.objects.get(pk=world.question.pk).comment_count == 2
    shown = reader.locator(f"#comment-{comment.pk}")
    expect(shown.locator(".byline")).to_contain_text("Sam <b>Guest</b>")
    expect(shown.locator(".guest-marker")).to_have_text("guest")
    expect(shown.locator(".byline a")).to_have_count(0)
    expect(shown.locator(".body em")).to_have_text("still")
    expect(reader.get_by_text("sam@example.org")).to_have_count(0)

    reader.goto(link)
    expect(reader.get_by_role("heading", name="This link has been used")).to_be_visible()
    audit.assert_clean()


def test_a_guest_replies_to_a_comment_without_javascript(browsing, welcoming):
    world = welcoming
    with council_scope(world.council):
        answer = Comment.objects.get(post=world.question)
    page = browsing.page(js=False)
    page.goto(world.question.get_absolute_url())
    page.locator(f"#comment-{answer.pk}").get_by_role("link", name="Reply to Olu Officer").click()
    expect(page.get_by_role("heading", name="Reply to Olu Officer")).to_be_visible()
    page.get_by_label("Your name").fill("Jo")
    page.get_by_label("Your email address").fill("jo@example.org")
    page.get_by_label("Your comment").fill("Thank you!")
    page.get_by_role("button", name="Send my comment").click()
    expect(page.get_by_role("status")).to_contain_text("We have emailed a link to jo@example.org")

    page.goto(emailed_link())
    page.get_by_role("button", name="Publish my comment").click()
    replies = page.locator(f"#replies-{answer.pk} > li.comment")
    expect(replies).to_have_count(1)
    expect(replies.first).to_contain_text("Thank you!")
    expect(replies.first.locator(".guest-marker")).to_be_visible()


def test_signed_in_people_and_other_councils_see_no_guest_form(browsing, welcoming):
    world = welcoming
    page = browsing.page(world.neighbour)
    page.goto(world.question.get_absolute_url())
    expect(page.get_by_role("button", name="Post reply")).to_be_visible()
    expect(page.get_by_role("heading", name="Fill in your details")).to_have_count(0)


def test_the_administrators_switch_passes_axe(browsing, world, audit):
    administrator = CouncilAdministratorFactory(council=world.council, person=PersonFactory(display_name="Ada")).person
    page = browsing.page(administrator)
    audit.visit(page, "/testborough/guests/setting/", label="comments from guests: the switch")
    page.get_by_role("button", name="Save").click()
    audit.check(page, "the switch with errors")
    page.get_by_label("People who are signed in, and guests").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    audit.assert_clean()
    anonymous = browsing.page(js=False)
    anonymous.goto(world.question.get_absolute_url())
    expect(anonymous.get_by_role("heading", name="Fill in your details")).to_be_visible()


def test_no_payload_runs_as_a_guests_name_or_comment(browsing, welcoming):
    """Every known cross-site-scripting payload as a guest's name and comment: on the post, on the
    emailed link's page, and in a reply."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied, ValidationError

    from tests.browser.test_xss import PAYLOADS, hostile_page, open_page
    from villagehall.guests import services as guests

    browsing.allow_console(r".*")  # payloads ask for images and frames that are not there
    world = welcoming
    links = []
    with council_scope(world.council):
        for number, payload in enumerate(PAYLOADS):
            details = {"post": world.question, "email": f"guest{number}@example.org", "body": payload}
            try:
                guests.guest_comment_submit(requester=AnonymousUser(), name=payload[:80], base_url=browsing.base_url, **details)
            except (PermissionDenied, ValidationError):  # a name cannot hold a web address, for one
                guests.guest_comment_submit(requester=AnonymousUser(), name=f"Guest {number}", base_url=browsing.base_url, **details)
            links.append(emailed_link())
        for link in links[::2]:
            guests.guest_comment_confirm(signed=link.rstrip("/").rsplit("/", 1)[-1])
        assert Comment.objects.filter(author__is_guest=True).count() == len(links[::2]) >= 50
    page, navigations = hostile_page(browsing)
    paths = [f"{world.question.get_absolute_url()}?comments=10", *links[1::2][:20]]
    ran = {path: fired for path in paths if (fired := open_page(page, path))}
    assert ran == {}, f"payloads ran: {ran}"
    strays = [url for url in navigations if url not in {browsing.base_url + path for path in paths}]
    assert strays == [], f"pages navigated away: {strays}"
