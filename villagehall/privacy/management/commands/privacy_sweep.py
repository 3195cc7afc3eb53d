from django.core.management.base import BaseCommand

from villagehall.privacy.services import data_exports_expire


class Command(BaseCommand):
    help = "Delete the files of data exports whose download links have expired (run it daily)."

    def handle(self, *args, **options):
        count = data_exports_expire()
        if options["verbosity"]:
            self.stdout.write(f"{count} expired export{'s' if count != 1 else ''} removed.")
