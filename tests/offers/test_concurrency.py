"""Exactly one of two simultaneous grants of the last £500 succeeds, and the other is told why;
the same for two overlapping room bookings and for two officers deciding one request. Proved
with real threads on a SQLite file (in a child process) and on PostgreSQL."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

RUN_IN_CHILD = """
import json, django
django.setup()
from tests.offers.race import race_all
print(json.dumps(race_all()))
"""


def check(outcome):
    for race in ("same_request", "last_500", "overlapping_rooms"):
        kinds = sorted(kind for kind, _ in outcome[race])
        assert kinds == ["ok", "refused"], (race, outcome[race])
    refusals = {race: next(text for kind, text in outcome[race] if kind == "refused")
                for race in ("same_request", "last_500", "overlapping_rooms")}
    assert "already decided this request" in refusals["same_request"]
    assert "has only £0 left, so £500 cannot be granted" in refusals["last_500"]
    assert "Pavilion is already booked from 12 Jun 2030" in refusals["overlapping_rooms"]
    assert outcome["remaining"] == 0
    assert outcome["granted_from_fund"] == [100, 500]
    assert outcome["bookings"] == 1


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="about SQLite, the embedded default")
def test_simultaneous_grants_on_a_sqlite_file(transactional_db, tmp_path):
    # The test database already has every table: copy it to a file instead of migrating again
    # (outside any transaction, which the copy would otherwise wait on).
    connection.ensure_connection()
    with sqlite3.connect(tmp_path / "villagehall.sqlite3") as copy:
        connection.connection.backup(copy)
    env = {**os.environ, "VILLAGEHALL_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "villagehall.settings"}
    child = subprocess.run([sys.executable, "-c", RUN_IN_CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == 0, child.stderr[-3000:]
    check(json.loads(child.stdout.strip().splitlines()[-1]))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="about PostgreSQL")
def test_simultaneous_grants_on_postgresql(transactional_db):
    from tests.offers.race import race_all

    check(race_all())
