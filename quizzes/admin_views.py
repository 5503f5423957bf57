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
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.cache import UPLOAD_NOT_KEPT, cache_keep
from lms.exports import csv_response, xlsx_response
from lms.html import html_to_text
from lms.people.models import School
from lms.slugs import ascii_slug
from lms.uploads import upload_refusal

from . import policies
from .exporting import ExportRefused, category_export
from .formats.base import QuestionFileError
from .importing import ImportRefused, questions_import
from .models import (
    GradingMethod,
    QuestionCategory,
    QuestionResponse,
    QuestionType,
    QuizGrade,
    QuizPage,
)
from .selectors import attempts_visible_to, essays_waiting_for, quiz_statistics
from .services import AttemptRefused, attempt_regrade, essay_grade

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def quiz_report(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    _refuse_unless(policies.may_view_quiz_report(request.user, quiz))
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
                a.user.lms_profile.full_name,
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
            "can_regrade": policies.may_regrade_quiz(request.user, quiz),
            "kept_completions": _kept_completions_note(request, quiz, attempts),
        },
    )


def _kept_completions_note(request, quiz: QuizPage, attempts) -> dict | None:
    """What the report says about completions a recompute kept although the
    pass no longer holds: how many, and the names of those the viewer sees."""
    kept: dict[int, None] = {}
    for record in quiz.grade_recomputes.order_by("done_at", "pk"):
        for item in record.completions_kept:
            kept[item.get("user")] = None
    # A learner who has passed again since needs no check.
    for user_id in QuizGrade.objects.filter(
        quiz=quiz, user_id__in=list(kept), passed=True
    ).values_list("user_id", flat=True):
        kept.pop(user_id, None)
    if not kept:
        return None
    names = sorted(
        {
            attempt.user.lms_profile.full_name
            for attempt in attempts
            if attempt.user_id in kept
        }
    )
    return {"count": len(kept), "names": names}


def grade_recomputes(request):
    """Read-only: grades worked out again after a quiz's grading method or
    pass mark changed, with the completions kept (docs/quizzes.md, "Scores as
    Moodle computes them")."""
    _refuse_unless(policies.may_view_grade_recomputes(request.user))
    from django.core.paginator import Paginator

    records = (
        policies.grade_recomputes_visible_to(request.user)
        .select_related("quiz")
        .order_by("-done_at", "-pk")
    )
    page = Paginator(records, 50).get_page(request.GET.get("p"))
    labels = {
        "grading_method": (_("Grading method"), dict(GradingMethod.choices)),
        "pass_mark": (_("Pass mark"), {}),
    }

    def change_line(field, old, new) -> str:
        label, values = labels.get(field, (field, {}))
        return f"{label}: {values.get(old, old)} → {values.get(new, new)}"

    rows = [
        {
            "record": record,
            "changes": [
                change_line(field, old, new)
                for field, (old, new) in record.changes.items()
            ],
            "kept": len(record.completions_kept),
        }
        for record in page
    ]
    return TemplateResponse(
        request,
        "lms_quizzes/admin/grade_recomputes.html",
        {"rows": rows, "page": page},
    )


def _plain(value: Decimal | None) -> Decimal | None:
    """A decimal without trailing zeros, never in exponent form."""
    if value is None:
        return None
    if value == value.to_integral():
        return value.quantize(Decimal(1))
    return value.normalize()


