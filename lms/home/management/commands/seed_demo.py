from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from certificates.demo import seed_certificate_settings, seed_student_certificate
from courses.demo import seed_courses, seed_learner_progress
from lms.home.demo import seed_home
from lms.home.demo_schools import (
    complete_course,
    seed_history,
    seed_school_courses,
    seed_school_progress,
)
from lms.people.demo import DEFAULT_DEMO_PASSWORD, seed_organisation, seed_people
from lms.people.profiles import full_name_of
from quizzes.demo import seed_quizzes

# The accounts listed after a run, as in the README.
LISTED_ACCOUNTS = (
    "admin",
    "schooladmin",
    "schooladmin2",
    "teacher",
    "student",
    "collaborator",
    "officer",
    "teacher2",
    "teacher3",
)


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
        # The Department library's courses, then each school's own.
        courses = seed_courses(home=home)
        seed_quizzes(courses=courses)
        owned = seed_school_courses(home=home, org=org)
        seed_certificate_settings(
            courses=courses + [c for school in owned.values() for c in school]
        )
        student_courses = [c for c in courses if c.for_students]
        if len(student_courses) > 1:
            # The demo student is part-way through the second course, so
            # "My learning" shows something in progress from the first sign-in.
            seed_learner_progress(
                student=people["student"], course=student_courses[1], lessons_done=2
            )
        if student_courses:
            # The demo student completed the first course (lessons and quiz)
            # and holds its certificate.
            first = student_courses[0]
            complete_course(student=people["student"], course=first)
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
        seed_school_progress(people=people, library=courses, owned=owned)
        seed_history(org=org, people=people, library=courses, owned=owned)
        self.stdout.write(self.style.SUCCESS(_("Demo data created.")))
        self.stdout.write(_("Demo accounts (password: %s):") % password)
        for username in LISTED_ACCOUNTS:
            user = people[username]
            self.stdout.write(f"  {username:<13} {full_name_of(user)}")
