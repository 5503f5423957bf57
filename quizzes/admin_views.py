"""Staff pages for quizzes in the Wagtail admin: reports, essays, import, export."""

import base64
import secrets
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.exports import csv_response, xlsx_response
from lms.people.selectors import learner_is_visible_to

from .formats.base import QuestionFileError
from .importing import ImportRefused, category_export, questions_import
from .models import QuestionCategory, QuestionResponse, QuizPage
from .selectors import attempts_visible_to, essays_to_grade_for, quiz_statistics
from .services import AttemptRefused, attempt_regrade, essay_grade

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _require(request, codename: str) -> None:
    if not request.user.has_perm(f"lms_quizzes.{codename}"):
        raise PermissionDenied


def quiz_report(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    attempts = list(attempts_visible_to(viewer=request.user, quiz=quiz))
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        header = [
            _("Full name"),
            _("Username"),
            _("Attempt"),
            _("State"),
            _("Started at"),
            _("Submitted at"),
            _("Percent"),
            _("Passed"),
        ]
        rows = [
            [
                a.user.full_name,
                a.user.username,
                a.number,
                a.get_state_display(),
                a.started_at.strftime("%d/%m/%Y %H:%M"),
                a.submitted_at.strftime("%d/%m/%Y %H:%M") if a.submitted_at else "",
                float(a.percent) if a.percent is not None else "",
                _("Yes") if a.passed else _("No"),
            ]
            for a in attempts
        ]
        name = f"ket-qua-{slugify(quiz.slug)}"
        return (csv_response if export == "csv" else xlsx_response)(name, header, rows)
    stats = quiz_statistics(attempts)
    highest = max(stats.buckets) or 1
    bars = [
        {
            "label": f"{index * 10}–{index * 10 + 9 if index < 9 else 100}%",
            "count": count,
            "height": round(120 * count / highest),
            "x": 10 + index * 34,
            "y": 130 - round(120 * count / highest),
        }
        for index, count in enumerate(stats.buckets)
    ]
    return TemplateResponse(
        request,
        "lms_quizzes/admin/quiz_report.html",
        {
            "quiz": quiz,
            "attempts": attempts,
            "stats": stats,
            "bars": bars,
            "can_regrade": request.user.has_perm("lms_quizzes.change_question"),
        },
    )


class EssayGradeForm(forms.Form):
    score = forms.DecimalField(label=gettext_lazy("Points"), min_value=Decimal("0"))
    comment = forms.CharField(
        label=gettext_lazy("Comment for the learner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def essay_queue(request):
    responses = list(essays_to_grade_for(viewer=request.user)[:200])
    items = []
    for response in responses:
        question = next(
            (q for q in response.attempt.snapshot if q["key"] == response.key), None
        )
        if question is None or question["qtype"] != "essay":
            continue
        items.append({"response": response, "question": question})
    return TemplateResponse(
        request, "lms_quizzes/admin/essay_queue.html", {"items": items}
    )


def essay_grade_view(request, response_id: int):
    response = get_object_or_404(
        QuestionResponse.objects.select_related("attempt", "attempt__user"),
        pk=response_id,
    )
    if not learner_is_visible_to(viewer=request.user, learner=response.attempt.user):
        # Teachers grade only the learners the visibility rule gives them.
        return HttpResponse(status=404)
    question = next(q for q in response.attempt.snapshot if q["key"] == response.key)
    form = EssayGradeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            essay_grade(
                response=response,
                grader=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except AttemptRefused as refusal:
            if refusal.reason == "score_out_of_range":
                form.add_error(
                    "score",
                    _("Give between 0 and %(max)s points.")
                    % {"max": refusal.details["maximum"]},
                )
            else:
                return HttpResponse(status=404)
        else:
            messages.success(request, _("The essay has been graded."))
            return redirect("lms_quizzes_essays")
    return TemplateResponse(
        request,
        "lms_quizzes/admin/essay_grade.html",
        {"response": response, "question": question, "form": form},
    )


def attempt_regrade_view(request, quiz_id: int):
    # Regrading follows a fixed answer key, so it is for those who edit questions.
    _require(request, "change_question")
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    if request.method == "POST":
        count = 0
        for attempt in attempts_visible_to(viewer=request.user, quiz=quiz).exclude(
            state="in_progress"
        ):
            attempt_regrade(
                attempt=attempt, by=request.user, reason=_("Answer key fixed")
            )
            count += 1
        messages.success(
            request, _("%(count)d attempts were graded again.") % {"count": count}
        )
    return redirect("lms_quizzes_report", quiz_id=quiz.pk)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Question file"))
    fmt = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("gift", "GIFT (Moodle)"),
            ("aiken", "Aiken"),
            ("moodlexml", "Moodle XML"),
            ("xlsx", gettext_lazy("Excel (our template)")),
        ],
    )
    category = forms.CharField(
        label=gettext_lazy("Category"),
        required=False,
        help_text=gettext_lazy(
            "For questions the file does not put in a category, "
            "e.g. Luật An ninh mạng/Điều 8."
        ),
    )
    skip_unsupported = forms.BooleanField(
        label=gettext_lazy("Skip question types we do not support"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload


def question_import(request):
    """Upload, preview what will be created, then confirm."""
    _require(request, "add_question")
    if request.method == "POST" and request.POST.get("token"):
        stored = cache.get(f"lms-import:{request.user.pk}:{request.POST['token']}")
        if stored is None:
            messages.error(
                request, _("The preview has expired; upload the file again.")
            )
            return redirect("lms_quizzes_import")
        try:
            report = questions_import(
                data=base64.b64decode(stored["data"]),
                fmt=stored["fmt"],
                category_path=stored["category"],
                skip_unsupported=stored["skip_unsupported"],
            )
        except (QuestionFileError, ImportRefused) as exc:
            return TemplateResponse(
                request,
                "lms_quizzes/admin/import.html",
                {"form": ImportForm(), "problems": exc.problems},
            )
        cache.delete(f"lms-import:{request.user.pk}:{request.POST['token']}")
        messages.success(
            request, _("Imported %(count)d questions.") % {"count": report.created}
        )
        return redirect(reverse("lms_quizzes_import"))

    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "export_form": ExportForm()}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            report = questions_import(
                data=data,
                fmt=form.cleaned_data["fmt"],
                category_path=form.cleaned_data["category"],
                skip_unsupported=form.cleaned_data["skip_unsupported"],
                dry_run=True,
            )
        except (QuestionFileError, ImportRefused) as exc:
            context["problems"] = exc.problems
        else:
            token = secrets.token_urlsafe(16)
            cache.set(
                f"lms-import:{request.user.pk}:{token}",
                {
                    "data": base64.b64encode(data).decode(),
                    "fmt": form.cleaned_data["fmt"],
                    "category": form.cleaned_data["category"],
                    "skip_unsupported": form.cleaned_data["skip_unsupported"],
                },
                timeout=1800,
            )
            context.update(report=report, token=token)
    return TemplateResponse(request, "lms_quizzes/admin/import.html", context)


class ExportForm(forms.Form):
    # Shares the page with the import form: a prefix keeps the ids unique.
    prefix = "export"

    category = forms.ModelChoiceField(
        label=gettext_lazy("Category (with its sub-categories)"),
        queryset=QuestionCategory.objects.order_by("full_path"),
    )
    fmt = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("gift", "GIFT (Moodle)"), ("moodlexml", "Moodle XML")],
    )


def question_export(request):
    """Download a category as GIFT or Moodle XML (GET form on the import page)."""
    _require(request, "view_question")
    form = ExportForm(request.GET)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "lms_quizzes/admin/import.html",
            {"form": ImportForm(), "export_form": form},
            status=400,
        )
    category, fmt = form.cleaned_data["category"], form.cleaned_data["fmt"]
    text = category_export(category=category, fmt=fmt)
    extension = "gift.txt" if fmt == "gift" else "xml"
    response = HttpResponse(
        text,
        content_type="text/plain; charset=utf-8"
        if fmt == "gift"
        else "application/xml",
    )
    name = slugify(category.full_path.replace("/", "-")) or "cau-hoi"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


def xlsx_template_download(request):
    _require(request, "add_question")
    from .formats.xlsx import xlsx_template

    response = HttpResponse(
        xlsx_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-cau-hoi.xlsx"'
    return response
