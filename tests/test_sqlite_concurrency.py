"""On SQLite, writers from several processes at once queue instead of failing."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
import django; django.setup()
from villagehall.places.models import Council, Neighbourhood
from villagehall.people.models import Person
from villagehall.core.tenancy import council_scope
from allauth.account.models import EmailAddress
council = Council.objects.create(slug="busy", name="Busy")
with council_scope(council):
    Neighbourhood.objects.create(slug="centre", name="Centre")
for n in range(4):
    writer = Person.objects.create_user(email=f"writer{n}@example.org", password=None, display_name=f"Writer {n}")
    EmailAddress.objects.create(user=writer, email=writer.email, verified=True, primary=True)
"""

WRITER = """
import sys, django; django.setup()
from villagehall.places.models import Council, Neighbourhood
from villagehall.people.models import Person
from villagehall.core.tenancy import council_scope
from villagehall.conversation import services
n = int(sys.argv[1])
council = Council.objects.get(slug="busy")
with council_scope(council):
    place = Neighbourhood.objects.get(slug="centre")
    me = Person.objects.get(email=f"writer{n}@example.org")
    for i in range(40):
        post = services.post_create(author=me, kind="update", title=f"{n}-{i}", body="Busy day", neighbourhood=place)
        services.comment_create(author=me, post=post, body="And again")
"""


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="about SQLite, the embedded default")
def test_four_processes_writing_at_once_all_succeed(tmp_path):
    env = {**os.environ, "VILLAGEHALL_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "villagehall.settings"}
    subprocess.run([sys.executable, "-m", "villagehall", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(n)], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(4)
    ]
    results = [(w.wait(timeout=120), w.stderr.read()) for w in writers]
    assert [code for code, _ in results] == [0, 0, 0, 0], [err[-2000:] for _, err in results]
    db = sqlite3.connect(tmp_path / "villagehall.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM conversation_post").fetchone()[0] == 160
    assert db.execute("SELECT count(*) FROM conversation_comment").fetchone()[0] == 160
    assert db.execute("SELECT sum(comment_count) FROM conversation_post").fetchone()[0] == 160
    assert db.execute("SELECT count(*) FROM analytics_interaction").fetchone()[0] == 320
