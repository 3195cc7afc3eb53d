import re

import pytest
from django.core import mail

from tests.factories import PostFactory
from tests.test_email import smtp_inbox  # noqa: F401  (the SMTP server on loopback)

BASE_URL = "http://testserver/"


@pytest.fixture
def outbox(settings):
    """Keep sent email in memory (django.core.mail.outbox)."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def welcoming(council):
    """The council takes comments from guests."""
    council.guest_comments = True
    council.save(update_fields=["guest_comments"])
    return council


@pytest.fixture
def post(scoped, welcoming, neighbourhood):
    return PostFactory(neighbourhood=neighbourhood, council=welcoming, title="Bench by the pond")


def confirm_path(message) -> str:
    """Return the path of the publishing link in a confirmation email."""
    found = re.search(r"https?://[^/\s]+(/\S+/guests/confirm/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def signed_part(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]
