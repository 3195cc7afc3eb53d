from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "villagehall.responses"

    def ready(self):
        from villagehall.responses import rules  # noqa: F401  (registers the permissions)
