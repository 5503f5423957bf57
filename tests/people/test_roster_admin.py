"""Roster import in the Wagtail admin: scope, preview, confirm, credentials."""

import base64
import io
import pickle

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from lms.people.models import Membership, Role, User
from lms.people.roster.admin_views import XLSX_TYPE
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
    previous_school_year_name,
)
from tests.people.roster_files import class_list, xlsx_bytes

pytestmark = pytest.mark.django_db

INDEX = "lms_roster:index"


@pytest.fixture
def setup():
    year = SchoolYearFactory()
    ours, theirs = SchoolFactory(code="HOASEN"), SchoolFactory(code="KHAC")
    for name in ("10A1", "10A2"):
        SchoolClassFactory(school=ours, school_year=year, name=name)
    SchoolClassFactory(school=theirs, school_year=year, name="10A1")
    admin = UserFactory(username="qt", full_name="Quản Trị Hoa Sen")
    MembershipFactory(
        user=admin, role=Role.SCHOOL_ADMIN, school=ours, school_class=None,
        school_year=year,
    )  # fmt: skip
    return {"year": year, "ours": ours, "theirs": theirs, "admin": admin}


def upload(name="lop.xlsx", data=None):
    return SimpleUploadedFile(name, data if data is not None else class_list())


def preview(client, setup, school=None, **extra):
    return client.post(
        reverse(INDEX),
        {
            "file": upload(),
            "school": (school or setup["ours"]).pk,
            "school_year": setup["year"].pk,
            **extra,
        },
    )


def test_menu_item_and_form_for_a_school_admin(client, setup):
    client.force_login(setup["admin"])
    response = client.get("/admin/")
    assert reverse(INDEX) in response.content.decode()
    response = client.get(reverse(INDEX))
    assert response.status_code == 200
    schools = response.context["form"].fields["school"].queryset
    assert list(schools) == [setup["ours"]]


def _sheet(response):
    """The credentials workbook carried by the confirming response."""
    url = response.context["download_url"]
    prefix, _, encoded = url.partition(";base64,")
    assert prefix == f"data:{XLSX_TYPE}"
    return load_workbook(io.BytesIO(base64.b64decode(encoded)))


def test_preview_confirm_and_download_credentials(client, setup):
    client.force_login(setup["admin"])
    response = preview(client, setup)
    assert response.status_code == 200
    report = response.context["report"]
    assert [e.code for e in report.created] == ["HS001", "HS002", "HS003"]
    html = response.content.decode()
    assert "annv.hs001" in html and "20/03/2006" in html
    assert not User.objects.filter(lms_profile__student_code="HS001").exists()

    response = client.post(reverse(INDEX), {"token": response.context["token"]})
    assert response.status_code == 200
    assert (
        User.objects.filter(
            lms_profile__student_code__in=["HS001", "HS002", "HS003"]
        ).count()
        == 3
    )
    assert "no-store" in response["Cache-Control"]
    workbook = _sheet(response)
    assert workbook.sheetnames == ["10A1", "10A2"]
    rows = list(workbook["10A2"].iter_rows(values_only=True))
    username, password = rows[4][3], rows[4][4]
    assert rows[4][:4] == (1, "Lê Hoàng Cường", "HS003", "cuonglh.hs003")
    assert User.objects.get(username=username).check_password(password)


def _cached_values(cache):
    """Every value in the (locmem) test cache, unpickled, as text."""
    return [str(pickle.loads(value)) for value in cache._cache.values()]  # noqa: S301


def test_no_initial_password_is_kept_in_the_cache(client, setup):
    from django.core.cache import cache

    client.force_login(setup["admin"])
    token = preview(client, setup).context["token"]
    response = client.post(reverse(INDEX), {"token": token})
    passwords = [
        row[4]
        for sheet in _sheet(response)
        for row in list(sheet.iter_rows(values_only=True))[4:]
    ]
    assert len(passwords) == 3
    cached = " ".join(_cached_values(cache))
    assert not any(password in cached for password in passwords)


