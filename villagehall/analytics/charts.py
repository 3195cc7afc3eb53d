"""Charts and tables for the relationship-health pages, drawn on the server.

A chart here is plain geometry (rectangles, points and labels in SVG user units) that
a template turns into `<svg>` with classes styled by health.css: no JavaScript and no
inline styles. Every chart comes with a `Table` of the same numbers, shown beside it
and downloadable as CSV, which is also what a screen reader reads.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from villagehall.analytics import metrics

NO_DATA = "—"


# Tables ----------------------------------------------------------------------------


def as_share(value) -> str:
    return NO_DATA if value is None else f"{value * 100:.0f}%"


def as_number(value) -> str:
    if value is None:
        return NO_DATA
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def as_text(value) -> str:
    return NO_DATA if value is None or value == "" else str(value)


@dataclass
class Column:
    name: str  # the METRICS.md name where there is one; the CSV header
    heading: str
    show: object = as_text
    definition: str = ""

    def __post_init__(self):
        self.definition = self.definition or metrics.DEFINITIONS.get(self.name, "")


@dataclass
class Table:
    name: str
    caption: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    links: list = field(default_factory=list)  # an optional address per row, for its first cell
    limit: int | None = None  # rows shown on the page; the CSV has them all

    def shown_rows(self):
        """Return each row as (link, cells shown), for the page."""
        links = self.links or [None] * len(self.rows)
        rows = list(zip(links, self.rows))[: self.limit]
        return [(link, [c.show(v) for c, v in zip(self.columns, row)]) for link, row in rows]

    def hidden_rows(self) -> int:
        return 0 if self.limit is None else max(0, len(self.rows) - self.limit)

    def definitions(self):
        return [c for c in self.columns if c.definition]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.name for c in self.columns])
        for row in self.rows:
            writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row])
        return out.getvalue()


# Charts ----------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    text: str
    x: float
    y: float
    width: float
    height: float
    css: str = ""


def horizontal_bars(items, *, maximum=None, label_width=190, plot_width=360, bar_height=18, gap=8) -> dict:
    """Lay out one bar per (label, value, text, css); a None value draws no bar but keeps its row."""
    values = [v for _, v, _, _ in items if v is not None]
    top = maximum if maximum is not None else max(values, default=0) or 1
    bars = []
    for row, (label, value, text, css) in enumerate(items):
        y = gap + row * (bar_height + gap)
        bars.append(Bar(label=label, text=text, x=label_width, y=y, height=bar_height, css=css,
                        width=0 if value is None else max(1.0, plot_width * value / top) if value else 0))
    return {
        "width": label_width + plot_width + 190, "height": gap + len(items) * (bar_height + gap),
        "label_x": label_width - 6, "text_x": label_width + plot_width + 6, "bar_height": bar_height,
        "bars": bars,
    }


def weekly_columns(weeks: list[tuple[date, float | None]], *, maximum=None, width=640, height=150) -> dict:
    """Lay out one column per week, with the first week of each month labelled underneath."""
    top = maximum if maximum is not None else max((v or 0 for _, v in weeks), default=0) or 1
    step = width / max(1, len(weeks))
    columns, labels = [], []
    month = None
    for index, (week, value) in enumerate(weeks):
        h = 0 if not value else max(1.0, height * value / top)
        columns.append(Bar(label=week.isoformat(), text=str(value), x=index * step + 1, y=height - h,
                           width=max(1.0, step - 2), height=h, css="empty" if not value else ""))
        # Label each month's first week, unless the last label is too close to read.
        if week.month != month and (not labels or index * step - labels[-1]["x"] >= 48):
            month = week.month
            labels.append({"x": index * step + 1, "text": week.strftime("%b %Y" if not labels or week.month == 1 else "%b")})
    return {"width": width, "height": height + 22, "plot_height": height, "columns": columns, "labels": labels,
            "maximum": top}


def decile_scatter(points, *, width=560, height=260, margin=40) -> dict:
    """Place (label, decile, value) points: decile 1 to 10 across, value up from zero."""
    top = max((v for _, d, v in points if v is not None and d is not None), default=0) or 1
    plot_w, plot_h = width - 2 * margin, height - 2 * margin
    placed = [
        {"label": label, "cx": margin + plot_w * (decile - 1) / 9, "cy": margin + plot_h * (1 - value / top),
         "text": f"{label}: decile {decile}, {value:.1f}"}
        for label, decile, value in points if decile is not None and value is not None
    ]
    ticks = [{"x": margin + plot_w * (d - 1) / 9, "text": str(d)} for d in range(1, 11)]
    return {"width": width, "height": height, "points": placed, "ticks": ticks, "left": margin,
            "right": width - margin, "bottom": height - margin, "top_y": margin, "top": top}


PATTERN_ORDER = ("engaged", "intermittent", "docking", "absent")


def pattern_grid(services, neighbourhoods, cells, *, cell=46, label_width=190, head=96) -> dict:
    """Lay out a services × neighbourhoods grid of cells coloured by pattern, presence written in each."""
    rows = []
    for r, service in enumerate(services):
        row = []
        for c, place in enumerate(neighbourhoods):
            figures = cells.get((service.id, place.id)) or {"pattern": "absent", "presence": 0.0}
            row.append({
                "x": label_width + c * cell, "y": head + r * cell, "pattern": figures["pattern"],
                "text": f"{figures['presence'] * 100:.0f}", "title": f"{service.name} in {place.name}: "
                f"{figures['pattern']}, present {figures['presence'] * 100:.0f}% of weeks",
            })
        rows.append({"label": service.name, "y": head + r * cell + cell / 2, "cells": row})
    columns = [{"label": p.name, "x": label_width + c * cell + cell / 2} for c, p in enumerate(neighbourhoods)]
    # Room on the right for the last neighbourhood's slanted name.
    return {"width": label_width + len(neighbourhoods) * cell + 90, "height": head + len(services) * cell + 10,
            "cell": cell - 4, "rows": rows, "columns": columns, "head": head - 8, "label_x": label_width - 8,
            "half": (cell - 4) / 2}
