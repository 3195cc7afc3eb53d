"""Charts and tables for the relationship-health pages, drawn on the server.

A chart here is plain geometry (rectangles, points and labels in SVG user units) that
a template turns into `<svg>` with classes styled by health.css: no JavaScript and no
inline styles. Every chart comes with a `Table` of the same numbers, shown beside it
and downloadable as CSV, which is also what a screen reader reads.
"""

import csv
import html
import io
from dataclasses import dataclass, field
from datetime import date

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from villagehall.analytics import metrics


def escape(value) -> str:
    """Escape text for HTML as Django's `escape` does, without the wrapping that lets it take
    lazy text (`str()` resolves that): a year's adoption page, 1,248 table rows, spent about
    8 ms in that wrapping."""
    return html.escape(str(value))


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
    total: int | None = None  # when the page shows only the first rows: how many the CSV has

    def shown_rows(self):
        """Return each row as (link, cells shown), for the page."""
        links = self.links or [None] * len(self.rows)
        return [(link, [c.show(v) for c, v in zip(self.columns, row)]) for link, row in zip(links, self.rows)]

    def hidden_rows(self) -> int:
        return 0 if self.total is None else max(0, self.total - len(self.rows))

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


# Drawing ---------------------------------------------------------------------------
#
# Pages with a grid of a thousand cells would spend most of their time in template
# loops, so charts and tables are written out here, every piece of text escaped.


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _svg(chart: dict, css: str, id: str, title: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg class="chart {css}" viewBox="0 0 {_n(chart["width"])} {_n(chart["height"])}" '
        f'width="{_n(chart["width"])}" height="{_n(chart["height"])}" role="img" aria-labelledby="{id}-title">'
        f'<title id="{id}-title">{escape(title)}</title>{"".join(body)}</svg>'
    )


def bars_svg(chart: dict, *, id: str, title: str) -> SafeString:
    """Draw horizontal bars, each labelled on the left with its value written at the end."""
    body = []
    for bar in chart["bars"]:
        label, text, y = escape(bar.label), escape(bar.text), _n(bar.y + 13)
        body.append(
            f'<text class="label" x="{_n(chart["label_x"])}" y="{y}" text-anchor="end">{escape(Truncator(bar.label).chars(28))}</text>'
            f'<rect class="bar {bar.css}" x="{_n(bar.x)}" y="{_n(bar.y)}" width="{_n(bar.width)}" height="{_n(bar.height)}">'
            f'<title>{label}: {text}</title></rect>'
            f'<text class="value" x="{_n(chart["text_x"])}" y="{y}">{text}</text>'
        )
    return _svg(chart, "bars", id, title, body)


def columns_svg(chart: dict, *, id: str, title: str) -> SafeString:
    """Draw one column per week, the first week of each month labelled underneath."""
    base = _n(chart["plot_height"])
    body = [f'<line class="axis" x1="0" y1="{base}" x2="{_n(chart["width"])}" y2="{base}"/>']
    for column in chart["columns"]:
        body.append(
            f'<rect class="bar {column.css}" x="{column.x:.2f}" y="{column.y:.2f}" width="{column.width:.2f}" '
            f'height="{column.height:.2f}"><title>Week of {column.label}: {escape(column.text)}</title></rect>'
        )
    for label in chart["labels"]:
        body.append(f'<text class="label" x="{_n(label["x"])}" y="{_n(chart["height"] - 4)}">{escape(label["text"])}</text>')
    return _svg(chart, "columns", id, title, body)


def scatter_svg(chart: dict, *, id: str, title: str) -> SafeString:
    """Draw neighbourhoods by deprivation decile (across) and participants per 1,000 (up)."""
    left, right, bottom, top_y = (_n(chart[k]) for k in ("left", "right", "bottom", "top_y"))
    body = [
        f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>',
        f'<line class="axis" x1="{left}" y1="{top_y}" x2="{left}" y2="{bottom}"/>',
        *(f'<text class="label" x="{_n(t["x"])}" y="{_n(chart["bottom"] + 16)}" text-anchor="middle">{t["text"]}</text>'
          for t in chart["ticks"]),
        f'<text class="label" x="{left}" y="{_n(chart["height"] - 4)}">1 = most deprived</text>',
        f'<text class="label" x="{right}" y="{_n(chart["height"] - 4)}" text-anchor="end">10 = least deprived</text>',
        f'<text class="label" x="{_n(chart["left"] + 4)}" y="{_n(chart["top_y"] - 8)}">{chart["top"]:.1f} per 1,000</text>',
    ]
    for point in chart["points"]:
        body.append(
            f'<circle class="point" cx="{_n(point["cx"])}" cy="{_n(point["cy"])}" r="5"><title>{escape(point["text"])}</title></circle>'
            f'<text class="label" x="{_n(point["cx"] + 8)}" y="{_n(point["cy"] + 4)}">{escape(Truncator(point["label"]).chars(20))}</text>'
        )
    return _svg(chart, "scatter", id, title, body)


def grid_svg(chart: dict, *, id: str, title: str) -> SafeString:
    """Draw services down and neighbourhoods across, each cell coloured by pattern with its presence in it."""
    size, half = _n(chart["cell"]), chart["half"]
    body = [
        f'<text class="label" transform="translate({_n(c["x"])} {_n(chart["head"])}) rotate(-50)">'
        f'{escape(Truncator(c["label"]).chars(16))}</text>'
        for c in chart["columns"]
    ]
    for row in chart["rows"]:
        body.append(
            f'<text class="label" x="{_n(chart["label_x"])}" y="{_n(row["y"])}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(Truncator(row["label"]).chars(28))}</text>'
        )
        for cell in row["cells"]:
            body.append(
                f'<rect class="cell {cell["pattern"]}" x="{_n(cell["x"])}" y="{_n(cell["y"])}" width="{size}" '
                f'height="{size}"><title>{escape(cell["title"])}</title></rect>'
                f'<text class="cell-text {cell["pattern"]}" x="{_n(cell["x"] + half)}" y="{_n(cell["y"] + half)}" '
                f'text-anchor="middle" dominant-baseline="middle">{cell["text"]}</text>'
            )
    return _svg(chart, "grid", id, title, body)


def table_html(table: Table, *, query: str) -> SafeString:
    """Write a chart's numbers as a table, a link to the same as CSV, and each column's definition."""
    head = "".join(f'<th scope="col">{escape(c.heading)}</th>' for c in table.columns)
    rows = []
    for link, cells in table.shown_rows():
        first = escape(cells[0])
        if link:
            first = f'<a href="{escape(link)}?{escape(query)}">{first}</a>'
        rows.append(f'<tr><th scope="row">{first}</th>{"".join(f"<td>{escape(c)}</td>" for c in cells[1:])}</tr>')
    if not rows:
        rows.append(f'<tr><td colspan="{len(table.columns)}" class="empty">Nothing in this window.</td></tr>')
    parts = [
        f'<div class="table-scroll"><table class="figures"><caption>{escape(table.caption)}</caption>'
        f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    ]
    if table.hidden_rows():
        parts.append(f'<p class="meta">And {table.hidden_rows():,} more in the CSV.</p>')
    parts.append(
        f'<p class="download"><a href="?{escape(query)}&amp;download={escape(table.name)}" download>'
        "Download this table as CSV</a></p>"
    )
    definitions = table.definitions()
    if definitions:
        parts.append('<dl class="definitions">' + "".join(
            f"<dt>{escape(c.heading)}</dt><dd>{escape(c.definition)}</dd>" for c in definitions
        ) + "</dl>")
    return mark_safe("".join(parts))
