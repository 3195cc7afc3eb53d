"""Sign-in through OpenID Connect providers, configured per installation from the environment.

`VILLAGEHALL_OIDC_PROVIDERS` holds a JSON list, one object per provider; docs/accounts.md
has a worked example. Read at start-up by settings, so it imports nothing from Django's models.
"""

import json
import re

from django.core.exceptions import ImproperlyConfigured

REQUIRED = ("id", "name", "server_url", "client_id")
KNOWN = set(REQUIRED) | {"secret", "verified_email", "email_authentication", "token_auth_method", "scope"}
PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def _fail(message):
    raise ImproperlyConfigured(f"VILLAGEHALL_OIDC_PROVIDERS: {message} See docs/accounts.md.")


def openid_connect_apps(value: str | None) -> list[dict]:
    """Return allauth's APPS entries for the providers described in the setting's JSON."""
    if not value:
        return []
    try:
        providers = json.loads(value)
    except json.JSONDecodeError as error:
        _fail(f"not valid JSON ({error.msg} at character {error.pos}).")
    if not isinstance(providers, list) or not all(isinstance(p, dict) for p in providers):
        _fail("give a list of objects, one for each provider.")
    apps, seen = [], set()
    for provider in providers:
        missing = [key for key in REQUIRED if not str(provider.get(key) or "").strip()]
        if missing:
            _fail(f"a provider is missing {', '.join(missing)}.")
        unknown = sorted(set(provider) - KNOWN)
        if unknown:
            _fail(f"provider “{provider['id']}” has unknown keys: {', '.join(unknown)}.")
        provider_id = provider["id"]
        if not PROVIDER_ID.match(provider_id) or provider_id in seen:
            _fail(f"“{provider_id}” must be a unique id of lower-case letters, digits and hyphens.")
        if not provider["server_url"].startswith("https://") and not provider["server_url"].startswith("http://localhost"):
            _fail(f"provider “{provider_id}” must be reached over https.")
        seen.add(provider_id)
        settings = {"server_url": provider["server_url"]}
        # Only a provider that checks its addresses (a council's own, for its own domain)
        # should say they are verified: a verified address can make someone an officer.
        for key in ("verified_email", "email_authentication", "token_auth_method"):
            if key in provider:
                settings[key] = provider[key]
        if "scope" in provider:
            settings["scope"] = provider["scope"]
        apps.append({
            "provider_id": provider_id,
            "name": provider["name"],
            "client_id": provider["client_id"],
            "secret": provider.get("secret", ""),
            "settings": settings,
        })
    return apps
