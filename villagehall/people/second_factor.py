"""A second factor at sign-in for the people who can change what everyone else sees.

Council administrators, moderators and site staff must have an authenticator app (or
a security key) set up, and must have used it in this session, before they can open
the admin or moderation pages. Everyone else may set one up if they like.
"""

import base64
import hashlib

from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from villagehall.people.selectors import person_needs_second_factor

# Types that are a second factor in their own right; recovery codes only stand in for one.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def second_factor_required(person) -> bool:
    """Return True if the installation requires this person to use a second factor."""
    return settings.SECOND_FACTOR_REQUIRED_FOR_ROLES and person_needs_second_factor(person=person)


def session_used_second_factor(request) -> bool:
    """Return True if this session signed in with a second factor, or set one up after signing in."""
    records = get_authentication_records(request, request.user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    if not records:
        return False
    # Setting up an authenticator means typing a code from it (or touching the key),
    # which proves the second factor as well as signing in with it would.
    signed_in_at = min(record.get("at", 0) for record in records)
    return any(
        authenticator.created_at.timestamp() >= signed_in_at
        for authenticator in Authenticator.objects.filter(user=request.user, type__in=SECOND_FACTORS)
    )


class SecondFactorMiddleware:
    """Send administrators and moderators to set up, or use, their second factor before the pages only they see."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def _protected(self, request, view_func) -> bool:
        # Known from the address already resolved, without reversing the admin's on every request.
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces:
            return match.url_name not in ("login", "logout")
        module = getattr(view_func, "__module__", "") or ""
        return any(module == name or module.startswith(name + ".") for name in settings.SECOND_FACTOR_REQUIRED_VIEW_MODULES)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.SECOND_FACTOR_REQUIRED_FOR_ROLES or not request.user.is_authenticated:
            return None
        if not self._protected(request, view_func) or not person_needs_second_factor(person=request.user):
            return None
        here = request.get_full_path()
        has_factor = Authenticator.objects.filter(user=request.user, type__in=SECOND_FACTORS).exists()
        if not has_factor:
            messages.info(
                request,
                "Council administrators and moderators sign in with a second step: a code from an "
                "authenticator app on your phone. Set it up here, then go back to the page you wanted.",
            )
            return redirect(reverse("mfa_activate_totp"))
        if not session_used_second_factor(request):
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({REDIRECT_FIELD_NAME: here})}")
        return None


def _fernet():
    from cryptography.fernet import Fernet, MultiFernet

    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([
        Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"villagehall.mfa:{key}".encode()).digest()))
        for key in keys
    ])


class MFAAdapter(DefaultMFAAdapter):
    """Keep authenticator secrets encrypted at rest, and the last second factor of someone who must have one."""

    def encrypt(self, text):
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text):
        # Keys made under an old SECRET_KEY still open while it is listed in SECRET_KEY_FALLBACKS.
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator):
        if authenticator.type not in SECOND_FACTORS or not second_factor_required(authenticator.user):
            return super().can_delete_authenticator(authenticator)
        others = Authenticator.objects.filter(user=authenticator.user, type__in=SECOND_FACTORS).exclude(pk=authenticator.pk)
        return others.exists()
