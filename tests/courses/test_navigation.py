"""The site header: the way to the catalogue, My learning and the admin."""

import pytest
from django.urls import reverse

from tests.courses.factories import CourseIndexPageFactory
from tests.people.factories import SchoolFactory

pytestmark = pytest.mark.django_db

MY_LEARNING = reverse("lms_courses:my_learning")
CATALOGUE = reverse("lms_courses:catalogue")


def _nav(response) -> str:
    html = response.content.decode()
    start = html.index('<nav class="site-nav"')
    return html[start : html.index("</nav>", start)]


def test_signed_in_student_header_links_catalogue_and_my_learning_not_admin(
    client, catalogue, student
):
    client.force_login(student)
    nav = _nav(client.get(MY_LEARNING))
    assert f'href="{CATALOGUE}"' in nav
    assert f'href="{MY_LEARNING}"' in nav
    assert reverse("wagtailadmin_home") not in nav
    assert reverse("lms_people:logout") in nav
    assert reverse("lms_people:login") not in nav


def test_staff_who_may_use_the_admin_get_the_admin_link(client, catalogue, superuser):
    client.force_login(superuser)
    nav = _nav(client.get(MY_LEARNING))
    assert f'href="{reverse("wagtailadmin_home")}"' in nav
    assert "Quản trị" in nav


def test_anonymous_header_offers_the_catalogue_and_sign_in(client, make_course):
    course, _lessons = make_course(lessons=1)
    nav = _nav(client.get(course.url))
    assert f'href="{CATALOGUE}"' in nav
    assert reverse("lms_people:login") in nav
    assert f'href="{MY_LEARNING}"' not in nav
    assert reverse("lms_people:logout") not in nav


def test_catalogue_link_leads_to_the_department_library_first(client, site_root):
    CourseIndexPageFactory(
        parent=site_root, slug="truong-a", title="Trường A", school=SchoolFactory()
    )
    library = CourseIndexPageFactory(parent=site_root, slug="thu-vien")
    response = client.get(CATALOGUE)
    assert response.status_code == 302
    assert response["Location"] == library.url


def test_catalogue_link_without_a_catalogue_goes_home(client, site_root):
    response = client.get(CATALOGUE)
    assert response.status_code == 302 and response["Location"] == "/"
