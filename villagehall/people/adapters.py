from allauth.account.adapter import DefaultAccountAdapter

from villagehall.people.models import Person


class AccountAdapter(DefaultAccountAdapter):
    """Accounts sign in by email; each still gets a stable internal handle for its page address."""

    def populate_username(self, request, user):
        if not user.username:
            user.username = Person.handle_from_email(user.email)