def test_imported_account_must_change_password_at_first_sign_in(client, setup):
    client.force_login(setup["admin"])
    token = preview(client, setup).context["token"]
    workbook = _sheet(client.post(reverse(INDEX), {"token": token}))
    username, password = list(workbook["10A1"].iter_rows(values_only=True))[4][3:5]
    client.logout()

    response = client.post(
        reverse("lms_people:login"), {"username": username, "password": password}
    )
    assert response.status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("lms_people:password_change"))
    response = client.post(
        reverse("lms_people:password_change"),
        {
            "old_password": password,
            "new_password1": "Mat-khau-rieng-2024",
            "new_password2": "Mat-khau-rieng-2024",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username=username)
    assert not user.lms_profile.must_change_password
    assert user.check_password("Mat-khau-rieng-2024")


def test_refused_rows_are_listed_and_nothing_can_be_confirmed(client, setup):
    client.force_login(setup["admin"])
    data = xlsx_bytes(
        [
            ["Họ và tên", "Mã học sinh", "Lớp"],
            ["Vũ An", "HS1", "10A1"],
            ["", "HS2", "10A1"],
        ]
    )
    response = client.post(
        reverse(INDEX),
        {"file": upload(data=data), "school": setup["ours"].pk,
         "school_year": setup["year"].pk},
    )  # fmt: skip
    html = response.content.decode()
    assert "token" not in response.context
    assert "Dòng 5" in html  # Vietnamese: "Row 5"
    assert not User.objects.filter(lms_profile__student_code="HS1").exists()


def test_school_admin_cannot_import_into_another_school(client, setup):
    client.force_login(setup["admin"])
    response = preview(client, setup, school=setup["theirs"])
    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    assert "report" not in response.context
    assert not User.objects.filter(lms_profile__student_code="HS001").exists()


def test_a_stored_upload_cannot_be_confirmed_by_someone_else(client, setup):
    client.force_login(setup["admin"])
    token = preview(client, setup).context["token"]
    other = UserFactory(username="qt2")
    MembershipFactory(
        user=other, role=Role.SCHOOL_ADMIN, school=setup["theirs"],
        school_class=None, school_year=setup["year"],
    )  # fmt: skip
    client.force_login(other)
    response = client.post(reverse(INDEX), {"token": token})
    assert response.status_code == 302  # "expired": the token is per user
    assert not User.objects.filter(lms_profile__student_code="HS001").exists()


def test_a_teacher_cannot_import_at_all(client, setup):
    teacher = UserFactory(username="gv")
    MembershipFactory(
        user=teacher, role=Role.HOMEROOM_TEACHER,
        school_class=setup["ours"].classes.get(name="10A1"),
    )  # fmt: skip
    client.force_login(teacher)
    assert reverse(INDEX) not in client.get("/admin/").content.decode()
    # Wagtail answers PermissionDenied with a redirect to the dashboard.
    for response in (
        client.get(reverse(INDEX)),
        preview(client, setup),
        client.get(reverse("lms_roster:reissue")),
    ):
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not User.objects.filter(lms_profile__student_code="HS001").exists()


def test_wrong_file_type_and_size_are_refused(client, setup, monkeypatch):
    client.force_login(setup["admin"])
    response = client.post(
        reverse(INDEX),
        {"file": upload(name="lop.pdf", data=b"%PDF-1.4"), "school": setup["ours"].pk,
         "school_year": setup["year"].pk},
    )  # fmt: skip
    assert "file" in response.context["form"].errors
    monkeypatch.setattr("lms.people.roster.admin_views.MAX_ROSTER_BYTES", 10)
    response = preview(client, setup)
    assert "file" in response.context["form"].errors


def test_reissue_new_initial_passwords_for_a_class(client, setup):
    client.force_login(setup["admin"])
    token = preview(client, setup).context["token"]
    client.post(reverse(INDEX), {"token": token})
    class_10a1 = setup["ours"].classes.get(name="10A1")
    response = client.post(
        reverse("lms_roster:reissue"), {"school_class": class_10a1.pk}
    )
    assert response.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(response.content))["10A1"].iter_rows(values_only=True)
    )
    assert [row[3] for row in rows[4:]] == ["annv.hs001", "binhtt.hs002"]
    assert User.objects.get(username="annv.hs001").check_password(rows[4][4])
    # Another school's class is not offered.
    theirs = setup["theirs"].classes.get()
    response = client.post(reverse("lms_roster:reissue"), {"school_class": theirs.pk})
    assert response.status_code == 200
    assert "school_class" in response.context["form"].errors


