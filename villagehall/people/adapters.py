from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError

from villagehall.people import services
from villagehall.people.models import Person


class AccountAdapter(DefaultAccountAdapter):
    """Accounts sign in by email; each still gets a stable internal handle for its page address."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "There have been too many attempts to sign in to this account, so it is paused for a few "
            "minutes to keep it safe. Try again shortly, or set a new password."
        ),
    }

    def populate_username(self, request, user):
        if not user.username:
            user.username = Person.handle_from_email(user.email)

    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed and email_address.verified:
            services.officer_badges_from_verified_email(person=email_address.user, email=email_address.email)
        return confirmed


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Accounts from an identity provider take its name, and its verified addresses count for officer badges."""

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = (data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))).strip()
        try:
            user.display_name = services.display_name_check(name=name)[:80] if name else ""
        except ValidationError:
            # The sign-up form asks for another name rather than taking a held-back one.
            user.display_name = ""
        return user

    def is_auto_signup_allowed(self, request, sociallogin):
        # With no usable name the person is asked for one, as everyone who joins is.
        return bool(getattr(sociallogin.user, "display_name", "")) and super().is_auto_signup_allowed(request, sociallogin)

    def get_signup_form_initial_data(self, sociallogin):
        return {**super().get_signup_form_initial_data(sociallogin), "display_name": sociallogin.user.display_name}

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        for address in sociallogin.email_addresses:
            if address.verified:
                services.officer_badges_from_verified_email(person=user, email=address.email)
        return user
