"""Email really leaves through SMTP: a local SMTP server (aiosmtpd) on loopback receives
the sign-up verification email and a password-reset email whose link works."""

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from allauth.account.models import EmailAddress

from tests.factories import PersonFactory
from villagehall.people.models import Person

PASSWORD = "a long and quiet evening"
LINK = re.compile(r"https?://\S+")


class Inbox:
    """An aiosmtpd handler that keeps every message it is given.

    Django's SMTP backend waits for the server's 250 reply, and the message is kept
    before that reply, so it is here by the time the request that sent it returns.
    """

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def only(self):
        """Return the one message received, as (envelope recipients, message)."""
        assert len(self.messages) == 1, f"expected one email, the SMTP server got {len(self.messages)}"
        return self.messages.pop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    """Run an SMTP server on loopback and send the site's email through it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    if hasattr(settings, "MAILERS"):  # Django 6.1's way, which settings.py uses
        settings.MAILERS = {"default": {"BACKEND": smtp, "OPTIONS": {
            "host": controller.hostname, "port": controller.port, "timeout": 10,
        }}}
    else:  # the settings Django 6.1 still reads when MAILERS is not set
        settings.EMAIL_BACKEND = smtp
        settings.EMAIL_HOST = controller.hostname
        settings.EMAIL_PORT = controller.port
        settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain", "html")).get_content()


def link_in(message, path_prefix) -> str:
    """Return the path of the link in the message body that starts with path_prefix."""
    for url in LINK.findall(body_of(message)):
        path = re.sub(r"^https?://[^/]+", "", url)
        if path.startswith(path_prefix):
            return path
    raise AssertionError(f"no link to {path_prefix}… in the email:\n{body_of(message)}")


@pytest.mark.django_db
def test_sign_up_sends_a_verification_email_over_smtp(client, smtp_inbox):
    response = client.post("/accounts/signup/", {
        "email": "sam@example.org", "display_name": "Sam from Elm Road",
        "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 302, response.content.decode()[:2000]

    recipients, message = smtp_inbox.only()
    assert recipients == ["sam@example.org"]
    assert message["To"] == "sam@example.org"
    assert re.search(r"confirm|verify", message["Subject"], re.IGNORECASE), message["Subject"]
    confirm = link_in(message, "/accounts/confirm-email/")

    person = Person.objects.get(email="sam@example.org")
    assert not EmailAddress.objects.get(user=person).verified
    assert client.get(confirm).status_code == 200
    assert client.post(confirm).status_code == 302
    assert EmailAddress.objects.get(user=person).verified


@pytest.mark.django_db
def test_password_reset_emails_a_working_link_over_smtp(client, smtp_inbox):
    person = PersonFactory(email="rita@example.org")
    response = client.post("/accounts/password/reset/", {"email": "RITA@example.org"})
    assert response.status_code == 302, response.content.decode()[:2000]

    recipients, message = smtp_inbox.only()
    assert recipients == ["rita@example.org"]
    assert message["To"] == "rita@example.org"
    assert "password" in message["Subject"].lower(), message["Subject"]
    reset = link_in(message, "/accounts/password/reset/key/")

    # The link swaps its key into the session and redirects to the set-password form.
    response = client.get(reset, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset
    assert b'name="password1"' in response.content, response.content.decode()[:2000]
    response = client.post(form_url, {"password1": "a new and quiet evening", "password2": "a new and quiet evening"})
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.check_password("a new and quiet evening")

    client.logout()
    response = client.post("/accounts/login/", {"login": "rita@example.org", "password": "a new and quiet evening"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(person.pk)
