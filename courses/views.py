"""Thin dispatchers for the course and lesson pages, and the learner dashboard."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from lms.people.voice import vgettext, voice_for

from .models import CoursePage, EnrolmentMode, LessonPage
from .page_cache import anonymous_cacheable
from .selectors import (
    CourseStatus,
    catalogue_main,
    course_status_for,
    learning_of_children,
    my_learning_for,
    page_is_live_for_learners,
)
from .services import (
    CourseActionRefused,
    course_open,
    course_self_enrol,
    lesson_complete,
    lesson_start,
)

# Said to the reader, so translated per voice (lms.people.voice).
CONSENT_REFUSAL = (
    "Your school needs your consent (and, under 16, your parent's or "
    "guardian's) before you can start this course. Please ask your school."
)

REFUSAL_MESSAGES = {
    "order": gettext_lazy("Finish the earlier steps of this course first."),
    "not_enrolled": gettext_lazy("Enrol in the course first."),
    "not_a_step": gettext_lazy("This lesson is not part of the course any more."),
    "consent": gettext_lazy(CONSENT_REFUSAL),
}


def _consent_refusal(user, course: CoursePage) -> str:
    return vgettext(
        voice_for(user, course),
        CONSENT_REFUSAL,
    )


def _sign_in_redirect(request):
    login = reverse("lms_people:login")
    return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")


def _preview_status(course: CoursePage | None) -> CourseStatus | None:
    """Progress of an invented learner half-way through, for Wagtail previews."""
    if course is None:
        return None
    from django.contrib.auth.models import AnonymousUser

    from .selectors import Access

    status = course_status_for(user=AnonymousUser(), course=course)
    status.access = Access(True)
    status.enrolled = True
    for index, step in enumerate(status.steps):
        step.done = index < len(status.steps) // 2
        step.available = True
        step.waiting_for = []
    return status


def course_serve(request, course: CoursePage, *args, **kwargs):
    if getattr(request, "is_preview", False):
        context = course.get_context(request)
        context["status"] = _preview_status(course)
        context["catalogue"] = course.get_parent()
        context["is_preview"] = True
        return TemplateResponse(request, course.get_template(request), context)

    if not page_is_live_for_learners(course, request=request):
        raise Http404
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return _sign_in_redirect(request)
        if request.POST.get("action") == "enrol":
            try:
                course_self_enrol(user=user, course=course)
            except CourseActionRefused as refusal:
                raise Http404 from refusal
            messages.success(
                request,
                vgettext(
                    voice_for(user, course), "You are enrolled. Enjoy the course!"
                ),
            )
        return redirect(course.get_url(request))

    status = course_status_for(user=user, course=course)
    if user.is_authenticated and not status.access:
        if status.access.reason != "consent":
            raise Http404
        # The course is theirs to take once the school records consent: say so.
        context = course.get_context(request)
        context.update(status=status, refusal=_consent_refusal(user, course))
        context["catalogue"] = (
            getattr(request, "lms_catalogue", None) or course.get_parent()
        )
        return TemplateResponse(request, course.get_template(request), context)
    if (
        status.access
        and course.enrolment_mode != EnrolmentMode.SELF
        and not status.enrolled
    ):
        # Enrolling changes only that in the status just read.
        status.enrolled = (
            course_open(user=user, course=course, status=status) is not None
        )
    context = course.get_context(request)
    context["status"] = status
    context["catalogue"] = (
        getattr(request, "lms_catalogue", None) or course.get_parent()
    )
    response = TemplateResponse(request, course.get_template(request), context)
    if not user.is_authenticated:
        anonymous_cacheable(response)
    return response


def _lesson_course(request, lesson: LessonPage) -> CoursePage | None:
    routed = getattr(request, "lms_course", None)
    if routed is not None:
        return routed
    try:
        parent = lesson.get_parent()
    except (AttributeError, Page.DoesNotExist):
        return None
    return (
        parent.specific if parent and isinstance(parent.specific, CoursePage) else None
    )


def lesson_serve(request, lesson: LessonPage, *args, **kwargs):
    course = _lesson_course(request, lesson)
    if getattr(request, "is_preview", False):
        status = _preview_status(course)
        context = lesson.get_context(request)
        context.update(
            course=course,
            status=status,
            step=status.step_for(lesson.pk) if status else None,
            is_preview=True,
        )
        return TemplateResponse(request, lesson.get_template(request), context)

    if course is None:
        raise Http404
    user = request.user
    if not user.is_authenticated:
        return _sign_in_redirect(request)
    status = course_status_for(user=user, course=course)
    if not status.access:
        if status.access.reason == "consent":
            messages.info(request, _consent_refusal(user, course))
            return redirect(course.get_url(request))
        raise Http404
    if not status.enrolled:
        if course.enrolment_mode == EnrolmentMode.SELF:
            messages.info(request, _("Enrol in the course to start its lessons."))
            return redirect(course.get_url(request))
        # Enrolling changes only that in the status just read.
        status.enrolled = (
            course_open(user=user, course=course, status=status) is not None
        )
    step = status.step_for(lesson.pk)
    if step is None:
        raise Http404
    if not step.available:
        messages.info(request, REFUSAL_MESSAGES["order"])
        return redirect(course.get_url(request))

    if request.method == "POST" and request.POST.get("action") == "complete":
        try:
            done = lesson_complete(
                user=user, lesson=lesson, course=course, status=status
            )
        except CourseActionRefused as refusal:
            messages.error(
                request, REFUSAL_MESSAGES.get(refusal.reason, refusal.reason)
            )
            return redirect(lesson.get_url(request))
        status = done.course_status  # read after the change
        voice = voice_for(user, course)
        if status.completed:
            messages.success(
                request,
                vgettext(voice, "Well done! You have completed this course."),
            )
            return redirect(course.get_url(request))
        messages.success(request, lesson_done_message(voice, lesson, status))
        following = _following_step(status, lesson)
        target = following.page if following else course
        return redirect(target.get_url(request))

    if not getattr(step.page, "step_started", False):
        lesson_start(
            user=user,
            lesson=lesson,
            course=course,
            school_year_id=status.school_year_id,
            new=True,
        )
    context = lesson.get_context(request)
    context.update(
        course=course,
        status=status,
        step=step,
        previous_step=_neighbour(status, lesson, -1),
        next_step=_neighbour(status, lesson, +1),
    )
    return TemplateResponse(request, lesson.get_template(request), context)


def lesson_done_message(voice: str, lesson: LessonPage, status: CourseStatus) -> str:
    """What the learner reads after marking a lesson done: which, and how far
    through the course's lessons they are now."""
    lessons = [step for step in status.steps if not step.page.tests_lessons]
    return vgettext(
        voice, "You have finished “%(title)s”. Lessons done: %(done)s/%(total)s."
    ) % {
        "title": lesson.title,
        "done": sum(step.done for step in lessons),
        "total": len(lessons),
    }


