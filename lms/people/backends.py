"""Authentication backends that load the LMS profile with the signed-in user.

Every page reads the profile (the forced password change, the name in the
header), so fetching it in the user's own query saves one query per request. The parent
contact comes along too, so "is this a parent?" costs no query either.
Optional for a host site: without them the profile is read on first use.
The query's SQL is compiled once per process (lms.sqlcache): it runs on every
request of a signed-in person.
"""

from axes.backends import AxesBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from lms import sqlcache


def _user_queryset(values):
    return (
        get_user_model()
        ._default_manager.select_related("lms_profile", "guardian_contact")
        .filter(pk=values["pk"])
    )


class ProfileUserMixin:
    def get_user(self, user_id):
        User = get_user_model()
        try:
            if type(user_id) is int:  # as the session's key is read back
                user = sqlcache.cached_get(
                    ("lms.people.backends.get_user", User._meta.label),
                    _user_queryset,
                    model=User,
                    values={"pk": user_id},
                )
            else:
                user = _user_queryset({"pk": user_id}).get()
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ProfileModelBackend(ProfileUserMixin, ModelBackend):
    """Django's model backend; the request's user arrives with its profile."""


class AxesProfileBackend(ProfileUserMixin, AxesBackend):
    """django-axes' lockout backend (listed first), loading the profile too."""
