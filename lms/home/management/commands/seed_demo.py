from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

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
        self.stdout.write(self.style.SUCCESS(_("Demo data created.")))
        self.stdout.write(_("Demo accounts (password: %s):") % password)
        for username in ("admin", "teacher", "student", "collaborator", "officer"):
            user = people[username]
            self.stdout.write(f"  {username:<13} {user.full_name}")
