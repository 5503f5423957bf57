"""Staff pages in the Wagtail admin: who is where in a course; assigning classes."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.people.models import Role, School, SchoolClass, SchoolYear
from lms.people.policies import schools_managed_by
from lms.people.selectors import classes_visible_to, learners_visible_to

from . import policies, progress
from .models import CourseCompletion, CoursePage, Enrolment
from .selectors import course_learner_states, course_learners_for
from .services import course_assign_to_classes

User = get_user_model()

STATES = [
    ("", gettext_lazy("Any status")),
    ("not_started", gettext_lazy("Not started")),
    ("enrolled", gettext_lazy("Enrolled")),
    ("in_progress", gettext_lazy("In progress")),
    ("completed", gettext_lazy("Completed")),
]


class LearnerFilterForm(forms.Form):
    # Whose figures: that year's members, and of a course required every
    # school year that year's rows (empty: everyone, this year's rows).
    school_year = forms.ModelChoiceField(
        label=gettext_lazy("School year"),
        queryset=SchoolYear.objects.order_by("-starts_on"),
        required=False,
        empty_label=gettext_lazy("This school year"),
    )
    school = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=School.objects.none(), required=False
    )
    school_class = forms.ModelChoiceField(
        label=gettext_lazy("Class"), queryset=SchoolClass.objects.none(), required=False
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[("", gettext_lazy("Any role"))] + list(Role.choices),
        required=False,
    )
    state = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=STATES, required=False
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        classes = classes_visible_to(viewer=viewer)
        self.fields["school_class"].queryset = classes
        self.fields["school"].queryset = School.objects.filter(
            pk__in=classes.values("school_id")
        ) | schools_managed_by(viewer=viewer)


def _course_or_404(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage, pk=course_id)


def course_learners(request, course_id: int):
    course = _course_or_404(course_id)
    viewer = request.user
    form = LearnerFilterForm(request.GET or None, viewer=viewer)
    learners = learners_visible_to(viewer=viewer).exclude(pk=viewer.pk)
    conditions = {}
    state = ""
    school_year = None
    if form.is_valid():
        data = form.cleaned_data
        school_year = data["school_year"]
        if school_year:
            conditions["memberships__school_year"] = school_year
        if data["school"]:
            conditions["memberships__school"] = data["school"]
        if data["school_class"]:
            conditions["memberships__school_class"] = data["school_class"]
        if data["role"]:
            conditions["memberships__role"] = data["role"]
        state = data["state"]
    # One read of who may be listed (id and sort key only); the totals and the
    # state filter come from the course's own rows, and each learner's
    # standing is worked out for the page shown only.
    # Listed: those the course is meant for (courses.progress: audience,
    # school year, class assignment) and anyone else who enrolled or
    # completed it. One filter() call so every condition applies to the same
    # membership.
    required = progress.required_memberships_filter(course)
    active = Q(pk__in=Enrolment.objects.filter(course=course).values("user_id")) | Q(
        pk__in=CourseCompletion.objects.filter(course=course).values("user_id")
    )
    meant_for = active if required is None else Q(**required) | active
    listed = sorted(
        learners.filter(meant_for, **conditions)
        .distinct()
        .values_list("lms_profile__sort_name", "pk")
    )
    ids = [pk for _sort_name, pk in listed]
    may_list = set(ids)
    states = {
        key: members & may_list
        for key, members in course_learner_states(
            viewer=viewer, course=course, school_year=school_year
        ).items()
    }
    active = set().union(*states.values())
    totals = {key: 0 for key, _label in STATES if key}
    totals.update({key: len(members) for key, members in states.items()})
    totals["not_started"] = len(ids) - len(active)
    if state == "not_started":
        ids = [pk for pk in ids if pk not in active]
    elif state:
        ids = [pk for pk in ids if pk in states[state]]
    page = Paginator(ids, 100).get_page(request.GET.get("p"))
    order = {pk: index for index, pk in enumerate(page.object_list)}
    rows = course_learners_for(
        viewer=viewer,
        course=course,
        school_year=school_year,
        learners=User.objects.filter(pk__in=page.object_list).select_related(
            "lms_profile"
        ),
    )
    page.object_list = sorted(rows, key=lambda row: order[row.user.pk])
    return TemplateResponse(
        request,
        "lms_courses/admin/course_learners.html",
        {
            "course": course,
            "form": form,
            "page_obj": page,
            "totals": totals,
            "state_labels": dict(STATES),
            "can_assign": policies.may_assign_course(user=viewer, course=course),
        },
    )


class AssignForm(forms.Form):
    classes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Classes"),
        queryset=SchoolClass.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, viewer, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].queryset = policies.classes_assignable(
            user=viewer, course=course
        )


def course_assign(request, course_id: int):
    course = _course_or_404(course_id)
    viewer = request.user
    if not policies.may_assign_course(user=viewer, course=course):
        raise PermissionDenied
    form = AssignForm(request.POST or None, viewer=viewer, course=course)
    if request.method == "POST" and form.is_valid():
        classes = list(form.cleaned_data["classes"])
        new = course_assign_to_classes(
            course=course, classes=classes, assigned_by=viewer
        )
        messages.success(
            request,
            _("Assigned to %(classes)s; %(count)d students newly enrolled.")
            % {"classes": ", ".join(c.name for c in classes), "count": new},
        )
        return redirect(reverse("lms_courses_learners", args=[course.pk]))
    assigned = course.class_assignments.select_related("school_class__school")
    return TemplateResponse(
        request,
        "lms_courses/admin/course_assign.html",
        {"course": course, "form": form, "assigned": assigned},
    )


class SupersededLawForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("Law in force on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


KIND_LABELS = {
    "lesson": gettext_lazy("Lesson"),
    "question": gettext_lazy("Quiz question"),
    "certificate_template": gettext_lazy("Certificate template"),
}
WHERE_LABELS = {
    "block": gettext_lazy("Legal article quoted"),
    "tag": gettext_lazy("Tagged with the article"),
    "text": gettext_lazy("Document named in the text"),
}


def _edit_url(citation) -> str:
    if citation.kind == "lesson":
        return reverse("wagtailadmin_pages:edit", args=[citation.obj.pk])
    if citation.kind == "question":
        return reverse(
            "wagtailsnippets_lms_quizzes_question:edit", args=[citation.obj.pk]
        )
    return reverse(
        "wagtailsnippets_lms_certificates_certificatetemplate:edit",
        args=[citation.obj.pk],
    )


def superseded_law_report(request):
    """Content that cites a legal reference no longer in force on a date
    (today unless chosen), limited to what the user may edit."""
    from certificates.policies import templates_editable_by
    from quizzes.models import Question
    from quizzes.policies import owner_q

    from . import legal

    if not policies.may_see_superseded_law_report(user=request.user):
        raise PermissionDenied
    form = SupersededLawForm(request.GET or None)
    on = legal.today()
    if form.is_valid() and form.cleaned_data["on"]:
        on = form.cleaned_data["on"]
    elif not form.is_bound:
        form = SupersededLawForm(initial={"on": on})
    references = list(legal.superseded_on(on))
    questions = Question.objects.all()
    where = owner_q(request.user, "change", prefix="category__")
    if where is not None:
        questions = questions.filter(where)
    citations = legal.citations_of(
        references,
        lessons=policies.lessons_editable_by(user=request.user),
        questions=questions,
        templates=templates_editable_by(user=request.user),
    )
    rows = [
        {
            "kind": KIND_LABELS[citation.kind],
            "title": str(citation.obj),
            "url": _edit_url(citation),
            "reference": citation.reference,
            "why": legal.supersession(citation.reference, on),
            "where": WHERE_LABELS[citation.where],
        }
        for citation in citations
    ]
    return TemplateResponse(
        request,
        "lms_courses/admin/superseded_law_report.html",
        {
            "form": form,
            "on": on,
            "rows": rows,
            "page_obj": Paginator(rows, 100).get_page(request.GET.get("p")),
        },
    )


class ProposeForLibraryForm(forms.Form):
    library = forms.ModelChoiceField(
        label=gettext_lazy("Department library catalogue"),
        queryset=policies.library_catalogues(),
        empty_label=None,
    )


def propose_for_library(request, course_id: int):
    """A school admin proposes one of their school's courses for the
    Department library: a copy there, submitted to the library's workflow."""
    from .services import course_propose_for_library

    course = _course_or_404(course_id)
    if not policies.may_propose_for_library(user=request.user, course=course):
        raise PermissionDenied
    form = ProposeForLibraryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        copy = course_propose_for_library(
            course=course, library=form.cleaned_data["library"], user=request.user
        )
        messages.success(
            request,
            _(
                "“%(title)s” is proposed for the Department library and awaits "
                "a Department officer's review."
            )
            % {"title": copy.title},
        )
        return redirect(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    return TemplateResponse(
        request,
        "lms_courses/admin/propose_for_library.html",
        {"course": course, "form": form},
    )
