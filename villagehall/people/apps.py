from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "villagehall.people"

    def ready(self):
        from villagehall.people import rules, signals  # noqa: F401  (registers the permissions and receivers)
