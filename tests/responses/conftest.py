from tests.projects.town import town  # noqa: F401  (the shared fixture)
