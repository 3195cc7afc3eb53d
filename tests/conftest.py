import hashlib
import os
from pathlib import Path

import pytest

from villagehall.core.tenancy import council_scope
from tests.factories import CouncilFactory, NeighbourhoodFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Give each checkout its own PostgreSQL test database, so two checkouts can test at once."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "villagehall.core.sqlite":
        # pytest-django leaves the test database in memory only for the engine it knows by
        # name (django.db.backends.sqlite3); say so for Village Hall's, one per test worker.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        database.setdefault("TEST", {})["NAME"] = f"file:memorydb_{worker}?mode=memory&cache=shared"
    if database["ENGINE"] == "django.db.backends.postgresql":
        checkout = hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:8]
        test = database.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{checkout}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, move people's PersonalVersion at each write rather than at commit:
    tests run inside transactions that are never committed (core.personal_versions)."""
    from django.apps import apps
    from django.db import connection

    from villagehall.core import personal_versions

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            for statement in personal_versions.drop_sql("postgresql", apps):
                cursor.execute(statement)
            for statement in personal_versions.create_sql("postgresql", apps, at_commit=False):
                cursor.execute(statement)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing takes a deliberate fraction of a second per password; tests make hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached pages are keyed by council id and content version, which a fresh test
    # database hands out again: each test starts with an empty cache.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def rows_read_each_time():
    # Tests run inside transactions that are never committed, so PostgreSQL never announces
    # their changes to councils or sessions: a kept row would go stale. The tests of kept
    # rows (tests/test_council_directory.py, tests/test_kept_sessions.py) commit their changes.
    from django.conf import settings

    settings.ROWS_KEPT_IN_PROCESS = False


@pytest.fixture
def council(db):
    return CouncilFactory(slug="testborough", name="Testborough Council")


@pytest.fixture
def scoped(council):
    """Run the test inside the council, as a page under /<council>/ would."""
    with council_scope(council):
        yield council


@pytest.fixture
def neighbourhood(council):
    return NeighbourhoodFactory(council=council, slug="northfield", name="Northfield")
