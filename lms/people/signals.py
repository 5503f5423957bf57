from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Membership
from .services import user_groups_sync


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    user_groups_sync(user=instance.user)


ADMIN_LINK_SESSION_KEY = "lms_can_admin"


@receiver(user_logged_in)
def remember_admin_access(sender, request, user, **kwargs) -> None:
    """Decide once per sign-in whether the site header links to the admin.

    Learner pages then need no permission queries; the admin itself still
    checks permissions on every request.
    """
    if request is not None and hasattr(request, "session"):
        request.session[ADMIN_LINK_SESSION_KEY] = user.has_perm(
            "wagtailadmin.access_admin"
        )
