"""The school report's cheaper paths give what the slower ones gave (issue 19).

The filter form's selects and the bar chart are written in Python with the
markup Django's and our templates gave; the quiz pass rates and completions
by month name their courses' ids by `required_every_year` instead of joining
each row to its course (`courses.progress.year_rows(courses=...)`).
"""

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from courses import progress
from courses.models import CourseCompletion
from lms.reports import charts
from lms.reports.forms import Select
from lms.reports.templatetags.lms_reports_tags import _number
from quizzes.models import QuizAttempt
from tests.courses.conftest import catalogue, site_root  # noqa: F401 (fixtures)

from .conftest import attempt, summary  # noqa: F401 (fixture)
from .test_yearly_courses import Years

CHOICES = [
    ("", "Mọi lớp"),
    (1, "10A1"),
    ("2", 'Lớp <b>"chuyên"</b> & Anh'),
    ("Khối 11", [(3, "11A1"), ("4", "11A2")]),
    (5, "12A1"),
]


@pytest.mark.parametrize("value", ["", "2", 3, None, "missing"])
def test_select_writes_the_options_django_templates_wrote(value):
    attrs = {"id": "id_school_class", "class": "w-field", "required": True}
    ours = Select(choices=CHOICES).render("school_class", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("school_class", value, attrs=attrs)
    assert ours == django
    assert "<option" in ours


def test_the_report_filters_use_it():
    from lms.reports.forms import ReportFilterForm

    for name in ("school_year", "school", "school_class", "role", "course"):
        assert type(ReportFilterForm.base_fields[name].widget) is Select


OLD_BARS = (
    "{% load lms_reports_tags %}"
    "{% for bar in chart.bars %}\n"
    '      <text x="{{ chart.x0|add:-6 }}" y="{{ bar.text_y }}" font-size="10"'
    ' text-anchor="end" fill="#333">{{ bar.label|truncatechars:18 }}</text>\n'
    '      <rect x="{{ chart.x0 }}" y="{{ bar.y }}" width="{{ bar.width }}"'
    ' height="{{ chart.bar_height }}" fill="#007d7e"><title>{{ bar.label }}:'
    " {{ bar.value|cell }}%</title></rect>\n"
    '      <text x="{{ chart.x0|add:bar.width|add:4 }}" y="{{ bar.text_y }}"'
    ' font-size="10" fill="#333">{{ bar.value|cell }}%</text>\n'
    "    {% endfor %}"
)


@pytest.fixture
def grouped_digits(settings):
    """Thousands grouped; figures are formatted once per process (settings
    do not change there), so the formats kept are dropped before and after."""
    settings.USE_THOUSAND_SEPARATOR = True
    _number.cache_clear()
    yield
    _number.cache_clear()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_bar_marks_are_the_template_loop_they_replace(language, grouped_digits):
    # Enough bars that their y passes 1,000 (grouped digits in Vietnamese).
    items = [
        ("Trường THPT Nguyễn Thị Minh Khai", 33.3),
        ('10A1 <script>"x"</script> & co', 100.0),
        ("11B", None),
        ("12C", 0.0),
        *((f"Lớp {index}", index * 1.5) for index in range(60)),
    ]
    chart = charts.percent_bars(items)
    with translation.override(language):
        old = Template(OLD_BARS).render(Context({"chart": chart}))
        new = Template("{% load lms_reports_tags %}{% chart_bar_marks chart %}").render(
            Context({"chart": chart})
        )
    assert new == old
    assert "&lt;script&gt;" in new
    assert chart["bars"][-1].y > 1000


@pytest.mark.django_db
def test_year_rows_of_known_courses_are_the_rows_the_join_gives(
    catalogue,  # noqa: F811
    summary,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        world = Years(catalogue)
        world.completed_last_year(world.khang, world.yearly)
        world.completed_last_year(world.khang, world.once)
        world.complete_now(world.ha, world.yearly)
        world.complete_now(world.ha, world.once)
        world.complete_now(world.khang, world.yearly)
    for user in (world.khang, world.ha):
        for course in (world.yearly, world.once):
            attempt(user, course, "80.00")
    # Last year's attempt and a completion of no year at all.
    QuizAttempt.objects.filter(user=world.khang, course=world.once).update(
        school_year=world.past
    )
    CourseCompletion.objects.filter(user=world.ha, course=world.once).update(
        school_year=None
    )
    courses = [world.yearly, world.once]
    seen = set()
    for model in (CourseCompletion, QuizAttempt):
        for year in (world.past, world.current):
            joined = model.objects.filter(
                progress.year_rows(year_id=year.pk, starts_on=year.starts_on),
                course_id__in=[c.pk for c in courses],
            )
            named = model.objects.filter(
                progress.year_rows(
                    year_id=year.pk, starts_on=year.starts_on, courses=courses
                )
            )
            rows = set(joined.values_list("pk", flat=True))
            assert set(named.values_list("pk", flat=True)) == rows
            seen.add(len(rows))
    assert len(seen) > 1  # the years differ: the condition was put to work
    # Only the courses named: no row of another course slips in.
    only_once = CourseCompletion.objects.filter(
        progress.year_rows(
            year_id=world.current.pk,
            starts_on=world.current.starts_on,
            courses=[world.once],
        )
    )
    assert {c.course_id for c in only_once} == {world.once.pk}
