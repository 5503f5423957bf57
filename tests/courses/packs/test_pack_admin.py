"""Course packs in the admin: the export download, the import with its
preview, and who may use them (courses/pack_admin_views.py)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Page

from courses import policies
from courses.models import CoursePage, LessonPage
from courses.services import catalogue_permissions_sync
from lms.people.models import Role
from lms.people.services import user_groups_sync
from tests.courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.people.factories import MembershipFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT = "lms_courses_pack_import"


def _school_admin(username, school):
    user = UserFactory(username=username)
    MembershipFactory(
        user=user, role=Role.SCHOOL_ADMIN, school=school, school_class=None
    )
    user_groups_sync(user=user)
    return user


def _catalogue(parent, school, slug):
    catalogue = CourseIndexPageFactory(parent=parent, school=school, slug=slug)
    catalogue_permissions_sync(catalogue=catalogue)
    return catalogue


@pytest.fixture
def world(site_root):
    school_a, school_b = SchoolFactory(), SchoolFactory()
    library = _catalogue(site_root, None, "thu-vien")
    catalogue_a = _catalogue(site_root, school_a, "khoa-hoc-a")
    catalogue_b = _catalogue(site_root, school_b, "khoa-hoc-b")
    course = CoursePageFactory(
        parent=library, title="An toàn trên mạng", slug="an-toan-tren-mang"
    )
    LessonPageFactory(parent=course, title="Mật khẩu mạnh", slug="mat-khau-manh")
    course_b = CoursePageFactory(parent=catalogue_b, title="Khóa của trường B")
    return {
        "library": library,
        "catalogue_a": catalogue_a,
        "catalogue_b": catalogue_b,
        "course": course,
        "course_b": course_b,
        "admin_a": _school_admin("qtt-a", school_a),
        "admin_b": _school_admin("qtt-b", school_b),
    }


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(client, data, catalogue, title="", name="goi.zip"):
    return client.post(
        reverse(IMPORT),
        {
            "file": SimpleUploadedFile(name, data, content_type="application/zip"),
            "catalogue": catalogue.pk,
            "title": title,
        },
    )


def _export(client, course):
    response = client.get(reverse("lms_courses_pack_export", args=[course.pk]))
    assert response.status_code == 200, response.status_code
    return response


# -- Who -------------------------------------------------------------------


def test_a_school_admin_imports_into_their_own_catalogue_only(world):
    catalogues = policies.catalogues_importable_by(user=world["admin_a"])

    assert list(catalogues) == [world["catalogue_a"]]


def test_a_school_admin_exports_library_courses_but_not_another_schools(world):
    admin_a = world["admin_a"]

    assert policies.may_export_course(user=admin_a, course=world["course"])
    assert not policies.may_export_course(user=admin_a, course=world["course_b"])
    assert policies.may_export_course(user=world["admin_b"], course=world["course_b"])


def test_another_schools_course_cannot_be_downloaded(client, world):
    client.force_login(world["admin_a"])

    response = client.get(
        reverse("lms_courses_pack_export", args=[world["course_b"].pk])
    )

    # Wagtail's admin turns a refusal into a redirect home with a message.
    assert response.status_code in (302, 403)
    assert "attachment" not in response.get("Content-Disposition", "")


def test_a_crafted_catalogue_of_another_school_is_refused(client, world):
    client.force_login(world["admin_a"])

    response = _upload(client, b"PK", world["catalogue_b"])

    assert "token" not in response.context
    assert response.context["form"].errors["catalogue"]


def test_a_student_cannot_reach_the_import(client, world):
    student = UserFactory(username="hs")
    MembershipFactory(user=student, role=Role.STUDENT)
    client.force_login(student)

    response = client.get(reverse(IMPORT))

    assert response.status_code in (302, 403)


def test_the_catalogue_header_offers_the_import_with_the_catalogue_chosen(
    client, world
):
    client.force_login(world["admin_a"])
    catalogue = world["catalogue_a"]

    html = client.get(
        reverse("wagtailadmin_explore", args=[catalogue.pk])
    ).content.decode()

    assert f"{reverse(IMPORT)}?catalogue={catalogue.pk}" in html
    form = client.get(reverse(IMPORT), {"catalogue": catalogue.pk}).context["form"]
    assert form["catalogue"].value() == catalogue.pk


def test_the_course_header_offers_the_export_to_its_editors(client, world, superuser):
    client.force_login(superuser)
    course = world["course"]

    html = client.get(reverse("wagtailadmin_explore", args=[course.pk])).content
    assert reverse("lms_courses_pack_export", args=[course.pk]) in html.decode()


# -- Refusals ----------------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_refused_before_reading(client, world):
    client.force_login(world["admin_a"])

    response = _upload(client, b"hello", world["catalogue_a"], name="goi.txt")

    assert response.context["form"].errors["file"]


def test_a_hostile_pack_is_refused_naming_the_entry_and_nothing_is_written(
    client, world
):
    client.force_login(world["admin_a"])
    pages = Page.objects.count()
    data = _zip({"../../etc/passwd": b"x", "course.yaml": b"title: x\n"})

    response = _upload(client, data, world["catalogue_a"])

    assert response.status_code == 400
    html = response.content.decode()
    assert "../../etc/passwd" in html
    assert "token" not in response.context
    assert Page.objects.count() == pages


def test_an_expired_preview_asks_for_the_file_again(client, world):
    client.force_login(world["admin_a"])

    response = client.post(reverse(IMPORT), {"token": "khong-co"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse(IMPORT)
    assert not CoursePage.objects.child_of(world["catalogue_a"]).exists()


# -- The journey with the engine's services ----------------------------------


def test_export_downloads_the_course_as_a_zip_named_by_its_slug(client, world):
    client.force_login(world["admin_a"])

    response = _export(client, world["course"])

    assert response["Content-Type"] == "application/zip"
    assert 'filename="an-toan-tren-mang.zip"' in response["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "course.yaml" in names and "manifest.json" in names


def test_the_preview_lists_what_the_pack_creates_and_writes_nothing(client, world):
    client.force_login(world["admin_a"])
    data = _export(client, world["course"]).content
    pages = Page.objects.count()

    response = _upload(client, data, world["catalogue_a"], title="An toàn mạng (A)")

    assert response.status_code == 200
    assert response.context["token"]
    assert response.context["report"].created
    html = response.content.decode()
    assert "Mật khẩu mạnh" in html
    assert "An toàn mạng (A)" in html
    assert "<td>Bài học</td><td>Mật khẩu mạnh</td><td>mới</td>" in html
    assert "Các trang sẽ được xuất bản." in html
    assert Page.objects.count() == pages


def test_confirming_imports_the_course_under_its_new_title(client, world):
    client.force_login(world["admin_a"])
    data = _export(client, world["course"]).content
    token = _upload(client, data, world["catalogue_a"], title="An toàn mạng (A)")
    token = token.context["token"]

    response = client.post(reverse(IMPORT), {"token": token})

    course = CoursePage.objects.child_of(world["catalogue_a"]).get()
    assert course.title == "An toàn mạng (A)"
    assert response["Location"] == reverse("wagtailadmin_explore", args=[course.pk])
    assert LessonPage.objects.child_of(course).filter(title="Mật khẩu mạnh").exists()
    # The token is spent: a second confirmation imports nothing more.
    client.post(reverse(IMPORT), {"token": token})
    assert CoursePage.objects.child_of(world["catalogue_a"]).count() == 1


def test_importing_the_same_pack_again_previews_an_update(client, world):
    client.force_login(world["admin_a"])
    data = _export(client, world["course"]).content
    token = _upload(client, data, world["catalogue_a"]).context["token"]
    client.post(reverse(IMPORT), {"token": token})

    response = _upload(client, data, world["catalogue_a"])

    assert not response.context["report"].created
    assert response.context["report"].course.slug == "an-toan-tren-mang"


def test_another_user_cannot_confirm_someone_elses_preview(client, world):
    client.force_login(world["admin_a"])
    data = _export(client, world["course"]).content
    token = _upload(client, data, world["catalogue_a"]).context["token"]
    client.force_login(world["admin_b"])

    client.post(reverse(IMPORT), {"token": token})

    assert not CoursePage.objects.child_of(world["catalogue_a"]).exists()
    assert (
        not CoursePage.objects.child_of(world["catalogue_b"])
        .exclude(pk=world["course_b"].pk)
        .exists()
    )


def test_the_lms_menu_offers_the_import_to_those_who_may_import(client, world):
    teacher = UserFactory(username="gv")
    MembershipFactory(user=teacher, role=Role.HOMEROOM_TEACHER)
    user_groups_sync(user=teacher)

    client.force_login(world["admin_a"])
    assert reverse(IMPORT) in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(teacher)
    home = client.get(reverse("wagtailadmin_home"))
    assert reverse(IMPORT) not in home.content.decode()


def test_a_teacher_cannot_download_a_library_course(client, world):
    teacher = UserFactory(username="gvcn")
    MembershipFactory(user=teacher, role=Role.HOMEROOM_TEACHER)
    user_groups_sync(user=teacher)

    assert not policies.may_export_course(user=teacher, course=world["course"])
    assert not policies.courses_exportable_by(user=teacher).exists()


def test_the_preview_says_drafts_when_the_user_may_not_publish(
    client, world, monkeypatch
):
    monkeypatch.setattr(policies, "may_publish_in", lambda **kwargs: False)
    client.force_login(world["admin_a"])
    data = _export(client, world["course"]).content

    response = _upload(client, data, world["catalogue_a"])

    assert "được lưu dưới dạng bản nháp" in response.content.decode()


def test_the_update_preview_says_the_course_will_be_renamed(client, world):
    client.force_login(world["admin_a"])
    data = _export(client, world["course"]).content
    token = _upload(client, data, world["catalogue_a"]).context["token"]
    client.post(reverse(IMPORT), {"token": token})

    response = _upload(client, data, world["catalogue_a"], title="Tên khác")

    assert "Khóa học sẽ được đổi tên thành “Tên khác”" in response.content.decode()


def test_a_refusal_at_confirmation_names_the_entry_and_writes_nothing(
    client, world, monkeypatch
):
    from courses.packs import services
    from courses.packs.container import PackError

    client.force_login(world["admin_a"])
    data = _export(client, world["course"]).content
    token = _upload(client, data, world["catalogue_a"]).context["token"]

    def refuse(pack, **kwargs):
        raise PackError("lessons/01-mat-khau-manh.yaml", "khối 2 (video): sai địa chỉ")

    monkeypatch.setattr(services, "import_course", refuse)
    response = client.post(reverse(IMPORT), {"token": token})

    assert response.status_code == 400
    assert "lessons/01-mat-khau-manh.yaml" in response.content.decode()
    assert not CoursePage.objects.child_of(world["catalogue_a"]).exists()


def test_an_export_the_service_refuses_comes_back_with_the_reason(
    client, world, monkeypatch
):
    from courses.packs import services
    from courses.packs.container import PackError

    def refuse(course):
        raise PackError("files/images/anh.png", "tệp không còn trong kho")

    monkeypatch.setattr(services, "export_course", refuse)
    client.force_login(world["admin_a"])

    response = client.get(
        reverse("lms_courses_pack_export", args=[world["course"].pk]), follow=True
    )

    assert "files/images/anh.png" in response.content.decode()


def test_a_pack_over_the_upload_limit_is_refused_before_reading(
    client, world, monkeypatch
):
    from courses import pack_admin_views

    monkeypatch.setattr(pack_admin_views, "MAX_PACK_UPLOAD_BYTES", 10)
    client.force_login(world["admin_a"])

    response = _upload(client, b"PK" + b"0" * 20, world["catalogue_a"])

    assert response.context["form"].errors["file"]
    assert "token" not in response.context
