from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "villagehall.projects"

    def ready(self):
        from villagehall.projects import rules  # noqa: F401  (registers the permissions)
