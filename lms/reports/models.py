"""What the reports app writes: a record of each reminder sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    LEARNER = "learner", _("Courses to finish")
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
