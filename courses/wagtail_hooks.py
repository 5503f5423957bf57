from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.widgets import HeaderButton
from wagtail.permissions import page_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, data_protection, pack_admin_views, policies, services
from .legal_chooser import LegalReferenceChooserViewSet
from .models import (
    ConductPrinciple,
    CourseIndexPage,
    CoursePage,
    LegalDocument,
    LegalReference,
)
from .rollover import ClassAssignmentsCarried


class LegalDocumentViewSet(SnippetViewSet):
    model = LegalDocument
    icon = "doc-full-inverse"
    menu_label = _("Legal documents")
    menu_hook = "register_lms_menu_item"
    menu_order = 295
    list_display = ["number", "title", "in_force_from", "out_of_force_from"]
    list_filter = ["kind"]
    # Searched in the database: part of a number ("116/2025") matches as typed.
    search_fields = ["number", "title"]
    search_backend_name = None
    panels = [
        FieldPanel("number"),
        FieldPanel("title"),
        FieldPanel("kind"),
        MultiFieldPanel(
            [
                FieldPanel("issued_on"),
                FieldPanel("in_force_from"),
                FieldPanel("out_of_force_from"),
                FieldPanel("replaced_by"),
            ],
            heading=_("Dates"),
        ),
        FieldPanel("source_url"),
        FieldPanel("note"),
    ]


class LegalReferenceViewSet(SnippetViewSet):
    model = LegalReference
    icon = "doc-full"
    # The lesson editor's chooser finds a reference by the law's number too.
    chooser_viewset_class = LegalReferenceChooserViewSet
    menu_label = _("Legal references")
    menu_hook = "register_lms_menu_item"
    menu_order = 300
    list_display = ["document", "article", "title", "replaced_by"]
    # Searched in the database, not the index: part of a document number
    # ("24/2018") matches as typed.
    search_fields = ["document__number", "document__title", "title"]
    search_backend_name = None
    panels = [
        FieldPanel("document"),
        FieldPanel("article"),
        FieldPanel("title"),
        FieldPanel("replaced_by"),
        MultiFieldPanel(
            [FieldPanel("quote"), FieldPanel("quote_source")],
            heading=_("Quoted text"),
        ),
    ]


class ConductPrincipleViewSet(SnippetViewSet):
    model = ConductPrinciple
    icon = "tag"
    menu_label = _("Code-of-conduct principles")
    menu_hook = "register_lms_menu_item"
    menu_order = 310
    list_display = ["name"]


register_snippet(LegalDocumentViewSet)
register_snippet(LegalReferenceViewSet)
register_snippet(ConductPrincipleViewSet)


@hooks.register("register_admin_urls")
def course_admin_urls():
    return [
        path(
            "lms/courses/<int:course_id>/learners/",
            admin_views.course_learners,
            name="lms_courses_learners",
        ),
        path(
            "lms/courses/<int:course_id>/assign/",
            admin_views.course_assign,
            name="lms_courses_assign",
        ),
        path(
            "lms/legal/superseded/",
            admin_views.superseded_law_report,
            name="lms_courses_superseded_law",
        ),
        path(
            "lms/courses/<int:course_id>/pack/",
            pack_admin_views.pack_export,
            name="lms_courses_pack_export",
        ),
        path(
            "lms/courses/packs/import/",
            pack_admin_views.pack_import,
            name="lms_courses_pack_import",
        ),
        path(
            "lms/courses/<int:course_id>/propose-for-library/",
            admin_views.propose_for_library,
            name="lms_courses_propose_for_library",
        ),
    ]


class SupersededLawMenuItem(MenuItem):
    def is_shown(self, request):
        return policies.may_see_superseded_law_report(user=request.user)


@hooks.register("register_lms_menu_item")
def superseded_law_menu_item():
    return SupersededLawMenuItem(
        _("Content citing law no longer in force"),
        reverse("lms_courses_superseded_law"),
        icon_name="warning",
        order=305,
    )


class PackImportMenuItem(MenuItem):
    def is_shown(self, request):
        # Drawn on every admin page: read from the page permissions Wagtail
        # has already loaded for the menu, no query of its own. The import
        # page then asks the catalogue rule (a lapsed power is refused there).
        user = request.user
        if user.is_active and user.is_superuser:
            return True
        return any(
            grant.permission.codename == "add_page"
            and grant.page.specific_class is CourseIndexPage
            for grant in page_permission_policy.get_cached_permissions_for_user(user)
        )


@hooks.register("register_lms_menu_item")
def pack_import_menu_item():
    return PackImportMenuItem(
        _("Import a course pack"),
        reverse("lms_courses_pack_import"),
        icon_name="upload",
        order=290,
    )


@hooks.register("register_page_header_buttons")
def catalogue_pack_import_button(page, user, view_name, next_url=None):
    if not isinstance(page.specific_deferred, CourseIndexPage):
        return
    if policies.catalogues_importable_by(user=user).filter(pk=page.pk).exists():
        yield HeaderButton(
            label=_("Import a course pack"),
            url=reverse("lms_courses_pack_import") + f"?catalogue={page.pk}",
            icon_name="upload",
            priority=52,
        )


@hooks.register("register_page_header_buttons")
def course_header_buttons(page, user, view_name, next_url=None):
    if not isinstance(page.specific_deferred, CoursePage):
        return
    if policies.may_export_course(user=user, course=page):
        yield HeaderButton(
            label=_("Export the course pack"),
            url=reverse("lms_courses_pack_export", args=[page.pk]),
            icon_name="download",
            priority=53,
        )
    yield HeaderButton(
        label=_("Learners"),
        url=reverse("lms_courses_learners", args=[page.pk]),
        icon_name="group",
        priority=50,
    )
    if policies.may_assign_course(user=user, course=page):
        yield HeaderButton(
            label=_("Assign to classes"),
            url=reverse("lms_courses_assign", args=[page.pk]),
            icon_name="user",
            priority=51,
        )
    if policies.may_propose_for_library(user=user, course=page):
        yield HeaderButton(
            label=_("Propose for the Department library"),
            url=reverse("lms_courses_propose_for_library", args=[page.pk]),
            icon_name="copy",
            priority=54,
        )


# Children's data protection: this app's part of a person's export and erasure.
hooks.register("lms_person_data_export", data_protection.person_courses_export)
hooks.register("lms_person_erase", data_protection.person_courses_erase)

# Starting a new school year: courses assigned to a class follow it.
hooks.register("lms_school_year_rollover", ClassAssignmentsCarried())


@hooks.register("after_create_page")
def new_lesson_before_closing_quizzes(request, page):
    services.step_place_before_closing_quizzes(step=page, user=request.user)


@hooks.register("before_move_page")
def refuse_moves_without_rights(request, page, destination):
    """Wagtail checks a move only when it is made; its confirmation page would
    show anyone the page and its destination. Ask the same question first."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


@hooks.register("lms_course_pack_sections")
def course_pack_section():
    from .packs.course import section

    return section()


@hooks.register("register_log_actions")
def course_log_actions(actions):
    from .services import PROPOSE_LOG_ACTION

    actions.register_action(
        PROPOSE_LOG_ACTION,
        _("Propose for the Department library"),
        _("Proposed for the Department library"),
    )


@hooks.register("construct_homepage_panels")
def review_panels_first(request, panels):
    """Wagtail's two workflow panels, replaced by ours at the top."""
    from .review_panels import review_panels_replace

    review_panels_replace(panels)
