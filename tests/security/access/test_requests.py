"""Every URL name × every role relation, requested: the answer must follow
the rules of issue 23, and a refused POST must change nothing.

The cases live in cases.py; a URL pattern or bulk action without a case fails
`test_every_url_name_has_a_case`; conftest.py checks after the run that each
test item really made its request (coverage by requests, not by tables).
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.template.backends.django import Template as DjangoTemplate
from django.urls import reverse

from .cases import BULK, CASES, EVERYONE, Case, bulk_actions, url_names
from .forms import main_post_form
from .probes import writes
from .world import RELATIONS

PARAMS = [
    pytest.param(c, relation, method, id=f"{c.id}-{relation}-{method}")
    for c in CASES
    for relation in RELATIONS
    for method in c.methods()
]
ACCESS_REQUESTS = {
    f"{c.id}|{r}|{m}" for c in CASES for r in RELATIONS for m in c.methods()
}


def test_every_url_name_has_a_case():
    names = set(url_names())
    covered = {c.name for c in CASES}
    assert not names - covered, f"add access cases for: {sorted(names - covered)}"
    assert not covered - names, f"cases for URLs that are gone: {covered - names}"
    actions = bulk_actions()
    assert not actions - set(BULK), f"add bulk cases for: {actions - set(BULK)}"


def test_every_case_is_tried_by_every_relation():
    assert {c.id for c in CASES} == {p.values[0].id for p in PARAMS}
    for c in CASES:
        tried = {p.values[1] for p in PARAMS if p.values[0] is c}
        assert tried == EVERYONE, c.id


def _url(c: Case, world) -> str:
    return reverse(c.name, args=c.args(world))


def _login_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        "login" in location or "dang-nhap" in location
    )


def _admin_denied(response) -> bool:
    """Wagtail's refusal: back to the dashboard with a message."""
    return response.status_code == 302 and response.get("Location", "").rstrip(
        "/"
    ).endswith("/admin")


def _refused(response, relation) -> bool:
    if relation == "anonymous":
        return _login_redirect(response) or response.status_code in (403, 404)
    # 400: the request names something one may not use (a form refuses it).
    return response.status_code in (400, 403, 404) or (
        _login_redirect(response) or _admin_denied(response)
    )


def _answered(response) -> bool:
    return 200 <= response.status_code < 300 or (
        response.status_code in (301, 302)
        and not _login_redirect(response)
        and not _admin_denied(response)
    )


# Access is decided before a template is drawn; drawing thousands of admin
# pages would take most of the suite's time. LMS_ACCESS_FULL_RENDER=1 draws
# them (e.g. for a nightly run).
FULL_RENDER = os.environ.get("LMS_ACCESS_FULL_RENDER") == "1"


@contextmanager
def _templates_skipped(c: Case):
    if FULL_RENDER or c.render:
        yield
        return
    with mock.patch.object(DjangoTemplate, "render", lambda *args, **kwargs: ""):
        yield


_FORMS: dict[str, dict] = {}


def _superuser_form(url: str, client) -> dict:
    """The form the superuser is shown at `url` (read once per run)."""
    if url not in _FORMS:
        response = client.get(url)
        _FORMS[url] = (
            main_post_form(response.content.decode())
            if response.status_code == 200
            else {}
        )
    return _FORMS[url]


def _prepare(c: Case, world, method, url, clients):
    """What to send: (method, url, data, content type)."""
    if method == "GET":
        return "GET", url, (c.query(world) if c.query else {}), None
    query = c.post_query(world) if c.post_query else {}
    if query:
        url = f"{url}?{urlencode(query, doseq=True)}"
    data = dict(c.post(world))
    if c.json:
        return "POST", url, json.dumps(data), "application/json"
    if c.scrape:
        data = {**_superuser_form(url, clients("superuser")), **data}
    return "POST", url, data, None


def _send(client, method, url, data, content_type):
    if method == "GET":
        return client.get(url, data, HTTP_ACCEPT="text/html")
    if content_type:
        return client.post(url, data, content_type=content_type)
    return client.post(url, data)


@pytest.mark.django_db
@pytest.mark.parametrize(("c", "relation", "method"), PARAMS)
def test_access(c, relation, method, world, clients, record_property):
    url = _url(c, world)
    request = _prepare(c, world, method, url, clients)
    client = clients(relation)
    client.raise_request_exception = not c.may_fail
    probed = c.probe(world, relation) if c.probe and method == "POST" else None
    try:
        with writes() as changed, _templates_skipped(c):
            response = _send(client, *request)
    finally:
        record_property("access_request", f"{c.id}|{relation}|{method}")
        client.raise_request_exception = True
    where = (
        f"{method} {url} as {relation}: {response.status_code} "
        f"{response.get('Location', '')}"
    )
    assert c.may_fail or response.status_code < 500, where
    if method == "GET":
        if c.get_405 and response.status_code in (405, 406):
            return
        if relation in c.unsure:
            return
        if relation in c.allow:
            assert _answered(response), f"should be answered: {where}"
        else:
            harmless = (
                c.leaks is not None
                and response.status_code == 200
                and not c.leaks(response, world)
            )
            assert harmless or _refused(response, relation), (
                f"should be refused: {where}"
            )
            assert not changed, f"a refused GET wrote to {changed}: {where}"
        return
    if c.probe is not None:
        # Some of the ids may be the relation's to change: judge by what
        # it may not touch.
        after = c.probe(world, relation)
        assert probed == after, f"changed what it may not: {where}"
    if relation in c.changers:
        assert not _login_redirect(response), f"should be allowed: {where}"
        if c.must_change and relation == "superuser":
            assert changed, f"the superuser's POST changed nothing: {where}"
    elif relation not in c.probe_only:
        assert not changed, f"wrote to {changed}: {where}"
