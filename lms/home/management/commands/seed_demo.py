from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from certificates.demo import seed_certificate_settings, seed_student_certificate
from courses.demo import seed_courses, seed_learner_progress
from lms.home.demo import seed_home
from lms.people.demo import DEFAULT_DEMO_PASSWORD, seed_organisation, seed_people
from quizzes.demo import seed_quizzes


class Command(BaseCommand):
    help = _(
        "Create demo data (school, classes, accounts, home page, courses, quizzes). "
        "Running it again "
        "creates no duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_DEMO_PASSWORD,
            help=_("Password for every demo account (default: %s).")
            % DEFAULT_DEMO_PASSWORD,
        )

    def handle(self, *args, password: str, **options):
        org = seed_organisation()
        people = seed_people(org=org, password=password)
        home = seed_home()
        courses = seed_courses(home=home)
        seed_quizzes(courses=courses)
        student_courses = [c for c in courses if c.for_students]
        if len(student_courses) > 1:
            # The demo student is part-way through the second course, so
            # "My learning" shows something in progress from the first sign-in.
            seed_learner_progress(
                student=people["student"], course=student_courses[1], lessons_done=2
            )
        seed_certificate_settings(courses=courses)
        if student_courses:
            # The demo student completed the first course (lessons and quiz)
            # and holds its certificate.
            first = student_courses[0]
            _complete_course(student=people["student"], course=first)
            certificate = seed_student_certificate(
                student=people["student"], course=first
            )
            self.stdout.write(
                _("Certificate %(serial)s: %(url)s")
                % {
                    "serial": certificate.serial,
                    "url": certificate.snapshot["verification_url"],
                }
            )
        self.stdout.write(self.style.SUCCESS(_("Demo data created.")))
        self.stdout.write(_("Demo accounts (password: %s):") % password)
        for username in ("admin", "teacher", "student", "collaborator", "officer"):
            user = people[username]
            self.stdout.write(f"  {username:<13} {user.full_name}")


def _right_answers(snapshot: list[dict]) -> dict:
    """The best answer to each question of an attempt, from its snapshot."""
    from decimal import Decimal

    answers = {}
    for question in snapshot:
        qtype = question["qtype"]
        choices = question.get("choices", [])
        best = max(choices, key=lambda c: Decimal(c["fraction"]), default=None)
        if qtype == "single_choice" and best:
            answers[question["key"]] = best["key"]
        elif qtype == "multiple_choice":
            answers[question["key"]] = [
                c["key"] for c in choices if Decimal(c["fraction"]) > 0
            ]
        elif qtype == "true_false":
            answers[question["key"]] = "true" if question["correct"] else "false"
        elif qtype == "short_answer" and best:
            answers[question["key"]] = best["text"].replace("*", "")
        elif qtype == "matching":
            answers[question["key"]] = {
                p["key"]: p["answer"] for p in question["pairs"] if p["prompt"]
            }
    return answers


def _complete_course(*, student, course) -> None:
    """Every lesson done and every quiz passed, through the services (idempotent)."""
    from courses.demo import seed_learner_progress
    from courses.models import LessonPage
    from quizzes.models import QuizGrade, QuizPage
    from quizzes.services import attempt_start, attempt_submit

    lessons = LessonPage.objects.child_of(course).live().count()
    seed_learner_progress(student=student, course=course, lessons_done=lessons)
    for quiz in QuizPage.objects.child_of(course).live():
        for _attempt in range(5):
            if QuizGrade.objects.filter(user=student, quiz=quiz, passed=True).exists():
                break
            attempt = attempt_start(user=student, quiz=quiz)
            attempt_submit(attempt=attempt, answers=_right_answers(attempt.snapshot))
