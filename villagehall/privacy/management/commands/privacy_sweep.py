from django.core.management.base import BaseCommand

from villagehall.guests.services import guest_comments_expire
from villagehall.privacy.services import data_exports_expire


class Command(BaseCommand):
    help = (
        "Delete the files of data exports whose download links have expired, and guest comments whose "
        "links were never opened (run it daily)."
    )

    def handle(self, *args, **options):
        count = data_exports_expire()
        guests = guest_comments_expire()
        if options["verbosity"]:
            self.stdout.write(f"{count} expired export{'s' if count != 1 else ''} removed.")
            self.stdout.write(f"{guests} unconfirmed guest comment{'s' if guests != 1 else ''} deleted.")
