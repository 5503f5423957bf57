"""Printed letters to the families of a class: one A4 page per family, the
child's progress in Vietnamese, a fresh one-time code, only that class."""

import io
import re
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from courses.services import course_assign_to_classes
from lms.people.models import GuardianActivationCode, Role
from lms.people.services import (
    activation_code_hash,
    guardian_activation_code_issue,
)
from tests.certificates.conftest import (  # noqa: F401 - shared fixtures
    catalogue,
    certified_course,
    complete,
    make_course,
    make_learner,
    school_class,
    site_root,
    template,
)
from tests.people.factories import (
    GuardianFactory,
    SchoolClassFactory,
    SchoolFactory,
    school_staff,
)

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def pages_text(pdf: bytes) -> list[str]:
    return [
        unicodedata.normalize("NFC", page.extract_text())
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


@pytest.fixture
def world(make_learner, make_course, certified_course, complete, school_class):  # noqa: F811
    """10A1: Ánh Tuyết (mother without e-mail; a certificate earned) and Quốc
    Bảo (father with e-mail); 10A2 next door: Minh Khôi and his mother."""
    school = school_class.school
    tuyet = make_learner(username="tuyet", full_name="Nguyễn Thị Ánh Tuyết")
    bao = make_learner(username="bao", full_name="Trần Quốc Bảo")
    other_class = SchoolClassFactory(
        name="10A2", school=school, school_year=school_class.school_year
    )
    khoi = make_learner(
        username="khoi", full_name="Phạm Minh Khôi", school_class_=other_class
    )
    assigned, _lessons = make_course(
        lessons=2, title="Ứng xử văn hóa trên mạng xã hội", enrolment_mode="assigned"
    )
    course_assign_to_classes(
        course=assigned, classes=[school_class, other_class], assigned_by=None
    )
    certified, lessons = certified_course
    complete(tuyet, certified, lessons)
    return {
        "class": school_class,
        "other_class": other_class,
        "school": school,
        "tuyet": tuyet,
        "assigned": assigned,
        "certified": certified,
        "mother": GuardianFactory(
            school=school, full_name="Lê Thị Hồng", email="", children=[tuyet]
        ),
        "father": GuardianFactory(
            school=school,
            full_name="Trần Văn Dũng",
            email="dung@example.com",
            children=[bao],
        ),
        "khoi_mother": GuardianFactory(
            school=school, full_name="Võ Thị Thủy", email="", children=[khoi]
        ),
        "admin": school_staff(
            "qt_truong", Role.SCHOOL_ADMIN, school, school_class.school_year
        ),
    }


def url(klass) -> str:
    return reverse("lms_reports:family_letters", args=[klass.pk])


def print_letters(client, user, klass, families="all"):
    client.force_login(user)
    return client.post(url(klass), {"families": families})


def test_one_page_per_family_with_the_childs_progress_and_a_code(client, world):
    response = print_letters(client, world["admin"], world["class"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "thu-phu-huynh-" in response["Content-Disposition"]
    pages = pages_text(response.content)
    # Two families in 10A1, in name order (Dũng, Hồng); Khôi's mother is in 10A2.
    assert len(pages) == 2
    father, mother = pages
    assert "Trần Văn Dũng" in father and "Trần Quốc Bảo" in father
    assert "Lê Thị Hồng" in mother and "Nguyễn Thị Ánh Tuyết" in mother
    assert "lớp 10A1" in mother
    assert "Ứng xử văn hóa trên mạng xã hội" in mother
    assert world["certified"].title in mother  # the course, and its certificate
    assert "Chứng nhận đã đạt" in mother and "Đã hoàn thành" in mother
    assert "THƯ GỬI PHỤ HUYNH" in mother
    for page in pages:
        assert "Phạm Minh Khôi" not in page and "Võ Thị Thủy" not in page
    # The printed code is the guardian's one open code, and it works.
    for guardian, page in ((world["father"], father), (world["mother"], mother)):
        [code] = CODE.findall(page)
        record = GuardianActivationCode.objects.get(
            guardian=guardian, used_at=None, revoked_at=None
        )
        assert record.code_hash == activation_code_hash(code)
    assert not GuardianActivationCode.objects.filter(guardian=world["khoi_mother"])


def test_printing_again_revokes_the_earlier_unused_code(client, world):
    earlier = guardian_activation_code_issue(guardian=world["mother"]).record
    page = client.get
    client.force_login(world["admin"])
    confirm = page(url(world["class"]))
    assert confirm.status_code == 200
    assert "mã kích hoạt" in confirm.content.decode()
    assert "ngừng" in confirm.content.decode()  # the earlier code stops working
    print_letters(client, world["admin"], world["class"])
    earlier.refresh_from_db()
    assert earlier.revoked_at is not None


def test_only_families_without_email_when_asked(client, world):
    response = print_letters(
        client, world["admin"], world["class"], families="without_email"
    )
    [page] = pages_text(response.content)
    assert "Lê Thị Hồng" in page and "Trần Văn Dũng" not in page
    assert not GuardianActivationCode.objects.filter(guardian=world["father"])


def test_a_family_with_an_account_gets_no_code(client, world, make_learner):  # noqa: F811
    world["mother"].user = make_learner(username="me_tuyet", role=Role.TEACHER)
    world["mother"].save()
    response = print_letters(
        client, world["admin"], world["class"], families="without_email"
    )
    [page] = pages_text(response.content)
    assert CODE.findall(page) == []
    assert "đã có tài khoản phụ huynh" in page


def test_an_english_speaking_family_gets_an_english_letter(client, world):
    world["mother"].language = "en"
    world["mother"].save()
    response = print_letters(client, world["admin"], world["class"])
    _father, mother = pages_text(response.content)
    assert "LETTER TO THE FAMILY" in mother and "Nguyễn Thị Ánh Tuyết" in mother


def test_the_homeroom_teacher_of_the_class_may_print(client, world):
    teacher = make_homeroom("gvcn", world["class"])
    assert print_letters(client, teacher, world["class"]).status_code == 200


def make_homeroom(username, klass):
    from tests.people.factories import MembershipFactory, UserFactory

    teacher = UserFactory(username=username)
    MembershipFactory(user=teacher, role=Role.HOMEROOM_TEACHER, school_class=klass)
    return teacher


@pytest.mark.parametrize("who", ["other_school_admin", "other_homeroom"])
def test_others_are_refused_and_no_code_is_issued(client, world, who):
    if who == "other_school_admin":
        other = SchoolFactory(code="TRUONGKHAC", department=world["school"].department)
        user = school_staff(
            "qt_khac", Role.SCHOOL_ADMIN, other, world["class"].school_year
        )
    else:
        user = make_homeroom("gvcn_10a2", world["other_class"])
    client.force_login(user)
    # Refused: Wagtail sends a refused admin user back to the dashboard.
    for response in (
        client.get(url(world["class"])),
        print_letters(client, user, world["class"]),
    ):
        assert response.status_code in (302, 403)
        assert response.get("Content-Type", "") != "application/pdf"
        assert "Lê Thị Hồng" not in response.content.decode()
    assert not GuardianActivationCode.objects.exists()


def test_the_class_list_offers_the_letters(client, world):
    client.force_login(world["admin"])
    listing = client.get(reverse("lms_classes:index"))
    assert url(world["class"]) in listing.content.decode()


def test_the_class_list_asks_who_may_print_once(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["admin"])
    listing = reverse("lms_classes:index")
    client.get(listing)
    with CaptureQueriesContext(connection) as few:
        client.get(listing)
    for name in ("11A1", "11A2", "11A3", "11A4"):
        SchoolClassFactory(
            name=name, school=world["school"], school_year=world["class"].school_year
        )
    with CaptureQueriesContext(connection) as more:
        response = client.get(listing)
    assert response.content.decode().count("/admin/lms/reports/family-letters/") == 6
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_homeroom_dashboard_offers_the_letters(client, world):
    client.force_login(make_homeroom("gvcn", world["class"]))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert url(world["class"]) in home and "In thư gửi phụ huynh" in home
