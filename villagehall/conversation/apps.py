from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "villagehall.conversation"

    def ready(self):
        from villagehall.conversation import rules  # noqa: F401  (registers the permissions)
