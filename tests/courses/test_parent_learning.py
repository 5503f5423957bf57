"""A parent's "Học tập của tôi": each of their children's courses, progress and
certificates, as the child's own My learning computes them, and nobody else's."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from courses.selectors import learning_of_children, my_learning_for
from courses.services import course_open, lesson_complete
from lms.people.policies import may_view_child
from tests.certificates.conftest import (  # noqa: F401 - shared fixtures
    certified_course,
    complete,
    template,
)
from tests.people.factories import GuardianFactory, UserFactory

pytestmark = pytest.mark.django_db

MY_LEARNING = reverse("lms_courses:my_learning")


@pytest.fixture
def family(make_learner, school_class):
    """`parent` (account of guardian Hùng) of `child`; `stranger` is another
    student of the same class."""
    child = make_learner(username="con", full_name="Nguyễn Minh Khoa")
    stranger = make_learner(username="khac", full_name="Trần Thị Lạ")
    parent = UserFactory(username="phuhuynh", full_name="Nguyễn Văn Hùng")
    GuardianFactory(
        school=school_class.school,
        full_name="Nguyễn Văn Hùng",
        user=parent,
        children=[child],
    )
    return parent, child, stranger


def test_a_parent_sees_their_childs_courses_and_progress(client, make_course, family):
    parent, child, stranger = family
    course, lessons = make_course(lessons=4, title="An toàn trên mạng")
    course_open(user=child, course=course)
    lesson_complete(user=child, lesson=lessons[0], course=course)
    client.force_login(parent)
    response = client.get(MY_LEARNING)
    html = response.content.decode()
    assert "Nguyễn Minh Khoa" in html
    assert "An toàn trên mạng" in html
    assert 'value="25"' in html
    assert "Trần Thị Lạ" not in html
    # A parent account is no learner: none of the learner's own sections.
    assert 'id="in-progress-title"' not in html
    assert 'id="for-you-title"' not in html


def test_progress_shown_to_the_parent_equals_the_childs_own(make_course, family):
    parent, child, _stranger = family
    for index in range(3):
        course, lessons = make_course(lessons=3)
        course_open(user=child, course=course)
        for lesson in lessons[:index]:
            lesson_complete(user=child, lesson=lesson, course=course)
    [learning] = learning_of_children(parent=parent)
    own = my_learning_for(user=child)
    assert learning.child == child
    for name in ("in_progress", "enrolled", "completed", "not_started"):
        seen = [(s.course.pk, s.percent, s.standing) for s in getattr(learning, name)]
        assert seen == [(s.course.pk, s.percent, s.standing) for s in own[name]]


def test_a_parent_sees_only_their_own_children(make_course, family):
    parent, child, stranger = family
    course, lessons = make_course(lessons=1, title="Chỉ người lạ học")
    course_open(user=stranger, course=course)
    assert [x.child for x in learning_of_children(parent=parent)] == [child]
    assert may_view_child(parent=parent, learner=child)
    assert not may_view_child(parent=parent, learner=stranger)
    # Another student, a staff member, or the child themself is no parent.
    assert learning_of_children(parent=stranger) == []
    assert learning_of_children(parent=child) == []


def test_a_contact_without_the_account_shows_nothing(client, family):
    parent, child, _stranger = family
    guardian = parent.guardian_contact
    guardian.user = None
    guardian.save()
    assert not may_view_child(parent=parent, learner=child)
    client.force_login(parent)
    assert "Nguyễn Minh Khoa" not in client.get(MY_LEARNING).content.decode()


def test_an_inactive_child_is_not_shown(family):
    parent, child, _stranger = family
    child.is_active = False
    child.save()
    assert learning_of_children(parent=parent) == []


def test_two_children_each_with_their_own_learning(make_course, make_learner, family):
    parent, child, _stranger = family
    sibling = make_learner(username="em2", full_name="Nguyễn Minh An")
    parent.guardian_contact.child_links.create(learner=sibling)
    course, lessons = make_course(lessons=2)
    course_open(user=sibling, course=course)
    lesson_complete(user=sibling, lesson=lessons[0], course=course)
    children = learning_of_children(parent=parent)
    assert [x.child for x in children] == [sibling, child]  # Vietnamese name order
    assert [s.percent for s in children[0].in_progress] == [50]
    assert children[1].in_progress == []


def test_a_parent_gets_their_childs_certificate_not_anothers(
    client,
    certified_course,  # noqa: F811 - the fixture imported above
    complete,  # noqa: F811
    family,
):
    parent, child, stranger = family
    course, lessons = certified_course
    complete(child, course, lessons)
    complete(stranger, course, lessons)
    mine = Certificate.objects.get(holder=child)
    theirs = Certificate.objects.get(holder=stranger)
    client.force_login(parent)
    html = client.get(MY_LEARNING).content.decode()
    assert reverse("lms_certificates:download", args=[mine.pk]) in html
    assert reverse("lms_certificates:verify", args=[mine.code]) in html
    assert mine.serial in html and theirs.serial not in html
    assert reverse("lms_certificates:download", args=[theirs.pk]) not in html
    own = client.get(reverse("lms_certificates:download", args=[mine.pk]))
    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    other = client.get(reverse("lms_certificates:download", args=[theirs.pk]))
    assert other.status_code == 404


def test_the_parent_page_speaks_to_an_adult(client, family):
    parent, _child, _stranger = family
    client.force_login(parent)
    html = client.get(MY_LEARNING).content.decode()
    assert "Con chưa hoàn thành khóa học nào." in html
    assert "Con chưa có giấy chứng nhận nào." in html
    assert " em " not in html.split("<main", 1)[-1].lower()


def test_the_home_page_shows_a_parent_their_child(client, site_root, family):
    from lms.home.models import HomePage

    parent, _child, _stranger = family
    home = HomePage(title="Trang chủ", slug="trang-chu-lms")
    site_root.get_parent().add_child(instance=home)
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(root_page=home)
    client.force_login(parent)
    html = client.get("/").content.decode()
    assert "Nguyễn Minh Khoa" in html
    assert 'id="next-title"' not in html


@pytest.mark.parametrize("children", [1, 3])
def test_parent_page_query_budget(
    client, make_course, make_learner, family, children, django_assert_max_num_queries
):
    parent, child, _stranger = family
    kids = [child]
    for index in range(children - 1):
        kid = make_learner(username=f"kid{index}")
        parent.guardian_contact.child_links.create(learner=kid)
        kids.append(kid)
    for kid in kids:
        course, lessons = make_course(lessons=2)
        course_open(user=kid, course=course)
        lesson_complete(user=kid, lesson=lessons[0], course=course)
    client.force_login(parent)
    client.get(MY_LEARNING)
    # Per child: their own My learning (as its budget in test_queries), the
    # policy check and their certificates.
    with django_assert_max_num_queries(2 + 16 * children):
        response = client.get(MY_LEARNING)
    assert response.status_code == 200