def test_memberships_follow_the_import(client, setup):
    client.force_login(setup["admin"])
    token = preview(client, setup).context["token"]
    client.post(reverse(INDEX), {"token": token})
    assert (
        Membership.objects.filter(
            school=setup["ours"], role=Role.STUDENT, school_year=setup["year"]
        ).count()
        == 3
    )


@pytest.fixture
def lapsed(setup):
    """Last year's school admin of the school, with nothing this year."""
    last = SchoolYearFactory(name=previous_school_year_name(setup["year"]))
    SchoolClassFactory(school=setup["ours"], school_year=last, name="10A1")
    admin = UserFactory(username="qt_cu")
    MembershipFactory(
        user=admin, role=Role.SCHOOL_ADMIN, school=setup["ours"], school_class=None,
        school_year=last,
    )  # fmt: skip
    return {"admin": admin, "year": last}


def test_last_years_school_admin_cannot_import_a_roster(client, setup, lapsed):
    client.force_login(lapsed["admin"])
    for year in (setup["year"], lapsed["year"]):
        response = client.post(
            reverse(INDEX),
            {"file": upload(), "school": setup["ours"].pk, "school_year": year.pk},
        )
        assert response.status_code == 302
    assert not User.objects.filter(lms_profile__student_code="HS001").exists()


def test_last_years_school_admin_cannot_reissue_passwords(client, setup, lapsed):
    client.force_login(setup["admin"])
    client.post(reverse(INDEX), {"token": preview(client, setup).context["token"]})
    hashes = dict(User.objects.values_list("username", "password"))
    client.force_login(lapsed["admin"])
    for school_class in setup["ours"].classes.all():
        response = client.post(
            reverse("lms_roster:reissue"), {"school_class": school_class.pk}
        )
        assert response.status_code == 302
    assert dict(User.objects.values_list("username", "password")) == hashes


def test_a_past_year_is_not_offered_to_this_years_admin(client, setup, lapsed):
    client.force_login(setup["admin"])
    response = client.post(
        reverse(INDEX),
        {
            "file": upload(),
            "school": setup["ours"].pk,
            "school_year": lapsed["year"].pk,
        },
    )
    assert "school_year" in response.context["form"].errors
    past_class = setup["ours"].classes.get(school_year=lapsed["year"])
    response = client.post(
        reverse("lms_roster:reissue"), {"school_class": past_class.pk}
    )
    assert "school_class" in response.context["form"].errors


def test_confirm_without_site_url_imports_nothing_and_says_why(client, setup, settings):
    client.force_login(setup["admin"])
    token = preview(client, setup).context["token"]
    del settings.LMS_SITE_URL

    response = client.post(reverse(INDEX), {"token": token}, follow=True)

    assert not User.objects.filter(username="annv.hs001").exists()
    assert "LMS_SITE_URL" in response.content.decode()


def test_confirm_whose_sign_in_sheets_fail_imports_nothing(client, setup, monkeypatch):
    from lms.people.roster import admin_views

    def broken_workbook(**kwargs):
        raise RuntimeError("openpyxl failed")

    monkeypatch.setattr(admin_views, "credentials_workbook", broken_workbook)
    client.raise_request_exception = False
    client.force_login(setup["admin"])
    token = preview(client, setup).context["token"]

    response = client.post(reverse(INDEX), {"token": token})

    assert response.status_code == 500
    assert not User.objects.filter(username="annv.hs001").exists()


def test_reissue_without_site_url_changes_no_password(client, setup, settings):
    client.force_login(setup["admin"])
    client.post(reverse(INDEX), {"token": preview(client, setup).context["token"]})
    student = User.objects.get(username="annv.hs001")
    class_10a1 = setup["ours"].classes.get(name="10A1")
    del settings.LMS_SITE_URL

    response = client.post(
        reverse("lms_roster:reissue"), {"school_class": class_10a1.pk}, follow=True
    )

    assert "LMS_SITE_URL" in response.content.decode()
    assert User.objects.get(pk=student.pk).password == student.password
