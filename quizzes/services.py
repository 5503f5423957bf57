"""Writes for quizzes: attempts, saving answers, grading, essays, regrades."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from courses.models import CoursePage
from courses.selectors import course_status_for, requirements_met
from courses.services import course_completion_evaluate, course_open
from lms.people.selectors import learning_year_for
from lms.transactions import upsert_in_one_statement

from .content import answered_marked
from .grading import grade
from .models import (
    AttemptState,
    EssayRemark,
    FeedbackTiming,
    GradeRecompute,
    GradingMethod,
    Question,
    QuestionResponse,
    QuestionType,
    QuizAttempt,
    QuizGrade,
    QuizPage,
    Regrade,
)
from .snapshots import attempt_questions, bank_id, max_score, question_snapshot


class AttemptRefused(Exception):
    """An attempt action the quiz rules do not allow; `reason` says which."""

    def __init__(self, reason: str, **details):
        super().__init__(reason)
        self.reason = reason
        self.details = details


def grace_period() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "LMS_QUIZ_GRACE_SECONDS", 60))


def quiz_course(quiz: QuizPage) -> CoursePage:
    return CoursePage.objects.parent_of(quiz).get()


def quiz_start_check(
    *, user, quiz: QuizPage, course: CoursePage, now=None, status=None, mine=None
):
    """The named checks before a new attempt; raises AttemptRefused with the
    reason, else returns the learner's course status.

    `status`: the learner's course status if the caller already has it;
    `mine`: every attempt of the learner at the quiz, if the caller read them
    (the limits are then checked on them, without a query).
    """
    now = now or timezone.now()
    if status is None:
        status = course_status_for(user=user, course=course)
    if not status.access:
        raise AttemptRefused(status.access.reason)
    step = status.step_for(quiz.pk)
    if step is None:
        raise AttemptRefused("not_a_step")
    if not step.available:
        if step.waiting_for:
            raise AttemptRefused(
                "lessons_first", lessons=[left.page for left in step.waiting_for]
            )
        raise AttemptRefused("order")
    if quiz.opens_at and now < quiz.opens_at:
        raise AttemptRefused("not_open_yet", opens_at=quiz.opens_at)
    if quiz.closes_at and now >= quiz.closes_at:
        raise AttemptRefused("closed")
    if mine is not None:
        counted = [
            attempt
            for attempt in mine
            if not course.required_every_year
            or attempt.school_year_id == status.school_year_id
        ]
        if quiz.attempts_allowed and len(counted) >= quiz.attempts_allowed:
            raise AttemptRefused("no_attempts_left")
        submitted = [a.submitted_at for a in counted if a.submitted_at is not None]
        last_at = max(submitted, default=None)
    else:
        attempts = attempts_counted(
            user=user, quiz=quiz, course=course, school_year_id=status.school_year_id
        )
        if quiz.attempts_allowed and attempts.count() >= quiz.attempts_allowed:
            raise AttemptRefused("no_attempts_left")
        last_at = None
        if quiz.delay_minutes:
            last = attempts.exclude(submitted_at=None).aggregate(Max("submitted_at"))
            last_at = last["submitted_at__max"]
    if quiz.delay_minutes:
        wait_until = last_at and last_at + datetime.timedelta(
            minutes=quiz.delay_minutes
        )
        if wait_until and now < wait_until:
            raise AttemptRefused("wait", until=wait_until)
    return status


def attempts_counted(*, user, quiz: QuizPage, course: CoursePage, school_year_id):
    """The learner's attempts that count against the quiz's limits: all of
    them, or in a course required every school year only those of
    `school_year_id` (earlier years' stay as history)."""
    attempts = QuizAttempt.objects.filter(user=user, quiz=quiz)
    if course.required_every_year:
        attempts = attempts.filter(school_year_id=school_year_id)
    return attempts


def attempt_start(
    *,
    user,
    quiz: QuizPage,
    now=None,
    course=None,
    status=None,
    content_version: int = 0,
) -> QuizAttempt:
    """Resume the open attempt, or start a new one if the rules allow it.

    The quiz page passes the `course` and the learner's `status` it has
    already loaded; an enrolled learner is then not enrolled again. It
    passes `content_version` too, as read with the quiz row in the request:
    the questions then come from the cache (quizzes.content).
    """
    now = now or timezone.now()
    # Every attempt of the learner at the quiz, in one query: the open one,
    # the limits and the next number are all read from these. The snapshots
    # (the questions and their keys) stay in the database.
    mine = list(
        QuizAttempt.objects.filter(user=user, quiz=quiz)
        .defer("snapshot")
        .order_by("number")
    )
    open_attempt = next(
        (attempt for attempt in mine if attempt.state == AttemptState.IN_PROGRESS),
        None,
    )
    if open_attempt is not None:
        return open_attempt
    course = course or quiz_course(quiz)
    if status is None or not status.enrolled:
        enrolment = course_open(user=user, course=course, status=status)
        if status is None or enrolment is None:
            status = None  # read it (again): quiz_start_check refuses
        else:
            status.enrolled = True  # the only change enrolling makes
    status = quiz_start_check(
        user=user, quiz=quiz, course=course, now=now, status=status, mine=mine
    )
    snapshot, unanswered = attempt_questions(quiz, content_version=content_version)
    if unanswered:
        Question.objects.filter(pk__in=unanswered, answered=False).update(answered=True)
        answered_marked(quiz, version=content_version, ids=unanswered)
    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + datetime.timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at and (deadline is None or quiz.closes_at < deadline):
        deadline = quiz.closes_at
    fields = {
        "user": user,
        "quiz": quiz,
        "course": course,
        "quiz_title": quiz.title,
        "started_at": now,
        "deadline": deadline,
        "snapshot": snapshot,
        "max_score": max_score(snapshot),
        "pass_mark": quiz.pass_mark,
        "school_year_id": status.school_year_id,
    }
    number = max((attempt.number for attempt in mine), default=0) + 1
    try:
        with transaction.atomic():
            return QuizAttempt.objects.create(number=number, **fields)
    except IntegrityError:
        pass
    # A second tab started one at the same moment: use that one. (Or one
    # started and finished since the attempts were read: take the next number.)
    open_attempt = QuizAttempt.objects.filter(
        user=user, quiz=quiz, state=AttemptState.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        return open_attempt
    number = (
        QuizAttempt.objects.filter(user=user, quiz=quiz).aggregate(Max("number"))[
            "number__max"
        ]
        or 0
    ) + 1
    try:
        with transaction.atomic():
            return QuizAttempt.objects.create(number=number, **fields)
    except IntegrityError:
        return QuizAttempt.objects.get(
            user=user, quiz=quiz, state=AttemptState.IN_PROGRESS
        )


def _clean_answer(question: dict, answer):
    """Keep only answers of the right shape for the question type."""
    qtype = question["qtype"]
    keys = {choice["key"] for choice in question.get("choices", [])}
    if answer in (None, "", []):
        return None
    if qtype == QuestionType.SINGLE_CHOICE:
        return answer if isinstance(answer, str) and answer in keys else None
    if qtype == QuestionType.MULTIPLE_CHOICE:
        values = answer if isinstance(answer, list) else [answer]
        return sorted({value for value in values if value in keys}) or None
    if qtype == QuestionType.TRUE_FALSE:
        return {"true": True, "false": False}.get(str(answer).lower())
    if qtype == QuestionType.MATCHING:
        if not isinstance(answer, dict):
            return None
        prompts = {pair["key"] for pair in question["pairs"] if pair["prompt"]}
        pool = set(question["answer_pool"])
        return {k: v for k, v in answer.items() if k in prompts and v in pool} or None
    return str(answer)[:20000]


def answers_save(*, attempt: QuizAttempt, answers: dict, now=None) -> int:
    """Save answers as the learner goes; refused once the attempt is closed.

    Returns how many answers were saved. Answers arriving after the deadline
    are not saved: the server owns the clock.
    """
    now = now or timezone.now()
    if attempt.state != AttemptState.IN_PROGRESS:
        raise AttemptRefused("closed")
    if attempt.deadline and now > attempt.deadline:
        raise AttemptRefused("time_up")
    questions = {question["key"]: question for question in attempt.snapshot}
    if attempt.quiz and attempt.quiz.feedback_timing == FeedbackTiming.EACH_QUESTION:
        # Checked answers are locked: a later save never changes them.
        for key in attempt.responses.filter(checked_at__isnull=False).values_list(
            "key", flat=True
        ):
            questions.pop(key, None)
    rows = [
        QuestionResponse(
            attempt=attempt,
            key=key,
            answer=_clean_answer(questions[key], raw),
            saved_at=now,
        )
        for key, raw in answers.items()
        if key in questions
    ]
    # One upsert whatever the number of answers, one statement: no BEGIN
    # and COMMIT of its own around it.
    upsert_in_one_statement(
        QuestionResponse,
        rows,
        unique_fields=["attempt", "key"],
        update_fields=["answer", "saved_at"],
    )
    return len(rows)


@transaction.atomic
def answer_check(
    *, attempt: QuizAttempt, key: str, answer, now=None
) -> QuestionResponse:
    """Grade one answer at once and lock it (quizzes with feedback after each question).

    Checking again returns the first result unchanged.
    """
    now = now or timezone.now()
    attempt = (
        QuizAttempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .get(pk=attempt.pk)
    )
    if attempt.state != AttemptState.IN_PROGRESS:
        raise AttemptRefused("closed")
    if attempt.deadline and now > attempt.deadline:
        raise AttemptRefused("time_up")
    question = next((q for q in attempt.snapshot if q["key"] == key), None)
    if (
        attempt.quiz is None
        or attempt.quiz.feedback_timing != FeedbackTiming.EACH_QUESTION
        or question is None
        or question["qtype"] == QuestionType.ESSAY
    ):
        raise AttemptRefused("not_checkable")
    response, _created = QuestionResponse.objects.get_or_create(
        attempt=attempt, key=key, defaults={"saved_at": now}
    )
    if response.checked_at is not None:
        return response
    cleaned = _clean_answer(question, answer)
    if cleaned is None:
        raise AttemptRefused("no_answer")
    response.answer = cleaned
    response.score = grade(question, cleaned).score
    response.saved_at = response.checked_at = now
    response.save(update_fields=["answer", "score", "saved_at", "checked_at"])
    return response


# Moodle stores an attempt's summed marks to 5 decimal places; the percentage
# is rounded once, to the 2 places the pages show, and that shown value is
# what pass/fail compares with the pass mark.
SUM_PLACES = Decimal("0.00001")
PERCENT_PLACES = Decimal("0.01")


def _percent(score: Decimal, maximum: Decimal) -> Decimal:
    if not maximum:
        return Decimal("0")
    return (Decimal(100) * score / maximum).quantize(PERCENT_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class AttemptResult:
    score: Decimal
    percent: Decimal
    waiting: bool
    passed: bool


def attempt_result(
    marks: list[Decimal | None], *, max_score: Decimal, pass_mark: int
) -> AttemptResult:
    """An attempt's total from its question marks (None: waits for a teacher).

    Marks are kept at full precision and summed before any rounding; an
    attempt waiting for a teacher has not passed (yet).
    """
    waiting = any(mark is None for mark in marks)
    total = sum((mark for mark in marks if mark is not None), Decimal("0"))
    score = total.quantize(SUM_PLACES, ROUND_HALF_UP)
    percent = _percent(score, max_score)
    return AttemptResult(
        score=score,
        percent=percent,
        waiting=waiting,
        passed=not waiting and percent >= pass_mark,
    )


def _grade_attempt(attempt: QuizAttempt, *, rescore_checked: bool = False) -> None:
    """Grade every saved response from the snapshot; essays wait for a teacher.

    Answers checked during the attempt keep the score they were shown, except
    in a regrade (`rescore_checked`), which applies the corrected key to them.
    """
    responses = {response.key: response for response in attempt.responses.all()}
    marks = []
    changed = []
    for question in attempt.snapshot:
        response = responses.get(question["key"])
        locked = response is not None and response.checked_at and not rescore_checked
        if response is not None and (response.graded_by_id or locked):
            # A teacher's mark, or an answer checked and locked during the attempt.
            marks.append(response.score or Decimal("0"))
            continue
        counted = response is not None and (
            attempt.deadline is None or response.saved_at <= attempt.deadline
        )
        mark = grade(question, response.answer if counted else None)
        marks.append(mark.score)
        if response is not None and response.score != mark.score:
            response.score = mark.score
            changed.append(response)
    if changed:
        QuestionResponse.objects.bulk_update(changed, ["score"])
    result = attempt_result(
        marks, max_score=attempt.max_score, pass_mark=attempt.pass_mark
    )
    attempt.score, attempt.percent = result.score, result.percent
    attempt.state = (
        AttemptState.NEEDS_GRADING if result.waiting else AttemptState.FINISHED
    )
    attempt.passed = result.passed


def method_percent(method: str, attempts: list[QuizAttempt]) -> Decimal | None:
    """The quiz grade Moodle's `quiz_calculate_best_grade` gives, as a percent.

    `attempts` are the submitted ones in order, finished or waiting for a
    teacher. First/last attempt take that attempt even while it waits, so
    there is no grade until it is graded; highest and average leave waiting
    attempts out. None: no grade yet.
    """
    if not attempts:
        return None
    if method in (GradingMethod.FIRST, GradingMethod.LAST):
        chosen = attempts[0] if method == GradingMethod.FIRST else attempts[-1]
        return chosen.percent if chosen.state == AttemptState.FINISHED else None
    graded = [a for a in attempts if a.state == AttemptState.FINISHED]
    if not graded:
        return None
    if method == GradingMethod.AVERAGE:
        # Averaged from the summed marks, rounded once at the end.
        exact = [
            Decimal(100) * a.score / a.max_score
            if a.max_score and a.score is not None
            else a.percent
            for a in graded
        ]
        return (sum(exact) / len(exact)).quantize(PERCENT_PLACES, ROUND_HALF_UP)
    return max(a.percent for a in graded)


def quiz_grade_update(
    *, user, quiz: QuizPage, school_year_id=False, course=None
) -> QuizGrade | None:
    """Recompute the learner's grade for the quiz under its grading method.

    When the method gives no grade yet (its attempt waits for essay grading),
    the learner has no grade row, as in Moodle; None is returned. In a course
    required every school year the grade is that of `school_year_id`'s
    attempts (default: the learner's year now); earlier years' grades stay.
    """
    if school_year_id is False:
        year = learning_year_for(user=user)
        school_year_id = year.pk if year else None
    course = course or CoursePage.objects.parent_of(quiz).first()
    yearly = bool(course and course.required_every_year)
    cycle = (school_year_id or 0) if yearly else 0
    attempts = QuizAttempt.objects.filter(
        user=user,
        quiz=quiz,
        state__in=[AttemptState.FINISHED, AttemptState.NEEDS_GRADING],
    )
    if yearly:
        attempts = attempts.filter(school_year_id=school_year_id)
    submitted = list(attempts.order_by("number"))
    percent = method_percent(quiz.grading_method, submitted)
    if percent is None:
        QuizGrade.objects.filter(user=user, quiz=quiz, cycle=cycle).delete()
        return None
    passed = percent >= quiz.pass_mark
    values = {"percent": percent, "passed": passed}
    # One statement, first grade or not (INSERT ... ON CONFLICT DO UPDATE);
    # "ever passed" is only ever switched on.
    grade = QuizGrade(
        user=user,
        quiz=quiz,
        ever_passed=passed,
        cycle=cycle,
        school_year_id=school_year_id,
        **values,
    )
    QuizGrade.objects.bulk_create(
        [grade],
        update_conflicts=True,
        unique_fields=["user", "quiz", "cycle"],
        update_fields=[
            "percent",
            "passed",
            "updated_at",
            "school_year",
            *(["ever_passed"] if passed else []),
        ],
    )
    return grade


def recompute_takers(quiz: QuizPage):
    """The learners with a submitted attempt: whose grades a recompute redoes."""
    return (
        QuizAttempt.objects.filter(
            quiz=quiz, state__in=[AttemptState.FINISHED, AttemptState.NEEDS_GRADING]
        )
        .values_list("user", flat=True)
        .distinct()
    )


def _attempts_follow_pass_mark(quiz: QuizPage) -> None:
    """Every attempt takes the quiz's current pass mark, and "passed" follows
    from its stored percent: an attempt never says "Đạt" next to a grade
    that says "Chưa đạt" for the same percent (docs/quizzes.md)."""
    attempts = QuizAttempt.objects.filter(quiz=quiz)
    attempts.exclude(pass_mark=quiz.pass_mark).update(pass_mark=quiz.pass_mark)
    passing = Q(state=AttemptState.FINISHED, percent__gte=quiz.pass_mark)
    attempts.filter(passing, passed=False).update(passed=True)
    attempts.exclude(passing).filter(passed=True).update(passed=False)


@transaction.atomic
def quiz_grades_recompute(
    *, quiz: QuizPage, changes: dict, record: GradeRecompute | None = None
) -> GradeRecompute:
    """Work out every learner's grade again after the grading method or pass
    mark changed, and record it (`GradeRecompute`; `record` is one a
    background job made when it was queued).

    A new pass may complete the course. A completion whose pass no longer
    holds is kept (certificates may rest on it) and listed for review.
    Running it again changes nothing more: grades come from the attempts.
    """
    before = {
        (user_id, cycle): passed
        for user_id, cycle, passed in QuizGrade.objects.filter(quiz=quiz).values_list(
            "user_id", "cycle", "passed"
        )
    }
    _attempts_follow_pass_mark(quiz)
    course = CoursePage.objects.parent_of(quiz).first()
    yearly = bool(course and course.required_every_year)
    if record is None:
        record = GradeRecompute(quiz=quiz, changes=changes)
    record.grades_changed = 0
    record.completions_kept = []
    user_model = QuizAttempt._meta.get_field("user").related_model
    for user in user_model.objects.filter(pk__in=recompute_takers(quiz)).order_by("pk"):
        # A course required every year: each year's grade from its attempts.
        years = (
            sorted(
                set(
                    QuizAttempt.objects.filter(user=user, quiz=quiz).values_list(
                        "school_year_id", flat=True
                    )
                ),
                key=lambda pk: pk or 0,
            )
            if yearly
            else [False]
        )
        for year_id in years:
            grade_row = quiz_grade_update(
                user=user, quiz=quiz, school_year_id=year_id, course=course
            )
            now_passed = None if grade_row is None else grade_row.passed
            cycle = (year_id or 0) if yearly else 0
            if before.get((user.pk, cycle)) != now_passed:
                record.grades_changed += 1
        if course is None:
            continue
        if now_passed:
            course_completion_evaluate(user=user, course=course)
            continue
        status = course_status_for(user=user, course=course)
        if status.completed and not requirements_met(status.steps):
            record.completions_kept.append({"user": user.pk, "course": course.pk})
    record.finished_at = timezone.now()
    record.save()
    return record


def _after_finish(attempt: QuizAttempt) -> None:
    """Update the learner's grade; a pass may complete the course.

    An attempt waiting for essay grading also updates the grade: under
    "first/last attempt" it may be the one the method takes, and then
    there is no grade (and no completion) until a teacher grades it.
    """
    if attempt.state == AttemptState.IN_PROGRESS or attempt.quiz is None:
        return
    course = attempt.course or quiz_course(attempt.quiz)
    grade_row = quiz_grade_update(
        user=attempt.user,
        quiz=attempt.quiz,
        school_year_id=attempt.school_year_id,
        course=course,
    )
    if grade_row is not None and grade_row.passed:
        course_completion_evaluate(user=attempt.user, course=course)


@transaction.atomic
def attempt_submit(*, attempt: QuizAttempt, answers: dict | None = None, now=None):
    """Submit and grade; a repeated or concurrent submit grades once.

    Within the grace period after the deadline the submit is accepted but
    only answers saved before the deadline count; later, the attempt is
    closed as the scheduled command would close it, at its deadline.
    """
    now = now or timezone.now()
    finish_at = now
    if attempt.deadline and now > attempt.deadline + grace_period():
        finish_at = attempt.deadline
    # Claim the attempt with a conditional update: of two simultaneous
    # submits exactly one changes the row and goes on to grade it.
    claimed = QuizAttempt.objects.filter(
        pk=attempt.pk, state=AttemptState.IN_PROGRESS, submitted_at__isnull=True
    ).update(submitted_at=finish_at)
    if not claimed:
        attempt.refresh_from_db()
        return attempt
    attempt.submitted_at = finish_at
    if answers:
        try:
            answers_save(attempt=attempt, answers=answers, now=now)
        except AttemptRefused:
            pass  # past the deadline: what was saved before it stands
    _grade_attempt(attempt)
    attempt.save(update_fields=["submitted_at", "score", "percent", "state", "passed"])
    _after_finish(attempt)
    return attempt


def overdue_attempts_close(*, now=None) -> int:
    """Close attempts left open past deadline + grace, finishing at the deadline."""
    now = now or timezone.now()
    overdue = QuizAttempt.objects.filter(
        state=AttemptState.IN_PROGRESS, deadline__lt=now - grace_period()
    ).values_list("pk", flat=True)
    closed = 0
    for attempt_id in overdue:
        with transaction.atomic():
            attempt = QuizAttempt.objects.select_for_update().get(pk=attempt_id)
            if attempt.state != AttemptState.IN_PROGRESS:
                continue
            attempt.submitted_at = attempt.deadline
            _grade_attempt(attempt)
            attempt.save()
            _after_finish(attempt)
            closed += 1
    return closed


@transaction.atomic
def essay_grade(
    *,
    response: QuestionResponse,
    grader,
    score: Decimal,
    comment: str = "",
    remark: bool = False,
):
    """Grade an essay answer of a submitted attempt (`quizzes.policies` decides
    who may). Changing a mark already given needs `remark` and is recorded."""
    from .policies import may_grade_learner, response_is_gradable

    attempt = QuizAttempt.objects.select_for_update().get(pk=response.attempt_id)
    response = QuestionResponse.objects.select_for_update().get(pk=response.pk)
    response.attempt = attempt
    if not may_grade_learner(grader, attempt.user):
        raise AttemptRefused("not_your_learner")
    already_graded = response.graded_by_id is not None or response.graded_at is not None
    if already_graded and not remark:
        raise AttemptRefused("remark_not_confirmed")
    if not response_is_gradable(response, remark=remark):
        raise AttemptRefused("not_gradable")
    question = next(q for q in attempt.snapshot if q["key"] == response.key)
    points = Decimal(question["points"])
    if score < 0 or score > points:
        raise AttemptRefused("score_out_of_range", maximum=points)
    if already_graded:
        EssayRemark.objects.create(
            response=response,
            done_by=grader,
            old_score=response.score,
            new_score=score,
            old_graded_by_id=response.graded_by_id,
        )
    response.score = score
    response.teacher_comment = comment
    response.graded_by = grader
    response.graded_at = timezone.now()
    response.save()
    if attempt.state == AttemptState.FINISHED and already_graded:
        # A re-mark of a finished attempt: its score follows.
        _grade_attempt(attempt)
        attempt.save()
        _after_finish(attempt)
        if attempt.quiz is not None:
            quiz_grade_update(
                user=attempt.user,
                quiz=attempt.quiz,
                school_year_id=attempt.school_year_id,
            )
    elif attempt.state == AttemptState.NEEDS_GRADING:
        essays = {
            q["key"] for q in attempt.snapshot if q["qtype"] == QuestionType.ESSAY
        }
        ungraded = attempt.responses.filter(
            key__in=essays, graded_by__isnull=True
        ).exclude(answer=None)
        if not ungraded.exists():
            _grade_attempt(attempt)
            attempt.save()
            _after_finish(attempt)
    return response


def _refreshed_items(shown: list[dict], fresh: list[dict], id_field, prefix):
    """The fresh answer key laid over the items the attempt showed.

    Items keep the key (and order) the attempt gave them, so the learner's
    saved answers still point at them; items new in the bank are added with
    their own fresh keys.
    """
    by_id = {item[id_field]: item for item in fresh if item.get(id_field)}
    refreshed, used = [], set()
    for item in shown:
        row_id = bank_id(item, id_field, prefix)
        current = by_id.get(row_id)
        if current is None:
            refreshed.append(item)
            continue
        used.add(row_id)
        refreshed.append({**current, "key": item["key"], id_field: row_id})
    refreshed.extend(item for item in fresh if item.get(id_field) not in used)
    return refreshed


@transaction.atomic
def attempt_regrade(*, attempt: QuizAttempt, by, reason: str = "") -> Regrade:
    """Grade again with the questions' current answer keys (the text shown stays).

    Records which version of each question it applied. Nobody regrades their
    own attempt.
    """
    if by is not None and by.pk == attempt.user_id:
        raise AttemptRefused("own_attempt")
    attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
    current = {
        question.pk: question
        for question in Question.objects.filter(
            pk__in=[q["question_id"] for q in attempt.snapshot]
        )
        .select_related("category")
        .prefetch_related("choices", "pairs")
    }
    refreshed = []
    versions = {}
    for shown in attempt.snapshot:
        question = current.get(shown["question_id"])
        if question is None:
            refreshed.append(shown)
            continue
        versions[str(question.pk)] = question.version
        fresh = question_snapshot(
            question,
            key=shown["key"],
            shuffle_choices=False,
            rng=None,
            ignore_diacritics_default=attempt.quiz.ignore_diacritics
            if attempt.quiz is not None
            else bool(shown.get("ignore_diacritics")),
        )
        updated = dict(shown)
        if shown["qtype"] == QuestionType.SHORT_ANSWER:
            # Accepted answers are compared by text: take the current list.
            updated["choices"] = fresh["choices"]
        else:
            keys = {
                bank_id(choice, "choice_id", "c"): choice for choice in fresh["choices"]
            }
            updated["choices"] = [
                {
                    **choice,
                    **{
                        k: keys[bank_id(choice, "choice_id", "c")][k]
                        for k in ("fraction", "feedback")
                    },
                }
                if bank_id(choice, "choice_id", "c") in keys
                else choice
                for choice in shown["choices"]
            ]
        updated["pairs"] = _refreshed_items(
            shown.get("pairs", []), fresh["pairs"], "pair_id", "p"
        )
        for field_name in ("correct", "case_sensitive", "ignore_diacritics"):
            updated[field_name] = fresh[field_name]
        refreshed.append(updated)
    old_score = attempt.score
    attempt.snapshot = refreshed
    if attempt.state != AttemptState.IN_PROGRESS:
        _grade_attempt(attempt, rescore_checked=True)
    attempt.save()
    _after_finish(attempt)
    if attempt.quiz is not None:
        quiz_grade_update(
            user=attempt.user, quiz=attempt.quiz, school_year_id=attempt.school_year_id
        )
    return Regrade.objects.create(
        attempt=attempt,
        done_by=by,
        old_score=old_score,
        new_score=attempt.score,
        reason=reason,
        question_versions=versions,
    )


# --- Questions under review ------------------------------------------------

QUESTION_WORKFLOW_NAME = "Duyệt câu hỏi"
QUESTION_TASK_NAME = "Quản trị trường của câu hỏi duyệt"


def question_review_workflow_ensure():
    """The one review workflow of questions, bound to the Question model
    (made by migration 0021; this finds or makes it again, e.g. after a
    test flushed the tables). Returns the workflow."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Workflow, WorkflowContentType, WorkflowTask

    from .models import Question, QuestionReviewTask

    task = QuestionReviewTask.objects.order_by("pk").first()
    if task is None:
        task = QuestionReviewTask.objects.create(name=QUESTION_TASK_NAME)
    workflow = Workflow.objects.filter(workflow_tasks__task=task).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=QUESTION_WORKFLOW_NAME)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(Question),
        defaults={"workflow": workflow},
    )
    return workflow
