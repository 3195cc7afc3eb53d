"""Every setting read from the environment is documented, and production refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

from villagehall.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_setting_is_documented():
    documented = (ROOT / "docs" / "configuration.md").read_text()
    missing = [name for name in SETTINGS if f"`{name}`" not in documented]
    assert missing == []


def run_check(env):
    return subprocess.run(
        [sys.executable, "-m", "villagehall", "check"], cwd=ROOT, capture_output=True, text=True,
        env={"PATH": os.environ["PATH"], "VILLAGEHALL_DATA_DIR": str(ROOT / "data"), **env},
    )


def test_production_needs_a_secret_key_and_hosts():
    result = run_check({"VILLAGEHALL_ENV": "production", "ALLOWED_HOSTS": "hall.example.org"})
    assert result.returncode != 0 and "Set SECRET_KEY in production." in result.stderr
    result = run_check({"VILLAGEHALL_ENV": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": " "})
    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS in production." in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = run_check({"VILLAGEHALL_ENV": "staging"})
    assert result.returncode != 0 and "VILLAGEHALL_ENV must be" in result.stderr
