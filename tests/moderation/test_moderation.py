"""Reporting, the queue, every moderator's action and its undoing, what the author is told,
and the audit log that records it all."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import CommentFactory, CouncilFactory, NeighbourhoodFactory, PersonFactory, PostFactory
from villagehall.analytics.models import Interaction
from villagehall.conversation import services as conversation
from villagehall.conversation.models import Comment, Post, State
from villagehall.core.models import AuditEntry
from villagehall.core.tenancy import council_scope
from villagehall.moderation import selectors, services
from villagehall.moderation.models import ModerationAction, Report, Standing
from villagehall.notifications.models import Notification

Kind = ModerationAction.Kind


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


# Reporting


def test_anyone_signed_in_reports_a_post_comment_or_person(scoped, post, neighbour, resident):
    comment = CommentFactory(post=post, council=post.council, author=resident)
    services.report_create(reporter=neighbour, reason="private", post=post)
    services.report_create(reporter=neighbour, reason="abuse", comment=comment)
    services.report_create(reporter=neighbour, reason="other", details="Sends me messages", person=resident)
    assert sorted(r.target_type for r in Report.objects.all()) == ["comment", "person", "post"]


@pytest.mark.parametrize("reason, details, message", [
    ("other", "  ", "Say what is wrong"),
    ("nonsense", "", "Choose what is wrong"),
])
def test_a_report_needs_a_reason(scoped, post, neighbour, reason, details, message):
    with pytest.raises(ValidationError, match=message):
        services.report_create(reporter=neighbour, reason=reason, details=details, post=post)
    assert not Report.objects.exists()


def test_reporting_twice_or_reporting_yourself_is_refused(scoped, post, neighbour, resident):
    services.report_create(reporter=neighbour, reason="spam", post=post)
    with pytest.raises(ValidationError, match="already reported"):
        services.report_create(reporter=neighbour, reason="abuse", post=post)
    with pytest.raises(ValidationError, match="yourself"):
        services.report_create(reporter=resident, reason="spam", post=post)
    assert Report.objects.count() == 1


def test_the_report_form_keeps_what_was_typed(client, scoped, post, neighbour):
    client.force_login(neighbour)
    url = f"/testborough/moderation/report/?post={post.pk}"
    assert "Bins on Elm Street" in page(client, url)
    response = client.post(url, {"reason": "other", "details": ""})
    assert response.status_code == 400 and "Say what is wrong" in response.content.decode()
    assert not Report.objects.exists()
    response = client.post(url, {"reason": "private", "details": "A phone number"})
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert Report.objects.get().details == "A phone number"


def test_signed_out_visitors_are_asked_to_sign_in_to_report(client, scoped, post):
    response = client.get(f"/testborough/moderation/report/?post={post.pk}")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "Report" not in page(client, post.get_absolute_url()).split("<main")[1].split("comments-heading")[0]


# The queue


def test_the_queue_shows_reported_and_held_things_to_moderators_only(client, scoped, post, neighbour, moderator, resident):
    services.report_create(reporter=neighbour, reason="private", post=post)
    held = PostFactory(neighbourhood=post.neighbourhood, council=post.council, title="Cheap pills", state=State.HELD)
    items = selectors.moderation_queue()
    assert [(i.target, i.held, len(i.reports)) for i in items] == [(post, False, 1), (held, True, 0)]
    client.force_login(resident)
    assert client.get("/testborough/moderation/").status_code == 403
    client.force_login(moderator)
    text = page(client, "/testborough/moderation/")
    assert "Bins on Elm Street" in text and "Cheap pills" in text and "Shares someone’s private information" in text


# Acting


def hide(moderator, **target):
    return services.moderation_act(moderator=moderator, kind=Kind.HIDE, reason="It shared a phone number.", **target)


def test_hiding_a_post_takes_it_off_every_page_tells_the_author_and_is_recorded(
    client, scoped, post, neighbour, moderator, resident,
):
    services.report_create(reporter=neighbour, reason="private", post=post)
    action = hide(moderator, post=post)
    post.refresh_from_db()
    assert post.state == State.HIDDEN
    assert "Bins on Elm Street" not in page(client, "/testborough/northfield/")
    assert "Bins on Elm Street" not in page(client, "/testborough/")
    page(client, post.get_absolute_url(), status=404)
    client.force_login(neighbour)
    page(client, post.get_absolute_url(), status=404)
    client.force_login(resident)
    assert "A moderator has hidden this post" in page(client, post.get_absolute_url())
    told = Notification.objects.get(person=resident)
    assert "hid your post “Bins on Elm Street”" in told.text and "It shared a phone number." in told.text
    assert told.link == post.get_absolute_url()
    assert "A moderator has looked at it and hid it" in Notification.objects.get(person=neighbour).text
    assert Report.objects.get().status == Report.Status.ACTED_ON and Report.objects.get().closed_by == action
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_type, entry.target_id, entry.reason) == (
        moderator, "post.hide", "conversation.post", str(post.pk), "It shared a phone number.",
    )
    assert (entry.before["state"], entry.after["state"]) == ("published", "hidden")


def test_undoing_puts_back_what_changed_and_reopens_the_reports(scoped, post, neighbour, moderator, resident):
    services.report_create(reporter=neighbour, reason="private", post=post)
    action = hide(moderator, post=post)
    services.moderation_undo(moderator=moderator, action=action, reason="Hidden by mistake.")
    post.refresh_from_db()
    assert post.state == State.PUBLISHED
    assert Report.objects.get().status == Report.Status.OPEN
    action.refresh_from_db()
    assert action.undone_at is not None
    assert "undone an earlier decision" in Notification.objects.filter(person=resident).first().text
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["post.undo", "post.hide"]
    with pytest.raises(ValidationError, match="already been undone"):
        services.moderation_undo(moderator=moderator, action=action, reason="Again")
    undo = ModerationAction.objects.get(kind=Kind.UNDO)
    with pytest.raises(ValidationError, match="cannot itself be undone"):
        services.moderation_undo(moderator=moderator, action=undo, reason="Again")


def test_an_edit_shows_its_note_and_undoing_it_leaves_a_later_hide_alone(client, scoped, post, moderator, resident):
    edit = services.moderation_act(
        moderator=moderator, kind=Kind.EDIT, reason="Phone numbers are private.", post=post,
        title=post.title, body="Call me about the bins.", note="Phone number removed by a moderator.",
    )
    text = page(client, post.get_absolute_url())
    assert "07700" not in text and "Edited by a moderator: Phone number removed by a moderator." in text
    hide(moderator, post=post)
    services.moderation_undo(moderator=moderator, action=edit, reason="Put the words back.")
    post.refresh_from_db()
    assert (post.state, post.moderator_note) == (State.HIDDEN, "")
    assert "07700 900123" in post.body and "07700 900123" in post.body_html


def test_an_edit_needs_a_note(scoped, post, moderator):
    with pytest.raises(ValidationError, match="Write a note"):
        services.moderation_act(moderator=moderator, kind=Kind.EDIT, reason="Tidy", post=post,
                                title=post.title, body="Shorter", note=" ")
    post.refresh_from_db()
    assert "07700" in post.body and not ModerationAction.objects.exists() and not AuditEntry.objects.exists()


def test_only_moderators_act_and_every_action_needs_a_reason(scoped, post, resident, neighbour, moderator):
    with pytest.raises(PermissionDenied):
        hide(neighbour, post=post)
    with pytest.raises(ValidationError, match="Say why"):
        services.moderation_act(moderator=moderator, kind=Kind.HIDE, reason="  ", post=post)
    with pytest.raises(ValidationError, match="cannot be done"):
        services.moderation_act(moderator=moderator, kind=Kind.RESTORE, reason="Fine", post=post)
    post.refresh_from_db()
    assert post.state == State.PUBLISHED and not AuditEntry.objects.exists()


def test_a_council_administrator_moderates_too(scoped, post, administrator):
    hide(administrator, post=post)
    post.refresh_from_db()
    assert post.state == State.HIDDEN


def test_dismissing_reports_changes_nothing_but_the_queue(scoped, post, neighbour, moderator, resident):
    services.report_create(reporter=neighbour, reason="spam", post=post)
    action = services.moderation_act(moderator=moderator, kind=Kind.DISMISS, reason="Not spam.", post=post)
    assert selectors.moderation_queue() == []
    assert not Notification.objects.filter(person=resident).exists()
    assert "found nothing that needs action" in Notification.objects.get(person=neighbour).text
    services.moderation_undo(moderator=moderator, action=action, reason="Look again.")
    assert [i.target for i in selectors.moderation_queue()] == [post]


def test_a_hidden_reply_leaves_a_line_saying_so_and_keeps_its_replies(client, scoped, post, moderator, resident, neighbour):
    first = conversation.comment_create(author=neighbour, post=post, body="Rude words here")
    conversation.comment_create(author=resident, post=post, body="Please be kind", parent=first)
    hide(moderator, comment=first)
    post.refresh_from_db()
    assert post.comment_count == 2
    text = page(client, post.get_absolute_url())
    assert "A moderator hid this reply." in text and "Rude words here" not in text and "Please be kind" in text
    client.force_login(neighbour)
    assert "Rude words here" in page(client, post.get_absolute_url())
    with pytest.raises(ValidationError):
        conversation.comment_create(author=resident, post=post, body="Replying to hidden", parent=first)


def test_holding_a_person_holds_their_new_posts_until_a_moderator_approves(client, scoped, neighbourhood, post, moderator, neighbour):
    services.moderation_act(moderator=moderator, kind=Kind.HOLD, reason="Several reports of spam.", person=neighbour)
    assert Standing.objects.get(person=neighbour).level == Standing.Level.HELD
    held = conversation.post_create(author=neighbour, kind="offer", title="Cheap pills", body="Buy now",
                                    neighbourhood=neighbourhood)
    reply = conversation.comment_create(author=neighbour, post=post, body="Buy pills")
    assert (held.state, reply.state) == (State.HELD, State.HELD)
    post.refresh_from_db()
    assert post.comment_count == 0 and not Interaction.objects.exists()
    assert "Cheap pills" not in page(client, "/testborough/northfield/")
    assert "Buy pills" not in page(client, post.get_absolute_url())
    client.force_login(neighbour)
    assert "Waiting for a moderator" in page(client, post.get_absolute_url())
    client.logout()
    services.moderation_act(moderator=moderator, kind=Kind.APPROVE, reason="Checked.", post=held)
    services.moderation_act(moderator=moderator, kind=Kind.APPROVE, reason="Checked.", comment=reply)
    post.refresh_from_db()
    assert post.comment_count == 1
    assert sorted(Interaction.objects.values_list("kind", flat=True)) == ["comment", "post"]
    assert "Cheap pills" in page(client, "/testborough/northfield/")
    assert "Buy pills" in page(client, post.get_absolute_url())


def test_a_blocked_person_reads_but_does_not_take_part_until_released(client, scoped, neighbourhood, post, moderator, neighbour):
    block = services.moderation_act(moderator=moderator, kind=Kind.BLOCK, reason="Threats.", person=neighbour)
    for attempt in (
        lambda: conversation.post_create(author=neighbour, kind="update", title="Hi", body="Hi", neighbourhood=neighbourhood),
        lambda: conversation.comment_create(author=neighbour, post=post, body="Hi"),
        lambda: conversation.reaction_toggle(person=neighbour, post=post, kind="like"),
        lambda: services.report_create(reporter=neighbour, reason="spam", post=post),
    ):
        with pytest.raises(PermissionDenied, match="A moderator has stopped you"):
            attempt()
    assert "stopped you taking part" in Notification.objects.get(person=neighbour).text
    client.force_login(neighbour)
    response = client.post("/testborough/posts/new/", {"kind": "update", "title": "My typed title", "body": "Hello",
                                                       "neighbourhood": neighbourhood.pk})
    assert response.status_code == 400 and 'value="My typed title"' in response.content.decode()
    services.moderation_undo(moderator=moderator, action=block, reason="Apologised.")
    assert not Standing.objects.exists()
    conversation.comment_create(author=neighbour, post=post, body="Sorry, everyone.")


def test_a_moderator_cannot_moderate_themselves(scoped, moderator):
    with pytest.raises(ValidationError, match="yourself"):
        services.moderation_act(moderator=moderator, kind=Kind.BLOCK, reason="Test", person=moderator)


def test_restoring_a_hidden_held_post_sends_it_back_to_the_queue(scoped, neighbourhood, moderator):
    held = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council, state=State.HELD)
    hide(moderator, post=held)
    services.moderation_act(moderator=moderator, kind=Kind.RESTORE, reason="Needs a proper look.", post=held)
    held.refresh_from_db()
    assert held.state == State.HELD


def test_moderators_close_comments_and_link_posts_on_anyones_post(scoped, neighbourhood, post, moderator, neighbour):
    conversation.post_set_comments_closed(person=moderator, post=post, closed=True)
    other = PostFactory(neighbourhood=neighbourhood, council=neighbourhood.council)
    conversation.post_link_add(person=moderator, from_post=post, to_post=other)
    with pytest.raises(PermissionDenied):
        conversation.post_set_comments_closed(person=neighbour, post=post, closed=False)


# Pages


def test_the_action_form_keeps_what_was_typed_and_needs_a_reason(client, scoped, post, moderator):
    client.force_login(moderator)
    url = f"/testborough/moderation/posts/{post.pk}/"
    text = page(client, url)
    assert "Spam or advertising" in text and "Checked and fine" in text  # the suggested reasons
    response = client.post(url, {"form": "act", "act-kind": "hide", "act-reason_template": "", "act-reason": ""})
    assert response.status_code == 400
    assert "Choose a reason or write one" in response.content.decode()
    post.refresh_from_db()
    assert post.state == State.PUBLISHED
    response = client.post(url, {"form": "edit", "edit-title": "Bins", "edit-body": "Kept words", "edit-note": "",
                                 "edit-reason": "Private"})
    assert response.status_code == 400 and "Kept words" in response.content.decode()
    response = client.post(url, {"form": "act", "act-kind": "hide", "act-reason_template": "default-2",
                                 "act-reason": "The number was yours, but please do not share it."})
    assert response.status_code == 302
    told = Notification.objects.get().text
    assert "shared someone’s private information" in told and "please do not share it" in told


def test_the_undo_page(client, scoped, post, moderator):
    action = hide(moderator, post=post)
    client.force_login(moderator)
    url = f"/testborough/moderation/actions/{action.pk}/undo/"
    assert "Undo “Hide”" in page(client, url)
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Mistake"})
    assert response.status_code == 302 and response["Location"] == f"/testborough/moderation/posts/{post.pk}/"
    post.refresh_from_db()
    assert post.state == State.PUBLISHED


def test_the_person_page_offers_reporting_and_moderating(client, scoped, resident, neighbour, moderator):
    client.force_login(neighbour)
    text = page(client, f"/testborough/people/{resident.username}/")
    assert f"/testborough/moderation/report/?person={resident.username}" in text
    assert "/moderation/people/" not in text
    client.force_login(moderator)
    assert f"/testborough/moderation/people/{resident.username}/" in page(client, f"/testborough/people/{resident.username}/")
    text = page(client, f"/testborough/moderation/people/{resident.username}/")
    assert "Hold new posts for review" in text and "Block" in text


# Reasons, the policy, notifications


def test_a_council_writes_its_own_reasons_and_they_replace_the_suggested_ones(client, scoped, post, administrator, moderator):
    client.force_login(moderator)
    assert client.get("/testborough/moderation/reasons/").status_code == 403
    client.force_login(administrator)
    response = client.post("/testborough/moderation/reasons/", {"title": "Not neighbourly", "text": "Please be kind."})
    assert response.status_code == 302
    assert [r.title for r in selectors.reasons_on_offer()] == ["Not neighbourly"]
    assert AuditEntry.objects.get().action == "reason.add"
    client.force_login(moderator)
    text = page(client, f"/testborough/moderation/posts/{post.pk}/")
    assert "Not neighbourly" in text and "Checked and fine" not in text


def test_the_policy_is_public_and_the_council_can_change_it(client, scoped, administrator, moderator):
    assert "Be kind." in page(client, "/testborough/moderation/policy/")
    client.force_login(moderator)
    assert client.get("/testborough/moderation/policy/edit/").status_code == 403
    client.force_login(administrator)
    assert client.post("/testborough/moderation/policy/edit/", {"text": ""}).status_code == 400
    client.post("/testborough/moderation/policy/edit/", {"text": "### Our rules\n\nBe a good neighbour."})
    client.logout()
    text = page(client, "/testborough/moderation/policy/")
    assert "<h5>Our rules</h5>" in text and "Be a good neighbour." in text and "Be kind." not in text
    assert AuditEntry.objects.get().action == "policy.change"


def test_notifications_page_and_the_unread_count_in_the_header(client, scoped, post, moderator, resident):
    hide(moderator, post=post)
    client.force_login(resident)
    home = page(client, "/testborough/")
    assert 'href="/testborough/notifications/">Notifications (1 new)</a>' in home
    assert "hid your post" in page(client, "/testborough/notifications/")
    response = client.post("/testborough/notifications/read/")
    assert response.status_code == 302
    assert "Notifications (" not in page(client, "/testborough/")
    assert Notification.objects.get().read_at is not None


# The audit log


def test_the_audit_log_is_for_council_administrators_and_downloads_as_csv(client, scoped, post, moderator, administrator):
    services.moderation_act(
        moderator=moderator, kind=Kind.EDIT, reason="=HYPERLINK(\"http://evil\")", post=post,
        title=post.title, body="Call me about the bins.", note="Number removed.",
    )
    client.force_login(moderator)
    assert client.get("/testborough/moderation/audit/").status_code == 403
    assert client.get("/testborough/moderation/audit.csv").status_code == 403
    client.force_login(administrator)
    assert "post.edit" in page(client, "/testborough/moderation/audit/")
    response = client.get("/testborough/moderation/audit.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["when", "who", "action", "target type", "target id", "target", "reason", "before", "after"]
    assert rows[1][1:6] == ["Mo Moderator", "post.edit", "conversation.post", str(post.pk), "Bins on Elm Street"]
    assert rows[1][6] == "'=HYPERLINK(\"http://evil\")"  # a spreadsheet shows it, never runs it
    assert "07700 900123" in rows[1][7] and "07700" not in rows[1][8]


def test_the_audit_log_can_be_written_by_any_app(scoped, council, administrator):
    from villagehall.core.audit import audit_record

    entry = audit_record(actor=administrator, action="badge.grant", target=administrator, reason="Officer",
                         before={"badge": None}, after={"badge": "Parks"})
    assert (entry.council, entry.target_type, entry.actor_name) == (council, "people.person", "Ada Administrator")


# Councils stay apart


def test_a_moderator_of_one_council_has_no_say_in_another(client, scoped, post, moderator):
    other = CouncilFactory(slug="otherborough")
    elsewhere = PostFactory(neighbourhood=NeighbourhoodFactory(council=other), council=other)
    client.force_login(moderator)
    assert client.get("/otherborough/moderation/").status_code == 403
    assert client.get(f"/otherborough/moderation/posts/{elsewhere.pk}/").status_code == 403
    assert client.get(f"/testborough/moderation/posts/{elsewhere.pk}/").status_code == 404
    assert client.get(f"/testborough/moderation/report/?post={elsewhere.pk}").status_code == 404
    with council_scope(other):
        with pytest.raises(PermissionDenied):
            hide(moderator, post=elsewhere)
    assert Post.dangerously_unscoped.get(pk=elsewhere.pk).state == State.PUBLISHED
    assert not Comment.objects.exists()


def test_a_long_queue_says_how_many_more_wait_behind_those_shown(client, scoped, post, moderator, monkeypatch):
    monkeypatch.setattr(selectors, "QUEUE_AT_MOST", 2)
    for n in range(3):
        PostFactory(neighbourhood=post.neighbourhood, council=post.council, title=f"Held {n}", state=State.HELD)
    client.force_login(moderator)
    text = page(client, "/testborough/moderation/")
    assert "Held 0" in text and "Held 1" in text and "Held 2" not in text
    assert "1 more report or held item waits behind them" in text
    PostFactory(neighbourhood=post.neighbourhood, council=post.council, title="Held 3", state=State.HELD)
    assert "2 more reports or held items wait behind them" in page(client, "/testborough/moderation/")


def test_a_short_queue_says_nothing_more_waits(client, scoped, post, moderator):
    PostFactory(neighbourhood=post.neighbourhood, council=post.council, title="Held", state=State.HELD)
    client.force_login(moderator)
    assert "behind them" not in page(client, "/testborough/moderation/")
