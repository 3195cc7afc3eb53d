"""`villagehall serve`: run Village Hall under granian, a production-grade WSGI server."""

import os
import shutil
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from villagehall.config import env


class Command(BaseCommand):
    help = "Serve Village Hall with granian (collects static files first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--workers", type=int, default=int(env("VILLAGEHALL_WORKERS")),
                            help="Server processes (default VILLAGEHALL_WORKERS).")
        parser.add_argument("--threads", type=int, default=int(env("VILLAGEHALL_THREADS")),
                            help="Threads per process (default VILLAGEHALL_THREADS).")
        parser.add_argument("--migrate", action="store_true", help="Apply database migrations before serving.")
        parser.add_argument("--access-log", action="store_true", help="Log every request.")

    def handle(self, *args, **options):
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which("granian")
        command = [
            granian or sys.executable, *([] if granian else ["-m", "granian"]),
            "--interface", "wsgi",
            "--host", options["host"],
            "--port", str(options["port"]),
            "--workers", str(options["workers"]),
            "--blocking-threads", str(options["threads"]),
            "--no-ws",
            "--respawn-failed-workers",
            *(["--access-log"] if options["access_log"] else []),
            "villagehall.wsgi:application",
        ]
        self.stdout.write(f"Village Hall is listening on http://{options['host']}:{options['port']}/")
        sys.stdout.flush()
        os.execv(command[0], command)
