"""`villagehall guest_details_remove ADDRESS`: what a council runs when a guest asks to be forgotten,
or, with --show, what it runs to tell them what is held."""

from django.core.management.base import BaseCommand

from villagehall.guests.models import GuestComment
from villagehall.guests.selectors import guest_comments_by_addresses, guest_person_for, normalise_email
from villagehall.guests.services import guest_details_remove


class Command(BaseCommand):
    help = (
        "Remove what is held about the guest who commented with this email address, in every council: "
        "comments waiting for their link, comments nobody replied to, and their name. "
        "With --show, list it and remove nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The email address the guest commented with.")
        parser.add_argument("--show", action="store_true", help="List what is held, and remove nothing.")

    def handle(self, *args, email, show, **options):
        if show:
            self._show(email)
            return
        result = guest_details_remove(email=email)
        self.stdout.write(
            f"{result.waiting} unconfirmed comment{'s' if result.waiting != 1 else ''} deleted; "
            f"{result.removed} published comment{'s' if result.removed != 1 else ''} deleted; "
            f"{result.kept} kept, because others replied to them, now credited to “A former member”."
        )

    def _show(self, email):
        write = self.stdout.write
        guest = guest_person_for(email=email)
        write(f"Name shown: {guest.display_name}" if guest else "No comment from this address has been confirmed.")
        for comment in guest_comments_by_addresses(emails=[email]):
            write(f"- {comment.council.slug}, on “{comment.post.title}” (post {comment.post_id}), "
                  f"{comment.created_at:%Y-%m-%d %H:%M}, {comment.get_state_display().lower()}: {comment.body}")
        waiting = GuestComment.dangerously_unscoped.filter(
            email=normalise_email(email), confirmed_at__isnull=True,
        ).select_related("council", "post")
        for pending in waiting:
            write(f"- waiting for its link until {pending.expires_at:%Y-%m-%d %H:%M}, as “{pending.name}”, "
                  f"{pending.council.slug}, on “{pending.post.title}”: {pending.body}")
