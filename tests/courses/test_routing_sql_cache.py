"""Routing lookups with their SQL compiled once (lms.routing, the site in
lms.middleware): the same pages and site as Wagtail's own queries."""

from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.test import RequestFactory
from wagtail.models import Site

from courses.models import CourseIndexPage, CoursePage, LessonPage
from lms import sqlcache
from lms.middleware import site_for_request
from lms.routing import child_by_slug

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    sqlcache.clear()
    yield
    sqlcache.clear()


def _compiles(fn):
    compile_ = SQLCompiler.as_sql
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=compile_
    ) as as_sql:
        result = fn()
    return result, as_sql.call_count


def test_child_by_slug_finds_what_child_of_finds(make_course, catalogue, site_root):
    course, lessons = make_course(lessons=3)
    other, _ = make_course(lessons=1)
    cases = [
        (CourseIndexPage, site_root, catalogue.slug),
        (CoursePage, catalogue, course.slug),
        (CoursePage, catalogue, other.slug),
        (CoursePage, catalogue, "khong-co"),
        (CoursePage, site_root, course.slug),  # a grandchild is no child
        (LessonPage, course, lessons[1].slug),
        (LessonPage, other, lessons[1].slug),  # another course's lesson
        (LessonPage, course, "bai_%"),  # LIKE wildcards stay literal
    ]
    for model, parent, slug in cases:
        expected = model.objects.child_of(parent).filter(slug=slug).first()
        found = child_by_slug(model, parent, slug)
        assert found == expected, (model, slug)
        if expected is not None:
            assert type(found) is model
            assert found.path == expected.path
            assert found.title == expected.title
            assert found.live == expected.live
            assert found.get_deferred_fields() == expected.get_deferred_fields()
    found, compiled = _compiles(
        lambda: child_by_slug(LessonPage, course, lessons[2].slug)
    )
    assert found == lessons[2]
    assert compiled == 0


def test_a_lesson_url_is_routed_without_compiling_its_lookups(
    make_course, catalogue, rf
):
    course, lessons = make_course(lessons=2)
    request = rf.get("/")
    path = [course.slug, lessons[1].slug]
    catalogue.route(request, path)  # compiles once
    route, compiled = _compiles(lambda: catalogue.route(request, path))
    assert route.page == lessons[1]
    assert compiled == 0


@pytest.mark.parametrize(
    ("host", "port"),
    [
        ("localhost", "80"),
        ("localhost", "8000"),
        ("truong.example", "443"),
        ("truong.example", "80"),
        ("khac.example", "443"),
        ("khac.example", "80"),
    ],
)
def test_site_for_request_is_wagtails_site(site_root, host, port):
    Site.objects.create(hostname="truong.example", port=443, root_page=site_root)
    Site.objects.create(hostname="khac.example", port=8443, root_page=site_root)
    Site.objects.create(hostname="khac.example", port=9443, root_page=site_root)
    factory = RequestFactory()
    for _ in range(2):
        request = factory.get("/", SERVER_NAME=host, SERVER_PORT=port)
        request.META["HTTP_HOST"] = f"{host}:{port}"
        expected = Site._find_for_request(request)
        found = site_for_request(request)
        assert found == expected
        assert found.root_page == expected.root_page
        assert found.root_page.title == expected.root_page.title


def test_a_port_that_is_no_number_fails_as_in_wagtail(site_root):
    request = RequestFactory().get("/", SERVER_NAME="x.example", SERVER_PORT="x")
    with pytest.raises(ValueError):
        Site._find_for_request(request)
    with pytest.raises(ValueError):
        site_for_request(request)


def test_no_site_is_none(site_root):
    Site.objects.all().delete()
    request = RequestFactory().get("/", SERVER_NAME="x.example")
    assert Site._find_for_request(request) is None
    assert site_for_request(request) is None
