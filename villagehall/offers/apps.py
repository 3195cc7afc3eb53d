from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "villagehall.offers"

    def ready(self):
        from villagehall.offers import rules  # noqa: F401  (registers the permissions)
