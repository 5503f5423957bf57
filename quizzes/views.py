"""Learner pages for quizzes: the quiz page, an attempt, saving, submitting, review."""

import functools
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courses.models import CoursePage
from courses.selectors import course_status_for, page_is_live_for_learners
from courses.views import course_certificate
from lms import sqlcache
from lms.people.voice import ADULT, vgettext, voice_for
from lms.routing import page_blockers

from .grading import grade
from .models import AttemptState, FeedbackTiming, QuestionType, QuizAttempt, QuizPage
from .results import RIGHT, correct_text, result_items, verdict
from .services import (
    AttemptRefused,
    answer_check,
    answers_save,
    attempt_start,
    attempt_submit,
    quiz_start_check,
)
from .snapshots import public_question

REFUSALS = {
    "not_open_yet": gettext_lazy("This quiz is not open yet."),
    "closed": gettext_lazy("This quiz is closed."),
    "time_up": gettext_lazy("Time is up: answers can no longer be changed."),
    "not_checkable": gettext_lazy("This answer cannot be checked now."),
}


def _refusal_text(refusal: AttemptRefused, voice: str = ADULT) -> str:
    # Refusals that speak to the learner are worded for their voice.
    if refusal.reason == "order":
        return vgettext(voice, "Finish the earlier steps of this course first.")
    if refusal.reason == "lessons_first":
        return vgettext(voice, "Finish the lessons before this quiz first.")
    if refusal.reason == "no_attempts_left":
        return vgettext(voice, "You have used all your attempts at this quiz.")
    if refusal.reason == "wait":
        return vgettext(voice, "Please wait a little before your next attempt.")
    if refusal.reason == "no_answer":
        return vgettext(voice, "Answer the question before checking it.")
    return str(REFUSALS.get(refusal.reason, _("This action is not allowed.")))


def _quiz_course(request, quiz: QuizPage) -> CoursePage | None:
    routed = getattr(request, "lms_course", None)
    if routed is not None:
        return routed
    parent = quiz.get_parent()
    return (
        parent.specific if parent and isinstance(parent.specific, CoursePage) else None
    )


def quiz_serve(request, quiz: QuizPage, *args, **kwargs):
    course = _quiz_course(request, quiz)
    if getattr(request, "is_preview", False):
        return TemplateResponse(
            request,
            quiz.get_template(request),
            {**quiz.get_context(request), "course": course, "is_preview": True},
        )
    if course is None:
        raise Http404
    user = request.user
    if not user.is_authenticated:
        login = reverse("lms_people:login")
        return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
    status = course_status_for(user=user, course=course)
    if not status.access:
        raise Http404
    step = status.step_for(quiz.pk)
    if step is None:
        raise Http404
    voice = voice_for(user, course)

    if request.method == "POST" and request.POST.get("action") == "start":
        try:
            attempt = attempt_start(
                user=user,
                quiz=quiz,
                course=course,
                status=status,
                # Read with the quiz's row as the request was routed.
                content_version=quiz.content_version,
            )
        except AttemptRefused as refusal:
            messages.error(request, _refusal_text(refusal, voice))
            return redirect(quiz.get_url(request))
        return redirect("lms_quizzes:attempt", attempt_id=attempt.pk)

    attempts = QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("number")
    if course.required_every_year:
        # Earlier school years' attempts are listed as history; only this
        # year's count against the limit (quizzes.services.attempts_counted).
        attempts = attempts.select_related("school_year")
    attempts = list(attempts)
    counted = [
        attempt
        for attempt in attempts
        if not course.required_every_year
        or attempt.school_year_id == status.school_year_id
    ]
    open_attempt = next(
        (a for a in attempts if a.state == AttemptState.IN_PROGRESS), None
    )
    can_start, refusal_text = True, ""
    if open_attempt is None:
        try:
            quiz_start_check(
                user=user, quiz=quiz, course=course, status=status, mine=attempts
            )
        except AttemptRefused as refusal:
            can_start, refusal_text = False, _refusal_text(refusal, voice)
    context = quiz.get_context(request)
    context.update(
        course=course,
        status=status,
        step=step,
        attempts=attempts,
        open_attempt=open_attempt,
        can_start=can_start,
        refusal_text=refusal_text,
        waiting_for=step.waiting_for,
        attempts_left=(
            max(0, quiz.attempts_allowed - len(counted))
            if quiz.attempts_allowed
            else None
        ),
    )
    return TemplateResponse(request, quiz.get_template(request), context)


