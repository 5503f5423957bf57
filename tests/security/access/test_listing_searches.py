"""Every admin listing, ours and Wagtail's, searched and filtered: none may
answer a server error (issue 13, point 5).

Listings are found by walking the URL configuration (every Wagtail listing,
report and chooser view without URL arguments), plus the few that need a page
id or are plain views. Each is asked with a search term, then once per filter
its own filter form offers, with a value that filter accepts.
"""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.views.generic.chooser import BaseChooseView

from certificates.models import CertificateStatus

SEARCH = {"q": "ab"}
RELATIONS = ("superuser", "admin_a")


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name, pattern


def discovered_listings() -> list[str]:
    """URL names of the admin's listing and chooser views without arguments.

    A listing's "results" URL (what its search box fetches) runs the same view
    class as the listing itself; it is asked only when its class differs.
    """
    views = {}
    for route, name, pattern in _walk(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "view_class", None)
        if (
            route.startswith("admin/")
            and not pattern.pattern.regex.groups
            and view_class is not None
            and issubclass(view_class, BaseListingView | BaseChooseView)
        ):
            views[name] = view_class
    return sorted(
        name
        for name, view_class in views.items()
        if not (
            name.endswith("_results")
            and views.get(name.removesuffix("_results")) is view_class
        )
    )


# Listings the walk cannot find: routed through a function, taking a page id,
# or plain views with their own filter form (`extra` names those filters).
OTHER_LISTINGS = {
    # Page search filters by its own parameters, not a filter form.
    "wagtailadmin_pages:search": {
        "extra": [
            {"content_type": "lms_courses.coursepage"},
            {"ordering": "-latest_revision_created_at"},
            {"q": "ab live:true"},
        ]
    },
    "wagtailadmin_choose_page_search": {},
    "wagtailadmin_explore_root": {},
    "wagtailadmin_explore": {"page": "home"},
    "lms_reports:completion": {},
    "lms_reports:learners": {},
    "lms_reports:department": {},
    "lms_certificates_admin_list": {
        "extra": [{"status": value} for value in CertificateStatus.values]
    },
}
LISTINGS = discovered_listings() + sorted(OTHER_LISTINGS)


def _url(name, world) -> str:
    page = OTHER_LISTINGS.get(name, {}).get("page")
    return reverse(name, args=[world.pk(page)] if page else [])


def _first_choice(field) -> str | None:
    for choice in field.choices:
        value, label = choice[0], choice[1]
        if isinstance(label, list | tuple):  # a group of choices
            for inner in label:
                if str(inner[0]) != "":
                    return str(inner[0])
        elif str(value) != "":
            return str(value)
    return None


def _sample(field) -> str | None:
    """One value `field` accepts, or None when it offers nothing to pick."""
    if hasattr(field, "choices"):
        return _first_choice(field)
    if isinstance(field, forms.DateTimeField | forms.DateField):
        return datetime.date.today().isoformat()
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return "true"
    if isinstance(field, forms.IntegerField | forms.DecimalField):
        return "1"
    return "ab"


def filter_queries(form) -> list[dict[str, str]]:
    """One query per field of a filter form, each naming a value it accepts."""
    queries = []
    for name, field in form.fields.items():
        html_name = form[name].html_name
        subwidgets = field.widget.get_context(html_name, None, {})["widget"].get(
            "subwidgets"
        )
        if isinstance(field, forms.MultiValueField) and subwidgets:
            query = {
                sub["name"]: _sample(inner)
                for sub, inner in zip(subwidgets, field.fields, strict=False)
            }
        else:
            query = {html_name: _sample(field)}
        query = {key: value for key, value in query.items() if value is not None}
        if query:
            queries.append(query)
    return queries


def _filter_form(response):
    context = response.context or {}
    filters = context.get("filters")
    if filters is not None and hasattr(filters, "form"):
        return filters.form
    form = context.get("filter_form") or context.get("form")
    return form if isinstance(form, forms.BaseForm) else None


def test_the_walk_finds_the_listings_that_answered_500():
    assert "wagtailsnippets_lms_quizzes_question:list" in LISTINGS
    assert "wagtailsnippets_lms_courses_legalreference:list" in LISTINGS
    assert "wagtailusers_users:index" in LISTINGS
    assert "wagtailadmin_reports:site_history" in LISTINGS


def test_filter_queries_name_every_part_of_a_range():
    class Form(forms.Form):
        kind = forms.ChoiceField(choices=[("", "---"), ("a", "A")])
        since = forms.SplitDateTimeField()

    queries = filter_queries(Form())
    assert queries[0] == {"kind": "a"}
    assert set(queries[1]) == {"since_0", "since_1"}


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("name", LISTINGS)
def test_listing_searched_and_filtered_answers_no_server_error(
    name, relation, world, clients, db
):
    client = clients(relation)
    url = _url(name, world)
    failures = []

    def ask(query):
        try:
            response = client.get(url, query)
        except Exception as exc:  # noqa: BLE001 - the test client re-raises
            failures.append(f"{query}: {exc!r}"[:300])
            return None
        if response.status_code >= 500:
            failures.append(f"{query}: HTTP {response.status_code}")
        return response

    # Some listings (page search) offer their filters once something is searched.
    answers = [ask(SEARCH), ask({})]
    forms_offered = [
        _filter_form(response)
        for response in answers
        if response is not None and response.status_code == 200
    ]
    form = next((form for form in forms_offered if form is not None), None)
    queries = filter_queries(form) if form is not None else []
    queries += OTHER_LISTINGS.get(name, {}).get("extra", [])
    for query in queries:
        ask({**SEARCH, **query})
    assert not failures, f"{name}: " + "; ".join(failures)
