from django.apps import AppConfig


class GuestsConfig(AppConfig):
    name = "villagehall.guests"
    verbose_name = "guest comments"

    def ready(self):
        from villagehall.guests import rules  # noqa: F401  (registers the permissions)
