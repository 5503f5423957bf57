"""Quiz signals: a published change of grading method or pass mark recomputes
the grades; a question submitted for review mails its reviewers."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
from wagtail.models import TaskState
from wagtail.signals import task_submitted

from courses.signals import course_copied_to_library

from .models import QuizPage

GRADING_FIELDS = ("grading_method", "pass_mark")


@receiver(pre_save, sender=QuizPage)
def _remember_grading_rules(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (
        update_fields is not None and not set(GRADING_FIELDS) & set(update_fields)
    ):
        # New page, or a save that leaves these fields alone (a draft revision).
        instance._grading_before = None
        return
    instance._grading_before = (
        QuizPage.objects.filter(pk=instance.pk).values(*GRADING_FIELDS).first()
    )


@receiver(post_save, sender=QuizPage)
def _recompute_when_rules_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_grading_before", None)
    instance._grading_before = None
    if created or not before:
        return
    changes = {
        field: [before[field], getattr(instance, field)]
        for field in GRADING_FIELDS
        if before[field] != getattr(instance, field)
    }
    if not changes:
        return
    from .jobs import recompute_start

    quiz_id = instance.pk
    # Small quizzes are recomputed at once; large ones by a background job.
    transaction.on_commit(lambda: recompute_start(quiz_id=quiz_id, changes=changes))


class QuestionSubmissionEmailNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    """Wagtail's "submitted for approval" mail for a question's review: sent,
    as Wagtail does for a group approval task, to those who may approve it
    (the owner school's admins; `question_reviewers`), never another school's."""

    def can_handle(self, instance, **kwargs):
        from .models import QuestionReviewTask

        return isinstance(instance, TaskState) and isinstance(
            instance.task.specific, QuestionReviewTask
        )

    def get_template_set(self, instance, **kwargs):
        # Wagtail's text links a snippet's workflow preview without its task
        # (an empty link): ours gives both links whole.
        templates = super().get_template_set(instance, **kwargs)
        templates["text"] = "lms_quizzes/notifications/question_submitted.txt"
        return templates

    def get_context(self, task_state, **kwargs):
        from django.urls import reverse
        from wagtail.admin.utils import get_admin_base_url

        context = super().get_context(task_state, **kwargs)
        question = context["object"].get_latest_revision_as_object()
        context.update(
            title=str(question),
            base_url=get_admin_base_url() or "",
            preview_url=reverse(
                "wagtailsnippets_lms_quizzes_question:workflow_preview",
                args=[question.pk, task_state.task_id],
            ),
            edit_url=reverse(
                "wagtailsnippets_lms_quizzes_question:edit", args=[question.pk]
            ),
        )
        return context

    def get_recipient_users(self, task_state, **kwargs):
        from .policies import question_reviewers

        question = task_state.workflow_state.content_object
        superusers = getattr(
            settings, "WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS", True
        )
        triggering = kwargs.get("user")
        return {
            user
            for user in question_reviewers(question, superusers=superusers)
            if triggering is None or user.pk != triggering.pk
        }


# Kept here: a signal holds its receivers by weak reference.
question_submission_email_notifier = QuestionSubmissionEmailNotifier()
task_submitted.connect(
    question_submission_email_notifier,
    sender=TaskState,
    dispatch_uid="lms_question_review_submitted_email_notification",
)


@receiver(
    course_copied_to_library,
    dispatch_uid="lms_quizzes_library_copy_owns_its_questions",
)
def _library_copy_owns_its_questions(sender, source, copy, user, **kwargs):
    """A course proposed for the Department library takes its questions with
    it (quizzes.library_copy); the school's bank is left as it is."""
    from .library_copy import library_quizzes_own_their_questions

    library_quizzes_own_their_questions(course=copy, title=copy.title, user=user)
