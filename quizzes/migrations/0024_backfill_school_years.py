"""Existing attempts and grades get the school year of their date."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations


def _year_ranges(SchoolYear):
    """(year id, from, until) with local-midnight bounds: a date belongs to the
    latest school year started by then (the first year for earlier dates),
    as lms.people.selectors.learning_year_for decides for new rows."""
    zone = ZoneInfo(settings.TIME_ZONE)
    years = list(SchoolYear.objects.order_by("starts_on").values_list("pk", "starts_on"))
    ranges = []
    for index, (pk, _starts) in enumerate(years):
        start = None
        if index:
            start = datetime.datetime.combine(years[index][1], datetime.time(), zone)
        until = None
        if index + 1 < len(years):
            until = datetime.datetime.combine(years[index + 1][1], datetime.time(), zone)
        ranges.append((pk, start, until))
    return ranges


def _backfill(model, date_field, ranges):
    for pk, start, until in ranges:
        rows = model.objects.filter(school_year__isnull=True)
        if start is not None:
            rows = rows.filter(**{f"{date_field}__gte": start})
        if until is not None:
            rows = rows.filter(**{f"{date_field}__lt": until})
        rows.update(school_year_id=pk)


def backfill(apps, schema_editor):
    ranges = _year_ranges(apps.get_model("lms_people", "SchoolYear"))
    _backfill(apps.get_model("lms_quizzes", "QuizAttempt"), "started_at", ranges)
    _backfill(apps.get_model("lms_quizzes", "QuizGrade"), "updated_at", ranges)


class Migration(migrations.Migration):
    dependencies = [("lms_quizzes", "0023_attempts_and_grades_per_school_year")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