def _neighbour(status: CourseStatus, lesson, offset: int):
    ids = [step.page.pk for step in status.steps]
    index = ids.index(lesson.pk) + offset
    return status.steps[index] if 0 <= index < len(ids) else None


def _following_step(status: CourseStatus, lesson):
    """The next step to do after `lesson`: first undone one after it, else before."""
    ids = [step.page.pk for step in status.steps]
    position = ids.index(lesson.pk) if lesson.pk in ids else -1
    ordered = status.steps[position + 1 :] + status.steps[: position + 1]
    return next((s for s in ordered if not s.done and s.available), None)


def my_learning_panels(request, context: dict) -> list[dict]:
    """Sections other apps add to "My learning" (e.g. certificates).

    A function registered with the ``lms_my_learning_panels`` Wagtail hook
    takes ``(request, context)`` and returns ``None`` or a dict with a
    ``template`` to include (the dict is available to it as ``panel``).
    """
    from wagtail import hooks

    panels = []
    for fn in hooks.get_hooks("lms_my_learning_panels"):
        panel = fn(request, context)
        if panel:
            panels.append(panel)
    return panels


def child_learning_panels(request, learning) -> list[dict]:
    """Sections other apps add to a child's part of their parent's page.

    A function registered with the ``lms_child_learning_panels`` Wagtail hook
    takes ``(request, learning)`` (a ``selectors.ChildLearning``) and returns
    ``None`` or a dict with a ``template`` to include (as ``panel``).
    """
    from wagtail import hooks

    panels = []
    for fn in hooks.get_hooks("lms_child_learning_panels"):
        panel = fn(request, learning)
        if panel:
            panels.append(panel)
    return panels


def family_context(request, context: dict) -> dict:
    """Add the signed-in parent's children to a My learning `context`.

    ``children``: each child's own My learning with its panels; ``parent_only``
    when the account has no learning of its own to show.
    """
    children = learning_of_children(parent=request.user)
    for learning in children:
        learning.panels = child_learning_panels(request, learning)
    own = ("in_progress", "enrolled", "completed", "not_started", "to_finish")
    context["children"] = children
    context["parent_only"] = bool(children) and not any(
        context.get(name) for name in own
    )
    return context


@login_required
def my_learning(request):
    context = family_context(request, my_learning_for(user=request.user))
    context["lms_panels"] = (
        [] if context["parent_only"] else my_learning_panels(request, context)
    )
    return TemplateResponse(request, "lms_courses/my_learning.html", context)


def course_certificate(request, status: CourseStatus) -> dict | None:
    """The certificate state another app reports for a completed course.

    A function registered with the ``lms_course_certificate`` Wagtail hook
    takes ``(request, status)`` and returns ``None`` or a dict with
    ``ready`` (bool) and ``url`` (where the learner gets it).
    """
    from wagtail import hooks

    for fn in hooks.get_hooks("lms_course_certificate"):
        found = fn(request, status)
        if found:
            return found
    return None


def catalogue(request):
    """The header's "Courses" link: a stable address for the site's catalogue."""
    page = catalogue_main(request=request)
    return redirect(page.get_url(request) if page is not None else "/")
