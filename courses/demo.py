"""Load the demo courses as Wagtail pages from the demo course packs
(courses/demo_packs/), with the register of the legal documents they cite.
Idempotent."""

from datetime import date

from django.db import transaction
from wagtail.models import Page

from .models import (
    CourseIndexPage,
    CoursePage,
    LegalDocument,
    LessonPage,
)
from .services import catalogue_permissions_sync

LAW_116_2025 = (
    "https://thuviennhadat.vn/van-ban-phap-luat-viet-nam/"
    "luat-an-ninh-mang-2025-so-116-2025-qh15-666020.html"
)
LAW_91_2025 = (
    "https://thuviennhadat.vn/vbpl/luat-bao-ve-du-lieu-ca-nhan-2025-so-91-2025-qh15-"
    "625628.html"
)

# The documents the demo cites, with the dates they apply and what replaced
# them (as far as the official texts say; unknown dates stay empty).
DOCUMENTS = {
    "24/2018/QH14": {
        "title": "Luật An ninh mạng",
        "kind": LegalDocument.Kind.LAW,
        "issued_on": date(2018, 6, 12),
        "in_force_from": date(2019, 1, 1),
        "out_of_force_from": date(2026, 7, 1),
        "replaced_by": "116/2025/QH15",
    },
    "116/2025/QH15": {
        "title": "Luật An ninh mạng",
        "kind": LegalDocument.Kind.LAW,
        "issued_on": date(2025, 12, 10),
        "in_force_from": date(2026, 7, 1),
        "source_url": LAW_116_2025,
        "note": "Thay thế Luật An ninh mạng số 24/2018/QH14 và Luật An toàn thông "
        "tin mạng số 86/2015/QH13.",
    },
    "874/QĐ-BTTTT": {
        "title": "Bộ Quy tắc ứng xử trên mạng xã hội",
        "kind": LegalDocument.Kind.DECISION,
        "issued_on": date(2021, 6, 17),
        "in_force_from": date(2021, 6, 17),
    },
    "13/2023/NĐ-CP": {
        "title": "Nghị định về bảo vệ dữ liệu cá nhân",
        "kind": LegalDocument.Kind.DECREE,
        "issued_on": date(2023, 4, 17),
        "in_force_from": date(2023, 7, 1),
        "out_of_force_from": date(2026, 1, 1),
        "replaced_by": "91/2025/QH15",
        "note": "Thay thế bởi Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị "
        "định số 356/2025/NĐ-CP từ ngày 01/01/2026.",
    },
    "91/2025/QH15": {
        "title": "Luật Bảo vệ dữ liệu cá nhân",
        "kind": LegalDocument.Kind.LAW,
        "issued_on": date(2025, 6, 26),
        "in_force_from": date(2026, 1, 1),
        "source_url": LAW_91_2025,
    },
    "356/2025/NĐ-CP": {
        "title": "Nghị định quy định chi tiết một số điều và biện pháp thi hành "
        "Luật Bảo vệ dữ liệu cá nhân",
        "kind": LegalDocument.Kind.DECREE,
        "issued_on": date(2025, 12, 31),
        "in_force_from": date(2026, 1, 1),
        "source_url": "https://wincolaw.com.vn/vi/nghi-dinh-356-2025-nd-cp-ngay-31-12-"
        "2025-huong-dan-luat-bao-ve-du-lieu-ca-nhan.html",
    },
    "174/2026/NĐ-CP": {
        "title": "Nghị định xử phạt vi phạm hành chính (thay thế các mức phạt tại "
        "Điều 101 Nghị định 15/2020/NĐ-CP)",
        "kind": LegalDocument.Kind.DECREE,
        "in_force_from": date(2026, 7, 1),
        "note": "Chưa đối chiếu được nguyên văn; ngày hiệu lực theo issue 22.",
    },
    "15/2020/NĐ-CP": {
        "title": "Nghị định xử phạt vi phạm hành chính về bưu chính, viễn thông, "
        "tần số vô tuyến điện, công nghệ thông tin và giao dịch điện tử",
        "kind": LegalDocument.Kind.DECREE,
        "issued_on": date(2020, 2, 3),
        "in_force_from": date(2020, 4, 15),
        "note": "Điều 101 (xử phạt trên mạng xã hội) không còn áp dụng từ 01/7/2026 "
        "(Nghị định 174/2026/NĐ-CP); bài học không còn trích dẫn điều này.",
    },
    "14/2022/NĐ-CP": {
        "title": "Nghị định sửa đổi, bổ sung Nghị định 15/2020/NĐ-CP",
        "kind": LegalDocument.Kind.DECREE,
    },
    "25/2004/QH11": {
        "title": "Luật Bảo vệ, chăm sóc và giáo dục trẻ em",
        "kind": LegalDocument.Kind.LAW,
        "out_of_force_from": date(2017, 6, 1),
        "replaced_by": "102/2016/QH13",
    },
    "86/2015/QH13": {
        "title": "Luật An toàn thông tin mạng",
        "kind": LegalDocument.Kind.LAW,
        "out_of_force_from": date(2026, 7, 1),
        "replaced_by": "116/2025/QH15",
    },
    "102/2016/QH13": {
        "title": "Luật Trẻ em",
        "kind": LegalDocument.Kind.LAW,
        "in_force_from": date(2017, 6, 1),
    },
}


