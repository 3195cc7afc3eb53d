"""What others see waits for a confirmed email address: every service refuses alike with the
one thing to do, the pages say so with a link to send the confirmation again, and reading,
following and taking something back do not wait."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from tests.projects.town import town  # noqa: F401  (the shared fixture)
from villagehall.conversation import services as conversation
from villagehall.moderation import services as moderation
from villagehall.offers import services as offers
from villagehall.offers.models import SupportRequest
from villagehall.people.rules import EmailNotConfirmed
from villagehall.projects import services as projects
from villagehall.projects.models import ProjectMember
from villagehall.responses import services as responses

RESEND = '<a href="/accounts/email/">Send the link again</a>'
TODAY = timezone.localdate()


def unconfirm(*people):
    EmailAddress.objects.filter(user__in=people).update(verified=False)


def confirm(*people):
    EmailAddress.objects.filter(user__in=people).update(verified=True)


@pytest.fixture
def story(town):
    """A fund with a granted request (and its commitment) and a waiting one, and a public post."""
    fund = offers.offer_create(person=town.olu, kind="fund", title="Green spaces fund", organisation=town.parks,
                               budget=2000)
    granted = offers.support_request_create(person=town.rita, offer=fund, project=town.orchard, message="Trees",
                                            amount=800)
    granted = offers.support_request_decide(
        person=town.olu, support_request=granted, outcome="grant",
        commitments=[offers.Promise("£800 by 1 May", TODAY + timedelta(days=10))],
    )
    waiting = offers.support_request_create(person=town.rita, offer=fund, project=town.orchard, message="Tools",
                                            amount=100)
    post = conversation.post_create(author=town.ed, kind="question", title="Who cuts the hedge?", body="It is tall.",
                                    neighbourhood=town.northfield, addressed_to=town.parks)
    return fund, granted, waiting, post


def every_write(town, fund, granted, waiting, post):
    """(who, what, the call) for each write others see."""
    nina, rita, olu = town.nina, town.rita, town.olu
    return [
        (nina, "post", lambda: conversation.post_create(
            author=nina, kind="update", title="Hello", body="Hi", neighbourhood=town.northfield)),
        (nina, "reply", lambda: conversation.comment_create(author=nina, post=post, body="Me too")),
        (nina, "like or thank", lambda: conversation.reaction_toggle(person=nina, post=post, kind="thanks")),
        (nina, "report something", lambda: moderation.report_create(reporter=nina, reason="spam", post=post)),
        (nina, "start a project", lambda: projects.project_create(
            person=nina, name="Bulbs", purpose="", neighbourhood=town.northfield)),
        (nina, "join a project’s team", lambda: projects.project_join(person=nina, project=town.orchard)),
        (nina, "publish an offer", lambda: offers.offer_create(
            person=nina, kind="volunteers", title="Hands", quantity=1)),
        (rita, "list a project’s needs", lambda: projects.need_add(
            person=rita, project=town.orchard, kind="equipment", summary="Spades")),
        (rita, "post a project update", lambda: projects.project_update_post(
            person=rita, project=town.orchard, title="Planted", body="Ten trees.")),
        (town.vera, "partner on a project", lambda: projects.partnership_add(
            person=town.vera, project=town.orchard, organisation=town.volunteers, role="partner")),
        (rita, "move a project on", lambda: projects.project_status_change(
            person=rita, project=town.orchard, to_status="forming", reason="A team of two.")),
        (rita, "ask for support", lambda: offers.support_request_create(
            person=rita, offer=fund, project=town.orchard, message="More", amount=50)),
        (rita, "record a commitment", lambda: offers.commitment_add(
            person=rita, support_request=granted, what="Photos", due=TODAY + timedelta(days=30))),
        (olu, "decide on a request", lambda: offers.support_request_decide(
            person=olu, support_request=waiting, outcome="decline", reason="Spent.")),
        (olu, "mark a commitment delivered", lambda: offers.commitment_deliver(
            person=olu, commitment=granted.commitments.get(side="supporter"))),
        (olu, "open or close an offer", lambda: offers.offer_set_open(person=olu, offer=fund, is_open=False)),
        (olu, "give an official response", lambda: responses.response_give(
            person=olu, post=post, organisation=town.parks, status="answered", body="Next week.")),
    ]


def test_every_write_others_see_waits_for_a_confirmed_address(town, story):
    unconfirm(town.nina, town.rita, town.olu, town.vera)
    for person, what, call in every_write(town, *story):
        with pytest.raises(EmailNotConfirmed) as refused:
            call()
        assert str(refused.value).startswith(f"Please confirm your email address to {what}:"), what
    fund, _, waiting, post = story
    assert not post.comments.exists() and SupportRequest.objects.get(pk=waiting.pk).status == "pending"
    # A vote in a community chest (the fund's area is anywhere, where Nina lives) waits too.
    assert not town.nina.has_perm("offers.chest_vote", fund)

    confirm(town.nina, town.rita, town.olu, town.vera)
    assert town.nina.has_perm("offers.chest_vote", fund)
    for person, what, call in every_write(town, *story):
        call()


def test_reading_following_and_taking_part_back_do_not_wait(town, story):
    _, _, waiting, post = story
    projects.project_join(person=town.nina, project=town.orchard)
    unconfirm(town.nina, town.rita)
    assert conversation.follow_toggle(person=town.nina, target=post)
    projects.project_leave(person=town.nina, project=town.orchard)
    assert not ProjectMember.objects.filter(person=town.nina).exists()
    assert offers.support_request_withdraw(person=town.rita, support_request=waiting).status == "withdrawn"


def test_a_blocked_person_is_told_about_the_block_first(town, story):
    moderator = town.admin
    moderation.moderation_act(moderator=moderator, kind="block", reason="Abuse", person=town.nina)
    unconfirm(town.nina)
    with pytest.raises(Exception) as refused:
        conversation.post_create(author=town.nina, kind="update", title="Hi", body="Hi", neighbourhood=town.northfield)
    assert not isinstance(refused.value, EmailNotConfirmed) and "stopped you taking part" in str(refused.value)


def test_pages_say_why_and_link_to_sending_the_confirmation_again(client, town, story):
    post = story[3]
    unconfirm(town.nina, town.rita)
    client.force_login(town.nina)

    home = client.get("/testborough/").content.decode()
    assert "Please confirm your email address." in home and RESEND in home

    written = client.post("/testborough/posts/new/", {
        "kind": "update", "title": "Hello", "body": "Hi all", "neighbourhood": town.northfield.pk,
    })
    assert written.status_code == 400
    assert "Please confirm your email address to post:" in written.content.decode() and "Hi all" in written.content.decode()
    assert RESEND in written.content.decode()

    replied = client.post(f"/testborough/posts/{post.pk}/comments/", {"body": "Me too"})
    assert replied.status_code == 400 and RESEND in replied.content.decode()
    replied = client.post(f"/testborough/posts/{post.pk}/comments/", {"body": "Me too"}, headers={"HX-Request": "true"})
    assert replied.status_code == 422 and RESEND in replied.content.decode()

    reacted = client.post(f"/testborough/posts/{post.pk}/reactions/", {"kind": "thanks"}, follow=True)
    assert "Please confirm your email address to like or thank:" in reacted.content.decode()
    assert RESEND in reacted.content.decode()

    reported = client.post(f"/testborough/moderation/report/?post={post.pk}", {"reason": "spam"})
    assert reported.status_code == 400 and RESEND in reported.content.decode()

    joined = client.post(f"/testborough/projects/{town.orchard.pk}/join/")
    assert joined.status_code == 403
    assert "Please confirm your email address to join a project’s team:" in joined.content.decode()
    assert RESEND in joined.content.decode()
    assert not post.comments.exists() and not ProjectMember.objects.filter(person=town.nina).exists()

    client.force_login(town.rita)
    update = client.get(f"/testborough/projects/{town.orchard.pk}/updates/new/")
    assert update.status_code == 403 and RESEND in update.content.decode()


def test_the_note_shows_only_until_the_address_is_confirmed(client, town):
    unconfirm(town.nina)
    client.force_login(town.nina)
    profile = client.get("/testborough/people/me/edit/").content.decode()
    assert profile.count("Please confirm your email address") == 1, "the profile page says it once, in its own words"
    confirm(town.nina)
    assert "Please confirm your email address" not in client.get("/testborough/").content.decode()
    client.logout()
    assert "Please confirm your email address" not in client.get("/testborough/").content.decode()
