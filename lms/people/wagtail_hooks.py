from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import policies
from .admin_forms import ConsentForm, MembershipForm, SchoolClassForm
from .admin_scope import ProtectedDeleteView, ScopedModelViewSet
from .admin_views import (
    ConsentDeleteView,
    ConsentEditView,
    ConsentStatusViewSet,
    MembershipDeleteView,
    MembershipEditView,
    SchoolClassDeleteView,
    SchoolClassEditView,
    SchoolClassIndexView,
    SchoolDeleteView,
    SchoolEditView,
    person_data_export_view,
    person_erase_view,
    school_year_start_view,
)
from .bulk_actions import SCOPED_USER_BULK_ACTIONS
from .guardian_admin import GuardianViewSet, guardians_visible_to
from .models import (
    Consent,
    Department,
    Guardian,
    Membership,
    RosterImportJob,
    School,
    SchoolClass,
    SchoolYear,
)
from .roster.admin_views import RosterImportViewSet
from .roster.jobs import job_progress
from .selectors import (
    classes_visible_to,
    consents_visible_to,
    learners_visible_to,
    memberships_visible_to,
)

User = get_user_model()


class DepartmentViewSet(ModelViewSet):
    model = Department
    delete_view_class = ProtectedDeleteView
    icon = "site"
    menu_label = _("Departments")
    add_to_admin_menu = False
    form_fields = ["name", "code"]
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class SchoolIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if policies.may_start_school_year(user=self.request.user, school=instance):
            buttons.append(
                MenuItem(
                    _("Start a new school year"),
                    url=reverse("lms_schools:new_year", args=[instance.pk]),
                    icon_name="date",
                    priority=40,
                )
            )
        return buttons


class SchoolViewSet(ScopedModelViewSet):
    model = School
    icon = "home"
    menu_label = _("Schools")
    form_fields = [
        "department",
        "name",
        "code",
        "address",
        "learning_needs_consent",
        "last_grade",
    ]
    list_display = ["name", "code", "department"]
    list_filter = ["department"]
    search_fields = ["name", "code"]
    scope = staticmethod(policies.schools_visible_to)
    index_view_class = SchoolIndexView
    edit_view_class = SchoolEditView
    delete_view_class = SchoolDeleteView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/new-year/", school_year_start_view, name="new_year"),
        ]


class SchoolYearViewSet(ModelViewSet):
    model = SchoolYear
    delete_view_class = ProtectedDeleteView
    icon = "date"
    menu_label = _("School years")
    form_fields = ["name", "starts_on", "ends_on"]
    list_display = ["name", "starts_on", "ends_on"]


class SchoolClassViewSet(ScopedModelViewSet):
    model = SchoolClass
    icon = "group"
    menu_label = _("Classes")
    edit_handler = ObjectList(
        [FieldPanel(name) for name in ("school", "school_year", "name", "grade")],
        base_form_class=SchoolClassForm,
    )
    list_display = ["name", "school", "school_year", "grade"]
    list_filter = ["school_year", "school"]
    search_fields = ["name"]
    scope = staticmethod(classes_visible_to)
    index_view_class = SchoolClassIndexView
    edit_view_class = SchoolClassEditView
    delete_view_class = SchoolClassDeleteView


