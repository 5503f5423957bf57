from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, data_protection
from .models import Question, QuestionCategory, QuizPage


class QuestionCategoryViewSet(ModelViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    menu_hook = "register_lms_menu_item"
    menu_order = 400
    form_fields = ["name", "parent"]
    list_display = ["full_path"]
    search_fields = ["full_path"]
    ordering = ["full_path"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    menu_hook = "register_lms_menu_item"
    menu_order = 410
    list_display = ["__str__", "qtype", "category", "difficulty", "version"]
    list_filter = ["qtype", "category", "difficulty", "legal_references"]
    search_fields = ["name", "text"]
    list_export = ["name", "qtype", "category", "points", "difficulty"]


register_snippet(QuestionViewSet)


@hooks.register("register_admin_viewset")
def register_category_viewset():
    return QuestionCategoryViewSet(
        "lms_question_categories", url_prefix="lms/question-categories"
    )


@hooks.register("register_lms_menu_item")
def essays_menu_item():
    return MenuItem(
        _("Essays to grade"),
        reverse("lms_quizzes_essays"),
        icon_name="edit",
        order=420,
    )


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users holding one permission."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_lms_menu_item")
def import_menu_item():
    return PermissionMenuItem(
        _("Import questions"),
        reverse("lms_quizzes_import"),
        icon_name="upload",
        order=430,
        permission="lms_quizzes.add_question",
    )


@hooks.register("register_admin_urls")
def quiz_admin_urls():
    return [
        path(
            "lms/quizzes/<int:quiz_id>/report/",
            admin_views.quiz_report,
            name="lms_quizzes_report",
        ),
        path(
            "lms/quizzes/<int:quiz_id>/regrade/",
            admin_views.attempt_regrade_view,
            name="lms_quizzes_regrade",
        ),
        path("lms/essays/", admin_views.essay_queue, name="lms_quizzes_essays"),
        path(
            "lms/essays/<int:response_id>/",
            admin_views.essay_grade_view,
            name="lms_quizzes_essay_grade",
        ),
        path(
            "lms/questions/import/",
            admin_views.question_import,
            name="lms_quizzes_import",
        ),
        path(
            "lms/questions/template.xlsx",
            admin_views.xlsx_template_download,
            name="lms_quizzes_xlsx_template",
        ),
        path(
            "lms/questions/export/",
            admin_views.question_export,
            name="lms_quizzes_export",
        ),
    ]


@hooks.register("register_page_header_buttons")
def quiz_header_buttons(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, QuizPage):
        yield HeaderButton(
            label=_("Results"),
            url=reverse("lms_quizzes_report", args=[page.pk]),
            icon_name="table",
            priority=50,
        )


# Children's data protection: this app's part of a person's export and erasure.
hooks.register("lms_person_data_export", data_protection.person_quizzes_export)
hooks.register("lms_person_erase", data_protection.person_quizzes_erase)
