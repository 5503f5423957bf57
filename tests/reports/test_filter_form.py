"""The report filters: each list of choices read once, the chosen one checked
against it (no query of its own), out-of-scope or garbled values refused."""

import pytest

from lms.reports.forms import ReportFilterForm

pytestmark = pytest.mark.django_db


def test_choices_are_read_once_and_the_chosen_ones_checked_against_them(
    world, django_assert_num_queries
):
    school = world.schools["A"]
    form = ReportFilterForm(
        {"school_year": str(world.year.pk), "school": str(school.pk)},
        viewer=world.people["qt"],
    )
    # The years and the schools: one query each, for checking and showing.
    with django_assert_num_queries(2):
        assert form.is_valid(), form.errors
        html = str(form["school_year"]) + str(form["school"])
    assert form.cleaned_data["school"] == school
    assert form.cleaned_data["school_year"] == world.year
    assert f'<option value="{school.pk}" selected>' in html


@pytest.mark.parametrize("value", ["other school", "abc", "", "4.5", "\x00"])
def test_a_school_out_of_scope_or_garbled_is_refused(world, value):
    school = world.schools["B"] if value == "other school" else None
    data = {"school_year": str(world.year.pk), "school": value}
    if school is not None:
        data["school"] = str(school.pk)
    form = ReportFilterForm(data, viewer=world.people["qt"])
    if value == "":
        assert form.is_valid() and form.cleaned_data["school"] is None
    else:
        assert not form.is_valid()
        assert "school" in form.errors
