"""Relationship-health benchmarks, each printed beside a baseline measured in the same run.

    DATABASE_URL=postgres://…/scratch villagehall migrate
    DATABASE_URL=postgres://…/scratch python bench/analytics/run.py --interactions 10000000

Into a scratch database (it must not hold the council `bench` yet) it imports a
generated JSON Lines file (bench/analytics/generate.py; kept and reused under
--file), then measures:

- import: lines a second, and the process's peak memory;
- full rollup rebuild: interactions a second (then, on PostgreSQL, the rollup tables are
  vacuumed, as autovacuum would within minutes);
- the report over 52 weeks (every figure, as JSON);
- each dashboard page over 12 and 52 weeks, p50 and p95 of repeated requests.

`--again` measures only the report and the pages, on a database an earlier run filled:
after a change to them, without waiting for another import.

The baseline is one plain SQL pass over the same interactions,
`SELECT acting_for_id, neighbourhood_id, COUNT(*) … GROUP BY 1, 2`, over all of them
beside the import and the rebuild, and over the window's beside the report and pages,
so each figure can be read against what the same machine does at that moment.
"""

import argparse
import io
import os
import random
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villagehall.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.analytics.generate import write_council  # noqa: E402
from villagehall.analytics import reports  # noqa: E402
from villagehall.analytics.metrics import Window  # noqa: E402
from villagehall.analytics.models import Interaction  # noqa: E402
from villagehall.analytics.rollups import ROLLUP_MODELS, rollups_rebuild  # noqa: E402
from villagehall.analytics.selectors import relationship_health_for_council  # noqa: E402
from villagehall.analytics.services import analytics_import  # noqa: E402
from villagehall.core.tenancy import council_scope  # noqa: E402
from villagehall.people.models import Person  # noqa: E402
from villagehall.people.services import council_administrator_grant  # noqa: E402
from villagehall.places.models import Council  # noqa: E402