def _document(number: str) -> LegalDocument:
    """The demo's record of a document, with its dates (idempotent)."""
    spec = dict(DOCUMENTS.get(number, {"title": "Văn bản pháp luật"}))
    successor = spec.pop("replaced_by", None)
    document, created = LegalDocument.objects.get_or_create(
        number=number, defaults=spec
    )
    if successor and document.replaced_by_id is None:
        document.replaced_by = _document(successor)
        document.save(update_fields=["replaced_by"])
    return document


def _publish_new(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


LIBRARY_CATALOGUE = {
    "slug": "khoa-hoc",
    "title": "Khóa học",
    "intro": "<p>Các khóa học ngắn về Luật An ninh mạng và văn hóa ứng xử "
    "trên môi trường mạng. Học trên điện thoại, làm bài kiểm tra và nhận "
    "giấy chứng nhận.</p>",
}


def _catalogue_ensure(*, home: Page, school, spec: dict) -> CourseIndexPage:
    """The catalogue owned by `school` (None: the Department library) under `home`."""
    catalogue = (
        CourseIndexPage.objects.child_of(home)
        .filter(school=school)
        .order_by("path")
        .first()
    )
    if catalogue is None:
        catalogue = _publish_new(
            home,
            CourseIndexPage(
                title=spec["title"],
                slug=spec["slug"],
                intro=spec["intro"],
                school=school,
            ),
        )
    catalogue_permissions_sync(catalogue=catalogue)
    return catalogue


def seed_legal_register() -> None:
    """Every document the demo cites or has cited, with what replaced it, so
    editors see what replaced what (the packs hold only what they cite)."""
    for number in DOCUMENTS:
        _document(number)


@transaction.atomic
def seed_courses(
    *,
    home: Page,
    school=None,
    catalogue: dict | None = None,
    slugs: list[str] | None = None,
) -> list[CoursePage]:
    """Import the demo course packs (courses/demo_packs/) into a catalogue
    under `home`, if missing.

    Without `school`, the Department library's catalogue and courses; with it,
    that school's own catalogue (`catalogue`: slug, title, intro; default: the
    packs' catalogues.yaml) and courses. `slugs`: only those courses.
    """
    from .packs.demo import LIBRARY, demo_catalogues, import_demo_packs

    seed_legal_register()
    owner = school.code if school is not None else LIBRARY
    spec = catalogue or demo_catalogues().get(owner) or LIBRARY_CATALOGUE
    page = _catalogue_ensure(home=home, school=school, spec=spec)
    return import_demo_packs(catalogue=page, owner=owner, slugs=slugs)


def seed_learner_progress(*, student, course: CoursePage, lessons_done: int) -> None:
    """Put the demo student part-way through a course (idempotent)."""
    from .services import course_open, lesson_complete

    course_open(user=student, course=course)
    for lesson in (
        LessonPage.objects.child_of(course).live().order_by("path")[:lessons_done]
    ):
        lesson_complete(user=student, lesson=lesson, course=course)
