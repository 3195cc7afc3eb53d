"""`villagehall analytics import FILE --council SLUG` and `villagehall analytics report …`."""

import io
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from villagehall.analytics import reports
from villagehall.analytics.selectors import relationship_health_for_council
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
        commands = parser.add_subparsers(dest="action", required=True, metavar="{import,report}")

        report = commands.add_parser("report", help="Print every relationship-health figure for a window.")
        report.add_argument("--council", required=True, help="The council's slug.")
        report.add_argument("--weeks", type=_weeks, default=12, help="Whole weeks in the window (default 12).")
        report.add_argument(
            "--until", type=_day, help="A date in the window's last week (default today, in the council's zone)."
        )
        report.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, action, **options):
        if action == "report":
            self.report(**options)

    def report(self, *, council, weeks, until, format, **options):
        council = _council(council)
        until = until or timezone.localdate(timezone=_zone(council))
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
