"""Certificates hear of completions through courses' signal, never a call."""

from django.dispatch import receiver

from courses.models import CourseCompletion
from courses.signals import course_completed


@receiver(
    course_completed,
    sender=CourseCompletion,
    dispatch_uid="lms_certificates_issue_on_completion",
)
def issue_on_completion(sender, completion, **kwargs):
    """Record the automatic issue in the completion's transaction (the outbox);
    it is handed to the task queue after commit, or later if the queue is away."""
    from lms.outbox import outbox_add

    from .services import auto_issue_wanted
    from .tasks import certificate_auto_issue_task

    if completion.course_id and auto_issue_wanted(completion=completion):
        outbox_add(
            certificate_auto_issue_task, [completion.user_id, completion.course_id]
        )
