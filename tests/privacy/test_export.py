"""A person downloads everything they gave or that is about them, as JSON: made in the
background, announced by email over SMTP, through a link that needs them signed in,
expires, and works once; the file is deleted after."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import CommentFactory, MembershipFactory, OrganisationFactory, PersonFactory, PostFactory
from tests.test_email import link_in
from villagehall.conversation import services as conversation
from villagehall.core.tenancy import council_scope
from villagehall.people.models import Residency
from villagehall.privacy.models import DataExport


@pytest.fixture
def rita(council, neighbourhood):
    rita = PersonFactory(email="rita@example.org", display_name="Rita Resident", bio="Allotment at Elm Road.")
    with council_scope(council):
        post = conversation.post_create(author=rita, kind="question", title="Who mows the green?", body="It is long.",
                                        neighbourhood=neighbourhood)
        conversation.comment_create(author=rita, post=post, body="Thanks all.")
        other = PostFactory(neighbourhood=neighbourhood, title="Fete on Saturday")
        conversation.reaction_toggle(person=rita, post=other, kind="thanks")
        conversation.follow_toggle(person=rita, target=neighbourhood)
        Residency.objects.create(person=rita, neighbourhood=neighbourhood)
    MembershipFactory(person=rita, organisation=OrganisationFactory(council=council, name="Elm Road Gardeners"))
    return rita


def ask_for_export(client, person, smtp_inbox, capture):
    client.force_login(person)
    with capture(execute=True):
        response = client.post("/accounts/privacy/export/")
    assert response.status_code == 302
    recipients, message = smtp_inbox.only()
    assert recipients == [person.email]
    return link_in(message, "/accounts/privacy/exports/")


def test_the_export_holds_what_they_gave_and_what_is_about_them(client, rita, smtp_inbox, django_capture_on_commit_callbacks, data_dir):
    link = ask_for_export(client, rita, smtp_inbox, django_capture_on_commit_callbacks)
    page = client.get(link)
    assert page.status_code == 200 and "Download my data" in page.content.decode()

    response = client.post(link)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["display_name"] == "Rita Resident" and data["profile"]["about"] == "Allotment at Elm Road."
    assert data["sign_in"]["email_addresses"] == [{"email": "rita@example.org", "verified": True, "main": True}]
    assert data["sign_in"]["second_factors"] == []
    assert [p["title"] for p in data["posts"]] == ["Who mows the green?"]
    assert [c["body"] for c in data["comments"]] == ["Thanks all."]
    assert [(r["kind"], r["post_title"]) for r in data["reactions"]] == [("Thanks", "Fete on Saturday")]
    assert [(f["what"], f["name"]) for f in data["following"]] == [("neighbourhood", "Northfield")]
    assert [m["organisation"] for m in data["memberships"]] == ["Elm Road Gardeners"]
    assert [r["neighbourhood"] for r in data["residencies"]] == ["Northfield"]
    assert sorted(i["kind"] for i in data["interactions"]) == ["Comment", "Post", "Reaction"]
    assert "Fete on Saturday" not in [p["title"] for p in data["posts"]], "someone else's post is not theirs"

    # The link worked once; the file is gone.
    assert list((data_dir / "exports").iterdir()) == []
    assert client.post(link).status_code == 410
    assert client.get(link).status_code == 410


def test_the_link_needs_its_owner_signed_in(client, rita, smtp_inbox, django_capture_on_commit_callbacks, data_dir):
    link = ask_for_export(client, rita, smtp_inbox, django_capture_on_commit_callbacks)
    client.logout()
    response = client.post(link)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(PersonFactory())
    assert client.post(link).status_code == 410
    # Neither try used it up.
    client.force_login(rita)
    assert client.post(link).status_code == 200


def test_only_a_hash_of_the_token_is_kept(client, rita, smtp_inbox, django_capture_on_commit_callbacks):
    link = ask_for_export(client, rita, smtp_inbox, django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[1]
    export = DataExport.objects.get(person=rita)
    assert export.token_hash and token not in export.token_hash
    wrong = link.replace(token, token[:-2] + ("aa" if not token.endswith("aa") else "bb"))
    assert client.post(wrong).status_code == 410


def test_an_expired_link_no_longer_works_and_its_file_is_deleted(client, rita, smtp_inbox, django_capture_on_commit_callbacks, data_dir):
    link = ask_for_export(client, rita, smtp_inbox, django_capture_on_commit_callbacks)
    DataExport.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("privacy_sweep", verbosity=0)
    assert list((data_dir / "exports").iterdir()) == []
    assert DataExport.objects.get().status == "expired"
    assert client.post(link).status_code == 410


def test_the_privacy_page_says_where_each_export_is(client, rita, smtp_inbox, django_capture_on_commit_callbacks):
    ask_for_export(client, rita, smtp_inbox, django_capture_on_commit_callbacks)
    page = client.get("/accounts/privacy/").content.decode()
    assert "The link is in the email we sent to rita@example.org" in page


@pytest.mark.django_db(transaction=True)
def test_the_database_task_backend_makes_it_in_a_worker(client, settings, smtp_inbox, council):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    person = PersonFactory(email="dee@example.org")
    client.force_login(person)
    client.post("/accounts/privacy/export/")
    assert DataExport.objects.get().status == "preparing" and not smtp_inbox.messages
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert DataExport.objects.get().status == "ready"
    assert smtp_inbox.only()[0] == ["dee@example.org"]
