"""What the reports app writes: reminders sent, and the completion summary."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReminderKind(models.TextChoices):
    LEARNER = "learner", pgettext_lazy("reminder kind", "Courses to finish")
    HOMEROOM_DIGEST = "homeroom_digest", _("Weekly class digest")


class ReminderLog(models.Model):
    """One email sent, so nobody gets more than one of a kind per period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="lms_reminders",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["kind", "user", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()} – {self.sent_at:%d/%m/%Y}"


# The completion summary: figures kept up to date as learners progress, so the
# reports add up a few thousand rows instead of millions (lms.reports.summary
# writes them; selectors.completion_facts reads them).


class ReportGroup(models.Model):
    """Memberships that count alike in the reports: one school, year, class, role.

    Field names match Membership's, so the visibility rule filters these rows
    as it filters memberships. `members` counts the memberships the reports
    count (a person holding two staff roles in a school counts once).
    """

    school = models.ForeignKey(
        "lms_people.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    school_year = models.ForeignKey(
        "lms_people.SchoolYear",
        verbose_name=_("school year"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    school_class = models.ForeignKey(
        "lms_people.SchoolClass",
        verbose_name=_("class"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=32)
    members = models.PositiveIntegerField(_("people"), default=0)

    class Meta:
        verbose_name = _("report group")
        verbose_name_plural = _("report groups")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "school_class", "role"],
                condition=models.Q(school_class__isnull=False),
                name="lms_reports_group_unique_in_class",
            ),
            models.UniqueConstraint(
                fields=["school", "school_year", "role"],
                condition=models.Q(school_class__isnull=True),
                name="lms_reports_group_unique_in_school",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.school_id}/{self.school_year_id}/{self.school_class_id}/{self.role}"
        )


class CompletionSummary(models.Model):
    """How far the members of one report group got in one course."""

    group = models.ForeignKey(
        ReportGroup,
        verbose_name=_("report group"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    course = models.ForeignKey(
        "lms_courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    enrolled = models.PositiveIntegerField(_("enrolled"), default=0)
    in_progress = models.PositiveIntegerField(_("in progress"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)
    certificates = models.PositiveIntegerField(_("certificates"), default=0)
    # Completions of members with no enrolment in the course (an enrolment
    # deleted after completing): learners too, though "enrolled" misses them.
    completed_unenrolled = models.PositiveIntegerField(
        _("completed without enrolment"), default=0
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("completion summary")
        verbose_name_plural = _("completion summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "course"], name="lms_reports_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} – {self.course_id}"


class SummaryBuild(models.Model):
    """One full rebuild of the summary; reports read it once one exists."""

    built_at = models.DateTimeField(_("built at"), default=timezone.now)
    seconds = models.FloatField(_("seconds"), default=0)
    groups = models.PositiveIntegerField(_("groups"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("summary build")
        verbose_name_plural = _("summary builds")
        ordering = ["-built_at"]

    def __str__(self) -> str:
        return f"{self.built_at:%d/%m/%Y %H:%M}"