COUNCIL = "bench"
PAGES = ["", "responsiveness/", "reciprocity/", "partnerships/", "adoption/", "inclusion/"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--weeks", type=int, default=156, help="weeks of history in the generated file")
    parser.add_argument("--until", type=date.fromisoformat, default=date(2026, 11, 22))
    parser.add_argument("--file", help="the JSON Lines file to import (made if missing)")
    parser.add_argument("--requests", type=int, default=20, help="requests per page and window")
    parser.add_argument("--again", action="store_true",
                        help="measure only the report and the pages, on a database a run has already filled")
    parser.add_argument("--rebuild", action="store_true",
                        help="with --again, time a full rollup rebuild first")
    options = parser.parse_args()
    print(f"Relationship-health benchmarks on {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    if options.again:
        council = Council.objects.filter(slug=COUNCIL).first()
        if council is None:
            sys.exit(f"--again needs a database that a run has filled with the council “{COUNCIL}”.")
        if options.rebuild:
            rebuild(council)
    else:
        if Council.objects.filter(slug=COUNCIL).exists():
            sys.exit(f"The database already holds the council “{COUNCIL}”: use a fresh scratch database, or --again.")
        council = import_and_rebuild(options)
    report_and_pages(council, options)


def import_and_rebuild(options) -> Council:
    """Import the generated file and rebuild its rollups, printing each beside a GROUP BY pass over everything."""
    path = Path(options.file or f"/tmp/villagehall-analytics-{options.interactions}.jsonl")
    if not path.exists():
        started = time.perf_counter()
        with open(path, "w") as out:
            lines = write_council(out, interactions=options.interactions, weeks=options.weeks, until=options.until,
                                  rng=random.Random(5))
        print(f"  generated {lines:,} lines in {time.perf_counter() - started:.0f} s: {path}")
    lines = sum(1 for _ in open(path, "rb"))

    # Import first, so the process's peak memory is the import's.
    started = time.perf_counter()
    summary = analytics_import(path=str(path), council_slug=COUNCIL,
                               on_error=lambda n, reason: print(f"line {n}: {reason}"))
    imported = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    council = Council.objects.get(slug=COUNCIL)
    with council_scope(council):
        events = Interaction.objects.count()
    rebuilt, all_baseline = rebuild(council, quietly=True)
    print()
    row("baseline: one GROUP BY pass over every interaction", all_baseline, events, "interactions")
    row("import, rollup rebuild and commit included", imported, lines, "lines", all_baseline)
    row("import alone (reading and writing the lines)", summary.import_seconds, lines, "lines", all_baseline)
    row("  the import's own rollup rebuild (every row new)", summary.rebuild_seconds, events, "interactions",
        all_baseline)
    print(f"    peak memory of the importing process: {peak:,.0f} MB")
    row("full rollup rebuild", rebuilt, events, "interactions", all_baseline)
    return council


def rebuild(council, quietly=False) -> tuple[float, float]:
    """Time a full rollup rebuild, and the baseline over every interaction after it; print both unless quietly."""
    started = time.perf_counter()
    state = rollups_rebuild(council=council)
    rebuilt = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # What autovacuum does within minutes of a big write: without it PostgreSQL cannot
        # answer from the rollups' indexes alone, and the pages are slower than they will be.
        with connection.cursor() as cursor:
            for model in ROLLUP_MODELS:
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    baseline = group_by_pass(council)
    if not quietly:
        print()
        row("baseline: one GROUP BY pass over every interaction", baseline, state.interactions, "interactions")
        row("full rollup rebuild", rebuilt, state.interactions, "interactions", baseline)
    return rebuilt, baseline


def report_and_pages(council, options) -> None:
    """Time the 52-week report and each dashboard page, beside a GROUP BY pass over the window's interactions."""
    with council_scope(council):
        events = Interaction.objects.count()
    print(f"  the council holds {events:,} interactions")
    window = Window(weeks=52, until=options.until, time_zone=council.time_zone)
    in_window = group_by_pass(council, window)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        health = relationship_health_for_council(council=council, weeks=52, until=options.until)
        reports.health_report_json(health, io.StringIO())  # as `analytics report` writes it
        times.append(time.perf_counter() - started)
    print()
    row("baseline: one GROUP BY pass over the 52 weeks' interactions", in_window, None, None)
    row(f"report over 52 weeks ({len(health.pairs):,} pairs), best of 3", min(times), None, None, in_window)

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    administrator = Person.objects.filter(email="bench-admin@invalid").first()
    if administrator is None:
        administrator = Person.objects.create_user(email="bench-admin@invalid", password=None, display_name="Bench")
        council_administrator_grant(person=administrator, council=council)
    client.force_login(administrator)
    for weeks in (12, 52):
        baseline = group_by_pass(council, Window(weeks=weeks, until=options.until, time_zone=council.time_zone))
        print()
        row(f"baseline: one GROUP BY pass over the {weeks} weeks' interactions", baseline, None, None)
        for page in PAGES:
            address = f"/{COUNCIL}/health/{page}?weeks={weeks}&until={options.until}"
            client.get(address)  # warm
            samples = []
            for _ in range(options.requests):
                started = time.perf_counter()
                response = client.get(address)
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200, address
            samples.sort()
            p50, p95 = statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]
            print(f"  {'dashboard /health/' + page:<44} p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"
                  f"   ({p50 / baseline:.2f}× baseline)")


def group_by_pass(council, window=None) -> float:
    """Time the baseline: one plain GROUP BY over the council's interactions (in the window)."""
    sql = (f"SELECT acting_for_id, neighbourhood_id, COUNT(*) FROM {Interaction._meta.db_table} "
           "WHERE council_id = %s")
    params = [council.pk]
    if window is not None:
        sql += " AND at >= %s AND at < %s"
        params += [connection.ops.adapt_datetimefield_value(window.start),
                   connection.ops.adapt_datetimefield_value(window.end)]
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql + " GROUP BY acting_for_id, neighbourhood_id", params)
        cursor.fetchall()
        return time.perf_counter() - started


def row(label, seconds, count, unit, baseline=None):
    rate = f"{count / seconds:>12,.0f} {unit}/s" if count else " " * 26
    against = f"   ({seconds / baseline:.1f}× baseline)" if baseline else ""
    print(f"  {label:<60} {seconds:9.2f} s {rate}{against}")


if __name__ == "__main__":
    main()