def _own_attempt(request, attempt_id: int) -> QuizAttempt:
    """Another learner's attempt answers 404, like one that does not exist."""
    attempt = _attempt_with_pages(attempt_id=attempt_id, user_id=request.user.pk)
    if attempt is None:
        raise Http404
    attempt.user = request.user  # already loaded: spare a query
    page = attempt.quiz or attempt.course  # both gone: history, nothing to reach
    blockers = (
        (attempt.lms_unpublished, attempt.lms_restricted) if attempt.quiz else None
    )
    if page is not None and not page_is_live_for_learners(
        page, request=request, blockers=blockers
    ):
        raise Http404
    return attempt


@functools.cache
def _loaded_fields() -> tuple[tuple, ...]:
    """The columns `_attempt_with_pages` reads: each model with its concrete
    fields, and the lookup naming them from the attempt."""
    return tuple(
        (model, fields, tuple(f"{prefix}{field.name}" for field in fields))
        for model, prefix in (
            (QuizAttempt, ""),
            (QuizPage, "quiz__"),
            (CoursePage, "course__"),
        )
        for fields in [tuple(model._meta.concrete_fields)]
    )


def _attempt_query(values: dict):
    lookups = [lookup for _m, _f, names in _loaded_fields() for lookup in names]
    return (
        QuizAttempt.objects.filter(pk=values["attempt"], user=values["user"])
        .order_by()
        # Whether the quiz is still reachable, read with the attempt.
        .annotate(**page_blockers("quiz__path"))
        .values_list(*lookups, "lms_unpublished", "lms_restricted")
    )


def _attempt_with_pages(*, attempt_id: int, user_id: int) -> QuizAttempt | None:
    """The user's attempt with its quiz and course, as
    `select_related("quiz", "course")` would load them, in one query whose
    SQL is compiled once per process (lms.sqlcache: the attempt pages are
    the learner's busiest requests)."""
    rows = sqlcache.cached_rows(
        "quizzes._own_attempt",
        _attempt_query,
        model=QuizAttempt,
        values={"attempt": int(attempt_id), "user": int(user_id)},
    )
    if not rows:
        return None
    row, at = rows[0], 0
    instances = []
    for model, fields, _names in _loaded_fields():
        values = row[at : at + len(fields)]
        at += len(fields)
        pk = values[[field.primary_key for field in fields].index(True)]
        instances.append(
            None
            if pk is None
            else model.from_db(
                QuizAttempt.objects.db, [field.attname for field in fields], values
            )
        )
    attempt, quiz, course = instances
    QuizAttempt.quiz.field.set_cached_value(attempt, quiz)
    QuizAttempt.course.field.set_cached_value(attempt, course)
    attempt.lms_unpublished, attempt.lms_restricted = row[at], row[at + 1]
    return attempt


def answers_from_post(attempt: QuizAttempt, data) -> dict:
    answers = {}
    for question in attempt.snapshot:
        key, qtype = question["key"], question["qtype"]
        if qtype == QuestionType.MULTIPLE_CHOICE:
            if f"{key}__present" in data or key in data:
                answers[key] = data.getlist(key)
        elif qtype == QuestionType.MATCHING:
            pairs = {
                pair["key"]: data.get(f"{key}__{pair['key']}", "")
                for pair in question["pairs"]
                if pair["prompt"]
            }
            if any(f"{key}__{pk}" in data for pk in pairs):
                answers[key] = {k: v for k, v in pairs.items() if v}
        elif key in data:
            answers[key] = data.get(key)
    return answers


def _pages(attempt: QuizAttempt) -> list[list[dict]]:
    questions = attempt.snapshot
    if attempt.quiz and attempt.quiz.layout == "per_question":
        return [[question] for question in questions]
    return [questions]


