"""Background work for guest comments, run by the configured task backend (settings.TASKS)."""

from django.tasks import task


@task
def guest_comments_expire_task() -> int:
    """Delete guest comments whose links were never opened."""
    from villagehall.guests.services import guest_comments_expire

    return guest_comments_expire()
