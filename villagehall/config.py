"""Every environment variable Village Hall reads, declared once with its default.

`docs/configuration.md` documents each of them; a test fails when one is missing
there, so this list and the documentation cannot drift apart.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class EnvSetting:
    name: str
    default: str | None
    help: str

    def read(self) -> str | None:
        value = os.environ.get(self.name, "").strip()
        return value or self.default


SETTINGS = {
    setting.name: setting
    for setting in [
        EnvSetting(
            "VILLAGEHALL_ENV",
            "development",
            "`development` (the default) or `production`. Production turns DEBUG off, "
            "requires SECRET_KEY and ALLOWED_HOSTS, and sends secure cookies and HSTS.",
        ),
        EnvSetting(
            "VILLAGEHALL_DATA_DIR",
            None,
            "Folder for the SQLite database, uploaded files and collected static files. "
            "Empty means `data/` in the project folder.",
        ),
        EnvSetting(
            "DATABASE_URL",
            None,
            "Database address. Empty means SQLite at `$VILLAGEHALL_DATA_DIR/villagehall.sqlite3`. "
            "For PostgreSQL: `postgres://user:password@host:5432/name` (psycopg 3 with its "
            "connection pool).",
        ),
        EnvSetting(
            "DATABASE_POOL_MAX",
            "8",
            "PostgreSQL only: the most connections each server process keeps in its pool.",
        ),
        EnvSetting(
            "SECRET_KEY",
            None,
            "Django's secret key. Required in production; development uses a fixed insecure key.",
        ),
        EnvSetting(
            "ALLOWED_HOSTS",
            None,
            "Comma-separated host names this installation answers to. Required in production; "
            "development answers to 127.0.0.1 and localhost.",
        ),
        EnvSetting(
            "CSRF_TRUSTED_ORIGINS",
            "",
            "Comma-separated origins (`https://hall.example.org`) trusted for form posts "
            "when behind a proxy that changes the host.",
        ),
        EnvSetting(
            "REDIS_URL",
            None,
            "Redis or Valkey address (`redis://127.0.0.1:6379/0`) for the shared cache. "
            "Empty means an in-process cache, fine for one server process.",
        ),
        EnvSetting(
            "EMAIL_HOST",
            None,
            "SMTP server for outgoing email. Empty means the console in development and "
            "`localhost` in production.",
        ),
        EnvSetting("EMAIL_PORT", "25", "SMTP port."),
        EnvSetting("EMAIL_HOST_USER", "", "SMTP user name, if the server needs one."),
        EnvSetting("EMAIL_HOST_PASSWORD", "", "SMTP password, if the server needs one."),
        EnvSetting("EMAIL_USE_TLS", "false", "`true` to use STARTTLS with the SMTP server."),
        EnvSetting(
            "DEFAULT_FROM_EMAIL",
            "Village Hall <hall@localhost>",
            "The sender of every email Village Hall sends.",
        ),
        EnvSetting(
            "VILLAGEHALL_REQUIRE_SECOND_FACTOR",
            None,
            "`true` makes council administrators, moderators and site staff use a second factor "
            "(an authenticator app or a security key) before the admin and moderation pages. "
            "Empty means on in production and off in development.",
        ),
        EnvSetting(
            "VILLAGEHALL_TRUSTED_PROXY_COUNT",
            "0",
            "How many reverse proxies you run in front of Village Hall, so sign-in rate limits count "
            "the visitor's address from `X-Forwarded-For` rather than the proxy's.",
        ),
        EnvSetting(
            "VILLAGEHALL_OIDC_PROVIDERS",
            None,
            "OpenID Connect providers people may sign in with, as a JSON list of objects with "
            "`id`, `name`, `server_url`, `client_id`, `secret` and optionally `verified_email`, "
            "`email_authentication`, `token_auth_method` and `scope`. Empty means email and password only.",
        ),
        EnvSetting(
            "VILLAGEHALL_TASKS",
            None,
            "Where background tasks (such as data downloads) run: `database` queues them for "
            "`villagehall db_worker`; `immediate` runs them inside the request. Empty means "
            "`database` in production and `immediate` in development.",
        ),
        EnvSetting(
            "VILLAGEHALL_EXPORT_LINK_HOURS",
            "48",
            "How many hours the emailed link to a person's data download works, before the file is deleted.",
        ),
        EnvSetting(
            "VILLAGEHALL_RETIRED_NAME_DAYS",
            "90",
            "How many days a deleted account's display name is held back so nobody can take it on.",
        ),
        EnvSetting(
            "VILLAGEHALL_GUEST_COMMENT_HOURS",
            "48",
            "How many hours a guest has to open the emailed link that publishes their comment; "
            "comments not confirmed by then are deleted, with the name and address given.",
        ),
        EnvSetting(
            "VILLAGEHALL_WORKERS",
            "2",
            "Server processes started by `villagehall serve` (one per core is a good start).",
        ),
        EnvSetting(
            "VILLAGEHALL_THREADS",
            "4",
            "Threads per server process for `villagehall serve`.",
        ),
    ]
}


def env(name: str) -> str | None:
    """Return the value of a declared environment setting, or its default."""
    return SETTINGS[name].read()


def env_list(name: str) -> list[str]:
    """Return a comma-separated declared setting as a list of its non-empty items."""
    return [item.strip() for item in (env(name) or "").split(",") if item.strip()]


def env_flag(name: str) -> bool:
    """Return True when a declared setting is set to a true-like word."""
    return (env(name) or "").lower() in {"1", "true", "yes", "on"}


def data_dir() -> Path:
    """Return the data folder, created if missing."""
    configured = env("VILLAGEHALL_DATA_DIR")
    path = Path(configured).resolve() if configured else Path(__file__).resolve().parent.parent / "data"
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_production() -> bool:
    """Return True when production settings are selected."""
    value = env("VILLAGEHALL_ENV")
    if value not in {"development", "production"}:
        raise ImproperlyConfigured(
            f"VILLAGEHALL_ENV must be 'development' or 'production', not {value!r}."
        )
    return value == "production"
