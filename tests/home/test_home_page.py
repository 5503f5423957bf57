"""The home page: a signed-in learner's dashboard, the catalogues for visitors."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from courses.services import course_open, lesson_complete
from lms.home.models import HomePage
from lms.people.models import Role
from tests.courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.people.factories import MembershipFactory, UserFactory
from tests.quizzes.factories import QuizPageFactory

pytestmark = pytest.mark.django_db

# My learning (15) plus the certificates panel: flat in the number of courses.
HOME_BUDGET = 23


@pytest.fixture
def home(db):
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node()
    page = HomePage(title="Công dân số", slug="cong-dan-so")
    root.add_child(instance=page)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": page},
    )
    return page


@pytest.fixture
def catalogue(home):
    return CourseIndexPageFactory(parent=home, intro="<p>Các khóa học ngắn.</p>")


def _course(catalogue, lessons=2, **kwargs):
    course = CoursePageFactory(parent=catalogue, **kwargs)
    return course, [LessonPageFactory(parent=course) for _ in range(lessons)]


@pytest.fixture
def student(db):
    user = UserFactory(username="hs-moi")
    MembershipFactory(user=user, role=Role.STUDENT)
    return user


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index('<div class="lms">') :]


def test_anonymous_home_shows_the_catalogues_and_how_to_sign_in(client, catalogue):
    main = _main(client.get("/"))
    assert f'href="{catalogue.url}"' in main
    assert "Các khóa học ngắn." in main
    assert f'href="{reverse("lms_people:login")}"' in main
    assert "Đăng nhập để học" in main


def test_new_student_home_leads_to_the_first_step_of_a_course_meant_for_them(
    client, catalogue, student
):
    course, lessons = _course(catalogue, title="An toàn trên mạng")
    client.force_login(student)
    main = _main(client.get("/"))
    assert "Chào em" in main and "Việc em cần làm tiếp" in main
    assert f'href="{lessons[0].url}"' in main
    assert f'href="{course.url}"' in main
    assert f'href="{reverse("lms_courses:my_learning")}"' in main


def test_next_step_is_in_the_course_with_the_nearest_deadline(
    client, catalogue, student
):
    relaxed, relaxed_lessons = _course(catalogue, title="Không gấp")
    course_open(user=student, course=relaxed)
    lesson_complete(user=student, lesson=relaxed_lessons[0], course=relaxed)
    urgent, urgent_lessons = _course(catalogue, title="Gấp")
    QuizPageFactory(
        parent=urgent, closes_at=timezone.now() + datetime.timedelta(days=2)
    )
    client.force_login(student)
    main = _main(client.get("/"))
    next_step = main[main.index('id="next-title"') : main.index("</section>")]
    assert f'href="{urgent_lessons[0].url}"' in next_step
    assert "Hạn chót" in next_step
    assert relaxed_lessons[1].url not in next_step
    to_finish = main[main.index('id="to-finish-title"') :]
    assert to_finish.index("Gấp") < to_finish.index("Không gấp")
    assert "<progress" in to_finish


def test_learner_with_nothing_to_do_is_sent_to_the_catalogue(
    client, catalogue, student
):
    client.force_login(student)
    main = _main(client.get("/"))
    assert "Em đã làm xong mọi việc" in main
    assert f'href="{reverse("lms_courses:catalogue")}"' in main


def test_adult_learner_home_says_ban(client, catalogue):
    teacher = UserFactory(username="gv-moi")
    MembershipFactory(user=teacher, role=Role.TEACHER)
    _course(catalogue, for_students=False, for_teachers=True)
    client.force_login(teacher)
    main = _main(client.get("/"))
    assert "Việc bạn cần làm tiếp" in main


@pytest.mark.parametrize("course_count", [1, 6])
def test_learner_home_query_budget(
    client, catalogue, student, course_count, django_assert_max_num_queries
):
    for index in range(course_count):
        course, lessons = _course(catalogue)
        if index % 2:
            course_open(user=student, course=course)
            lesson_complete(user=student, lesson=lessons[0], course=course)
    client.force_login(student)
    client.get("/")
    with django_assert_max_num_queries(HOME_BUDGET):
        assert client.get("/").status_code == 200


def test_a_learner_page_is_routed_in_one_query_per_level(
    home, rf, django_assert_num_queries
):
    """Under the home page, the catalogue is found by its own model: one
    query for it, one for the course, one for the lesson or quiz (not two for
    the catalogue, its base row then its specific row; not one per step type
    once the course's structure is cached, as any learner's visit does)."""
    catalogue = CourseIndexPageFactory(parent=home)
    course = CoursePageFactory(parent=catalogue)
    lesson = LessonPageFactory(parent=course)
    quiz = QuizPageFactory(parent=course)
    other = home.add_child(title="Giới thiệu", slug="gioi-thieu")
    path = [catalogue.slug, course.slug, lesson.slug]
    home.route(rf.get("/"), path)  # the structure is built and cached
    with django_assert_num_queries(3):
        page, _args, _kwargs = home.route(rf.get("/"), path)
    assert page.pk == lesson.pk
    with django_assert_num_queries(3):
        page, _args, _kwargs = home.route(rf.get("/"), path[:2] + [quiz.slug])
    assert page.pk == quiz.pk
    # Any other child of the home page is still found.
    page, _args, _kwargs = home.route(rf.get("/"), [other.slug])
    assert page.pk == other.pk
