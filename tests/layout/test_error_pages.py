"""403, 404 and 500 in Vietnamese, with the site's navigation; the favicon."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import permission_denied, server_error

CATALOGUE = reverse("lms_courses:catalogue")


def _nav(html: str) -> str:
    start = html.index('<nav class="site-nav"')
    return html[start : html.index("</nav>", start)]


@pytest.mark.django_db
def test_404_is_in_vietnamese_with_the_navigation_and_ways_on(client, site_root):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert f'href="{CATALOGUE}"' in _nav(html)
    main = html[html.index('<div class="lms">') :]
    assert 'href="/"' in main and f'href="{CATALOGUE}"' in main
    assert reverse("lms_people:login") in main


@pytest.mark.django_db
def test_404_speaks_to_a_student_as_em_and_links_my_learning(
    client, site_root, student
):
    client.force_login(student)
    html = client.get("/khong-co-trang-nay/").content.decode()
    main = html[html.index('<div class="lms">') :]
    assert "tài khoản của em" in main
    assert f'href="{reverse("lms_courses:my_learning")}"' in main


@pytest.mark.django_db
def test_403_is_in_vietnamese_with_the_navigation(rf, site_root, student):
    request = rf.get("/admin/")
    request.user = student
    request.session = {}
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Không có quyền truy cập" in html
    assert "tài khoản của em" in html
    assert f'href="{CATALOGUE}"' in _nav(html)


def test_500_renders_without_the_database_or_a_request_context():
    # No django_db mark: any database query here fails the test.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã có lỗi xảy ra" in html
    assert f'href="{CATALOGUE}"' in _nav(html)
    assert "Đăng xuất" not in html


@pytest.mark.django_db
def test_favicon_ico_leads_to_our_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("lms/favicon.ico")


@pytest.mark.django_db
def test_our_pages_name_their_icon(client, site_root, student):
    client.force_login(student)
    head = client.get(reverse("lms_courses:my_learning")).content.decode()
    head = head[: head.index("</head>")]
    assert 'rel="icon"' in head and "lms/favicon.svg" in head
