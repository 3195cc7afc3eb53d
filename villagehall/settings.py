"""Django settings for Village Hall. Every value from the environment is declared
in `villagehall.config` and documented in docs/configuration.md."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from villagehall.config import data_dir, env, env_flag, env_list, is_production
from villagehall.people.identity_providers import openid_connect_apps

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()
PRODUCTION = is_production()
DEBUG = not PRODUCTION

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY in production.")
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ([] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks_db",
    "villagehall.core",
    "villagehall.places",
    "villagehall.people",
    "villagehall.privacy",
    "villagehall.guests",
    "villagehall.conversation",
    "villagehall.projects",
    "villagehall.offers",
    "villagehall.responses",
    "villagehall.events",
    "villagehall.analytics",
    "villagehall.moderation",
    "villagehall.notifications",
    "villagehall.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "villagehall.people.second_factor.SecondFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "villagehall.core.tenancy.CouncilMiddleware",
    # Fills in each page's personal parts (name, follows, reactions, CSRF token) as it leaves,
    # so the caches below keep pages that are the same for everyone.
    "villagehall.core.personal.PersonalPartsMiddleware",
    "villagehall.core.page_cache.AnonymousPageCacheMiddleware",
    "villagehall.core.page_cache.SignedInPageCacheMiddleware",
]

ROOT_URLCONF = "villagehall.urls"
WSGI_APPLICATION = "villagehall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "villagehall.core.tenancy.current_council_context",
                # After Django's own: {% csrf_token %} writes a placeholder, filled in per person.
                "villagehall.core.personal.csrf_context",
            ],
        },
    },
]


def _database(url: str | None) -> dict:
    if not url:
        return {
            # Django's SQLite backend, with writers queued on a lock of their own (core/sqlite).
            "ENGINE": "villagehall.core.sqlite",
            "NAME": DATA_DIR / "villagehall.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
            # Opening SQLite and setting its pragmas costs more than most requests: keep it open.
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
        }
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.update(ENGINE="villagehall.core.sqlite", OPTIONS=SQLITE_OPTIONS, CONN_MAX_AGE=None, CONN_HEALTH_CHECKS=True)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["OPTIONS"] = {
            "pool": {"min_size": 1, "max_size": int(env("DATABASE_POOL_MAX")), "timeout": 10},
            # Values are sent apart from the statement, so a statement a pooled connection
            # has run a few times is prepared once and only executed after that: planning the
            # reader's summary cost several times executing it (docs/performance.md).
            "server_side_binding": True,
            "prepare_threshold": 2,
        }
    return config


# WAL lets readers carry on while one writer writes; IMMEDIATE transactions take the
# write lock up front, so two writers queue for up to `timeout` seconds instead of one
# failing half-way with "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA cache_size=-64000;"
        "PRAGMA mmap_size=268435456;"
    ),
}

DATABASES = {"default": _database(env("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read on every signed-in request: from the shared cache when there is one,
# otherwise from the database with one prepared statement (villagehall.core.sessions).
# The councils' rows and the signed-in readers' sessions are kept between requests for as
# long as nothing has changed them (core.kept_rows), instead of being read on every page.
ROWS_KEPT_IN_PROCESS = True

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if env("REDIS_URL") else "villagehall.core.sessions"

AUTH_USER_MODEL = "people.Person"
AUTHENTICATION_BACKENDS = [
    # Permissions declared as named rules (each app's rules.py) are answered by the rule alone.
    "villagehall.core.permissions.NamedRulesBackend",
    # Django's and allauth's backends, reading the signed-in person with a prepared statement.
    "villagehall.people.authentication.UsernameBackend",
    "villagehall.people.authentication.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "villagehall.people.forms.SignupDetailsForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_ADAPTER = "villagehall.people.adapters.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

# Sign-in rate limits, counted in the cache above: per server process without REDIS_URL,
# shared by every process with it. docs/accounts.md explains each.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Tell people by email when their password, email addresses or second factor change, so
# someone else's change does not go unnoticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Behind a reverse proxy every request comes from the proxy: count the client's own address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("VILLAGEHALL_TRUSTED_PROXY_COUNT"))

# A second factor: an authenticator app (works without JavaScript) with recovery codes,
# or a security key or passkey (needs JavaScript). Required of council administrators,
# moderators and site staff before the admin and moderation pages; optional for everyone else.
MFA_ADAPTER = "villagehall.people.second_factor.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Village Hall"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
SECOND_FACTOR_REQUIRED_FOR_ROLES = env_flag("VILLAGEHALL_REQUIRE_SECOND_FACTOR") if env("VILLAGEHALL_REQUIRE_SECOND_FACTOR") else PRODUCTION
SECOND_FACTOR_REQUIRED_VIEW_MODULES = ["django.contrib.admin", "villagehall.moderation", "villagehall.guests.setting_views"]

# Sign-in through OpenID Connect providers: a council's own for its officers, a common one
# for residents (docs/accounts.md). Tokens are not kept: sign-in is all they are for.
SOCIALACCOUNT_ADAPTER = "villagehall.people.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": openid_connect_apps(env("VILLAGEHALL_OIDC_PROVIDERS")),
    },
}
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

# Background tasks (django.tasks): in the database, run by `villagehall db_worker`, or
# straight away inside the request that asked for them (development and tests).
TASKS_BACKEND_NAME = env("VILLAGEHALL_TASKS") or ("database" if PRODUCTION else "immediate")
if TASKS_BACKEND_NAME not in {"database", "immediate"}:
    raise ImproperlyConfigured("VILLAGEHALL_TASKS must be 'database' or 'immediate'.")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND_NAME == "database"
        else "django.tasks.backends.immediate.ImmediateBackend",
    },
}

# Privacy (docs/privacy.md): how long a data download link lasts, and how long a deleted
# account's name is held back from anyone else.
DATA_EXPORT_LINK_HOURS = int(env("VILLAGEHALL_EXPORT_LINK_HOURS"))
RETIRED_NAME_DAYS = int(env("VILLAGEHALL_RETIRED_NAME_DAYS"))
# Guest comments (docs/moderation.md): how long the emailed link works before the
# unconfirmed comment, with the name and address given, is deleted.
GUEST_COMMENT_HOURS = int(env("VILLAGEHALL_GUEST_COMMENT_HOURS"))

if env("EMAIL_HOST") or PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST") or "localhost",
                "port": int(env("EMAIL_PORT")),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": env_flag("EMAIL_USE_TLS"),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# A strict policy: no inline script or style anywhere, scripts only from this site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Paging sizes shared by pages and tests.
FEED_PAGE_SIZE = 20
COMMENTS_PAGE_SIZE = 20
COMMENT_REPLIES_SHOWN = 5
POST_BODY_MAX_LENGTH = 20_000
COMMENT_BODY_MAX_LENGTH = 5_000
WHITENOISE_USE_FINDERS = DEBUG
AUDIT_LOG_PAGE_SIZE = 50

# Trust and rate limits (docs/moderation.md explains each; a test fails when one is not).
# An account made through the sign-up form is "new" until it is this many days old and
# has this many published posts and replies, or until it joins an organisation or gets a
# council role (someone has vouched for it). Accounts made by administrators and commands
# are never new.
TRUST_NEW_ACCOUNT_DAYS = 3
TRUST_NEW_ACCOUNT_POSTS_TO_LEAVE = 3
# What a new account may do: links in one post or reply, posts and replies in 24 hours.
TRUST_NEW_ACCOUNT_LINKS_PER_POST = 2
TRUST_NEW_ACCOUNT_POSTS_PER_DAY = 3
TRUST_NEW_ACCOUNT_REPLIES_PER_DAY = 10
# A new account's first post or reply with a link waits for a moderator before anyone sees it.
TRUST_HOLD_FIRST_POST_WITH_LINKS = True
# How often anyone may do each thing through the pages: (how many, in how many seconds).
# Counted in the cache, so shared between server processes when REDIS_URL is set.
RATE_LIMITS = {
    "post": (20, 60 * 60),
    "comment": (60, 60 * 60),
    "reaction": (200, 60 * 60),
    "report": (20, 24 * 60 * 60),
    # Comments from guests (people without an account): per email address, and per network
    # address, which a library or community centre's public computers share.
    "guest_comment_email": (5, 60 * 60),
    "guest_comment_ip": (30, 60 * 60),
}
# The most comments from guests waiting for their links at one email address at a time.
TRUST_GUEST_COMMENTS_WAITING_PER_EMAIL = 3
