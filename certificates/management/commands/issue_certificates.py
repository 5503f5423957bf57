from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from courses.models import CoursePage
from lms.checks import check_site_url
from lms.people.models import Membership, School, SchoolClass
from lms.people.profiles import full_name_of

from ...eligibility import eligibility_for_many
from ...models import IssueBatchItem
from ...services import batch_create

User = get_user_model()


class Command(BaseCommand):
    help = _(
        "Issue a course's certificates to everyone eligible, as a background batch."
    )

    def add_arguments(self, parser):
        parser.add_argument("--course", required=True, help=_("The course's slug."))
        parser.add_argument("--school", help=_("Only this school (its code)."))
        parser.add_argument(
            "--class", dest="class_name", help=_("Only this class (its name).")
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Show who would receive a certificate; issue nothing."),
        )

    def handle(self, *args, course, school, class_name, dry_run, **options):
        # Every certificate prints a link built from LMS_SITE_URL: without it
        # each item would fail after the batch was reported queued.
        if not dry_run and check_site_url():
            raise CommandError(
                _(
                    "LMS_SITE_URL is not set to the site's public address, so "
                    "certificates cannot print their verification link. Set it "
                    'in the settings (e.g. LMS_SITE_URL = "https://your-school.'
                    'edu.vn"). Nothing was issued.'
                )
            )
        course_page = CoursePage.objects.filter(slug=course).first()
        if course_page is None:
            raise CommandError(_("No course has the slug %(slug)s.") % {"slug": course})
        memberships = Membership.objects.all()
        school_obj = None
        if school:
            school_obj = School.objects.filter(code=school.upper()).first()
            if school_obj is None:
                raise CommandError(
                    _("No school has the code %(code)s.") % {"code": school}
                )
            memberships = memberships.filter(school=school_obj)
        class_obj = None
        if class_name:
            classes = SchoolClass.objects.filter(name=class_name)
            if school_obj is not None:
                classes = classes.filter(school=school_obj)
            class_obj = classes.order_by("-school_year__starts_on").first()
            if class_obj is None:
                raise CommandError(
                    _("No class is named %(name)s.") % {"name": class_name}
                )
            memberships = memberships.filter(school_class=class_obj)
        users = User.objects.filter(
            pk__in=memberships.values("user_id"), is_active=True
        ).order_by("lms_profile__sort_name", "pk")
        rows = eligibility_for_many(course=course_page, users=users)
        eligible = [r for r in rows if r.eligible]
        for row in rows:
            if row.eligible:
                verdict = _("eligible")
            elif row.holds:
                verdict = row.certificate.serial
            else:
                verdict = row.refusal.message
            self.stdout.write(
                f"{row.user.username}\t{full_name_of(row.user)}\t{verdict}"
            )
        self.stdout.write(
            _(
                "%(eligible)d eligible, %(holding)d already hold one, "
                "%(refused)d not eligible."
            )
            % {
                "eligible": len(eligible),
                "holding": sum(r.holds for r in rows),
                "refused": sum(not r.eligible and not r.holds for r in rows),
            }
        )
        if dry_run or not eligible:
            return
        batch = batch_create(
            course=course_page,
            users=[r.user for r in eligible],
            created_by=None,
            school=school_obj,
            school_class=class_obj,
        )
        self.report_batch(batch)

    def report_batch(self, batch) -> None:
        """Say what became of the batch's items; fail if any item failed.

        With an in-process task backend the items have run by now; with a
        queue they are still waiting and only "queued" is claimed.
        """
        State = IssueBatchItem.State
        counts = {state: batch.items.filter(state=state).count() for state in State}
        for item in batch.items.filter(state=State.FAILED).select_related("user"):
            self.stderr.write(f"{item.user.username}\t{item.error}")
        summary = _(
            "Batch %(id)d: %(done)d certificates issued, %(pending)d queued, "
            "%(failed)d failed."
        ) % {
            "id": batch.pk,
            "done": counts[State.DONE],
            "pending": counts[State.PENDING],
            "failed": counts[State.FAILED],
        }
        if counts[State.FAILED]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
