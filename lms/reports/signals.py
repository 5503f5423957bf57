"""Keep the completion summary right: each change of what it counts recounts it.

Model signals of the other apps, each a call into `summary`: inside the
transaction that made the change for deletions, membership changes and bulk
enrolments; just after it, through the task queue, for what a learner's own
request writes (an enrolment, a lesson opened, a quiz attempt, a completion)
and for certificates: see `summary.summary_recount_after_commit`. No
other app imports the reports; courses sends `enrolments_added` for the
enrolments it creates in bulk.
"""

from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.models import Page

from certificates.models import Certificate
from courses.models import CourseCompletion, Enrolment, LessonProgress
from courses.signals import enrolments_added
from lms.people.models import Membership, School
from lms.people.signals import people_changing
from quizzes.models import QuizAttempt

from .summary import (
    group_key_of,
    summary_learners_changed,
    summary_lock_people,
    summary_memberships_changed,
    summary_recount_after_commit,
)

UID = "lms_reports_summary"


def _cascade_from(kwargs, model) -> bool:
    """Whether this delete comes from deleting a `model` (whose rows go too)."""
    origin = kwargs.get("origin")
    origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return issubclass(origin_model, model)


# A learner's own actions (enrolling by opening a course, a first lesson or
# quiz attempt, completing) recount after the commit, through the task queue:
# with a real queue none of it runs in the learner's request.
@receiver(post_save, sender=Enrolment, dispatch_uid=f"{UID}_enrolment_saved")
@receiver(post_save, sender=CourseCompletion, dispatch_uid=f"{UID}_completion_saved")
@receiver(post_save, sender=LessonProgress, dispatch_uid=f"{UID}_lesson_saved")
@receiver(post_save, sender=QuizAttempt, dispatch_uid=f"{UID}_attempt_saved")
def learner_row_added(sender, instance, created, using, **kwargs) -> None:
    if created and instance.course_id:
        summary_recount_after_commit(
            user_id=instance.user_id, course_id=instance.course_id, using=using
        )


@receiver(post_delete, sender=Enrolment, dispatch_uid=f"{UID}_enrolment_deleted")
@receiver(post_delete, sender=CourseCompletion, dispatch_uid=f"{UID}_completion_del")
@receiver(post_delete, sender=LessonProgress, dispatch_uid=f"{UID}_lesson_deleted")
@receiver(post_delete, sender=QuizAttempt, dispatch_uid=f"{UID}_attempt_deleted")
def learner_row_deleted(sender, instance, using, **kwargs) -> None:
    if not _cascade_from(kwargs, Page):  # a deleted course takes its rows along
        summary_learners_changed(
            user_ids=[instance.user_id], course_ids=[instance.course_id], using=using
        )


@receiver(post_save, sender=Certificate, dispatch_uid=f"{UID}_certificate_saved")
def certificate_saved(sender, instance, created, using, update_fields, **kwargs):
    changed = created or update_fields is None or "status" in update_fields
    if changed and instance.holder_id and instance.course_id:
        summary_recount_after_commit(
            user_id=instance.holder_id,
            course_id=instance.course_id,
            using=using,
            figures=["certificates"],
        )


@receiver(post_delete, sender=Certificate, dispatch_uid=f"{UID}_certificate_deleted")
def certificate_deleted(sender, instance, using, **kwargs) -> None:
    summary_learners_changed(
        user_ids=[instance.holder_id], course_ids=[instance.course_id], using=using
    )


@receiver(enrolments_added, dispatch_uid=f"{UID}_enrolments_added")
def enrolments_bulk_added(sender, course, user_ids, **kwargs) -> None:
    summary_learners_changed(user_ids=user_ids, course_ids=[course.pk])


@receiver(pre_save, sender=Membership, dispatch_uid=f"{UID}_membership_saving")
def membership_saving(sender, instance, using, **kwargs) -> None:
    # A changed membership may leave a group: remember which, to recount it.
    if not instance._state.adding and instance.pk:
        old = Membership.objects.using(using).filter(pk=instance.pk).first()
        instance._lms_reports_before = old


@receiver(post_save, sender=Membership, dispatch_uid=f"{UID}_membership_saved")
def membership_saved(sender, instance, using, **kwargs) -> None:
    old = getattr(instance, "_lms_reports_before", None)
    instance._lms_reports_before = None
    summary_memberships_changed(
        user_ids=[instance.user_id, old.user_id if old else None],
        old_keys=[group_key_of(old)] if old else [],
        using=using,
    )


@receiver(post_delete, sender=Membership, dispatch_uid=f"{UID}_membership_deleted")
def membership_deleted(sender, instance, using, **kwargs) -> None:
    if not _cascade_from(kwargs, School):  # a deleted school takes its groups along
        summary_memberships_changed(
            user_ids=[instance.user_id], old_keys=[group_key_of(instance)], using=using
        )


@receiver(people_changing, dispatch_uid=f"{UID}_people_changing")
def people_about_to_change(sender, user_ids, using=None, **kwargs) -> None:
    # Their recounts, one by one later in the transaction, would each lock
    # one person: lock them all now, in order.
    summary_lock_people(user_ids, using=using or DEFAULT_DB_ALIAS)
