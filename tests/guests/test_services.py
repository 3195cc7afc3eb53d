"""Guest comments, service by service: taken, emailed, published once by the link, refused
where guests may not comment, moderated like a new account's, swept out when never
confirmed, and removed when a guest asks."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.factories import (
    CommentFactory, CouncilAdministratorFactory, CouncilFactory, NeighbourhoodFactory, OrganisationFactory,
    PersonFactory, PostFactory,
)
from tests.guests.conftest import BASE_URL, confirm_path, signed_part
from villagehall.analytics.models import Interaction
from villagehall.conversation import services as conversation
from villagehall.conversation.models import Comment, Post, State
from villagehall.core.models import AuditEntry
from villagehall.core.tenancy import council_scope
from villagehall.guests import services
from villagehall.guests.models import GuestComment
from villagehall.guests.selectors import guest_person_for
from villagehall.moderation import services as moderation
from villagehall.people.models import CouncilRole, Person
from villagehall.places.models import Council

ANYONE = AnonymousUser()


def submit(post, *, name="Sam Guest", email="sam@example.org", body="Lovely idea.", parent=None):
    return services.guest_comment_submit(
        requester=ANYONE, post=post, name=name, email=email, body=body, parent=parent, base_url=BASE_URL,
    )


def submit_and_sign(post, outbox, capture, **details):
    """Submit a guest comment and return the signed part of the link emailed for it."""
    with capture(execute=True):
        submit(post, **details)
    return signed_part(confirm_path(outbox[-1]))


def version(council):
    return Council.objects.get(pk=council.pk).content_version


def test_a_guest_comment_waits_unseen_until_its_link_is_opened(post, outbox, django_capture_on_commit_callbacks):
    before = version(post.council)
    with django_capture_on_commit_callbacks(execute=True):
        pending = submit(post, name="Sam Guest", email=" Sam@Example.org ", body="Lovely **idea**.")

    assert pending.email == "sam@example.org" and pending.confirmed_at is None
    assert not Comment.objects.exists()
    assert Post.objects.get(pk=post.pk).comment_count == 0
    assert not Interaction.objects.filter(kind=Interaction.Kind.COMMENT).exists()
    assert not Person.objects.filter(is_guest=True).exists()
    assert version(post.council) == before

    [message] = outbox
    assert message.to == ["sam@example.org"]
    assert "Bench by the pond" in message.subject
    # What was typed stays out of the email: the form must not send anyone a message of one's choosing.
    assert "Sam Guest" not in message.body and "idea" not in message.body
    assert "48 hours" in message.body
    assert "/testborough/guests/confirm/" in confirm_path(message)


def test_opening_the_link_publishes_counts_records_and_refreshes(post, outbox, django_capture_on_commit_callbacks):
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks, body="Lovely **idea**.")
    before = version(post.council)

    comment = services.guest_comment_confirm(signed=signed)

    assert comment.state == State.PUBLISHED and comment.post_id == post.pk
    assert comment.body_html == "<p>Lovely <strong>idea</strong>.</p>\n"
    guest = comment.author
    assert guest.is_guest and guest.display_name == "Sam Guest" and not guest.has_usable_password()
    assert "sam@example.org" not in (guest.email, guest.username)
    assert Post.objects.get(pk=post.pk).comment_count == 1
    assert version(post.council) > before
    interaction = Interaction.objects.get(kind=Interaction.Kind.COMMENT)
    # The community side: an actor speaking for no council service.
    assert interaction.actor == guest and interaction.acting_for is None and interaction.post_id == post.pk
    # The waiting row forgets what it held.
    pending = GuestComment.objects.get()
    assert pending.comment == comment and pending.confirmed_at is not None
    assert (pending.name, pending.email, pending.body, pending.secret_hash) == ("", "", "", "")


def test_the_link_works_once(post, outbox, django_capture_on_commit_callbacks):
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks)
    comment = services.guest_comment_confirm(signed=signed)
    with pytest.raises(services.GuestLinkUsed) as used:
        services.guest_comment_confirm(signed=signed)
    assert used.value.comment == comment
    with pytest.raises(services.GuestLinkUsed):
        services.guest_comment_check(signed=signed)
    assert Comment.objects.count() == 1 and Post.objects.get(pk=post.pk).comment_count == 1


def test_an_expired_link_does_nothing(post, outbox, django_capture_on_commit_callbacks, monkeypatch):
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks)
    later = time.time() + 49 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    with pytest.raises(services.GuestLinkUnusable, match="expired"):
        services.guest_comment_confirm(signed=signed)
    monkeypatch.undo()
    # The stored expiry says the same, whatever the signature's clock.
    GuestComment.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.GuestLinkUnusable, match="expired"):
        services.guest_comment_confirm(signed=signed)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("tamper", ["secret", "signature", "garbage"])
def test_an_altered_link_does_nothing(post, outbox, django_capture_on_commit_callbacks, tamper):
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks)
    pk, _secret = signing.loads(signed, salt=services.SIGNING_SALT)
    altered = {
        # Signed properly, but the secret is not the one sent.
        "secret": signing.dumps([pk, "not-the-secret"], salt=services.SIGNING_SALT),
        "signature": signed[:-2] + ("AA" if not signed.endswith("AA") else "BB"),
        "garbage": "hello",
    }[tamper]
    with pytest.raises(services.GuestLinkUnusable):
        services.guest_comment_confirm(signed=altered)
    assert not Comment.objects.exists()


def test_a_link_only_works_in_its_own_council(post, outbox, django_capture_on_commit_callbacks):
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks)
    other = CouncilFactory(slug="otherborough", guest_comments=True)
    with council_scope(other), pytest.raises(services.GuestLinkUnusable):
        services.guest_comment_confirm(signed=signed)


def test_councils_that_do_not_take_guest_comments_refuse_them(scoped, neighbourhood, outbox):
    post = PostFactory(neighbourhood=neighbourhood, council=scoped)
    with pytest.raises(PermissionDenied, match="only from people who are signed in"):
        submit(post)
    assert not GuestComment.objects.exists() and outbox == []


def test_switching_off_stops_comments_already_waiting(post, outbox, django_capture_on_commit_callbacks):
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks)
    post.council.guest_comments = False
    post.council.save()
    with pytest.raises(PermissionDenied, match="signed in"):
        services.guest_comment_confirm(signed=signed)
    assert not Comment.objects.exists()


def test_members_only_spaces_never_take_guest_comments(scoped, welcoming, neighbourhood, outbox):
    group = OrganisationFactory(council=welcoming, members_only=True)
    post = PostFactory(neighbourhood=neighbourhood, council=welcoming, organisation=group)
    with pytest.raises(PermissionDenied, match="Only members"):
        submit(post)
    assert not GuestComment.objects.exists()


def test_a_space_made_members_only_stops_comments_already_waiting(
    scoped, welcoming, neighbourhood, outbox, django_capture_on_commit_callbacks,
):
    group = OrganisationFactory(council=welcoming)
    post = PostFactory(neighbourhood=neighbourhood, council=welcoming, organisation=group)
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks)
    group.members_only = True
    group.save()
    with pytest.raises(PermissionDenied, match="Only members"):
        services.guest_comment_confirm(signed=signed)


def test_closed_comments_refuse_guests_before_and_after(post, outbox, django_capture_on_commit_callbacks):
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks)
    conversation.post_set_comments_closed(person=post.author, post=post, closed=True)
    with pytest.raises(PermissionDenied, match="closed"):
        services.guest_comment_confirm(signed=signed)
    post.refresh_from_db()
    with pytest.raises(PermissionDenied, match="closed"):
        submit(post)
    assert not Comment.objects.exists()


def test_posts_not_published_take_no_guest_comments(post, outbox):
    post.state = State.HELD
    post.save()
    with pytest.raises(PermissionDenied, match="not open for replies"):
        submit(post)


def test_someone_signed_in_replies_as_themselves(post, outbox):
    with pytest.raises(PermissionDenied, match="signed in"):
        services.guest_comment_submit(
            requester=PersonFactory(), post=post, name="Sam", email="sam@example.org", body="Hi", base_url=BASE_URL,
        )


@pytest.mark.parametrize("details, message", [
    ({"name": "   "}, "Give the name"),
    ({"name": "x" * 81}, "80 characters"),
    ({"name": "Cheap pills www.pills.example"}, "web address"),
    ({"name": "A former member"}, "deleted accounts"),
    ({"email": "not an address"}, "email address"),
    ({"email": ""}, "email address"),
    ({"body": "  \n "}, "Write something"),
    ({"body": "x" * 5001}, "5,000 characters"),
    ({"body": "https://a.example https://b.example https://c.example"}, "at most 2 links"),
])
def test_bad_details_are_refused_with_a_reason(post, outbox, details, message):
    with pytest.raises((ValidationError, PermissionDenied)) as refused:
        submit(post, **details)
    text = refused.value.messages[0] if isinstance(refused.value, ValidationError) else str(refused.value)
    assert message in text
    assert not GuestComment.objects.exists() and outbox == []


def test_a_guest_replies_to_a_comment(post, outbox, django_capture_on_commit_callbacks):
    first = CommentFactory(post=post, council=post.council)
    first.root = first
    first.save()
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks, parent=first)
    reply = services.guest_comment_confirm(signed=signed)
    assert reply.parent == first and reply.depth == 1 and reply.root_id == first.pk

    elsewhere = CommentFactory(post=PostFactory(neighbourhood=post.neighbourhood, council=post.council))
    with pytest.raises(PermissionDenied, match="cannot take replies"):
        submit(post, parent=elsewhere)


def test_one_guest_per_address_showing_the_latest_name(post, outbox, django_capture_on_commit_callbacks):
    first = services.guest_comment_confirm(signed=submit_and_sign(
        post, outbox, django_capture_on_commit_callbacks, name="Sam", email="sam@example.org"))
    second = services.guest_comment_confirm(signed=submit_and_sign(
        post, outbox, django_capture_on_commit_callbacks, name="Sam from Elm Road", email="SAM@example.org"))
    other = services.guest_comment_confirm(signed=submit_and_sign(
        post, outbox, django_capture_on_commit_callbacks, name="Sam", email="another@example.org"))
    assert first.author == second.author != other.author
    assert guest_person_for(email="sam@example.org").display_name == "Sam from Elm Road"
    # The council counts one person, however often they write.
    assert Interaction.objects.filter(kind="comment").values("actor").distinct().count() == 2


def test_a_guests_first_comment_with_a_link_waits_for_a_moderator(post, outbox, django_capture_on_commit_callbacks):
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks, body="See https://pond.example")
    held = services.guest_comment_confirm(signed=signed)
    assert held.state == State.HELD
    assert Post.objects.get(pk=post.pk).comment_count == 0
    assert not Interaction.objects.filter(kind="comment").exists()

    moderator = CouncilAdministratorFactory(council=post.council, role=CouncilRole.Role.MODERATOR).person
    moderation.moderation_act(moderator=moderator, kind="approve", reason="Fine", comment=held)
    assert Comment.objects.get(pk=held.pk).state == State.PUBLISHED
    assert Post.objects.get(pk=post.pk).comment_count == 1
    assert Interaction.objects.filter(kind="comment", actor=held.author).exists()

    # Once they have something published, a link no longer holds a comment back.
    later = services.guest_comment_confirm(signed=submit_and_sign(
        post, outbox, django_capture_on_commit_callbacks, body="And https://more.example"))
    assert later.state == State.PUBLISHED


def test_moderators_hold_and_block_a_guest_by_their_address(post, outbox, django_capture_on_commit_callbacks):
    comment = services.guest_comment_confirm(signed=submit_and_sign(post, outbox, django_capture_on_commit_callbacks))
    moderator = CouncilAdministratorFactory(council=post.council, role=CouncilRole.Role.MODERATOR).person
    reporter = PersonFactory()
    moderation.report_create(reporter=reporter, reason="spam", comment=comment)
    moderation.moderation_act(moderator=moderator, kind="hide", reason="Spam", comment=comment)
    assert Comment.objects.get(pk=comment.pk).state == State.HIDDEN

    moderation.moderation_act(moderator=moderator, kind="hold", reason="Spam", person=comment.author)
    held = services.guest_comment_confirm(signed=submit_and_sign(post, outbox, django_capture_on_commit_callbacks))
    assert held.state == State.HELD

    moderation.moderation_act(moderator=moderator, kind="block", reason="Spam", person=comment.author)
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied, match="stopped comments from this email address"):
        services.guest_comment_confirm(signed=signed)


def test_a_guest_writes_only_so_many_comments_a_day(post, outbox, django_capture_on_commit_callbacks, settings):
    settings.TRUST_NEW_ACCOUNT_REPLIES_PER_DAY = 1
    services.guest_comment_confirm(signed=submit_and_sign(post, outbox, django_capture_on_commit_callbacks))
    signed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied, match="1 comments a day"):
        services.guest_comment_confirm(signed=signed)


def test_only_a_few_comments_wait_at_one_address(post, outbox, django_capture_on_commit_callbacks, settings):
    settings.TRUST_GUEST_COMMENTS_WAITING_PER_EMAIL = 2
    with django_capture_on_commit_callbacks(execute=True):
        submit(post)
        submit(post, email="SAM@example.org")
        with pytest.raises(ValidationError, match="already waiting"):
            submit(post)
        submit(post, email="someone.else@example.org")
    assert len(outbox) == 3


def test_unconfirmed_comments_are_deleted_once_their_links_expire(post, outbox, django_capture_on_commit_callbacks):
    confirmed = submit_and_sign(post, outbox, django_capture_on_commit_callbacks)
    services.guest_comment_confirm(signed=confirmed)
    submit_and_sign(post, outbox, django_capture_on_commit_callbacks, email="never@example.org")
    assert services.guest_comments_expire() == 0
    GuestComment.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    call_command("privacy_sweep", verbosity=0)

    assert not GuestComment.objects.exists()
    # The published comment is a Comment now, and stays.
    assert Comment.objects.count() == 1


def test_a_new_guest_comment_sweeps_out_expired_ones(post, outbox, django_capture_on_commit_callbacks):
    submit(post, email="never@example.org")
    GuestComment.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    submit(post)
    assert list(GuestComment.objects.values_list("email", flat=True)) == ["sam@example.org"]


def test_a_guest_asks_to_be_removed(post, outbox, django_capture_on_commit_callbacks):
    lonely = services.guest_comment_confirm(signed=submit_and_sign(
        post, outbox, django_capture_on_commit_callbacks, body="Nobody answers this."))
    answered = services.guest_comment_confirm(signed=submit_and_sign(
        post, outbox, django_capture_on_commit_callbacks, body="Someone answers this."))
    conversation.comment_create(author=PersonFactory(), post=post, body="I do.", parent=answered)
    submit(post, body="Still waiting.")
    guest = answered.author
    assert Post.objects.get(pk=post.pk).comment_count == 3

    removal = services.guest_details_remove(email="SAM@example.org")

    assert (removal.waiting, removal.removed, removal.kept) == (1, 1, 1)
    assert not GuestComment.objects.filter(confirmed_at__isnull=True).exists()
    assert not Comment.objects.filter(pk=lonely.pk).exists()
    assert Post.objects.get(pk=post.pk).comment_count == 2
    guest.refresh_from_db()
    assert guest.display_name == "A former member" and not guest.is_active
    assert guest_person_for(email="sam@example.org") is None
    # Writing again starts afresh, as someone new.
    again = services.guest_comment_confirm(signed=submit_and_sign(post, outbox, django_capture_on_commit_callbacks))
    assert again.author != guest and again.author.display_name == "Sam Guest"


def test_removing_an_unknown_address_removes_nothing(scoped):
    assert services.guest_details_remove(email="nobody@example.org") == services.GuestRemoval()


def test_council_administrators_switch_guest_comments(scoped):
    administrator = CouncilAdministratorFactory(council=scoped).person
    for person in (PersonFactory(), CouncilAdministratorFactory(council=scoped, role="moderator").person):
        with pytest.raises(PermissionDenied):
            services.council_guest_comments_set(person=person, allowed=True)
    before = version(scoped)
    council = services.council_guest_comments_set(person=administrator, allowed=True, reason="Try it for a month.")
    assert council.guest_comments and Council.objects.get(pk=scoped.pk).guest_comments
    assert version(scoped) > before
    entry = AuditEntry.objects.get(action="council.guest_comments")
    assert entry.actor == administrator and entry.reason == "Try it for a month."
    assert (entry.before, entry.after) == ({"guest_comments": False}, {"guest_comments": True})


def test_an_administrator_of_another_council_cannot_switch_this_one(scoped):
    other = CouncilFactory(slug="otherborough")
    NeighbourhoodFactory(council=other)
    outsider = CouncilAdministratorFactory(council=other).person
    with pytest.raises(PermissionDenied):
        services.council_guest_comments_set(person=outsider, allowed=True)


def test_a_guest_is_still_known_after_the_secret_key_changes(post, outbox, django_capture_on_commit_callbacks, settings):
    first = services.guest_comment_confirm(signed=submit_and_sign(post, outbox, django_capture_on_commit_callbacks))
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    assert guest_person_for(email="sam@example.org") == first.author
    again = services.guest_comment_confirm(signed=submit_and_sign(post, outbox, django_capture_on_commit_callbacks))
    assert again.author == first.author
    assert services.guest_details_remove(email="sam@example.org").removed == 2
