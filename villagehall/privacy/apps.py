from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "villagehall.privacy"
    verbose_name = "privacy"
