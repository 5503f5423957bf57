import django_filters
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.delete import (
    DeleteBulkAction as SnippetDeleteBulkAction,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views

from . import admin_views, data_protection, policies
from .forms import QuestionCategoryForm, QuestionForm
from .models import Question, QuestionCategory, QuizPage

# The question bank's permission policy decides everywhere Wagtail asks
# (registered before the viewsets so no fallback policy is created).
register_permission_policy(Question, policies.question_policy, exact_class=True)
register_permission_policy(QuestionCategory, policies.category_policy, exact_class=True)


def _policy_for(model):
    return policies.question_policy if model is Question else policies.category_policy


class OwnedObjectMixin:
    """Scope a Wagtail generic view's object to the question-bank policy.

    An item the user may not even use answers 404; one they may use but not
    act on (`object_action`) answers 403.
    """

    object_action = "view"

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        policy = _policy_for(self.model)
        user = self.request.user
        if not policy.user_has_permission_for_instance(user, "view", obj):
            raise Http404
        if self.object_action != "view" and not (
            policy.user_has_permission_for_instance(user, self.object_action, obj)
        ):
            raise PermissionDenied
        return obj


class OwnedListingMixin:
    """Listings show only what the user may use."""

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        allowed = _policy_for(self.model).instances_user_has_permission_for(
            self.request.user, "view"
        )
        return queryset.filter(pk__in=allowed.values("pk"))


def _usable_categories(request):
    if request is None:
        return QuestionCategory.objects.none()
    return policies.categories_usable_by(request.user)


class QuestionFilterSet(WagtailFilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("category"), queryset=_usable_categories
    )

    class Meta:
        model = Question
        fields = ["qtype", "category", "difficulty", "legal_references"]


# Question (snippet) views.
class QuestionIndexView(OwnedListingMixin, snippet_views.IndexView):
    pass


class QuestionEditView(OwnedObjectMixin, snippet_views.EditView):
    object_action = "change"


class QuestionDeleteView(OwnedObjectMixin, snippet_views.DeleteView):
    object_action = "delete"


class QuestionCopyView(OwnedObjectMixin, snippet_views.CopyView):
    object_action = "view"


class QuestionUsageView(OwnedObjectMixin, snippet_views.UsageView):
    object_action = "change"


class QuestionHistoryView(OwnedObjectMixin, snippet_views.HistoryView):
    object_action = "change"


class QuestionInspectView(OwnedObjectMixin, snippet_views.InspectView):
    pass


class QuestionPreviewOnEditView(OwnedObjectMixin, snippet_views.PreviewOnEditView):
    object_action = "change"


# Views of drafts, revisions, locks and the review: the same scoping, so
# another school's admin reaches none of them (the review task decides who
# acts, `models.QuestionReviewTask`).
class QuestionRevisionView(OwnedObjectMixin, snippet_views.PreviewRevisionView):
    object_action = "change"


class QuestionRevisionsCompareView(
    OwnedObjectMixin, snippet_views.RevisionsCompareView
):
    object_action = "change"


class QuestionRevisionsUnscheduleView(
    OwnedObjectMixin, snippet_views.RevisionsUnscheduleView
):
    object_action = "publish"


class QuestionUnpublishView(OwnedObjectMixin, snippet_views.UnpublishView):
    object_action = "publish"


class QuestionLockView(OwnedObjectMixin, snippet_views.LockView):
    object_action = "change"


class QuestionUnlockView(OwnedObjectMixin, snippet_views.UnlockView):
    object_action = "change"


class QuestionWorkflowActionView(OwnedObjectMixin, snippet_views.WorkflowActionView):
    pass


class QuestionCollectWorkflowActionDataView(
    OwnedObjectMixin, snippet_views.CollectWorkflowActionDataView
):
    pass


class QuestionConfirmWorkflowCancellationView(
    OwnedObjectMixin, snippet_views.ConfirmWorkflowCancellationView
):
    object_action = "change"


class QuestionWorkflowPreviewView(OwnedObjectMixin, snippet_views.WorkflowPreviewView):
    pass


class QuestionWorkflowHistoryView(OwnedObjectMixin, snippet_views.WorkflowHistoryView):
    object_action = "change"


class QuestionWorkflowHistoryDetailView(
    OwnedObjectMixin, snippet_views.WorkflowHistoryDetailView
):
    object_action = "change"


class QuestionChooseView(snippet_chooser.ChooseView):
    def get_object_list(self):
        return policies.questions_usable_by(self.request.user)


class QuestionChooseResultsView(snippet_chooser.ChooseResultsView):
    def get_object_list(self):
        return policies.questions_usable_by(self.request.user)


class QuestionChosenView(snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        return policies.questions_usable_by(self.request.user).get(pk=pk)


class QuestionChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return policies.questions_usable_by(self.request.user).filter(pk__in=pks)


class QuestionChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    chosen_view_class = QuestionChosenView
    chosen_multiple_view_class = QuestionChosenMultipleView


class QuestionCategoryViewSet(ModelViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    menu_hook = "register_lms_menu_item"
    menu_order = 400
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("parent"),
            FieldPanel("school"),
            FieldPanel("description"),
            FieldPanel("idnumber"),
            FieldPanel("ignore_diacritics"),
        ],
        base_form_class=QuestionCategoryForm,
    )
    # The path has no verbose name of its own: without a label the column
    # header would be the attribute name, in English.
    list_display = [
        Column("full_path", label=_("Category"), sort_key="full_path"),
        "school",
    ]
    search_fields = ["full_path"]
    ordering = ["full_path"]

    class IndexView(OwnedListingMixin, generic.IndexView):
        pass

    class EditView(OwnedObjectMixin, generic.EditView):
        object_action = "change"

    class DeleteView(OwnedObjectMixin, generic.DeleteView):
        object_action = "delete"

    class CopyView(OwnedObjectMixin, generic.CopyView):
        object_action = "view"

    class HistoryView(OwnedObjectMixin, history.HistoryView):
        object_action = "change"

    class UsageView(OwnedObjectMixin, usage.UsageView):
        object_action = "change"

    class InspectView(OwnedObjectMixin, generic.InspectView):
        pass

    index_view_class = IndexView
    edit_view_class = EditView
    delete_view_class = DeleteView
    copy_view_class = CopyView
    history_view_class = HistoryView
    usage_view_class = UsageView
    inspect_view_class = InspectView


class QuestionViewSet(snippet_views.SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    menu_hook = "register_lms_menu_item"
    menu_order = 410
    list_display = ["__str__", "qtype", "category", "difficulty", "version"]
    filterset_class = QuestionFilterSet
    # Searched in the database, not the index: a word from the middle of a
    # question's text matches (the index completes words of names only).
    search_fields = ["name", "text"]
    search_backend_name = None
    list_export = ["name", "qtype", "category", "points", "difficulty"]
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionForm)
    index_view_class = QuestionIndexView
    edit_view_class = QuestionEditView
    delete_view_class = QuestionDeleteView
    copy_view_class = QuestionCopyView
    usage_view_class = QuestionUsageView
    history_view_class = QuestionHistoryView
    inspect_view_class = QuestionInspectView
    preview_on_edit_view_class = QuestionPreviewOnEditView
    revisions_view_class = QuestionRevisionView
    revisions_compare_view_class = QuestionRevisionsCompareView
    revisions_unschedule_view_class = QuestionRevisionsUnscheduleView
    unpublish_view_class = QuestionUnpublishView
    lock_view_class = QuestionLockView
    unlock_view_class = QuestionUnlockView
    workflow_action_view_class = QuestionWorkflowActionView
    collect_workflow_action_data_view_class = QuestionCollectWorkflowActionDataView
    confirm_workflow_cancellation_view_class = QuestionConfirmWorkflowCancellationView
    workflow_preview_view_class = QuestionWorkflowPreviewView
    workflow_history_view_class = QuestionWorkflowHistoryView
    workflow_history_detail_view_class = QuestionWorkflowHistoryDetailView
    chooser_viewset_class = QuestionChooserViewSet


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


class GradeRecomputesMenuItem(MenuItem):
    def is_shown(self, request):
        return policies.may_view_grade_recomputes(request.user)


@hooks.register("register_lms_menu_item")
def grade_recomputes_menu_item():
    return GradeRecomputesMenuItem(
        _("Recomputed grades"),
        reverse("lms_quizzes_recomputes"),
        icon_name="history",
        order=425,
    )


class ImportMenuItem(MenuItem):
    """Shown to those who may import into some part of the question bank."""

    def is_shown(self, request):
        return policies.may_import_questions(request.user)


@hooks.register("register_lms_menu_item")
def import_menu_item():
    return ImportMenuItem(
        _("Import questions"),
        reverse("lms_quizzes_import"),
        icon_name="upload",
        order=430,
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
            "lms/quizzes/recomputes/",
            admin_views.grade_recomputes,
            name="lms_quizzes_recomputes",
        ),
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

# Wagtail's site history lists entries about the bank only to those who may
# see the question or category (see lms/wagtail_reports.py).
hooks.register(
    "register_log_entry_scope",
    lambda: (Question, lambda *, viewer: policies.questions_usable_by(viewer)),
)
hooks.register(
    "register_log_entry_scope",
    lambda: (QuestionCategory, lambda *, viewer: policies.categories_usable_by(viewer)),
)


class QuestionDeleteBulkAction(SnippetDeleteBulkAction):
    """Wagtail's bulk delete lists the items one may not delete by name; of
    another school's private bank, not even the names are shown."""

    models = [Question]

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        user = self.request.user
        extra["items_with_no_access"] = [
            item
            for item in extra["items_with_no_access"]
            if policies.question_policy.user_has_permission_for_instance(
                user, "view", item
            )
        ]
        return objects, extra


hooks.register("register_bulk_action", QuestionDeleteBulkAction, order=100)


@hooks.register("lms_course_pack_sections")
def course_pack_quizzes():
    from .packs import section

    return section()
