"""What every request reads — its session, the signed-in person, the council in the address,
and the answer to a permission — is read with statements built once, and means the same
as the ORM's reads did."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from villagehall.people.authentication import UsernameBackend
from villagehall.people.models import Person
from villagehall.places.selectors import council_by_slug
from tests.factories import PersonFactory


def test_the_council_in_the_address_is_read_as_the_orm_reads_it(council):
    found = council_by_slug(slug="testborough")
    assert found == council
    assert isinstance(found.created_at, datetime.datetime) and found.created_at == council.created_at
    assert found.content_version == council.content_version
    assert council_by_slug(slug="nowhere") is None


def test_the_signed_in_person_is_read_as_the_orm_reads_them(db):
    person = PersonFactory(display_name="Ada")
    found = UsernameBackend().get_user(str(person.pk))
    expected = Person.objects.get(pk=person.pk)
    for field in Person._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert isinstance(found.date_joined, datetime.datetime) and found.is_active is True
    assert UsernameBackend().get_user("not a number") is None
    assert UsernameBackend().get_user(person.pk + 1000) is None
    person.is_active = False
    person.save()
    assert UsernameBackend().get_user(person.pk) is None


def test_signing_in_and_out_through_the_session(client, council):
    person = PersonFactory(display_name="Sue Signed-In")
    assert client.login(email=person.email, password="correct horse battery staple")
    assert "Sue Signed-In" in client.get("/testborough/").content.decode()
    client.post("/accounts/logout/")
    assert "Sue Signed-In" not in client.get("/testborough/").content.decode()


def test_a_rule_that_says_no_is_the_answer_without_reading_model_permissions(council, scoped):
    person = PersonFactory()
    with CaptureQueriesContext(connection) as queries:
        assert not person.has_perm("moderation.moderate")
    assert not any("auth_permission" in query["sql"] for query in queries)


def test_model_permissions_for_the_admin_still_count(db):
    person = PersonFactory(is_staff=True)
    assert not person.has_perm("people.change_person")
    person.user_permissions.add(Permission.objects.get(codename="change_person"))
    person = Person.objects.get(pk=person.pk)
    assert person.has_perm("people.change_person")


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_denied_page_is_still_denied(client, council, signed_in):
    if signed_in:
        client.force_login(PersonFactory())
    response = client.get("/testborough/moderation/")
    assert response.status_code in (302, 403, 404)


def test_the_session_and_its_person_are_one_statement_and_never_an_old_person(client, council):
    person = PersonFactory(display_name="Sue Signed-In")
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert "Sue Signed-In" in client.get("/testborough/").content.decode()
    assert not any('FROM "people_person"' in query["sql"] for query in queries), "the person was read again"
    Person.objects.filter(pk=person.pk).update(display_name="Sue Renamed")
    assert "Sue Renamed" in client.get("/testborough/").content.decode()
    Person.objects.filter(pk=person.pk).update(is_active=False)
    html = client.get("/testborough/").content.decode()
    assert "Sue Renamed" not in html and "Sign in" in html


def test_a_session_that_names_someone_else_is_not_trusted_for_the_person(client, council):
    from villagehall.core.models import Session as NamedSession

    person, other = PersonFactory(display_name="Sue Signed-In"), PersonFactory(display_name="Olly Other")
    client.force_login(person)
    NamedSession.objects.update(person_id=other.pk)
    html = client.get("/testborough/").content.decode()
    assert "Sue Signed-In" in html and "Olly Other" not in html


def test_postgresql_prepares_a_statement_a_connection_repeats(db):
    """Values are bound on the server, so a pooled connection plans a repeated statement once."""
    if connection.vendor != "postgresql":
        pytest.skip("about PostgreSQL's prepared statements")
    with connection.cursor() as cursor:
        for value in (1, 2, 3):
            cursor.execute("SELECT %s::bigint + 41", [value])
            assert cursor.fetchone() == (value + 41,)
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        assert any("+ 41" in statement for (statement,) in cursor.fetchall())


def test_a_session_read_again_is_checked_once_and_still_its_own_fresh_data(client, council):
    from villagehall.core.sessions import SessionStore, _verified_session_json

    person = PersonFactory()
    client.force_login(person)
    key = client.cookies["sessionid"].value
    first, second = SessionStore(key).load(), SessionStore(key).load()
    assert first == second and first is not second and first["_auth_user_id"] == str(person.pk)
    first["changed"] = True
    assert "changed" not in SessionStore(key).load()
    assert _verified_session_json.cache_info().hits >= 2
    # Data that does not check out is an empty session, as Django's own decode makes it.
    assert SessionStore(key).decode("not signed data") == {}
