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


def test_one_month_is_a_full_height_column_not_a_lone_dot():
    chart = cumulative_line([(date(2025, 10, 1), 7)])
    assert chart["kind"] == "columns"
    (column,) = chart["columns"]
    assert (column.label, column.value) == ("10/2025", 7)
    assert column.y == chart["top"] and column.height == chart["axis_y"] - column.y
    assert chart["left"] < column.x < column.x + column.width < chart["right_x"]


def test_two_months_are_columns_in_proportion_side_by_side():
    chart = cumulative_line([(date(2025, 9, 1), 2), (date(2025, 10, 1), 2)])
    assert chart["kind"] == "columns"
    first, second = chart["columns"]
    assert second.height == chart["axis_y"] - chart["top"]
    assert abs(first.height - second.height / 2) <= 1  # 2 of 4, rounded
    assert first.x + first.width < second.x


def test_three_months_or_more_are_a_line():
    months = [date(2025, m, 1) for m in (9, 10, 11)]
    assert cumulative_line([(m, 1) for m in months])["kind"] == "line"
    assert cumulative_line([])["kind"] == "none"


def _drawn(monthly) -> str:
    from django.template.loader import render_to_string

    return render_to_string(
        "lms_reports/includes/line_chart.html",
        {"chart": cumulative_line(monthly), "chart_id": "c", "chart_title": "T"},
    )


def test_a_chart_of_one_month_draws_a_column_and_no_dot():
    html = _drawn([(date(2025, 10, 1), 7)])
    assert "<rect" in html and "<circle" not in html and "<polyline" not in html


def test_a_chart_of_several_months_draws_a_line_through_dots():
    html = _drawn([(date(2025, m, 1), 1) for m in (9, 10, 11)])
    assert "<polyline" in html and html.count("<circle") == 3 and "<rect" not in html


def test_a_chart_without_completions_says_so_in_words():
    html = _drawn([])
    assert "<svg" not in html and "lms-chart__empty" in html
