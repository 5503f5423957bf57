import pytest
from django.core.management import call_command

from courses.models import (
    CourseCompletion,
    CoursePage,
    LegalDocument,
    LessonPage,
    LessonProgress,
)

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_three_vietnamese_courses_idempotently():
    call_command("seed_demo", verbosity=0)
    counts = (CoursePage.objects.count(), LessonPage.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (CoursePage.objects.count(), LessonPage.objects.count()) == counts
    live = CoursePage.objects.live()
    assert live.count() >= 3
    for course in live:
        assert LessonPage.objects.child_of(course).live().count() >= 3
        assert any(ch in course.title for ch in "ạảãáàăâđêôơư")
    staff = live.get(for_students=False)
    assert staff.for_teachers and staff.for_collaborators


def test_demo_student_has_one_course_in_progress():
    call_command("seed_demo", verbosity=0)
    done = LessonProgress.objects.filter(
        user__username="student", completed_at__isnull=False
    )
    # One course completed (it carries the demo certificate), one in progress.
    completed = set(
        CourseCompletion.objects.filter(user__username="student").values_list(
            "course", flat=True
        )
    )
    started = set(done.values_list("course", flat=True))
    assert len(completed) == 1
    assert len(started - completed) == 1


def test_demo_lessons_use_the_rich_blocks():
    call_command("seed_demo", verbosity=0)
    kinds = {
        block.block_type for lesson in LessonPage.objects.all() for block in lesson.body
    }
    assert {"legal_article", "scenario", "callout", "key_takeaways"} <= kinds
    # Every quoted article cites a reference whose document carries its dates.
    cited = [
        block.value["reference"]
        for lesson in LessonPage.objects.all()
        for block in lesson.body
        if block.block_type == "legal_article"
    ]
    assert cited and all(reference is not None for reference in cited)
    old_law = LegalDocument.objects.get(number="24/2018/QH14")
    assert old_law.in_force_from and old_law.out_of_force_from
    assert old_law.replaced_by.number == "116/2025/QH15"
