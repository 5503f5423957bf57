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


def cumulative_line(monthly: list[tuple[date, int]]) -> dict:
    """A line of completions to date, one point per month with completions."""
    width, height, left, right, top, bottom = 420, 200, 40, 15, 15, 40
    running = 0
    totals = []
    for month, count in monthly:
        running += count
        totals.append((month, running))
    top_value = max((value for _m, value in totals), default=0) or 1
    span = max(len(totals) - 1, 1)
    points = [
        Point(
            label=f"{month:%m/%Y}",
            value=value,
            x=left + round((width - left - right) * index / span),
            y=top + round((height - top - bottom) * (1 - value / top_value)),
        )
        for index, (month, value) in enumerate(totals)
    ]
    return {
        "points": points,
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
