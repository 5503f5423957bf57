"""Load the demo courses as Wagtail pages: from the demo course packs
(courses/demo_packs/), or, for `courses.packs.build_demo`, from the Python
content they were written from. Idempotent."""

from datetime import date

from django.db import transaction
from wagtail.models import Page

from .legal import parse_article, parse_document
from .models import (
    ConductPrinciple,
    CourseIndexPage,
    CoursePage,
    EnrolmentMode,
    LegalDocument,
    LegalReference,
    LessonPage,
)
from .services import catalogue_permissions_sync

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
        "in_force_from": date(2026, 7, 1),
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
    },
    "91/2025/QH15": {
        "title": "Luật Bảo vệ dữ liệu cá nhân",
        "kind": LegalDocument.Kind.LAW,
        "in_force_from": date(2026, 1, 1),
    },
    "15/2020/NĐ-CP": {
        "title": "Nghị định xử phạt vi phạm hành chính về bưu chính, viễn thông, "
        "tần số vô tuyến điện, công nghệ thông tin và giao dịch điện tử",
        "kind": LegalDocument.Kind.DECREE,
        "issued_on": date(2020, 2, 3),
        "in_force_from": date(2020, 4, 15),
    },
    "14/2022/NĐ-CP": {
        "title": "Nghị định sửa đổi, bổ sung Nghị định 15/2020/NĐ-CP",
        "kind": LegalDocument.Kind.DECREE,
    },
    "25/2004/QH11": {"title": "Luật Trẻ em", "kind": LegalDocument.Kind.LAW},
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


def _reference(number: str, article: str, title: str = "") -> LegalReference:
    reference, _created = LegalReference.objects.get_or_create(
        document=_document(number), article=article, defaults={"title": title}
    )
    return reference


def _body(blocks) -> list:
    """The demo's lesson blocks, its legal articles cited as text turned into
    references."""
    converted = []
    for kind, value in blocks:
        if kind == "legal_article" and "document" in value:
            parsed = parse_document(value["document"])
            article = parse_article(value["article"])
            value = {
                "reference": _reference(parsed[0], article, value.get("title", "")),
                "clause": value.get("clause", ""),
                "quote": value["quote"],
                "quote_source": "",
                "explanation": value.get("explanation", ""),
            }
        converted.append((kind, value))
    return converted


def _publish_new(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _legal_refs(pairs) -> list[LegalReference]:
    refs = []
    for number, article in pairs:
        refs.append(_reference(number, str(article)))
    return refs


def _principles(names) -> list[ConductPrinciple]:
    return [ConductPrinciple.objects.get_or_create(name=name)[0] for name in names]


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


@transaction.atomic
def seed_courses(
    *,
    home: Page,
    courses: list[dict] | None = None,
    school=None,
    catalogue: dict | None = None,
) -> list[CoursePage]:
    """Create a catalogue and its demo courses under `home` if missing.

    Without `school`, the Department library's catalogue and the shared demo
    courses; with it, that school's own catalogue (`catalogue`: slug, title,
    intro) and courses.
    """
    if courses is None:
        # The demo course packs (courses/demo_packs/).
        from .packs.demo import LIBRARY, demo_catalogues, import_demo_packs

        owner = school.code if school is not None else LIBRARY
        spec = catalogue or demo_catalogues().get(owner) or LIBRARY_CATALOGUE
        page = _catalogue_ensure(home=home, school=school, spec=spec)
        return import_demo_packs(catalogue=page, owner=owner)
    catalogue = _catalogue_ensure(
        home=home, school=school, spec=catalogue or LIBRARY_CATALOGUE
    )
    created = []
    for spec in courses:
        course = (
            CoursePage.objects.child_of(catalogue).filter(slug=spec["slug"]).first()
        )
        if course is None:
            audience = set(spec["audience"])
            course = _publish_new(
                catalogue,
                CoursePage(
                    title=spec["title"],
                    slug=spec["slug"],
                    summary=spec["summary"],
                    objectives=[("objective", text) for text in spec["objectives"]],
                    estimated_minutes=spec["estimated_minutes"],
                    for_students="students" in audience,
                    for_teachers="teachers" in audience,
                    for_collaborators="collaborators" in audience,
                    lessons_before_quizzes="students" in audience,
                    enrolment_mode=EnrolmentMode.AUTOMATIC,
                ),
            )
        for lesson_spec in spec["lessons"]:
            if (
                LessonPage.objects.child_of(course)
                .filter(slug=lesson_spec["slug"])
                .exists()
            ):
                continue
            lesson = LessonPage(
                title=lesson_spec["title"],
                slug=lesson_spec["slug"],
                body=_body(lesson_spec["body"]),
                estimated_minutes=lesson_spec["estimated_minutes"],
                required=lesson_spec.get("required", True),
            )
            course.add_child(instance=lesson)
            lesson.legal_references.set(_legal_refs(lesson_spec.get("legal_refs", [])))
            lesson.principles.set(_principles(lesson_spec.get("principles", [])))
            lesson.save_revision().publish()
        created.append(course)
    return created


def seed_learner_progress(*, student, course: CoursePage, lessons_done: int) -> None:
    """Put the demo student part-way through a course (idempotent)."""
    from .services import course_open, lesson_complete

    course_open(user=student, course=course)
    for lesson in (
        LessonPage.objects.child_of(course).live().order_by("path")[:lessons_done]
    ):
        lesson_complete(user=student, lesson=lesson, course=course)
