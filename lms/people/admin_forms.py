"""Admin forms that offer only the schools, classes and people in scope."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Department, SchoolYear
from .selectors import classes_visible_to, learners_visible_to, schools_managed_by


class SchoolClassForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["school"].queryset = schools_managed_by(viewer=self.for_user)


class MembershipForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        viewer = self.for_user
        if viewer is None:
            return
        self.fields["user"].queryset = learners_visible_to(viewer=viewer)
        self.fields["school"].queryset = schools_managed_by(viewer=viewer)
        self.fields["school_class"].queryset = classes_visible_to(viewer=viewer).filter(
            school__in=schools_managed_by(viewer=viewer)
        )
        self.fields["school_year"].queryset = SchoolYear.objects.all()
        if not viewer.is_superuser:
            self.fields["department"].queryset = Department.objects.filter(
                memberships__user=viewer, memberships__role="department_officer"
            ).distinct()

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if (
            role == "department_officer"
            and self.for_user is not None
            and not self.for_user.is_superuser
            and not self.fields["department"].queryset.exists()
        ):
            self.add_error(
                "role",
                _("Only a department officer can give the department officer role."),
            )
        return cleaned


class ConsentForm(WagtailAdminModelForm):
    """A consent record; the learner is one the person recording may see."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["learner"].queryset = learners_visible_to(
                viewer=self.for_user
            ).exclude(username__startswith="deleted-")

    def save(self, commit=True):
        if self.instance.recorded_by_id is None and self.for_user is not None:
            self.instance.recorded_by = self.for_user
        return super().save(commit=commit)
