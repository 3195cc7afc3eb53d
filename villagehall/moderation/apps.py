from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "villagehall.moderation"

    def ready(self):
        from allauth.account.signals import user_signed_up

        from villagehall.moderation import rules  # noqa: F401  (registers the permissions)
        from villagehall.moderation.trust import mark_signed_up_account_new

        # Accounts made through the public sign-up form start with new-account limits;
        # accounts an administrator or a command makes do not.
        user_signed_up.connect(mark_signed_up_account_new, dispatch_uid="villagehall.moderation.new_account")
