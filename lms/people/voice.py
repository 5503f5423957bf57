"""How a page addresses the person reading it.

Vietnamese has no neutral "you": a pupil is "em", an adult (teacher,
collaborator, parent, visitor) is "thầy/cô" or "bạn". A text that speaks to
the reader is written once in English and translated twice, under the gettext
contexts ``STUDENT`` and ``ADULT``::

    {% translate "You have not passed yet." context voice %}
    vgettext(voice, "You have not passed yet.")

and each ``.po`` file carries both entries (``msgctxt "student"`` with "em",
``msgctxt "adult"`` with "bạn"). Texts that do not address the reader keep
plain gettext.

Every page of ours has ``voice`` in its template context: the
``{% extends_lms_layout %}`` tag works it out (see ``voice_of_context``), so
views pass nothing unless they know better.
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import pgettext

STUDENT = "student"
ADULT = "adult"

# Course audiences (courses.models.Audience values), named here so this core
# module does not import the courses app.
_STUDENT_AUDIENCE = "students"


def voice_of_user(user) -> str:
    """``STUDENT`` for a pupil, ``ADULT`` for everyone else.

    A person who holds a student membership and no adult one (in any year)
    is a pupil. Anonymous visitors may be parents as well as pupils, and are
    addressed as adults. Cached on the user object for the request.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return ADULT
    cached = getattr(user, "_lms_voice", None)
    if cached is not None:
        return cached
    from .models import Role
    from .selectors import roles_of

    roles = roles_of(user=user)
    voice = STUDENT if roles == {Role.STUDENT} else ADULT
    user._lms_voice = voice
    return voice


def voice_for(user, course=None) -> str:
    """The voice of a page about ``course`` read by ``user``.

    A course for students only speaks as to a pupil, a course without
    students as to an adult; a course for both follows the reader.
    """
    audiences = getattr(course, "audiences", None)
    if audiences:
        if audiences == {_STUDENT_AUDIENCE}:
            return STUDENT
        if _STUDENT_AUDIENCE not in audiences:
            return ADULT
    return voice_of_user(user)


def voice_of_context(context) -> str:
    """The voice for a template: the view's, else the course's, else the reader's.

    Lazy: a page that says nothing to its reader costs no query.
    """
    voice = context.get("voice")
    if voice is not None and voice in (STUDENT, ADULT):
        return voice
    course = context.get("course")
    if course is None:
        page = context.get("page")
        if getattr(page, "audiences", None) is not None:
            course = page
    request = context.get("request")
    return _lazy_voice_for(getattr(request, "user", None), course)


_lazy_voice_for = lazy(voice_for, str)


def vgettext(voice: str, message: str) -> str:
    """``message`` translated for ``voice`` (see the module docstring)."""
    return pgettext(voice, message)


def voices_of_users_prefetch(users) -> None:
    """Work out ``voice_of_user`` for many users in one query (e-mail batches)."""
    from .models import Membership, Role

    pending = {
        user.pk: user
        for user in users
        if user.pk is not None and getattr(user, "_lms_voice", None) is None
    }
    roles: dict[int, set[str]] = {pk: set() for pk in pending}
    memberships = Membership.objects.filter(user_id__in=pending)
    for user_id, role in memberships.values_list("user_id", "role"):
        roles[user_id].add(role)
    for pk, user in pending.items():
        user._lms_voice = STUDENT if roles[pk] == {Role.STUDENT} else ADULT
