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
    from .services import auto_issue_wanted
    from .tasks import certificate_auto_issue_task

    if completion.course_id and auto_issue_wanted(completion=completion):
        certificate_auto_issue_task.enqueue(completion.user_id, completion.course_id)
