"""Small security helpers shared by the settings (sign-in throttling)."""

from axes.attempts import get_cool_off_threshold
from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_credentials
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address, trusting X-Forwarded-For only from our proxies.

    With ``LMS_PROXY_COUNT = n`` the n-th address from the right of
    X-Forwarded-For is the client (each proxy appends the address it saw);
    anything further left was written by the client and is ignored.
    """
    count = getattr(settings, "LMS_PROXY_COUNT", 0)
    if count > 0:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


class AxesHandler(AxesDatabaseHandler):
    """django-axes' database handler, with a cheaper successful sign-in.

    At each sign-in axes deletes the expired failed attempts and this
    person's own; each delete, even of nothing, is a SELECT, a BEGIN and a
    COMMIT. Usually there is nothing to delete: one query says so and both
    deletes are skipped. When there is, axes deletes as it always does.
    """

    def user_logged_in(self, sender, request, user, **kwargs):
        request.lms_axes_nothing_stale = not self._stale_attempts(
            request, get_credentials(user.get_username())
        )
        try:
            super().user_logged_in(sender, request, user, **kwargs)
        finally:
            del request.lms_axes_nothing_stale

    def _stale_attempts(self, request, credentials) -> bool:
        """Whether a sign-in now has failed attempts to delete."""
        if (
            axes_settings.AXES_COOLOFF_TIME is None
            or axes_settings.AXES_USE_ATTEMPT_EXPIRATION
        ):
            return True  # axes' own way; not how the LMS runs it
        stale = AccessAttempt.objects.filter(
            attempt_time__lte=get_cool_off_threshold(request)
        )
        if axes_settings.AXES_RESET_ON_SUCCESS:
            for attempts in self.filter_user_attempts(request, credentials):
                stale = stale | attempts
        return stale.exists()

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        if getattr(request, "lms_axes_nothing_stale", False):
            return 0
        return super().clean_expired_user_attempts(request, credentials)

    def reset_user_attempts(self, request, credentials=None) -> int:
        if getattr(request, "lms_axes_nothing_stale", False):
            return 0
        return super().reset_user_attempts(request, credentials)
