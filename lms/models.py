"""The core app's one model: the outbox of background work (see lms/outbox.py)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingTask(models.Model):
    """Background work a change asked for, not yet done (the outbox).

    Written in the transaction of the change that needs the work, handed to
    the task queue once that transaction commits, deleted after the task ran.
    A row that stays behind (the queue's Redis was away, the process died
    before the hand-over, or the queue lost the job) is handed over again by
    ``manage.py resume_outbox``. The tasks are idempotent, so a row run twice
    does no harm.
    """

    # The task's dotted path (django-tasks' Task.module_path) and its
    # arguments, which are JSON like every task argument.
    task = models.CharField(_("background task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    requested_at = models.DateTimeField(
        _("requested at"), default=timezone.now, db_index=True
    )
    # Runs that raised; after MAX_ATTEMPTS the row waits for a person.
    attempts = models.PositiveSmallIntegerField(_("failed runs"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("pending task")
        verbose_name_plural = _("pending tasks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task} {self.args}"
