"""Roster import in the Wagtail admin: upload, preview, confirm, credentials.

The uploaded file waits in the cache between preview and confirmation under
the user's id and a random token. The new accounts' initial passwords are
never at rest in clear: the sheet that lists them is built in memory and
sent inside the confirming response itself (a download link holding the
workbook), which no cache keeps; the database holds their hashes alone.

A list longer than ``LMS_ROSTER_BACKGROUND_ROWS`` is imported by a
background job instead (``jobs.py``): the confirming request redirects to a
page whose progress bar follows the job. That path hands out no passwords;
the importer issues them per class on the "new initial passwords" page.

Every view needs a management power at the school in the school year acted
on, in a year not yet ended (`policies`).
"""

import base64
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from lms.cache import UPLOAD_NOT_KEPT, cache_keep
from lms.checks import check_site_url
from lms.transactions import atomic_retrying_once
from lms.uploads import upload_refusal

from .. import policies
from ..models import RosterImportJob, School, SchoolClass, SchoolYear
from .credentials import Credential, credentials_workbook
from .importing import (
    initial_passwords_reissue,
    roster_import,
    staff_initial_passwords_reissue,
)
from .jobs import job_enqueue, job_progress, job_state
from .parsing import MAX_ROSTER_BYTES

User = get_user_model()

