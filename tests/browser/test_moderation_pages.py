"""Moderation pages in Chromium: every one passes axe-core's WCAG 2.2 A and AA rules with
nothing logged to the console, and a moderator can act and undo without JavaScript."""

import pytest

from tests.browser.test_accessibility import Audit
from tests.factories import CouncilAdministratorFactory, MembershipFactory, OrganisationFactory, PersonFactory, PostFactory
from villagehall.conversation import services as conversation
from villagehall.core.tenancy import council_scope
from villagehall.moderation import services as moderation
from villagehall.moderation.models import ModerationAction
from villagehall.people.models import CouncilRole, Membership


@pytest.fixture
def audit(browsing):
    return Audit(browsing)


@pytest.fixture
def moderator(world):
    return CouncilAdministratorFactory(
        council=world.council, person=PersonFactory(display_name="Mo Moderator"), role=CouncilRole.Role.MODERATOR,
    ).person


@pytest.fixture
def reported(world, moderator):
    """A reported post, a reported reply, a reported person, a held post and an action to undo."""
    with council_scope(world.council):
        reply = world.question.comments.get()
        moderation.report_create(reporter=world.neighbour, reason="private", post=world.question)
        moderation.report_create(reporter=world.resident, reason="abuse", comment=reply)
        moderation.report_create(reporter=world.resident, reason="other", details="Sends odd messages", person=world.neighbour)
        PostFactory(neighbourhood=world.neighbourhood, council=world.council, author=world.neighbour,
                    title="Cheap watches", state="held")
        edited = PostFactory(neighbourhood=world.neighbourhood, council=world.council, author=world.neighbour,
                             title="Bins", body="Ring 07700 900123")
        action = moderation.moderation_act(
            moderator=moderator, kind=ModerationAction.Kind.EDIT, reason="Phone numbers are private.", post=edited,
            title="Bins", body="Ring me", note="Phone number removed by a moderator.",
        )
        hidden = conversation.comment_create(author=world.neighbour, post=world.question, body="Something unkind")
        moderation.moderation_act(moderator=moderator, kind=ModerationAction.Kind.HIDE, reason="Unkind.", comment=hidden)
    return reply, edited, action


def test_moderation_pages_pass_axe(browsing, world, moderator, council_administrator, reported, audit):
    reply, edited, action = reported
    page = browsing.page(moderator)
    audit.visit(page, "/testborough/moderation/", label="moderation queue")
    audit.visit(page, f"/testborough/moderation/posts/{world.question.pk}/", label="moderating a post")
    page.locator("form:has(input[name=form][value=act])").get_by_role("button", name="Do it and tell them").click()
    audit.check(page, "moderating a post, action with errors")
    page.get_by_label("Note shown under the text").fill("")
    page.get_by_role("button", name="Save the edit and tell them").click()
    audit.check(page, "moderating a post, edit with errors")
    audit.visit(page, f"/testborough/moderation/comments/{reply.pk}/", label="moderating a reply")
    audit.visit(page, f"/testborough/moderation/people/{world.neighbour.username}/", label="moderating a person")
    audit.visit(page, f"/testborough/moderation/actions/{action.pk}/undo/", label="undo")
    page.get_by_role("button", name="Undo it").click()
    audit.check(page, "undo with errors")
    audit.visit(page, edited.get_absolute_url(), label="post edited by a moderator")
    audit.visit(page, world.question.get_absolute_url(), label="post with a hidden reply, as a moderator")

    page = browsing.page(world.resident)
    audit.visit(page, f"/testborough/moderation/report/?post={edited.pk}", label="report a post")
    page.get_by_role("button", name="Send the report").click()
    audit.check(page, "report form with errors")
    audit.visit(page, f"/testborough/moderation/report/?person={world.officer.username}", label="report a person")

    page = browsing.page(world.neighbour)
    audit.visit(page, "/testborough/notifications/", label="notifications")
    audit.visit(page, edited.get_absolute_url(), label="your post, edited by a moderator")
    audit.visit(page, world.question.get_absolute_url(), label="post with your hidden reply")

    page = browsing.page(council_administrator)
    audit.visit(page, "/testborough/moderation/audit/", label="audit log")
    audit.visit(page, "/testborough/moderation/reasons/", label="reasons, suggested")
    page.get_by_role("button", name="Add the reason").click()
    audit.check(page, "reasons with errors")
    page.get_by_label("Title").fill("Not neighbourly")
    page.get_by_label("What the author is told").fill("Please be kind to your neighbours.")
    page.get_by_role("button", name="Add the reason").click()
    audit.check(page, "reasons, the council's own")
    page.get_by_role("link", name="Change “Not neighbourly”").click()
    audit.check(page, "changing a reason")
    audit.visit(page, "/testborough/moderation/policy/edit/", label="policy edit")
    audit.visit(page, "/testborough/moderation/spaces/gardeners/", label="members-only setting")
    audit.assert_clean()


def test_public_and_members_only_pages_pass_axe(browsing, world, audit):
    with council_scope(world.council):
        MembershipFactory(organisation=world.gardeners, person=world.resident, role=Membership.Role.ADMIN)
        conversation.organisation_visibility_set(person=world.resident, organisation=world.gardeners, members_only=True)
    page = browsing.page()
    audit.visit(page, "/testborough/moderation/policy/", label="moderation policy, signed out")
    audit.visit(page, "/testborough/org/gardeners/", label="members-only group, signed out")
    page = browsing.page(world.neighbour)
    audit.visit(page, "/testborough/org/gardeners/", label="members-only group, as an outsider")
    page = browsing.page(world.resident)
    audit.visit(page, "/testborough/org/gardeners/", label="members-only group, as its admin")
    audit.assert_clean()


@pytest.mark.parametrize("js", [False, True], ids=["without JavaScript", "with JavaScript"])
def test_report_hide_tell_and_undo(browsing, world, moderator, js):
    """A neighbour reports a post, a moderator hides it with a reason, the author is told, and the moderator undoes it."""
    page = browsing.page(world.neighbour, js=js)
    page.goto(world.question.get_absolute_url())
    page.get_by_role("link", name="Report this post").click()
    page.get_by_label("Shares someone’s private information").check()
    page.get_by_role("button", name="Send the report").click()
    page.get_by_text("Thank you. A moderator will look at it").wait_for()

    page = browsing.page(moderator, js=js)
    page.goto("/testborough/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    page.get_by_role("link", name=f"Post: {world.question.title}").click()
    act = page.locator("form:has(input[name=form][value=act])")
    act.get_by_label("Hide").check()
    act.get_by_label("Reason (optional)").select_option(label="Private information")
    act.get_by_role("button", name="Do it and tell them").click()
    page.get_by_text("Done. The person concerned has been told").wait_for()

    author = browsing.page(world.resident, js=js)
    author.goto("/testborough/")
    author.get_by_role("link", name="Notifications (1 new)").click()
    author.get_by_text("A moderator hid your post").wait_for()
    author.get_by_text("shared someone’s private information").wait_for()

    page.get_by_role("link", name="Undo this").first.click()
    page.get_by_label("Why undo it?").fill("Hidden by mistake.")
    page.get_by_role("button", name="Undo it").click()
    page.get_by_text("Undone.").wait_for()
    assert browsing.page().goto(world.question.get_absolute_url()).status == 200
