from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from courses.models import CoursePage
from lms.people.models import Membership, School, SchoolClass
from lms.people.profiles import full_name_of

from ...eligibility import eligibility_for_many
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
        self.stdout.write(
            self.style.SUCCESS(
                _("Batch %(id)d: %(count)d certificates queued.")
                % {"id": batch.pk, "count": batch.items.count()}
            )
        )
