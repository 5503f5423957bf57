"""Admin forms that offer only the schools, classes and people in scope."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import policies
from .models import Department, Role, SchoolYear
from .selectors import classes_visible_to
from .services import guardian_children_set

User = get_user_model()


class SchoolClassForm(WagtailAdminModelForm):
    """A class of a school the person manages, in a year not yet ended."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["school"].queryset = policies.schools_managed_by(
                viewer=self.for_user
            )
            self.fields["school_year"].queryset = SchoolYear.objects.filter(
                policies.open_years_q()
            )

    def clean(self):
        cleaned = super().clean()
        school, year = cleaned.get("school"), cleaned.get("school_year")
        if (
            self.for_user is not None
            and school is not None
            and year is not None
            and not policies.may_manage_school(
                user=self.for_user, school=school, school_year=year
            )
        ):
            self.add_error(
                "school_year",
                _("You do not manage this school in this school year."),
            )
        return cleaned


class MembershipForm(WagtailAdminModelForm):
    """A role given to someone else, below one's own, where and when one manages.

    The choices offered come from `policies`; `clean` asks
    `policies.may_grant_membership` for the combination chosen.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        viewer = self.for_user
        if viewer is None:
            return
        managed = policies.schools_managed_by(viewer=viewer)
        self.fields["user"].queryset = policies.people_manageable_by(actor=viewer)
        self.fields["school"].queryset = managed
        self.fields["school_class"].queryset = classes_visible_to(viewer=viewer).filter(
            school__in=managed, school_year__ends_on__gte=timezone.localdate()
        )
        self.fields["school_year"].queryset = SchoolYear.objects.filter(
            policies.open_years_q()
        )
        roles = set(policies.grantable_roles(actor=viewer))
        self.fields["role"].choices = [
            (value, label)
            for value, label in self.fields["role"].choices
            if not value or value in roles
        ]
        if not viewer.is_superuser:
            self.fields["department"].queryset = Department.objects.filter(
                memberships__in=policies.active_memberships(user=viewer).filter(
                    role=Role.DEPARTMENT_OFFICER
                )
            ).distinct()

    def clean(self):
        cleaned = super().clean()
        viewer = self.for_user
        person, role = cleaned.get("user"), cleaned.get("role")
        year = cleaned.get("school_year")
        if viewer is None or person is None or not role or year is None:
            return cleaned
        department = cleaned.get("department")
        if not policies.may_grant_membership(
            actor=viewer,
            person=person,
            role=role,
            school=cleaned.get("school"),
            school_year=year,
            department_id=department.pk if department else None,
        ):
            self.add_error(
                "role",
                _("You cannot give this person this role here in this school year."),
            )
        return cleaned


class ConsentForm(WagtailAdminModelForm):
    """A consent record; the learner is one the person recording manages now."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["learner"].queryset = policies.people_manageable_by(
                actor=self.for_user
            ).exclude(username__startswith="deleted-")

    def save(self, commit=True):
        if self.instance.recorded_by_id is None and self.for_user is not None:
            self.instance.recorded_by = self.for_user
        return super().save(commit=commit)


class GuardianForm(WagtailAdminModelForm):
    """A parent or guardian contact of a school one manages, and their children
    among the learners one manages."""

    children = forms.ModelMultipleChoiceField(
        label=_("Children"),
        queryset=User.objects.none(),
        help_text=_("The learners this person is the parent or guardian of."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["school"].queryset = policies.schools_managed_by(
                viewer=self.for_user
            )
            self.fields["children"].queryset = (
                policies.people_manageable_by(actor=self.for_user)
                .filter(memberships__role=Role.STUDENT)
                .exclude(username__startswith="deleted-")
                .distinct()
            )
        if self.instance.pk:
            self.initial["children"] = list(
                self.instance.children.values_list("pk", flat=True)
            )

    def save(self, commit=True):
        guardian = super().save(commit=commit)
        if commit:
            guardian_children_set(
                guardian=guardian, children=list(self.cleaned_data["children"])
            )
        return guardian
