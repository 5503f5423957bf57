"""Report filters, limited to what the viewer may see."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage
from lms.people.models import School, SchoolClass, SchoolYear
from lms.people.selectors import classes_visible_to

from . import policies
from .selectors import BUCKET_LABELS, ReportFilters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class Select(forms.Select):
    """Django's select, its options written here rather than by a template
    each: the same markup (the class choices of a school are dozens of
    options, and an included template per option cost more than the rest of
    the form). Named as Django's, like ModelChoiceField below."""

    template_name = "lms_reports/widgets/select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        parts = []
        for group_name, options, _index in context["widget"]["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(f"\n  {_option_html(option)}" for option in options)
            if group_name:
                parts.append("\n  </optgroup>")
        context["widget"]["options_html"] = mark_safe("".join(parts))  # noqa: S308
        return context


def _option_html(option: dict) -> str:
    """django/forms/widgets/select_option.html for one option, escaped alike."""
    attrs = "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in option["attrs"].items()
        if value is not False
    )
    value = conditional_escape(str(option["value"]))
    label = conditional_escape(option["label"])
    return f'<option value="{value}"{attrs}>{label}</option>\n'


class ListedChoices(ModelChoiceIterator):
    """The choices read with one plain query, the one validation reads.

    Django's iterator reads them through a server-side cursor, which on
    PostgreSQL is three round trips (declare, fetch, close) for a few rows.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.rows():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.rows()) + (self.field.empty_label is not None)


class ModelChoiceField(forms.ModelChoiceField):
    """A model choice read once per form: the options shown and the value
    checked come from the same rows, so checking the chosen one costs no
    query of its own (Django's field asks `queryset.get` for it).

    Named as Django's so that the admin's field markup (a CSS class made of
    the field class's name) stays the same."""

    iterator = ListedChoices
    widget = Select

    def _set_queryset(self, queryset):
        self._rows = None
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def rows(self) -> list:
        if self._rows is None:
            self._rows = list(self.queryset)
        return self._rows

    def use_rows(self, rows) -> None:
        """The rows of this field's queryset, already read by the caller."""
        self._rows = list(rows)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        model = self.queryset.model
        key = self.to_field_name or model._meta.pk.attname
        try:
            if isinstance(value, model):
                value = getattr(value, key)
            wanted = model._meta.get_field(key).to_python(value)
        except (ValueError, TypeError, ValidationError):
            wanted = None
        for obj in self.rows():
            if wanted is not None and getattr(obj, key) == wanted:
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class ReportFilterForm(forms.Form):
    school_year = ModelChoiceField(
        label=_("School year"),
        queryset=SchoolYear.objects.all(),
        required=False,
        empty_label=_("Every school year"),
    )
    school = ModelChoiceField(
        label=_("School"),
        queryset=School.objects.none(),
        required=False,
        empty_label=_("Every school"),
    )
    school_class = ModelChoiceField(
        label=_("Class"),
        queryset=SchoolClass.objects.none(),
        required=False,
        empty_label=_("Every class"),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("Every role")), *BUCKET_LABELS.items()],
        required=False,
        widget=Select,
    )
    course = ModelChoiceField(
        label=_("Course"),
        queryset=CoursePage.objects.none(),
        required=False,
        empty_label=_("Every course"),
    )
    completed_from = forms.DateField(
        label=_("Completed from"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    completed_to = forms.DateField(
        label=_("Completed until"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        schools = policies.report_schools(viewer=viewer)
        self.fields["school"].queryset = schools
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        # A Department has thousands of classes: list those of the chosen school
        # and year only, so the page stays light on a phone.
        classes = classes_visible_to(viewer=viewer)
        year, school = self.data.get("school_year"), self.data.get("school")
        if year and str(year).isdigit():
            classes = classes.filter(school_year_id=year)
        if school and str(school).isdigit():
            classes = classes.filter(school_id=school)
        elif len(self.fields["school"].rows()) > 1:
            classes = classes.none()
            self.fields["school_class"].help_text = _(
                "Choose a school first to list its classes."
            )
        self.fields["school_class"].queryset = classes

    def clean(self):
        data = super().clean()
        start, end = data.get("completed_from"), data.get("completed_to")
        if start and end and end < start:
            self.add_error(
                "completed_to", _("The end date must not be before the start date.")
            )
        return data

    def filters(self) -> ReportFilters:
        """The filters chosen; call after is_valid() succeeded."""
        data = self.cleaned_data
        return ReportFilters(
            school_year=data.get("school_year"),
            school=data.get("school"),
            school_class=data.get("school_class"),
            role=data.get("role") or "",
            course=data.get("course"),
            completed_from=data.get("completed_from"),
            completed_to=data.get("completed_to"),
        )


class AnnualReportForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    school_year = forms.ModelChoiceField(
        label=_("School year"), queryset=SchoolYear.objects.all()
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.fields["school"].queryset = policies.annual_report_schools(viewer=viewer)

    def clean(self):
        data = super().clean()
        school, year = data.get("school"), data.get("school_year")
        if (
            school is not None
            and year is not None
            and not policies.may_read_annual_report(
                viewer=self.viewer, school=school, school_year=year
            )
        ):
            self.add_error(
                "school_year",
                _("You held no role at this school in this school year."),
            )
        return data


class FamilyLettersForm(forms.Form):
    families = forms.ChoiceField(
        label=_("Families"),
        choices=[
            ("without_email", _("Only families without an e-mail address")),
            ("all", _("Every family of the class")),
        ],
        initial="without_email",
        widget=forms.RadioSelect,
    )
