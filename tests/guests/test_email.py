"""A guest's confirmation really leaves through SMTP (a local server on loopback), and the
link in the message received publishes the comment, once."""

from django.test import Client

from tests.test_email import body_of, link_in
from tests.guests.test_pages import form_url, token_in
from villagehall.conversation.models import Comment, Post


def test_the_emailed_link_publishes_the_guests_comment(post, smtp_inbox, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    page = client.get(post.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(post), {
            "name": "Sam Guest", "email": "Sam@Example.org", "body": "Count me in for the *bench*.",
            "csrfmiddlewaretoken": token_in(page),
        })
    assert response.status_code == 302

    recipients, message = smtp_inbox.only()
    assert recipients == ["sam@example.org"] and message["To"] == "sam@example.org"
    assert message["Subject"] == "Confirm your comment on “Bench by the pond”"
    assert "Count me in" not in body_of(message)
    link = link_in(message, "/testborough/guests/confirm/")
    assert not Comment.objects.exists()

    reader = Client(enforce_csrf_checks=True)  # the link opened in another browser works too
    confirm_page = reader.get(link)
    assert confirm_page.status_code == 200 and "Count me in for the <em>bench</em>." in confirm_page.content.decode()
    response = reader.post(link, {"csrfmiddlewaretoken": token_in(confirm_page)})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    assert comment.author.is_guest and comment.author.display_name == "Sam Guest"
    assert Post.objects.get(pk=post.pk).comment_count == 1
    assert "Count me in for the <em>bench</em>." in Client().get(post.get_absolute_url()).content.decode()

    assert "This link has been used" in reader.get(link).content.decode()
    assert Comment.objects.count() == 1
    assert smtp_inbox.messages == []
