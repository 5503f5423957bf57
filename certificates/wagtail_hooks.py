from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, data_protection, policies
from .forms import CertificateTemplateForm
from .learner import child_certificates_panel, course_certificate, my_learning_panel
from .models import CertificateTemplate

TEMPLATE_POLICY = policies.CertificateTemplatePermissionPolicy()
register_permission_policy(CertificateTemplate, TEMPLATE_POLICY)


def _owned(view_class, action: str):
    """`view_class` that refuses a template `action` is not allowed on."""

    def get_object(self, *args, **kwargs):
        obj = view_class.get_object(self, *args, **kwargs)
        if not TEMPLATE_POLICY.user_has_permission_for_instance(
            self.request.user, action, obj
        ):
            raise PermissionDenied
        return obj

    return type(
        f"Owned{view_class.__name__}", (view_class,), {"get_object": get_object}
    )


def _usable_only(view_class):
    """A chooser view listing only the templates one may use."""

    def get_object_list(self):
        return policies.templates_usable_by(user=self.request.user)

    return type(
        f"Owned{view_class.__name__}",
        (view_class,),
        {"get_object_list": get_object_list},
    )


class TemplateChosenView(SnippetChooserViewSet.chosen_view_class):
    def get_object(self, pk):
        return policies.templates_usable_by(user=self.request.user).get(pk=pk)


class TemplateChosenMultipleView(SnippetChooserViewSet.chosen_multiple_view_class):
    def get_objects(self, pks):
        return policies.templates_usable_by(user=self.request.user).filter(pk__in=pks)


class TemplateChooserViewSet(SnippetChooserViewSet):
    choose_view_class = _usable_only(SnippetChooserViewSet.choose_view_class)
    choose_results_view_class = _usable_only(
        SnippetChooserViewSet.choose_results_view_class
    )
    chosen_view_class = TemplateChosenView
    chosen_multiple_view_class = TemplateChosenMultipleView


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full-inverse"
    menu_label = _("Certificate templates")
    menu_hook = "register_lms_menu_item"
    menu_order = 520
    list_display = ["name", "page_size", "orientation", "version", "updated_at"]
    search_fields = ["name", "title"]
    chooser_viewset_class = TemplateChooserViewSet
    edit_handler = ObjectList(
        [FieldPanel("school"), *CertificateTemplate.panels],
        base_form_class=CertificateTemplateForm,
    )
    edit_view_class = _owned(snippet_views.EditView, "change")
    delete_view_class = _owned(snippet_views.DeleteView, "delete")
    copy_view_class = _owned(snippet_views.CopyView, "view")
    usage_view_class = _owned(snippet_views.UsageView, "view")
    history_view_class = _owned(snippet_views.HistoryView, "view")
    inspect_view_class = _owned(snippet_views.InspectView, "view")
    preview_on_edit_view_class = _owned(snippet_views.PreviewOnEditView, "change")

    def get_queryset(self, request):
        return policies.templates_usable_by(user=request.user)


register_snippet(CertificateTemplateViewSet)


@hooks.register("register_snippet_listing_buttons")
def template_preview_button(snippet, user, next_url=None):
    if isinstance(snippet, CertificateTemplate) and policies.may_preview_template(
        user=user, template=snippet
    ):
        yield ListingButton(
            _("Preview PDF"),
            reverse("lms_certificates_template_preview", args=[snippet.pk]),
            icon_name="view",
            attrs={"target": "_blank", "rel": "noopener"},
            priority=30,
        )


@hooks.register("register_admin_urls")
def certificate_admin_urls():
    return [
        path(
            "lms/certificates/",
            admin_views.certificate_list,
            name="lms_certificates_admin_list",
        ),
        path(
            "lms/certificates/<int:pk>/",
            admin_views.certificate_detail,
            name="lms_certificates_admin_detail",
        ),
        path(
            "lms/certificates/issue/",
            admin_views.issue_one,
            name="lms_certificates_issue_one",
        ),
        path(
            "lms/certificates/bulk/",
            admin_views.bulk_issue,
            name="lms_certificates_bulk",
        ),
        path(
            "lms/certificates/batches/<int:pk>/",
            admin_views.batch_detail,
            name="lms_certificates_batch",
        ),
        path(
            "lms/certificates/batches/<int:pk>/progress.json",
            admin_views.batch_progress_json,
            name="lms_certificates_batch_progress",
        ),
        path(
            "lms/certificates/templates/<int:pk>/preview.pdf",
            admin_views.template_preview,
            name="lms_certificates_template_preview",
        ),
    ]


@hooks.register("register_lms_menu_item")
def certificates_menu_item():
    return MenuItem(
        _("Certificates"),
        reverse("lms_certificates_admin_list"),
        icon_name="doc-full",
        order=500,
    )


class ManagerMenuItem(MenuItem):
    """Shown to those who may issue (school admins, the Department, superusers)."""

    def is_shown(self, request):
        return policies.may_manage_certificates(user=request.user)


@hooks.register("register_lms_menu_item")
def bulk_issue_menu_item():
    return ManagerMenuItem(
        _("Issue certificates"),
        reverse("lms_certificates_bulk"),
        icon_name="form",
        order=510,
    )


@hooks.register("lms_course_edit_tabs")
def course_certificate_tab():
    return (
        _("Certificates"),
        [
            InlinePanel(
                "certificate_settings",
                heading=_("Certificate per audience"),
                label=_("Certificate"),
                help_text=_(
                    "Choose a template for each audience that earns a certificate, "
                    "and whether it is issued automatically on completion."
                ),
                max_num=3,
            )
        ],
    )


hooks.register("lms_my_learning_panels", my_learning_panel)
hooks.register("lms_child_learning_panels", child_certificates_panel)
hooks.register("lms_course_certificate", course_certificate)


hooks.register("lms_person_data_export", data_protection.person_certificates_export)
hooks.register("lms_person_erase", data_protection.person_certificates_erase)

# Wagtail's site history lists entries about a template only to those who may
# use it (see lms/wagtail_reports.py).
hooks.register(
    "register_log_entry_scope",
    lambda: (
        CertificateTemplate,
        lambda *, viewer: policies.templates_usable_by(user=viewer),
    ),
)


@hooks.register("lms_course_form_clean")
def course_templates_are_usable(form):
    """A course may print only templates its editor may use: their school's or
    the library's, whatever id a crafted form sends."""
    formset = form.formsets.get("certificate_settings")
    if formset is None or form.for_user is None:
        return
    formset.is_valid()  # clean the rows first: their templates are read below
    usable = policies.templates_usable_by(user=form.for_user)
    for child in formset.forms:
        template = getattr(child, "cleaned_data", {}).get("template")
        if template is not None and not usable.filter(pk=template.pk).exists():
            child.add_error(
                "template", _("Choose a certificate template of your school.")
            )


@hooks.register("lms_course_pack_sections")
def course_pack_certificate():
    from .packs import section

    return section()