@login_required
def attempt_view(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("lms_quizzes:review", attempt_id=attempt.pk)
    pages = _pages(attempt)
    page_index = min(
        max(int(request.GET.get("trang", attempt.current_page) or 0), 0), len(pages) - 1
    )
    responses = {response.key: response for response in attempt.responses.all()}
    saved = {key: response.answer for key, response in responses.items()}
    checking = (
        attempt.quiz is not None
        and attempt.quiz.feedback_timing == FeedbackTiming.EACH_QUESTION
    )
    questions = []
    for number, question in enumerate(attempt.snapshot, start=1):
        if question not in pages[page_index]:
            continue
        public = public_question(question)
        public["number"] = number
        public["saved"] = saved.get(question["key"])
        response = responses.get(question["key"])
        public["checkable"] = checking and question["qtype"] != QuestionType.ESSAY
        if checking and response is not None and response.checked_at:
            # Only a checked (locked) answer brings its key and feedback along.
            public["checked"] = _checked_result(question, response)
        questions.append(public)
    remaining = None
    if attempt.deadline:
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    shown = {question["key"] for question in pages[page_index]}
    return TemplateResponse(
        request,
        "lms_quizzes/attempt.html",
        {
            "attempt": attempt,
            "questions": questions,
            "page_index": page_index,
            "page_count": len(pages),
            "remaining_seconds": remaining,
            "answered": sum(1 for value in saved.values() if not _blank(value)),
            # Left blank on the other pages: the page's script adds those
            # on this page when it warns before submitting.
            "blank_elsewhere": [
                number
                for number, question in enumerate(attempt.snapshot, start=1)
                if question["key"] not in shown and _blank(saved.get(question["key"]))
            ],
            "voice": voice_for(request.user, attempt.course),
        },
    )


def _blank(answer) -> bool:
    return answer in (None, "", [], {})


def blank_numbers(attempt: QuizAttempt, answers: dict) -> list[int]:
    """Numbers of the questions with no answer, in `answers` or saved before.

    Saved answers are only read when the form did not carry every answer
    (several pages): a one-page submit costs no query here.
    """
    given = {key for key, value in answers.items() if not _blank(value)}
    if len(given) < len(attempt.snapshot):
        given |= {
            key
            for key, value in attempt.responses.values_list("key", "answer")
            if not _blank(value)
        }
    return [
        number
        for number, question in enumerate(attempt.snapshot, start=1)
        if question["key"] not in given
    ]


def _checked_result(question: dict, response) -> dict:
    mark = grade(question, response.answer)
    return {
        "right": verdict(question, response.score, pending=False) == RIGHT,
        "score": response.score,
        "feedback": mark.feedback,
        "correct": correct_text(question),
    }


@login_required
@require_POST
def attempt_save(request, attempt_id: int):
    """Autosave (JSON for the page's script), the no-script "save" button and
    "check this answer" (feedback after each question)."""
    attempt = _own_attempt(request, attempt_id)
    answers = answers_from_post(attempt, request.POST)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    check_key = request.POST.get("check")
    try:
        saved = answers_save(attempt=attempt, answers=answers)
        if check_key:
            answer_check(attempt=attempt, key=check_key, answer=answers.get(check_key))
    except AttemptRefused as refusal:
        text = _refusal_text(refusal, voice_for(request.user, attempt.course))
        if wants_json:
            return JsonResponse({"saved": 0, "error": text}, status=409)
        messages.error(request, text)
        return redirect("lms_quizzes:attempt", attempt_id=attempt.pk)
    if wants_json:
        return JsonResponse({"saved": saved, "at": timezone.now().isoformat()})
    if check_key:
        page = request.POST.get("page", "")
        query = f"?trang={page}" if page.isdigit() else ""
        return redirect(
            f"{reverse('lms_quizzes:attempt', args=[attempt.pk])}{query}#{check_key}"
        )
    target = request.POST.get("go_to_page")
    if target is not None and target.isdigit():
        QuizAttempt.objects.filter(pk=attempt.pk).update(current_page=int(target))
        return redirect(
            f"{reverse('lms_quizzes:attempt', args=[attempt.pk])}?trang={target}"
        )
    return redirect("lms_quizzes:attempt", attempt_id=attempt.pk)


@login_required
@require_POST
def attempt_submit_view(request, attempt_id: int):
    """Submit; with questions left blank, first ask to confirm (no script needed).

    The page's script asks before the form is sent and then says so with
    ``blank_confirmed``; without the script this view asks instead. Once
    time is up the answers are submitted as they are.
    """
    attempt = _own_attempt(request, attempt_id)
    answers = answers_from_post(attempt, request.POST)
    time_up = attempt.deadline is not None and timezone.now() >= attempt.deadline
    if (
        attempt.state == AttemptState.IN_PROGRESS
        and not time_up
        and not request.POST.get("blank_confirmed")
    ):
        blanks = blank_numbers(attempt, answers)
        if blanks:
            try:
                answers_save(attempt=attempt, answers=answers)
            except AttemptRefused:
                pass  # closed meanwhile: the submit below settles it
            else:
                return TemplateResponse(
                    request,
                    "lms_quizzes/submit_confirm.html",
                    {
                        "attempt": attempt,
                        "blanks": [
                            {
                                "number": number,
                                "key": attempt.snapshot[number - 1]["key"],
                                "page": number - 1 if len(_pages(attempt)) > 1 else 0,
                            }
                            for number in blanks
                        ],
                        "voice": voice_for(request.user, attempt.course),
                    },
                )
    attempt_submit(attempt=attempt, answers=answers)
    return redirect("lms_quizzes:review", attempt_id=attempt.pk)


def review_visibility(attempt: QuizAttempt) -> dict[str, bool]:
    """What the quiz's review options let the learner see now."""
    quiz = attempt.quiz
    if quiz is None:
        return {"score": True, "right_wrong": True, "correct": False, "feedback": False}
    closed = bool(quiz.closes_at and timezone.now() >= quiz.closes_at)
    return {
        "score": quiz.review_score,
        "right_wrong": quiz.review_right_wrong,
        "correct": quiz.review_correct_answers
        or (closed and quiz.closed_review_correct_answers),
        "feedback": quiz.review_feedback,
    }


@login_required
def attempt_review(request, attempt_id: int):
    """The result page: every question with the learner's answer, worded as
    the quiz's review options allow, and what comes next in the course."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.state == AttemptState.IN_PROGRESS:
        return redirect("lms_quizzes:attempt", attempt_id=attempt.pk)
    show = review_visibility(attempt)
    responses = {response.key: response for response in attempt.responses.all()}
    items = result_items(attempt, responses, show)
    course = attempt.course
    context = {
        "attempt": attempt,
        "items": items,
        "show": show,
        "quiz": attempt.quiz,
        "course": course,
        "by_category": _results_by_category(items) if show["score"] else [],
        "voice": voice_for(request.user, course),
    }
    if course is not None and attempt.quiz is not None:
        context.update(_what_next(request, attempt, course))
    return TemplateResponse(request, "lms_quizzes/review.html", context)


def _what_next(request, attempt: QuizAttempt, course: CoursePage) -> dict:
    """After a result: the course's state, its certificate, and a retake."""
    status = course_status_for(user=request.user, course=course)
    if not status.access:
        return {}
    can_retake = False
    if not attempt.passed:
        mine = list(
            QuizAttempt.objects.filter(user=request.user, quiz=attempt.quiz).defer(
                "snapshot"
            )
        )
        try:
            quiz_start_check(
                user=request.user,
                quiz=attempt.quiz,
                course=course,
                status=status,
                mine=mine,
            )
            can_retake = all(a.state != AttemptState.IN_PROGRESS for a in mine)
        except AttemptRefused:
            pass
    return {
        "status": status,
        "missing": [
            step for step in status.missing_required if step.page.pk != attempt.quiz_id
        ],
        "certificate": course_certificate(request, status),
        "can_retake": can_retake,
    }


def _results_by_category(items: list[dict]) -> list[dict]:
    """Score per topic (question category), as django-quiz-app's progress page had."""
    totals: dict[str, dict] = {}
    for item in items:
        name = item["question"].get("category") or ""
        row = totals.setdefault(
            name, {"category": name, "score": Decimal("0"), "maximum": Decimal("0")}
        )
        row["maximum"] += Decimal(item["question"]["points"])
        if item["score"] is not None and not item["pending"]:
            row["score"] += item["score"]
    rows = [row for row in totals.values() if row["category"]]
    for row in rows:
        row["percent"] = (
            int(100 * row["score"] / row["maximum"]) if row["maximum"] else 0
        )
    # Only worth a table when the quiz spans several topics.
    return rows if len(rows) > 1 else []
