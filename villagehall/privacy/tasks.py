"""Background work for privacy, run by the configured task backend (settings.TASKS)."""

from django.tasks import task


@task
def data_export_build_task(*, export_id: int, base_url: str) -> None:
    """Make the export file and email its link."""
    from villagehall.privacy.services import data_export_build

    data_export_build(export_id=export_id, base_url=base_url)


@task
def data_exports_expire_task() -> int:
    """Delete the files of expired exports."""
    from villagehall.privacy.services import data_exports_expire

    return data_exports_expire()
