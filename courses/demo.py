"""Load the demo courses (courses/demo_content.py) as Wagtail pages. Idempotent."""

from django.db import transaction
from wagtail.models import Page

from .models import (
    ConductPrinciple,
    CourseIndexPage,
    CoursePage,
    EnrolmentMode,
    LegalReference,
    LessonPage,
)
from .services import catalogue_permissions_sync

DOCUMENT_TITLES = {
    "24/2018/QH14": "Luật An ninh mạng",
    "874/QĐ-BTTTT": "Bộ Quy tắc ứng xử trên mạng xã hội",
    "13/2023/NĐ-CP": "Nghị định về bảo vệ dữ liệu cá nhân",
    "15/2020/NĐ-CP": "Nghị định xử phạt vi phạm hành chính về bưu chính, viễn thông, "
    "tần số vô tuyến điện, công nghệ thông tin và giao dịch điện tử",
    "14/2022/NĐ-CP": "Nghị định sửa đổi, bổ sung Nghị định 15/2020/NĐ-CP",
    "25/2004/QH11": "Luật Trẻ em",
    "102/2016/QH13": "Luật Trẻ em",
}


def _publish_new(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _legal_refs(pairs) -> list[LegalReference]:
    refs = []
    for number, article in pairs:
        ref, _ = LegalReference.objects.get_or_create(
            document_number=number,
            article=str(article),
            defaults={
                "document_title": DOCUMENT_TITLES.get(number, "Văn bản pháp luật")
            },
        )
        refs.append(ref)
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
        from .demo_content import COURSES as courses
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
                body=lesson_spec["body"],
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
