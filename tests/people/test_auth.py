import pytest
from django.urls import reverse

from lms.people.services import user_create

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_labelled_and_in_vietnamese(client):
    response = client.get(reverse("lms_people:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert "Đăng nhập" in html and "Mật khẩu" in html


def test_sign_in_with_wrong_password_says_so(client):
    user_create(username="hs", full_name="Lê Văn A", password="Right-pass-123")
    response = client.post(
        reverse("lms_people:login"), {"username": "hs", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_and_out(client):
    user_create(username="hs", full_name="Lê Văn A", password="Right-pass-123")
    response = client.post(
        reverse("lms_people:login"), {"username": "hs", "password": "Right-pass-123"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    client.post(reverse("lms_people:logout"))
    assert "_auth_user_id" not in client.session


def test_initial_password_must_be_changed_at_first_sign_in(client):
    user = user_create(
        username="hs",
        full_name="Lê Văn A",
        password="Initial-123",
        must_change_password=True,
    )
    client.post(
        reverse("lms_people:login"), {"username": "hs", "password": "Initial-123"}
    )
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("lms_people:password_change"))
    response = client.post(
        reverse("lms_people:password_change") + "?next=/",
        {
            "old_password": "Initial-123",
            "new_password1": "Mat-khau-moi-2024",
            "new_password2": "Mat-khau-moi-2024",
            "next": "/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert not user.lms_profile.must_change_password
    assert user.check_password("Mat-khau-moi-2024")
    assert client.get(reverse("lms_people:password_change")).status_code == 200


def test_password_change_refuses_external_next(client):
    user_create(username="hs", full_name="Lê Văn A", password="Initial-123")
    client.login(username="hs", password="Initial-123")
    response = client.post(
        reverse("lms_people:password_change"),
        {
            "old_password": "Initial-123",
            "new_password1": "Mat-khau-moi-2024",
            "new_password2": "Mat-khau-moi-2024",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("lms_people:password_change_done")
