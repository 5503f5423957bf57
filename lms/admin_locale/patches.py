"""The few places Wagtail 8 shows English that no catalogue entry reaches."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm
from wagtail.admin.views.pages.search import SearchView
from wagtail.models import Page, Site
from wagtail.sites.views import IndexView as SiteIndexView

_search_context = SearchView.get_context_data


def search_context_with_page_names(self, **kwargs):
    """The page search's context, naming its results ("3 trang", not "3 None").

    The results header counts "{items} {model_name}" from the view's
    verbose names, which the page search view never sets.
    """
    context = _search_context(self, **kwargs)
    if context.get("verbose_name") is None:
        context["verbose_name"] = Page._meta.verbose_name
    if context.get("verbose_name_plural") is None:
        context["verbose_name_plural"] = Page._meta.verbose_name_plural
    return context


def install() -> None:
    # The admin sign-in form's password field has no label, so Django shows
    # its name ("Password") untranslated.
    LoginForm.base_fields["password"].label = _("Password")
    SearchView.get_context_data = search_context_with_page_names
    # The sites listing names three columns after their attributes ("Port").
    for column in SiteIndexView.columns:
        if column.name in ("port", "site_name", "root_page"):
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)
