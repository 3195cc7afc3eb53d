"""A guest's address is personal data: someone who later joins with it can still join, and
their data download includes what they wrote as a guest, once the address is confirmed."""

from allauth.account.models import EmailAddress

from tests.factories import PersonFactory
from tests.guests.test_services import submit_and_sign
from villagehall.guests import services
from villagehall.people.models import Person
from villagehall.privacy.selectors import personal_data


def test_joining_with_a_guests_address_works_and_the_download_includes_their_comments(
    client, post, outbox, django_capture_on_commit_callbacks,
):
    comment = services.guest_comment_confirm(signed=submit_and_sign(
        post, outbox, django_capture_on_commit_callbacks, name="Sam Guest", email="sam@example.org", body="As a guest."))

    response = client.post("/accounts/signup/", {
        "email": "Sam@example.org", "display_name": "Sam Guest",
        "password1": "a long and quiet evening", "password2": "a long and quiet evening",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    sam = Person.objects.get(email__iexact="sam@example.org")
    assert not sam.is_guest and sam != comment.author

    # Until the address is confirmed, nothing written with it is handed over.
    assert personal_data(person=sam)["comments_as_a_guest"] == []
    EmailAddress.objects.filter(user=sam).update(verified=True)
    data = personal_data(person=sam)
    assert [(c["body"], c["name_shown"], c["on_post"]) for c in data["comments_as_a_guest"]] == [
        ("As a guest.", "Sam Guest", post.pk)
    ]
    assert data["comments"] == []


def test_everyone_elses_download_is_unchanged(post, outbox, django_capture_on_commit_callbacks):
    services.guest_comment_confirm(signed=submit_and_sign(post, outbox, django_capture_on_commit_callbacks))
    assert personal_data(person=PersonFactory(email="rita@example.org"))["comments_as_a_guest"] == []


def test_the_council_shows_and_removes_a_guests_details_by_command(post, outbox, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    from villagehall.conversation.models import Comment
    from villagehall.guests.models import GuestComment
    from tests.guests.test_services import submit

    services.guest_comment_confirm(signed=submit_and_sign(
        post, outbox, django_capture_on_commit_callbacks, name="Sam Guest", body="Published words."))
    submit(post, body="Waiting words.")

    shown = StringIO()
    call_command("guest_details_remove", "SAM@example.org", "--show", stdout=shown)
    text = shown.getvalue()
    assert "Name shown: Sam Guest" in text and "Published words." in text and "Waiting words." in text
    assert Comment.objects.count() == 1 and GuestComment.objects.count() == 2

    removed = StringIO()
    call_command("guest_details_remove", "sam@example.org", stdout=removed)
    assert "1 unconfirmed comment deleted; 1 published comment deleted; 0 kept" in removed.getvalue()
    assert not Comment.objects.exists()
    assert not GuestComment.objects.filter(confirmed_at__isnull=True).exists()
