"""The legal-reference chooser of the lesson editor (the legal-article block).

Wagtail's snippet chooser searches the search index, which matches whole
words of titles only: an author who types the law's number ("116/2025") finds
nothing. This chooser searches the register in the database, every word of
the query in the document's number or title, the article's title or its
number (a bare number is an article, a document's number or its year).
It lists references by document, then by article number (2 before 16).
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
)

ORDERING = ["document__title", "document__number", "article_number", "article"]


class LegalReferenceSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q", "").strip()
        if not query:
            return objects
        for word in query.split():
            # "Điều" names every reference; "Điều 2" (or "Điều2") means article 2.
            article = word.casefold().removeprefix("điều")
            if not article:
                continue
            if article.isdigit():
                # A bare number is an article, or a document's number or year
                # ("116", "2025"), never any digit inside a number.
                match = (
                    Q(article=article)
                    | Q(document__number__startswith=f"{article}/")
                    | Q(document__number__contains=f"/{article}/")
                )
            else:
                match = (
                    Q(document__number__icontains=word)
                    | Q(document__title__icontains=word)
                    | Q(title__icontains=word)
                    | Q(article__iexact=article)
                )
            objects = objects.filter(match)
        self.is_searching = True
        self.search_query = query
        return objects


class LegalReferenceChooseView(ChooseView):
    filter_form_class = LegalReferenceSearchForm
    ordering = ORDERING


class LegalReferenceChooseResultsView(ChooseResultsView):
    filter_form_class = LegalReferenceSearchForm
    ordering = ORDERING


class LegalReferenceChooserViewSet(SnippetChooserViewSet):
    choose_view_class = LegalReferenceChooseView
    choose_results_view_class = LegalReferenceChooseResultsView
