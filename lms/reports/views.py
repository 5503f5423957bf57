"""Report pages in the Wagtail admin; each table also downloads as CSV/XLSX."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from lms.people.models import SchoolClass
from lms.people.policies import may_print_family_letters

from . import annual, charts, family_letters, tables
from .forms import AnnualReportForm, FamilyLettersForm, ReportFilterForm
from .policies import request_may_view_reports
from .selectors import (
    ReportFilters,
    completion_facts,
    completions_by_month,
    courses_for_report,
    current_school_year,
    learner_membership_ids,
    learner_rows,
    members_in_scope,
    quiz_pass_rates,
    report_reading,
)

EXPORT_FORMATS = ("csv", "xlsx")


def scoped(request, filters: ReportFilters) -> dict:
    """The memberships and courses a page's selectors share, read once."""
    return {
        "viewer": request.user,
        "filters": filters,
        "members": members_in_scope(viewer=request.user, filters=filters),
        "courses": courses_for_report(filters=filters),
    }


class ReportView(View):
    """Filters, then tables (exportable) and charts built from them."""

    template_name = ""
    filename = "bao-cao"

    def dispatch(self, request, *args, **kwargs):
        if not request_may_view_reports(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        data = self.request.GET.copy()
        if "school_year" not in data:
            # First visit: this school year, the one people mean by default.
            year = current_school_year()
            data["school_year"] = str(year.pk) if year else ""
        return ReportFilterForm(data, viewer=self.request.user)

    def get_tables(self, filters: ReportFilters) -> list[tables.Table]:
        raise NotImplementedError

    def get_charts(self, filters: ReportFilters, built: list[tables.Table]) -> dict:
        return {}

    def get(self, request):
        form = self.form = self.get_form()
        valid = form.is_valid()
        filters = form.filters() if valid else ReportFilters()
        export = request.GET.get("export")
        self.exporting = export in EXPORT_FORMATS
        if self.exporting:
            if not valid:
                # Never widen an export to the viewer's whole scope by accident.
                return HttpResponse(status=400)
            with report_reading():
                built = self.get_tables(filters)
            table = tables.TableSet(built).get(request.GET.get("table", ""))
            if table is None:
                raise Http404
            stamp = timezone.localdate().strftime("%Y%m%d")
            return table.export(export, f"{self.filename}-{table.key}-{stamp}")
        built, charts_context = [], {}
        if valid:
            with report_reading():
                built = self.get_tables(filters)
                charts_context = self.get_charts(filters, built)
            shared = getattr(self, "shared", None)
            if shared and filters.course is None:
                # Every live course, in the choices' order: the course
                # choices, read already.
                form.fields["course"].use_rows(shared["courses"])
        query = request.GET.copy()
        query.pop("export", None)
        query.pop("table", None)
        query.pop("p", None)
        context = {
            "form": form,
            "tables": built,
            "query": query.urlencode(),
            **charts_context,
            **self.extra_context(built),
        }
        return TemplateResponse(request, self.template_name, context)

    def extra_context(self, built) -> dict:
        return {}


class CompletionReportView(ReportView):
    template_name = "lms_reports/admin/completion.html"
    filename = "hoan-thanh"

    def get_tables(self, filters):
        self.shared = scoped(self.request, filters)
        self.facts = completion_facts(**self.shared)
        self.name_classes_from_choices()
        quizzes = quiz_pass_rates(**self.shared)
        return [
            tables.course_table(self.facts, quizzes),
            tables.course_class_table(self.facts),
            tables.role_table(self.facts),
        ]

    def name_classes_from_choices(self):
        """The tables' classes from the class choices the filter form lists
        (read once for both), when they hold every class of the figures."""
        form = getattr(self, "form", None)
        if form is None or not self.facts.class_ids:
            return
        listed = {c.pk: c for c in form.fields["school_class"].rows()}
        if self.facts.class_ids <= listed.keys():
            self.facts.classes = {
                pk: c for pk, c in listed.items() if pk in self.facts.class_ids
            }

    def get_charts(self, filters, built):
        by_class = self.facts.by_class()
        ordered = sorted(
            (c for c in by_class if c is not None),
            key=lambda c: tables.class_label(self.facts, c),
        )
        return {
            "bar_chart": charts.percent_bars(
                [
                    (tables.class_label(self.facts, c), by_class[c].percent)
                    for c in ordered
                ]
            ),
            "line_chart": charts.cumulative_line(completions_by_month(**self.shared)),
        }


class LearnerReportView(ReportView):
    template_name = "lms_reports/admin/learners.html"
    filename = "hoc-vien"
    per_page = 100

    def get_tables(self, filters):
        if self.exporting:
            # A download holds every row.
            courses, rows = learner_rows(viewer=self.request.user, filters=filters)
            return [tables.learner_table(courses, rows)]
        # The page: count and slice the ordered ids first, then work out the
        # standings of the rows shown only.
        ids = learner_membership_ids(viewer=self.request.user, filters=filters)
        self.page = Paginator(ids, self.per_page).get_page(self.request.GET.get("p"))
        courses, rows = learner_rows(
            viewer=self.request.user,
            filters=filters,
            membership_ids=self.page.object_list,
        )
        table = tables.learner_table(courses, rows)
        self.page.object_list = table.rows
        return [table]

    def extra_context(self, built):
        if not built:
            return {}
        return {"table": built[0], "page_obj": self.page}


class DepartmentReportView(ReportView):
    template_name = "lms_reports/admin/department.html"
    filename = "so-gddt"

    def get_tables(self, filters):
        self.facts = completion_facts(viewer=self.request.user, filters=filters)
        return [
            tables.department_table(self.facts, sort=self.request.GET.get("sort", ""))
        ]

    def extra_context(self, built):
        query = self.request.GET.copy()
        for key in ("export", "table", "sort"):
            query.pop(key, None)
        return {"query_without_sort": query.urlencode()}

    def get_charts(self, filters, built):
        table = built[0]
        percent = [column.key for column in table.columns].index("percent")
        return {
            "bar_chart": charts.percent_bars(
                [(row[0], row[percent]) for row in table.rows]
            )
        }


class AnnualReportView(View):
    """Pick a school and year; download the PDF or the XLSX."""

    def dispatch(self, request, *args, **kwargs):
        if not request_may_view_reports(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        data = request.GET if "school" in request.GET else None
        initial = {}
        year = current_school_year()
        if year:
            initial["school_year"] = year.pk
        form = AnnualReportForm(data, viewer=request.user, initial=initial)
        fmt = request.GET.get("format")
        if data is not None and form.is_valid() and fmt in ("pdf", "xlsx"):
            with report_reading():
                report = annual.annual_report_data(
                    viewer=request.user,
                    school=form.cleaned_data["school"],
                    school_year=form.cleaned_data["school_year"],
                )
            filename = annual.report_filename(report)
            if fmt == "pdf":
                response = HttpResponse(
                    annual.annual_report_pdf(report), content_type="application/pdf"
                )
                response["Content-Disposition"] = (
                    f'attachment; filename="{filename}.pdf"'
                )
                return response
            response = HttpResponse(
                annual.annual_report_xlsx(report),
                content_type=(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                ),
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
            return response
        return TemplateResponse(
            request,
            "lms_reports/admin/annual.html",
            {
                "form": form,
                "title": _("Annual implementation report"),
            },
        )


class FamilyLettersView(View):
    """ "In thư gửi phụ huynh": confirm, then one PDF with a page per family."""

    def dispatch(self, request, class_id: int):
        self.school_class = (
            SchoolClass.objects.select_related("school__department", "school_year")
            .filter(pk=class_id)
            .first()
        )
        if self.school_class is None:
            raise Http404
        if not may_print_family_letters(
            user=request.user, school_class=self.school_class
        ):
            raise PermissionDenied
        return super().dispatch(request, class_id)

    def render_page(self, form, *, status: int = 200):
        counts = {
            choice: family_letters.class_guardians(
                school_class=self.school_class, families=choice
            ).count()
            for choice in (
                family_letters.Families.ALL,
                family_letters.Families.WITHOUT_EMAIL,
            )
        }
        return TemplateResponse(
            self.request,
            "lms_reports/admin/family_letters.html",
            {
                "form": form,
                "school_class": self.school_class,
                "counts": counts,
                "title": _("Letters to the families of class %(name)s")
                % {"name": self.school_class.name},
            },
            status=status,
        )

    def get(self, request, class_id: int):
        return self.render_page(FamilyLettersForm())

    def post(self, request, class_id: int):
        form = FamilyLettersForm(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=400)
        # Codes and PDF together: a render that fails revokes no earlier code.
        with transaction.atomic():
            letters = family_letters.family_letters_prepare(
                school_class=self.school_class,
                issued_by=request.user,
                families=form.cleaned_data["families"],
            )
            if not letters:
                form.add_error(
                    "families",
                    _("No family of this class matches; nothing was printed."),
                )
                return self.render_page(form, status=400)
            pdf = family_letters.family_letters_pdf(
                school_class=self.school_class, letters=letters
            )
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = family_letters.letters_filename(self.school_class)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
