"""Certificates hear of completions through courses' signal, never a call."""

from django.dispatch import receiver

from courses.models import CourseCompletion
from courses.signals import course_completed, course_copied_to_library


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


@receiver(
    course_copied_to_library,
    dispatch_uid="lms_certificates_library_copy_uses_department_template",
)
def library_copy_uses_department_template(sender, source, copy, user, **kwargs):
    """A course proposed for the Department library certifies with the
    Department's templates: a setting naming a school's template (its head
    and signatories) takes the default template instead; audiences, automatic
    issue and validity are kept. The approval publishes the copy's latest
    revision, so the change is saved as one."""
    from .defaults import default_template_ensure
    from .models import CourseCertificateSetting

    settings = CourseCertificateSetting.objects.filter(
        course=copy, template__school__isnull=False
    )
    if not settings.exists():
        return
    settings.update(template=default_template_ensure())
    copy = type(copy).objects.get(pk=copy.pk)
    copy.save_revision(user=user, log_action=False, clean=False)