class MembershipViewSet(ScopedModelViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Roles")
    edit_handler = ObjectList(
        [
            FieldPanel(name)
            for name in (
                "user",
                "role",
                "school_year",
                "department",
                "school",
                "school_class",
            )
        ],
        base_form_class=MembershipForm,
    )
    list_display = ["user", "role", "school", "school_class", "school_year"]
    list_filter = ["role", "school_year", "school"]
    search_fields = [
        "user__lms_profile__full_name",
        "user__lms_profile__search_name",
        "user__username",
    ]
    scope = staticmethod(memberships_visible_to)
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView


class ConsentViewSet(ScopedModelViewSet):
    model = Consent
    icon = "tick-inverse"
    menu_label = _("Consents")
    edit_handler = ObjectList(
        [
            FieldPanel(name)
            for name in (
                "learner",
                "given_by",
                "giver_name",
                "method",
                "given_on",
                "withdrawn_on",
                "note",
            )
        ],
        base_form_class=ConsentForm,
    )
    list_display = ["learner", "given_by", "giver_name", "method", "given_on"]
    list_filter = ["given_by", "method"]
    search_fields = [
        "learner__lms_profile__full_name",
        "learner__lms_profile__search_name",
        "giver_name",
    ]
    scope = staticmethod(consents_visible_to)
    edit_view_class = ConsentEditView
    delete_view_class = ConsentDeleteView


class OrganisationGroup(ViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "site"
    menu_order = 210
    items = (
        DepartmentViewSet("lms_departments", url_prefix="lms/departments"),
        SchoolViewSet("lms_schools", url_prefix="lms/schools"),
        SchoolYearViewSet("lms_school_years", url_prefix="lms/school-years"),
        SchoolClassViewSet("lms_classes", url_prefix="lms/classes"),
        MembershipViewSet("lms_memberships", url_prefix="lms/memberships"),
        RosterImportViewSet("lms_roster", url_prefix="lms/roster-import"),
        ConsentViewSet("lms_consents", url_prefix="lms/consents"),
        ConsentStatusViewSet("lms_consent_status", url_prefix="lms/consent-status"),
        GuardianViewSet("lms_guardians", url_prefix="lms/guardians"),
    )


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationGroup()


# The "Learning" admin menu. Courses, quizzes and certificates add their items
# through the ``register_lms_menu_item`` hook, so staff find everything in one place.
LMS_MENU_HOOK = "register_lms_menu_item"


@hooks.register("register_admin_menu_item")
def register_lms_menu():
    return SubmenuMenuItem(
        _("Learning"),
        Menu(
            register_hook_name=LMS_MENU_HOOK, construct_hook_name="construct_lms_menu"
        ),
        name="lms",
        icon_name="doc-full-inverse",
        order=205,
    )


@hooks.register("register_admin_urls")
def register_person_data_urls():
    urls = [
        path("<int:pk>/data.zip", person_data_export_view, name="export"),
        path("<int:pk>/erase/", person_erase_view, name="erase"),
    ]
    return [path("lms/person-data/", include((urls, "lms_person_data")))]


# Wagtail's user bulk actions, replaced by ones limited to the people one may
# manage. Registered after Wagtail's (higher order), so ours win for the same
# action type; `refuse_unmanageable_people` guards any other action on users.
for _action in SCOPED_USER_BULK_ACTIONS:
    hooks.register("register_bulk_action", _action, order=100)


@hooks.register("before_bulk_action")
def refuse_unmanageable_people(request, action_type, objects, action_class_instance):
    if getattr(action_class_instance, "model", None) is not User:
        return None
    manageable = policies.people_manageable_by(actor=request.user)
    if manageable.filter(pk__in=[o.pk for o in objects]).count() != len(
        {o.pk for o in objects}
    ):
        raise PermissionDenied
    return None


# What of people and organisations each viewer may read in Wagtail's site
# history (see lms/wagtail_reports.py).
def _log_scope(model, scope):
    hooks.register("register_log_entry_scope", lambda: (model, scope))


_log_scope(User, learners_visible_to)
_log_scope(Membership, memberships_visible_to)
_log_scope(SchoolClass, classes_visible_to)
_log_scope(School, policies.schools_visible_to)
_log_scope(Consent, consents_visible_to)
_log_scope(Guardian, guardians_visible_to)


@hooks.register("construct_reports_menu")
def hide_department_reports(request, menu_items):
    """Page types usage is the Department's (see lms/wagtail_reports.py)."""
    if not policies.is_department_manager(user=request.user):
        menu_items[:] = [i for i in menu_items if i.name != "page-types-usage"]


@hooks.register("lms_dashboard_running_batches")
def roster_jobs_running(viewer) -> list[dict]:
    """Background roster imports not finished yet, for the admin dashboard's
    "batches running" panel (lms/reports/dashboard.py reads this hook)."""
    unfinished = [RosterImportJob.Status.QUEUED, RosterImportJob.Status.RUNNING]
    jobs = (
        policies.roster_jobs_followable_by(user=viewer)
        .filter(status__in=unfinished)
        .select_related("school")
        .order_by("created_at", "pk")
    )
    items = []
    for job in jobs:
        done, total = job_progress(job)
        items.append(
            {
                "kind": gettext("Roster import"),
                "title": job.filename,
                "where": job.school.name,
                "done": done,
                "total": total or job.rows,
                "url": reverse("lms_roster:job", args=[job.pk]),
            }
        )
    return items
