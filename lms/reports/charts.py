"""Geometry for the inline SVG charts: no script, no CDN, prints as drawn.

Templates under ``lms_reports/includes/`` draw these; WeasyPrint renders the
same SVG in the annual report PDF.
"""

from dataclasses import dataclass
from datetime import date

BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 110
CHART_WIDTH = 420
PLOT_WIDTH = CHART_WIDTH - LABEL_WIDTH - 40


@dataclass
class Bar:
    label: str
    value: float
    y: int
    width: int
    text_y: int


def percent_bars(items: list[tuple[str, float | None]]) -> dict:
    """Horizontal bars (0–100 %), one per item; grows downwards, so it fits a phone."""
    bars = []
    for index, (label, value) in enumerate(items):
        value = value or 0.0
        y = 10 + index * (BAR_HEIGHT + BAR_GAP)
        bars.append(
            Bar(
                label=label,
                value=value,
                y=y,
                width=round(PLOT_WIDTH * min(value, 100) / 100),
                text_y=y + BAR_HEIGHT - 5,
            )
        )
    height = 30 + len(bars) * (BAR_HEIGHT + BAR_GAP)
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": height,
        "x0": LABEL_WIDTH,
        "plot_width": PLOT_WIDTH,
        "bar_height": BAR_HEIGHT,
        "axis_y": height - 18,
        "ticks": [
            {"x": LABEL_WIDTH + round(PLOT_WIDTH * tick / 100), "label": f"{tick}%"}
            for tick in (0, 25, 50, 75, 100)
        ],
    }


@dataclass
class Point:
    label: str
    value: int
    x: int
    y: int


@dataclass
class Column:
    label: str
    value: int
    x: int
    y: int
    width: int
    height: int
    centre: int


# Up to this many months, the totals are drawn as columns: a line needs three
# points to show a trend, and one point alone is a dot nobody reads as a chart.
FEW_POINTS = 2
COLUMN_MAX_WIDTH = 48


def cumulative_line(monthly: list[tuple[date, int]]) -> dict:
    """Completions to date, one point per month with completions.

    `kind` says how to draw it: "line", "columns" (few months) or "none".
    """
    width, height, left, right, top, bottom = 420, 200, 40, 15, 15, 40
    running = 0
    totals = []
    for month, count in monthly:
        running += count
        totals.append((month, running))
    top_value = max((value for _m, value in totals), default=0) or 1
    span = max(len(totals) - 1, 1)
    plot_width, plot_height = width - left - right, height - top - bottom
    points = [
        Point(
            label=f"{month:%m/%Y}",
            value=value,
            x=left + round(plot_width * index / span),
            y=top + round(plot_height * (1 - value / top_value)),
        )
        for index, (month, value) in enumerate(totals)
    ]
    slot = plot_width / max(len(points), 1)
    column_width = min(COLUMN_MAX_WIDTH, round(slot / 2))
    columns = [
        Column(
            label=point.label,
            value=point.value,
            x=left + round(slot * index + (slot - column_width) / 2),
            y=point.y,
            width=column_width,
            height=height - bottom - point.y,
            centre=left + round(slot * index + slot / 2),
        )
        for index, point in enumerate(points)
    ]
    if not points:
        kind = "none"
    elif len(points) <= FEW_POINTS:
        kind = "columns"
    else:
        kind = "line"
    return {
        "kind": kind,
        "points": points,
        "columns": columns,
        "polyline": " ".join(f"{p.x},{p.y}" for p in points),
        "width": width,
        "height": height,
        "left": left,
        "right_x": width - right,
        "axis_y": height - bottom,
        "top": top,
        "top_value": top_value,
        "label_y": height - bottom + 14,
    }
