"""The relationship-health report as JSON and CSV, every figure under its METRICS.md name."""

import csv
import json

from villagehall.analytics import metrics

PAIR_COLUMNS = ("service", "community", "community_kind", *metrics.PAIR_FIGURES)


def health_report(health: metrics.Health) -> dict:
    """Return the report as plain data: council, weeks, until, pairs, services, neighbourhoods."""
    window = health.window
    return {
        "council": health.council,
        "weeks": window.weeks,
        "until": window.until.isoformat(),
        "time_zone": window.time_zone,
        "first_day": window.first_day.isoformat(),
        "last_day": window.last_day.isoformat(),
        "metrics_version": metrics.METRICS_VERSION,
        "pairs": [{name: getattr(pair, name) for name in PAIR_COLUMNS} for pair in health.pairs],
        "services": [
            {"service": s.service, "name": s.name, **{name: getattr(s, name) for name in metrics.SERVICE_FIGURES}}
            for s in health.services
        ],
        "neighbourhoods": [
            {
                "neighbourhood": n.neighbourhood, "name": n.name, "population": n.population,
                **{name: getattr(n, name) for name in metrics.NEIGHBOURHOOD_FIGURES},
            }
            for n in health.neighbourhoods
        ],
    }


def health_report_json(health: metrics.Health, out) -> None:
    """Write the report as JSON."""
    # One string, not json.dump's many small writes; from Python 3.13 the C encoder makes it.
    out.write(json.dumps(health_report(health), indent=2))
    out.write("\n")


def health_report_csv(health: metrics.Health, out) -> None:
    """Write one CSV row per pair; a figure with no data is an empty cell."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PAIR_COLUMNS)
    for pair in health.pairs:
        writer.writerow(["" if (value := getattr(pair, name)) is None else value for name in PAIR_COLUMNS])
