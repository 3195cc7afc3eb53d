"""`villagehall analytics import FILE --council SLUG` and `villagehall analytics report …`."""

import io
import os
import sys
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from villagehall.analytics import reports
from villagehall.analytics.imports import ImportReadFailed
from villagehall.analytics.rollups import rollups_rebuild
from villagehall.analytics.selectors import (
    relationship_health_for_council, relationship_health_recomputed_for_council, rollups_ready_for_council,
)
from villagehall.analytics.services import ImportRefused, analytics_import
from villagehall.places.models import Council

MAX_WEEKS = 520


def _weeks(value: str) -> int:
    weeks = int(value)
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError
    return weeks


_weeks.__name__ = f"number of weeks from 1 to {MAX_WEEKS}"


def _day(value: str) -> date:
    return date.fromisoformat(value)


_day.__name__ = "date (YYYY-MM-DD)"


class Command(BaseCommand):
    help = "Import interaction events from JSON Lines, or print the relationship-health report."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="{import,report,rebuild}")

        load = commands.add_parser(
            "import", help="Import a JSON Lines file (see docs/metrics.md) into a council, all or nothing."
        )
        load.add_argument("file", help="The JSON Lines file.")
        load.add_argument("--council", required=True, help="The council's slug; a new council is made if needed.")

        report = commands.add_parser("report", help="Print every relationship-health figure for a window.")
        report.add_argument("--council", required=True, help="The council's slug.")
        report.add_argument("--weeks", type=_weeks, default=12, help="Whole weeks in the window (default 12).")
        report.add_argument(
            "--until", type=_day, help="A date in the window's last week (default today, in the council's zone)."
        )
        report.add_argument("--format", choices=["json", "csv"], default="json")
        report.add_argument(
            "--from-interactions", action="store_true",
            help="Compute from the interactions themselves instead of the weekly rollups (slow; for checking).",
        )

        rebuild = commands.add_parser("rebuild", help="Recount a council's weekly rollups from its interactions.")
        rebuild.add_argument("--council", required=True, help="The council's slug.")

    def handle(self, *args, action, **options):
        getattr(self, action if action != "import" else "load")(**options)

    def rebuild(self, *, council, **options):
        council = _council(council)
        state = rollups_rebuild(council=council)
        self.stdout.write(f"Counted {state.interactions:,} interactions into {council.slug}’s weekly rollups.")

    def load(self, *, file, council, **options):
        if not os.path.isfile(file):
            raise CommandError(f"There is no file “{file}”.")
        # The bar shows only on a terminal; errors are written around it.
        bar = tqdm(total=os.path.getsize(file), unit="B", unit_scale=True, desc="Importing", disable=None, file=sys.stderr)

        def on_error(number, reason):
            with tqdm.external_write_mode(file=sys.stderr):
                self.stderr.write(f"line {number}: {reason}")

        try:
            with bar:
                summary = analytics_import(path=file, council_slug=council, on_error=on_error, on_progress=bar.update)
        except ImportRefused as refused:
            raise CommandError(str(refused))
        except ImportReadFailed as failed:
            raise CommandError(f"The file could not be read to its end ({failed}); nothing was imported.")
        except ValidationError as invalid:
            raise CommandError(f"The council “{council}” cannot be made: {' '.join(invalid.messages)}")
        counts = ", ".join(f"{n:,} {type_} line{'s' if n != 1 else ''}" for type_, n in summary.records.items() if n)
        self.stdout.write(f"Imported {summary.lines:,} lines into {council}: {counts or 'nothing'}.")
        self.stdout.write(
            f"Read and written in {summary.import_seconds:,.1f} s; rollups recounted in {summary.rebuild_seconds:,.1f} s."
        )

    def report(self, *, council, weeks, until, format, from_interactions, **options):
        council = _council(council)
        until = until or timezone.localdate(timezone=_zone(council))
        if from_interactions:
            health = relationship_health_recomputed_for_council(council=council, weeks=weeks, until=until)
        else:
            if not rollups_ready_for_council(council=council):
                # Rollups made before a change of time zone, or never made, would mislead.
                self.stderr.write("Counting interactions into weekly rollups first…")
                rollups_rebuild(council=council)
            health = relationship_health_for_council(council=council, weeks=weeks, until=until)
        out = io.StringIO()
        if format == "csv":
            reports.health_report_csv(health, out)
        else:
            reports.health_report_json(health, out)
        self.stdout.write(out.getvalue(), ending="")


def _council(slug: str) -> Council:
    try:
        return Council.objects.get(slug=slug)
    except Council.DoesNotExist:
        raise CommandError(f"There is no council “{slug}”.")


def _zone(council):
    from zoneinfo import ZoneInfo

    return ZoneInfo(council.time_zone)
