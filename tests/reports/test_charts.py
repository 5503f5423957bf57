"""Chart geometry: pure functions, no database."""

from datetime import date

from lms.reports.charts import PLOT_WIDTH, cumulative_line, percent_bars


def test_bars_are_proportional_to_the_percentage_and_stack_downwards():
    chart = percent_bars([("10A1", 50.0), ("10A2", 100.0), ("10A3", None)])
    widths = [bar.width for bar in chart["bars"]]
    assert widths == [PLOT_WIDTH // 2, PLOT_WIDTH, 0]
    assert [bar.y for bar in chart["bars"]] == sorted(bar.y for bar in chart["bars"])
    assert chart["height"] > chart["bars"][-1].y


def test_line_accumulates_completions_month_by_month():
    chart = cumulative_line([(date(2023, 9, 1), 2), (date(2023, 10, 1), 3)])
    assert [(p.label, p.value) for p in chart["points"]] == [
        ("09/2023", 2),
        ("10/2023", 5),
    ]
    # The latest total is at the top of the plot, the line rises to the right.
    first, last = chart["points"]
    assert last.y == chart["top"] and first.y > last.y and last.x > first.x


def test_an_empty_line_draws_nothing():
    chart = cumulative_line([])
    assert chart["points"] == [] and chart["polyline"] == ""