UPLOAD_TIMEOUT = 30 * 60
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_key(user: User, token: str) -> str:
    return f"lms-roster-upload:{user.pk}:{token}"


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Class or staff list"),
        help_text=gettext_lazy(
            "Excel (.xlsx) or CSV, at most 5 MB. Columns: Họ và tên, Mã học sinh, "
            "Lớp; optionally Ngày sinh, Email, Vai trò."
        ),
    )
    school = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=School.objects.none()
    )
    school_year = forms.ModelChoiceField(
        label=gettext_lazy("School year"), queryset=SchoolYear.objects.none()
    )
    create_classes = forms.BooleanField(
        label=gettext_lazy("Create the classes the list names that do not exist yet"),
        required=False,
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        schools = policies.schools_managed_by(viewer=user)
        self.fields["school"].queryset = schools
        if len(schools[:2]) == 1:
            self.fields["school"].initial = schools[0]
        self.fields["school_year"].queryset = SchoolYear.objects.filter(
            policies.open_years_q()
        )
        self.fields["school_year"].initial = policies.current_school_year()

    def clean(self):
        cleaned = super().clean()
        school, year = cleaned.get("school"), cleaned.get("school_year")
        if (
            school
            and year
            and not policies.may_manage_school(
                user=self.user, school=school, school_year=year
            )
        ):
            self.add_error(
                "school_year", _("You do not manage this school in this school year.")
            )
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.")
                % {"size": MAX_ROSTER_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(
                _("Upload an Excel workbook (.xlsx) or a CSV file.")
            )
        return upload


def roster_import_view(request):
    """Upload and preview (a dry run), then confirm with the stored file."""
    if not policies.may_import_rosters(user=request.user):
        raise PermissionDenied
    if refusal := upload_refusal(request):  # the disk is full: nothing written
        messages.error(request, refusal)
        return redirect("lms_roster:index")
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(request, request.POST["token"])
    form = RosterImportForm(
        request.POST or None, request.FILES or None, user=request.user
    )
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        report = roster_import(
            data=data,
            filename=upload.name,
            school=form.cleaned_data["school"],
            school_year=form.cleaned_data["school_year"],
            create_classes=form.cleaned_data["create_classes"],
            dry_run=True,
            imported_by=request.user,
        )
        context.update(
            report=report,
            school=form.cleaned_data["school"],
            school_year=form.cleaned_data["school_year"],
        )
        if report.ok and (report.created or report.updated):
            token = secrets.token_urlsafe(16)
            kept = cache_keep(
                _upload_key(request.user, token),
                {
                    "data": base64.b64encode(data).decode(),
                    "filename": upload.name,
                    "school": form.cleaned_data["school"].pk,
                    "school_year": form.cleaned_data["school_year"].pk,
                    "create_classes": form.cleaned_data["create_classes"],
                    "rows": len(report.created)
                    + len(report.updated)
                    + len(report.unchanged),
                },
                timeout=UPLOAD_TIMEOUT,
            )
            if kept:
                context["token"] = token
            else:
                messages.error(request, UPLOAD_NOT_KEPT)
    return TemplateResponse(request, "lms_people/admin/roster_import.html", context)


def _confirm(request, token: str):
    stored = cache.get(_upload_key(request.user, token))
    if stored is None:
        messages.error(request, _("The preview has expired; upload the file again."))
        return redirect("lms_roster:index")
    school = School.objects.filter(pk=stored["school"]).first()
    school_year = SchoolYear.objects.filter(pk=stored["school_year"]).first()
    if (
        school is None
        or school_year is None
        or not policies.may_manage_school(
            user=request.user, school=school, school_year=school_year
        )
    ):
        raise PermissionDenied
    if stored.get("rows", 0) > settings.LMS_ROSTER_BACKGROUND_ROWS:
        return _confirm_in_background(request, token, stored, school, school_year)
    if check_site_url():
        # The sign-in sheets print the site's address; without it the accounts
        # would be created and their initial passwords lost.
        messages.error(
            request,
            _(
                "The site's public address (LMS_SITE_URL) is not set, so the "
                "sign-in sheets cannot be made. Nothing was imported; ask the "
                "site's administrator to set it."
            ),
        )
        return redirect("lms_roster:index")

    # All or nothing: the accounts only with their initial passwords; a
    # deadlock victim runs once more (lms/transactions.py).
    @atomic_retrying_once
    def import_with_sheet():
        report = roster_import(
            data=base64.b64decode(stored["data"]),
            filename=stored["filename"],
            school=school,
            school_year=school_year,
            create_classes=stored["create_classes"],
            dry_run=False,
            imported_by=request.user,
        )
        return report, (
            credentials_workbook(
                credentials=report.credentials,
                school_name=school.name,
                school_year=school_year.name,
            )
            if report.credentials
            else None
        )

    report, workbook = import_with_sheet()
    cache.delete(_upload_key(request.user, token))
    context = {
        "report": report,
        "school": school,
        "school_year": school_year,
        "form": RosterImportForm(user=request.user),
    }
    if workbook is not None:
        context["download_url"] = (
            f"data:{XLSX_TYPE};base64,{base64.b64encode(workbook).decode()}"
        )
        context["download_name"] = "mat-khau-ban-dau.xlsx"
    template = (
        "lms_people/admin/roster_done.html"
        if report.ok
        else "lms_people/admin/roster_import.html"
    )
    response = TemplateResponse(request, template, context)
    # Passwords inside: no copy in any cache on the way.
    response["Cache-Control"] = "no-store"
    return response


def _confirm_in_background(request, token, stored, school, school_year):
    """A large list: a job imports it, the importer watches its progress."""
    with transaction.atomic():
        job = RosterImportJob.objects.create(
            school=school,
            school_year=school_year,
            created_by=request.user,
            filename=stored["filename"],
            data=base64.b64decode(stored["data"]),
            create_classes=stored["create_classes"],
            rows=stored["rows"],
        )
        job_enqueue(job)
    cache.delete(_upload_key(request.user, token))
    return redirect("lms_roster:job", pk=job.pk)


def _job_for(request, pk: int) -> RosterImportJob:
    if not policies.may_import_rosters(user=request.user):
        raise PermissionDenied
    job = get_object_or_404(
        RosterImportJob.objects.select_related("school", "school_year"), pk=pk
    )
    if not policies.may_follow_roster_job(user=request.user, job=job):
        raise Http404
    return job


def roster_job_view(request, pk: int):
    """A background import: a progress bar, then what it did."""
    job = _job_for(request, pk)
    done, total = job_progress(job)
    _status, label = job_state(job)
    reissue = reverse("lms_roster:reissue")
    password_links = []
    if job.status == RosterImportJob.Status.DONE:
        # Every sheet the new accounts' passwords can be issued on.
        for school_class in SchoolClass.objects.filter(
            school=job.school_id,
            school_year=job.school_year_id,
            name__in=job.outcome.get("class_names", []),
        ).order_by("name"):
            password_links.append(
                (
                    _("Students of class %(class)s") % {"class": school_class.name},
                    f"{reissue}?{urlencode({'school_class': school_class.pk})}",
                )
            )
        if job.outcome.get("staff_created"):
            staff = staff_choice(job.school_id, job.school_year_id)
            password_links.append(
                (
                    _("Staff of %(school)s") % {"school": job.school.name},
                    f"{reissue}?{urlencode({'staff': staff})}",
                )
            )
    return TemplateResponse(
        request,
        "lms_people/admin/roster_job.html",
        {
            "job": job,
            "done": done,
            "total": total,
            "status_label": label,
            "status_url": reverse("lms_roster:job_status", args=[job.pk]),
            "password_links": password_links,
        },
    )


def roster_job_status(request, pk: int):
    """The job's state for the page's progress bar (polled)."""
    job = _job_for(request, pk)
    done, total = job_progress(job)
    status, label = job_state(job)
    response = JsonResponse(
        {
            "status": status,
            "status_label": label,
            "finished": job.finished,
            "done": done,
            "total": total,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def _workbook_response(
    credentials: list[Credential], school_name: str, school_year: str, name: str
) -> HttpResponse:
    response = HttpResponse(
        credentials_workbook(
            credentials=credentials, school_name=school_name, school_year=school_year
        ),
        content_type=XLSX_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    # Passwords inside: no copy in any cache on the way.
    response["Cache-Control"] = "no-store"
    return response


class ReissueForm(forms.Form):
    """Students of one class."""

    school_class = forms.ModelChoiceField(
        label=gettext_lazy("Class"), queryset=SchoolClass.objects.none()
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        classes = SchoolClass.objects.select_related("school", "school_year")
        if not user.is_superuser:
            where = Q(pk__in=[])
            for school_id, year_id in policies.managed_school_years(user=user):
                where |= Q(school_id=school_id, school_year_id=year_id)
            classes = classes.filter(where)
        self.fields["school_class"].queryset = classes.filter(
            policies.open_years_q(prefix="school_year__")
        )


def staff_choice(school_id: int, school_year_id: int) -> str:
    """The staff form's value for a school in a school year."""
    return f"{school_id}-{school_year_id}"


class StaffReissueForm(forms.Form):
    """The staff (every role but student) of a school in a school year."""

    staff = forms.ChoiceField(label=gettext_lazy("Staff of"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        years = SchoolYear.objects.filter(policies.open_years_q())
        schools = School.objects.order_by("name")
        if user.is_superuser:
            pairs = [(school, year) for year in years for school in schools]
        else:
            managed = set(policies.managed_school_years(user=user))
            schools = schools.filter(pk__in={school_id for school_id, _y in managed})
            pairs = [
                (school, year)
                for year in years
                for school in schools
                if (school.pk, year.pk) in managed
            ]
        self.pairs = {
            staff_choice(school.pk, year.pk): (school, year) for school, year in pairs
        }
        self.fields["staff"].choices = [
            (
                key,
                _("%(school)s, school year %(year)s")
                % {"school": school.name, "year": year.name},
            )
            for key, (school, year) in self.pairs.items()
        ]

    def clean_staff(self):
        return self.pairs[self.cleaned_data["staff"]]


def roster_passwords_reissue(request):
    """New initial passwords for people who never signed in: the students of
    a class, or the staff of a school (those the user may manage)."""
    if not policies.may_import_rosters(user=request.user):
        raise PermissionDenied
    is_staff_form = request.method == "POST" and "staff" in request.POST
    data = request.POST if request.method == "POST" else None
    form = ReissueForm(
        None if is_staff_form else data,
        user=request.user,
        initial={"school_class": request.GET.get("school_class")},
    )
    staff_form = StaffReissueForm(
        data if is_staff_form else None,
        user=request.user,
        initial={"staff": request.GET.get("staff")},
    )
    chosen = staff_form if is_staff_form else form
    if request.method == "POST" and chosen.is_valid():
        if check_site_url():
            messages.error(
                request,
                _(
                    "The site's public address (LMS_SITE_URL) is not set, so the "
                    "sign-in sheets cannot be made. No password was changed; ask "
                    "the site's administrator to set it."
                ),
            )
            return redirect("lms_roster:reissue")
        if is_staff_form:
            school, school_year = staff_form.cleaned_data["staff"]
            people = policies.staff_passwords_reissuable(
                actor=request.user, school=school, school_year=school_year
            )
            name = f"mat-khau-ban-dau-can-bo-{slugify(school.code)}"
            nothing_left = _(
                "Every member of staff of %(school)s you manage has already "
                "chosen a password."
            ) % {"school": school.name}
        else:
            school_class = form.cleaned_data["school_class"]
            school, school_year = school_class.school, school_class.school_year
            name = f"mat-khau-ban-dau-{slugify(school_class.name)}"
            nothing_left = _(
                "Every student of %(class)s has already chosen a password."
            ) % {"class": school_class.name}
        # The new passwords only with the sheet that hands them out.
        with transaction.atomic():
            if is_staff_form:
                credentials = staff_initial_passwords_reissue(people=people)
            else:
                credentials = initial_passwords_reissue(school_class=school_class)
            if credentials:
                response = _workbook_response(
                    credentials, school.name, school_year.name, name
                )
        if not credentials:
            messages.info(request, nothing_left)
            return redirect("lms_roster:reissue")
        return response
    return TemplateResponse(
        request,
        "lms_people/admin/roster_reissue.html",
        {"form": form, "staff_form": staff_form},
    )


class RosterMenuItem(MenuItem):
    def is_shown(self, request):
        return policies.may_import_rosters(user=request.user)


class RosterImportViewSet(ViewSet):
    """The "Import class lists" item of the Organisation menu and its views."""

    icon = "upload"
    menu_label = gettext_lazy("Import class lists")
    menu_item_class = RosterMenuItem

    def get_urlpatterns(self):
        return [
            path("", roster_import_view, name="index"),
            path("new-passwords/", roster_passwords_reissue, name="reissue"),
            path("jobs/<int:pk>/", roster_job_view, name="job"),
            path("jobs/<int:pk>/status/", roster_job_status, name="job_status"),
        ]
