from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import Membership, School
from .profiles import profile_create
from .selectors import membership_generation_bump
from .services import (
    content_author_group_ensure,
    school_admin_group_ensure,
    user_groups_sync,
)

# Sent inside a transaction about to change many people's memberships (a
# roster import), with `user_ids` in ascending order, before the first write:
# apps that lock per person (the reports' summary) take those locks now, in
# that order, rather than one by one in the order of the writes.
people_changing = Signal()


@receiver(people_changing)
def people_changing_forget_roles(sender, **kwargs) -> None:
    membership_generation_bump()


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    membership_generation_bump()
    user_groups_sync(user=instance.user)


@receiver(post_save, sender=School)
def school_saved(sender, instance: School, **kwargs) -> None:
    """Every school has a group for its admins and one for its content
    authors (their page rights hang on them)."""
    school_admin_group_ensure(school=instance)
    content_author_group_ensure(school=instance)


@receiver(user_logged_in)
def groups_follow_the_school_year(sender, request, user, **kwargs) -> None:
    """At sign-in, drop the groups of roles whose school year has ended."""
    user_groups_sync(user=user)


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


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def user_profile_create(sender, instance, created, raw=False, **kwargs) -> None:
    """Every new user gets an LMS profile, whichever user model the site uses."""
    if created and not raw:
        profile_create(user=instance)
