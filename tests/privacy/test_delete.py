"""Deleting an account: personal data goes; what they wrote stays only where others replied,
credited to "A former member"; their name is held back from anyone else for a while."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db.models import F
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from tests.test_email import PASSWORD as SIGNUP_PASSWORD
from villagehall.analytics.models import Interaction
from villagehall.conversation import services as conversation
from villagehall.conversation.models import Comment, Follow, Post, Reaction
from villagehall.core.tenancy import council_scope
from villagehall.people import services as people
from villagehall.core.models import AuditEntry
from villagehall.people.models import CouncilRole, Membership, Person, Residency, RetiredName

PASSWORD = "correct horse battery staple"


@pytest.fixture
def town(council, neighbourhood):
    rita = PersonFactory(email="rita@example.org", display_name="Rita Resident")
    nina = PersonFactory(display_name="Nina Neighbour")
    with council_scope(council):
        alone = conversation.post_create(author=rita, kind="update", title="Lost cat", body="Grey.", neighbourhood=neighbourhood)
        answered = conversation.post_create(author=rita, kind="question", title="Bin day?", body="When?", neighbourhood=neighbourhood)
        conversation.comment_create(author=nina, post=answered, body="Tuesday.")
        ninas = conversation.post_create(author=nina, kind="idea", title="Bulb planting", body="Who's in?", neighbourhood=neighbourhood)
        unanswered_comment = conversation.comment_create(author=rita, post=ninas, body="Me!")
        replied_comment = conversation.comment_create(author=rita, post=ninas, body="What bulbs?")
        conversation.comment_create(author=nina, post=ninas, parent=replied_comment, body="Daffodils.")
        conversation.reaction_toggle(person=rita, post=ninas, kind="like")
        conversation.follow_toggle(person=rita, target=neighbourhood)
        conversation.follow_toggle(person=nina, target=rita)
        Residency.objects.create(person=rita, neighbourhood=neighbourhood)
    parks = OrganisationFactory(council=council, slug="parks", kind="council_service")
    administrator = PersonFactory()
    people.council_administrator_grant(person=administrator, council=council)
    people.officer_badge_grant(by=administrator, person=rita, organisation=parks, reason="Volunteer ranger.")
    people.council_role_grant(by=administrator, person=rita, council=council, role="digital_champion", reason="Helps.")
    MembershipFactory(person=rita, organisation=OrganisationFactory(council=council, slug="gardeners"))
    return {"rita": rita, "nina": nina, "alone": alone, "answered": answered, "ninas": ninas,
            "unanswered_comment": unanswered_comment, "replied_comment": replied_comment}


def delete(client, person, typed, capture=None):
    client.force_login(person)
    if capture is None:
        return client.post("/accounts/privacy/delete/", {"confirm_email": typed})
    with capture(execute=True):
        return client.post("/accounts/privacy/delete/", {"confirm_email": typed})


def test_deleting_removes_personal_data_and_keeps_what_others_replied_to(
    client, council, town, smtp_inbox, django_capture_on_commit_callbacks,
):
    rita, ninas = town["rita"], town["ninas"]
    interactions_before = Interaction.dangerously_unscoped.filter(actor=rita).count()
    response = delete(client, rita, " Rita@Example.org ", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session

    rita = Person.objects.get(pk=rita.pk)
    assert rita.display_name == "A former member" and not rita.is_active and not rita.has_usable_password()
    assert "rita" not in rita.email and "rita" not in rita.username and rita.bio == ""
    assert not EmailAddress.objects.filter(user=rita).exists()

    # What nobody replied to is gone; what others replied to stays, credited to "A former member".
    assert not Post.dangerously_unscoped.filter(pk=town["alone"].pk).exists()
    assert Post.dangerously_unscoped.get(pk=town["answered"].pk).author == rita
    assert not Comment.dangerously_unscoped.filter(pk=town["unanswered_comment"].pk).exists()
    assert Comment.dangerously_unscoped.get(pk=town["replied_comment"].pk).body == "What bulbs?"
    ninas = Post.dangerously_unscoped.get(pk=ninas.pk)
    assert ninas.comment_count == 2 and ninas.like_count == 0
    assert not Reaction.dangerously_unscoped.filter(person=rita).exists()
    assert not Follow.dangerously_unscoped.filter(follower=rita).exists()
    assert not Follow.dangerously_unscoped.filter(person=rita).exists()

    assert not Membership.dangerously_unscoped.filter(person=rita).exists()
    assert not CouncilRole.dangerously_unscoped.filter(person=rita).exists()
    assert not Residency.dangerously_unscoped.filter(person=rita).exists()
    about_rita = AuditEntry.dangerously_unscoped.filter(target_type="people.person", target_id=str(rita.pk))
    removed = about_rita.filter(actor=None, reason="The account was deleted.")
    assert sorted(removed.values_list("action", flat=True)) == ["badge.remove", "council_role.remove"]
    assert set(about_rita.values_list("target_label", flat=True)) == {"A former member"}
    # The council's figures still count what happened, but no longer who.
    assert Interaction.dangerously_unscoped.filter(actor=rita).count() == interactions_before

    page = client.get(ninas.get_absolute_url()).content.decode()
    assert "A former member" in page and "Rita Resident" not in page

    recipients, message = smtp_inbox.only()
    assert recipients == ["rita@example.org"] and "deleted" in message["Subject"]
    assert client.post("/accounts/login/", {"login": "rita@example.org", "password": PASSWORD}).status_code == 200


def test_deleting_needs_the_email_address_typed(client, town):
    response = delete(client, town["rita"], "rita@example.com")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your account has not been deleted" in page and 'value="rita@example.com"' in page
    assert Person.objects.get(pk=town["rita"].pk).is_active


def test_a_deleted_name_cannot_be_taken_at_sign_up_or_in_a_profile(client, council, town):
    delete(client, town["rita"], "rita@example.org")
    client.logout()
    response = client.post("/accounts/signup/", {
        "email": "impostor@example.org", "display_name": "  rita RESIDENT ",
        "password1": SIGNUP_PASSWORD, "password2": SIGNUP_PASSWORD,
    })
    assert response.status_code == 200
    assert "belonged to an account that was deleted recently" in response.content.decode()
    assert not Person.objects.filter(email="impostor@example.org").exists()

    client.force_login(town["nina"])
    response = client.post(f"/{council.slug}/people/me/edit/", {"display_name": "Rita-Resident", "bio": ""})
    assert response.status_code == 400 and "deleted recently" in response.content.decode()
    response = client.post(f"/{council.slug}/people/me/edit/", {"display_name": "A Former Member", "bio": ""})
    assert response.status_code == 400 and "deleted accounts" in response.content.decode()

    RetiredName.objects.update(retired_until=timezone.now() - timedelta(seconds=1))
    response = client.post(f"/{council.slug}/people/me/edit/", {"display_name": "Rita Resident", "bio": ""})
    assert response.status_code == 302


def test_only_a_hash_of_the_name_is_kept(client, town):
    delete(client, town["rita"], "rita@example.org")
    retired = RetiredName.objects.get()
    assert "rita" not in retired.name_hash.lower() and len(retired.name_hash) == 64


def test_deleting_leaves_the_count_of_a_post_alone_for_a_reply_that_never_appeared(client, council, town):
    rita, ninas = town["rita"], town["ninas"]
    with council_scope(council):
        held = conversation.comment_create(author=rita, post=ninas, body="Held back.")
        # As if a moderator had held it as it was written: held replies are not counted.
        Comment.dangerously_unscoped.filter(pk=held.pk).update(state="held")
        Post.dangerously_unscoped.filter(pk=ninas.pk).update(comment_count=F("comment_count") - 1)
    count_before = Post.dangerously_unscoped.get(pk=ninas.pk).comment_count

    delete(client, rita, "rita@example.org")

    assert not Comment.dangerously_unscoped.filter(pk=held.pk).exists()
    # Rita's published "Me!" goes and is counted off; the held reply was never counted.
    assert Post.dangerously_unscoped.get(pk=ninas.pk).comment_count == count_before - 1
