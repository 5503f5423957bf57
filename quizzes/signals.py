"""A published change of grading method or pass mark recomputes the grades."""

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

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
