"""The one way to reach a person's LMS data from any user object.

The site's user model may be ours or the host's (`auth.User` or another);
either way the name, codes and date of birth live in `PersonProfile`.
"""

from .models import PersonProfile
from .text import normalize_text

PROFILE_FIELDS = (
    "full_name",
    "phone",
    "student_code",
    "birth_date",
    "must_change_password",
)


def profile_name_seed(user) -> str:
    """The full name a new profile starts with, from the user model's own data.

    A host's user (e.g. `auth.User`) brings `get_full_name()`, else its
    username; our own user model keeps no name outside the profile.
    """
    from .models import User as LmsUser

    if isinstance(user, LmsUser):
        return ""
    get_full_name = getattr(user, "get_full_name", None)
    name = normalize_text(get_full_name()) if callable(get_full_name) else ""
    return name or normalize_text(user.get_username())


def profile_create(*, user) -> PersonProfile:
    """Create the profile of a user that has none yet (one INSERT)."""
    profile = PersonProfile(user=user, full_name=profile_name_seed(user))
    profile.save(force_insert=True)
    return profile


def profile_of(user) -> PersonProfile:
    """`user`'s profile, created if missing; cached on the user instance."""
    try:
        return user.lms_profile
    except PersonProfile.DoesNotExist:
        pass
    profile, _created = PersonProfile.objects.get_or_create(
        user=user, defaults={"full_name": profile_name_seed(user)}
    )
    # get_or_create's fetched row does not fill the user's reverse cache.
    profile.user = user
    return profile


def profile_update(*, user, **fields) -> PersonProfile:
    """Set profile fields of `user` (only those named) and save them."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not profile fields: {', '.join(sorted(unknown))}")
    profile = profile_of(user)
    for name, value in fields.items():
        setattr(profile, name, value)
    if fields:
        profile.save(update_fields=list(fields))
    return profile


def full_name_of(user) -> str:
    """The name to show for `user`: the profile's full name or the username."""
    if user is None:
        return ""
    return profile_of(user).full_name or user.get_username()
