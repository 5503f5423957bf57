from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Site

from certificates.demo import seed_certificate_template, seed_student_certificate
from courses.demo import seed_courses, seed_learner_progress
from lms.home.demo import (
    demo_record,
    demo_records_adopt,
    seed_home,
    site_content_not_from_demo,
)
from lms.home.demo_schools import (
    complete_course,
    seed_history,
    seed_school_courses,
    seed_school_progress,
    seed_yearly_course,
)
from lms.people.demo import (
    ALUMNI_NAMES,
    DEFAULT_DEMO_PASSWORD,
    DEMO_STUDENT_NAMES,
    OTHER_STUDENT_NAMES,
    seed_organisation,
    seed_people,
)
from lms.people.profiles import full_name_of
from lms.reports.summary import summary_recounts_deferred

# Names shown when the command refuses, before "and N more".
SHOWN_NAMES = 10
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
    "parent",
)


def _demo_usernames() -> set[str]:
    learners = [
        *DEMO_STUDENT_NAMES,
        *(row for rows in OTHER_STUDENT_NAMES.values() for row in rows),
        *(row for rows in ALUMNI_NAMES.values() for row in rows),
    ]
    return {*LISTED_ACCOUNTS, *(username for username, *_rest in learners)}


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
        parser.add_argument(
            "--force",
            action="store_true",
            help=_(
                "Run even though the database holds accounts or pages the demo "
                "did not create. Those are never changed."
            ),
        )

    def handle(self, *args, password: str, force: bool, **options):
        # All or nothing: a failure leaves the database as it was. The report
        # summary is rebuilt once at the end rather than after every change.
        with transaction.atomic(), summary_recounts_deferred():
            demo_records_adopt()
            users, pages = site_content_not_from_demo()
            if (users or pages) and not force:
                raise CommandError(self._refusal(users, pages))
            keep_out = frozenset(users)
            people, home = self._seed(password=password, keep_out=keep_out)
        self.stdout.write(self.style.SUCCESS(_("Demo data created.")))
        site = Site.objects.filter(is_default_site=True).first()
        if site is not None and site.root_page_id != home.pk:
            self.stdout.write(
                _(
                    "The default site still shows its own home page; the demo's "
                    "is the page “%(title)s” (slug %(slug)s)."
                )
                % {"title": home.title, "slug": home.slug}
            )
        self.stdout.write(_("Demo accounts (password: %s):") % password)
        for username in LISTED_ACCOUNTS:
            if username in people:
                self.stdout.write(f"  {username:<13} {full_name_of(people[username])}")
        skipped = sorted(keep_out & _demo_usernames())
        for username in skipped:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Skipped %(username)s: an account of this site, not the "
                        "demo's. It was not changed and has no demo password."
                    )
                    % {"username": username}
                )
            )

    def _refusal(self, users: list[str], pages: list[str]) -> str:
        def names(items):
            shown = ", ".join(items[:SHOWN_NAMES])
            if len(items) > SHOWN_NAMES:
                shown += " " + _("and %(count)d more") % {
                    "count": len(items) - SHOWN_NAMES
                }
            return shown

        found = []
        if users:
            found.append(_("accounts: %(names)s") % {"names": names(users)})
        if pages:
            found.append(_("pages: %(names)s") % {"names": names(pages)})
        return _(
            "This database holds content the demo did not create (%(found)s). "
            "Nothing was changed. Run seed_demo on an empty database, or add "
            "--force to add the demo anyway: these accounts and pages are never "
            "changed."
        ) % {"found": "; ".join(found)}

    def _seed(self, *, password: str, keep_out: frozenset[str]):
        org = seed_organisation()
        people = seed_people(org=org, password=password, keep_out=keep_out)
        for user in people.values():
            demo_record(user)
        home = seed_home()
        # The demo's certificate template first: the course packs' certificate
        # sections then find it the same as the one they were exported with.
        seed_certificate_template()
        # The Department library's course packs, then each school's own
        # (lessons, quizzes, questions and certificate settings).
        courses = seed_courses(home=home)
        # Before anyone learns: the law course is taken again every year.
        seed_yearly_course(library=courses)
        owned = seed_school_courses(home=home, org=org)
        student_courses = [c for c in courses if c.for_students]
        if "student" not in people:
            student_courses = []
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
        return people, home
