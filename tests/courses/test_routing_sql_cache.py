"""Routing lookups with their SQL compiled once (lms.routing, the site in
lms.middleware): the same pages and site as Wagtail's own queries."""

import importlib

import pytest
from django.test import RequestFactory
from wagtail.models import Page, PageViewRestriction, Site

from courses.models import CourseIndexPage, CoursePage, LessonPage
from courses.selectors import page_is_live_for_learners
from lms.middleware import _wagtail_find_for_request, site_for_request
from lms.routing import child_by_slug, known_unrestricted
from tests.sqlcache_support import compiles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_sqlcache")]


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
    found, compiled = compiles(
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
    route, compiled = compiles(lambda: catalogue.route(request, path))
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
        expected = _wagtail_find_for_request(request)
        found = site_for_request(request)
        assert found == expected
        assert found.root_page == expected.root_page
        assert found.root_page.title == expected.root_page.title


def test_a_port_that_is_no_number_fails_as_in_wagtail(site_root):
    request = RequestFactory().get("/", SERVER_NAME="x.example", SERVER_PORT="x")
    with pytest.raises(ValueError):
        _wagtail_find_for_request(request)
    with pytest.raises(ValueError):
        site_for_request(request)


def test_no_site_is_none(site_root):
    Site.objects.all().delete()
    request = RequestFactory().get("/", SERVER_NAME="x.example")
    assert _wagtail_find_for_request(request) is None
    assert site_for_request(request) is None


def _restricted(page):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    return restriction.pk


def _routed(page):
    """`page` as routing finds the page a request serves, with its flags."""
    parent = page.get_parent()
    return child_by_slug(type(page), parent.specific, page.slug, last=True)


def test_a_routed_page_with_no_restriction_checks_none_without_a_query(
    make_course, django_assert_num_queries
):
    course, lessons = make_course(lessons=1)
    lesson = _routed(lessons[0])
    assert (lesson.lms_unpublished, lesson.lms_restricted) == (False, False)
    with django_assert_num_queries(0):
        assert list(lesson.get_view_restrictions()) == []
        assert page_is_live_for_learners(lesson)


def test_routed_pages_get_the_restrictions_wagtail_finds(
    make_course, catalogue, site_root
):
    """Restrictions on the page, an ancestor, the root and an alias's
    original: a routed page's restrictions are those its own lookup finds
    (all Wagtail's Page.get_view_restrictions finds, and an alias's own), and
    no page with one is taken as free."""
    free, free_lessons = make_course(lessons=1)
    on_course, on_course_lessons = make_course(lessons=2)
    _restricted(on_course)
    on_lesson, on_lesson_lessons = make_course(lessons=2)
    _restricted(on_lesson_lessons[1])
    original, _ = make_course(lessons=1, title="Gốc")
    _restricted(original)
    alias = original.create_alias(parent=catalogue, update_slug="ban-sao")
    pages = [
        free,
        *free_lessons,
        on_course,
        *on_course_lessons,
        on_lesson,
        *on_lesson_lessons,
        original,
        alias.specific,
    ]

    def compare():
        for page in pages:
            routed = _routed(page)
            # The query the flags spare (page was not read by routing).
            expected = {r.pk for r in page.get_view_restrictions()}
            wagtails = set(
                Page.get_view_restrictions(page).values_list("pk", flat=True)
            )
            found = {r.pk for r in routed.get_view_restrictions()}
            assert found == expected, page.title
            assert wagtails <= found, page.title
            assert known_unrestricted(routed) == (not expected), page.title

    compare()
    assert _routed(alias.specific).lms_restricted_elsewhere is True
    assert _routed(free_lessons[0]).lms_restricted_elsewhere is False
    _restricted(site_root.get_parent())  # the tree's root
    compare()
    assert _routed(free_lessons[0]).lms_restricted_elsewhere is True


def test_a_routed_page_under_an_unpublished_course_is_not_live_without_a_query(
    make_course, django_assert_num_queries
):
    course, lessons = make_course(lessons=1)
    course.unpublish()
    lesson = _routed(lessons[0])
    with django_assert_num_queries(0):
        assert not page_is_live_for_learners(lesson)


def test_a_course_from_before_structure_versions_gets_one(make_course):
    """Migration 0017: a course still at version 0 (made before 0016) gets a
    version, so routing finds a step by its own page type, not by each."""
    from django.apps import apps as django_apps

    migration = importlib.import_module(
        "courses.migrations.0017_structure_version_for_existing_courses"
    )
    old, lessons = make_course(lessons=1)
    versioned, _ = make_course(lessons=1)
    CoursePage.objects.filter(pk=old.pk).update(structure_version=0)
    kept = CoursePage.objects.get(pk=versioned.pk).structure_version
    old.refresh_from_db()
    assert len(old._step_models_for(lessons[0].slug)) > 1

    migration.version_existing_courses(django_apps, None)

    old.refresh_from_db()
    assert old.structure_version != 0
    assert old._step_models_for(lessons[0].slug) == [LessonPage]
    assert CoursePage.objects.get(pk=versioned.pk).structure_version == kept