class EssayGradeForm(forms.Form):
    score = forms.DecimalField(label=gettext_lazy("Points"), min_value=Decimal("0"))
    comment = forms.CharField(
        label=gettext_lazy("Comment for the learner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    remark = forms.BooleanField(
        label=gettext_lazy("Change the mark already given (recorded)"),
        required=False,
    )


def essay_queue(request):
    items = essays_waiting_for(viewer=request.user)
    return TemplateResponse(
        request, "lms_quizzes/admin/essay_queue.html", {"items": items}
    )


def essay_grade_view(request, response_id: int):
    response = get_object_or_404(
        QuestionResponse.objects.select_related("attempt", "attempt__user"),
        pk=response_id,
    )
    # Only essays of submitted attempts, of learners one may grade now, never
    # one's own; an essay already graded only through an explicit re-mark.
    if not policies.may_grade_response(request.user, response, remark=True):
        return HttpResponse(status=404)
    question = policies.snapshot_question(response.attempt, response.key)
    already_graded = response.graded_by_id is not None
    form = EssayGradeForm(
        request.POST or None,
        initial={
            # Stored to 9 places: shown as the teacher typed it (2.5, not 2.500000000).
            "score": _plain(response.score),
            "comment": response.teacher_comment,
        }
        if already_graded
        else None,
    )
    if not already_graded:
        del form.fields["remark"]
    if request.method == "POST" and form.is_valid():
        try:
            essay_grade(
                response=response,
                grader=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                remark=form.cleaned_data.get("remark", False),
            )
        except AttemptRefused as refusal:
            if refusal.reason == "score_out_of_range":
                form.add_error(
                    "score",
                    _("Give between 0 and %(max)s points.")
                    % {"max": refusal.details["maximum"]},
                )
            elif refusal.reason == "remark_not_confirmed":
                # Graded by someone else meanwhile: the box appears on reload.
                form.add_error(
                    "remark" if "remark" in form.fields else None,
                    _("This essay is already graded: tick the box to change its mark."),
                )
            else:
                return HttpResponse(status=404)
        else:
            messages.success(request, _("The essay has been graded."))
            return redirect("lms_quizzes_essays")
    return TemplateResponse(
        request,
        "lms_quizzes/admin/essay_grade.html",
        {
            "response": response,
            "question": question,
            "form": form,
            "already_graded": already_graded,
        },
    )


def attempt_regrade_view(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    _refuse_unless(policies.may_regrade_quiz(request.user, quiz))
    if request.method == "POST":
        count = 0
        # Only this quiz's submitted attempts, of learners one may grade now.
        for attempt in policies.attempts_regradable_by(request.user, quiz):
            attempt_regrade(
                attempt=attempt, by=request.user, reason=_("Answer key fixed")
            )
            count += 1
        messages.success(
            request, _("%(count)d attempts were graded again.") % {"count": count}
        )
    return redirect("lms_quizzes_report", quiz_id=quiz.pk)


class ImportForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=School.objects.none(),
        required=False,
        empty_label=gettext_lazy("The Department's shared library"),
        help_text=gettext_lazy(
            "New categories belong to this school, or to the Department's "
            "shared library."
        ),
    )
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
    update = forms.BooleanField(
        label=gettext_lazy("Update the questions already in the bank"),
        required=False,
        help_text=gettext_lazy(
            "A question with the ID number of a question of its category "
            "replaces that question instead of being added as a copy."
        ),
    )
    ignore_diacritics = forms.BooleanField(
        label=gettext_lazy("Short answers ignore Vietnamese diacritics"),
        required=False,
        help_text=gettext_lazy(
            '"luat" then matches "luật", and "ma", "má", "mà" and "mã" all '
            "match one another. Leave it off when such words are different "
            "answers."
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        schools, library = policies.category_owner_choices(user)
        self.library_allowed = library
        self.fields["owner"].queryset = schools.order_by("name")
        # A school admin of one school imports into it without choosing.
        self.only_school = None
        if not library:
            self.fields["owner"].empty_label = None
            if len(managed := list(schools[:2])) == 1:
                self.only_school = managed[0]
            else:
                self.fields["owner"].required = True

    def clean_owner(self):
        owner = self.cleaned_data.get("owner") or self.only_school
        if owner is None and not self.library_allowed:
            raise forms.ValidationError(
                _("Only the Department may add to its shared library.")
            )
        return owner

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
    user = request.user
    _refuse_unless(policies.may_import_questions(user))
    if refusal := upload_refusal(request):  # the disk is full: nothing written
        messages.error(request, refusal)
        return redirect("lms_quizzes_import")
    if request.method == "POST" and request.POST.get("token"):
        stored = cache.get(f"lms-import:{user.pk}:{request.POST['token']}")
        if stored is None:
            messages.error(
                request, _("The preview has expired; upload the file again.")
            )
            return redirect("lms_quizzes_import")
        owner = (
            School.objects.filter(pk=stored["owner"]).first()
            if stored.get("owner")
            else None
        )
        # The power may have lapsed since the preview: ask again.
        _refuse_unless(
            policies.may_act_on_owner(user, "publish", owner.pk if owner else None)
        )
        try:
            report = questions_import(
                data=base64.b64decode(stored["data"]),
                fmt=stored["fmt"],
                category_path=stored["category"],
                skip_unsupported=stored["skip_unsupported"],
                school=owner,
                update=stored.get("update", False),
                ignore_diacritics=stored.get("ignore_diacritics", False),
                user=user,
            )
        except (QuestionFileError, ImportRefused) as exc:
            return TemplateResponse(
                request,
                "lms_quizzes/admin/import.html",
                {"form": ImportForm(user=user), "problems": exc.problems},
            )
        cache.delete(f"lms-import:{request.user.pk}:{request.POST['token']}")
        messages.success(
            request, _("Imported %(count)d questions.") % {"count": report.created}
        )
        if report.updated:
            messages.success(
                request, _("Updated %(count)d questions.") % {"count": report.updated}
            )
        return redirect(reverse("lms_quizzes_import"))

    form = ImportForm(request.POST or None, request.FILES or None, user=user)
    context = {"form": form, "export_form": ExportForm(user=user)}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            report = questions_import(
                data=data,
                fmt=form.cleaned_data["fmt"],
                category_path=form.cleaned_data["category"],
                skip_unsupported=form.cleaned_data["skip_unsupported"],
                dry_run=True,
                school=form.cleaned_data["owner"],
                update=form.cleaned_data["update"],
            )
        except (QuestionFileError, ImportRefused) as exc:
            context["problems"] = exc.problems
        else:
            token = secrets.token_urlsafe(16)
            kept = cache_keep(
                f"lms-import:{request.user.pk}:{token}",
                {
                    "data": base64.b64encode(data).decode(),
                    "fmt": form.cleaned_data["fmt"],
                    "category": form.cleaned_data["category"],
                    "skip_unsupported": form.cleaned_data["skip_unsupported"],
                    "update": form.cleaned_data["update"],
                    "ignore_diacritics": form.cleaned_data["ignore_diacritics"],
                    "owner": form.cleaned_data["owner"].pk
                    if form.cleaned_data["owner"]
                    else None,
                },
                timeout=1800,
            )
            if kept:
                rows = preview_rows(report, form.cleaned_data["category"])
                updates = sum(row["updates"] for row in rows)
                context.update(
                    report=report,
                    token=token,
                    rows=rows,
                    new_count=len(rows) - updates,
                    update_count=updates,
                    ignore_diacritics=form.cleaned_data["ignore_diacritics"],
                )
            else:
                messages.error(request, UPLOAD_NOT_KEPT)
    return TemplateResponse(request, "lms_quizzes/admin/import.html", context)


def preview_rows(report, default_category: str) -> list[dict]:
    """What the import preview lists for each question: its line, its type as
    staff read it (not the code), its category and its text, shortened."""
    labels = dict(QuestionType.choices)
    return [
        {
            "line": question.line,
            "type": labels.get(question.qtype, question.qtype),
            "category": question.category or default_category or _("Imported"),
            "text": Truncator(
                " ".join(
                    (
                        html_to_text(question.text)
                        if question.text_format == "html"
                        else question.text
                    ).split()
                )
            ).chars(120),
            "files": ", ".join(parsed.name for parsed in question.files),
            "updates": match is not None,
        }
        for question, match in zip(
            report.questions,
            report.matches or [None] * len(report.questions),
            strict=True,
        )
    ]


class ExportForm(forms.Form):
    # Shares the page with the import form: a prefix keeps the ids unique.
    prefix = "export"

    category = forms.ModelChoiceField(
        label=gettext_lazy("Category (with its sub-categories)"),
        queryset=QuestionCategory.objects.order_by("full_path"),
    )
    fmt = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("moodlexml", "Moodle XML"), ("gift", "GIFT (Moodle)")],
        help_text=gettext_lazy(
            "Moodle XML keeps everything: points, ID numbers, category "
            "descriptions, pictures and sounds. GIFT is plain text: it cannot "
            "carry pictures or sounds, so a category with them is refused in GIFT."
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = policies.categories_usable_by(user).order_by(
            "full_path"
        )


def question_export(request):
    """Download a category as GIFT or Moodle XML (GET form on the import page)."""
    _refuse_unless(policies.may_export_questions(request.user))
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "lms_quizzes/admin/import.html",
            {"form": ImportForm(user=request.user), "export_form": form},
            status=400,
        )
    category, fmt = form.cleaned_data["category"], form.cleaned_data["fmt"]
    try:
        text = category_export(category=category, fmt=fmt)
    except ExportRefused as refused:
        for problem in refused.problems:
            form.add_error("fmt", problem.message)
        return TemplateResponse(
            request,
            "lms_quizzes/admin/import.html",
            {"form": ImportForm(user=request.user), "export_form": form},
            status=400,
        )
    extension = "gift.txt" if fmt == "gift" else "xml"
    response = HttpResponse(
        text,
        content_type="text/plain; charset=utf-8"
        if fmt == "gift"
        else "application/xml; charset=utf-8",
    )
    # ASCII only, Vietnamese letters folded ("Điều 8" -> "dieu-8"): every
    # browser and Moodle's upload form take such a name as it is.
    name = ascii_slug(category.full_path.replace("/", " ")) or "cau-hoi"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


def xlsx_template_download(request):
    _refuse_unless(policies.may_import_questions(request.user))
    from .formats.xlsx import xlsx_template

    response = HttpResponse(
        xlsx_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-cau-hoi.xlsx"'
    return response
