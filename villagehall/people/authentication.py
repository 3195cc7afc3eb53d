"""Signing in, and finding who is signed in on each request.

The backends are Django's (usernames, for the admin) and allauth's (email addresses),
unchanged but for one thing: the signed-in person, looked up on every request, comes
from the statement that read the session (core.sessions), or else is read with a
statement built once (core.prepared) rather than a query the ORM builds afresh, which
cost several times the read itself. Either way their PersonalVersion comes with them.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections

from villagehall.core.prepared import RowLookup
from villagehall.core.sessions import person_read_with_session
from villagehall.people.models import Person

PERSON_BY_ID = RowLookup(Person, "id")


class _ReadsPersonOnce:
    def get_user(self, user_id):
        try:
            person_id = Person._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        read = person_read_with_session.get()
        if read is not None and read[0] == person_id:
            # Read a moment ago with the session that names them (core.sessions): taken once.
            person_read_with_session.set(None)
            person = PERSON_BY_ID.instance(read[1])
            # What is kept of their own parts of pages is kept under it (core.personal).
            person.personal_version = read[2]
        else:
            person = _person_with_version(person_id)
        return person if person is not None and self.user_can_authenticate(person) else None


_WITH_VERSION = {}


def _person_with_version(person_id):
    """Return the person with their PersonalVersion (one statement built once), or None.

    For sessions read without them (the shared cache's, with REDIS_URL), so what is kept of
    their own parts of pages can be used there too.
    """
    from villagehall.core.models import PersonalVersion

    connection = connections["default"]
    if connection.vendor not in _WITH_VERSION:
        q = connection.ops.quote_name
        _WITH_VERSION[connection.vendor] = (
            f"SELECT v.{q('version')}, {PERSON_BY_ID.columns(connection, 'p')} FROM {q(Person._meta.db_table)} p"
            f" LEFT JOIN {q(PersonalVersion._meta.db_table)} v ON v.{q('person_id')} = p.{q('id')} WHERE p.{q('id')} = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(_WITH_VERSION[connection.vendor], [person_id])
        row = cursor.fetchone()
    if row is None:
        return None
    version, *values = row
    person = PERSON_BY_ID.instance(PERSON_BY_ID.converted(values, connection))
    person.personal_version = version or 0
    return person


class EmailBackend(_ReadsPersonOnce, AuthenticationBackend):
    """Sign in with an email address and password (allauth)."""


class UsernameBackend(_ReadsPersonOnce, ModelBackend):
    """Sign in with a username and password (the admin's sign-in form), and Django's model permissions."""
