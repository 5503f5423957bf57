"""The courses app's part of a person's data export and erasure.

Registered in wagtail_hooks.py on the hooks lms.people defines
(`lms_person_data_export`, `lms_person_erase`).
"""

from .models import CourseCompletion, Enrolment, LessonProgress


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def person_courses_export(*, person) -> tuple[str, dict, list]:
    """Enrolments, lesson progress and completions of `person`."""
    data = {
        "enrolments": [
            {
                "course": enrolment.course.title,
                "source": enrolment.source,
                "enrolled_at": _iso(enrolment.enrolled_at),
            }
            for enrolment in Enrolment.objects.filter(user=person).select_related(
                "course"
            )
        ],
        "lesson_progress": [
            {
                "lesson": progress.lesson_title,
                "started_at": _iso(progress.started_at),
                "completed_at": _iso(progress.completed_at),
            }
            for progress in LessonProgress.objects.filter(user=person)
        ],
        "completions": [
            {
                "course": completion.course_title,
                "completed_at": _iso(completion.completed_at),
            }
            for completion in CourseCompletion.objects.filter(user=person)
        ],
    }
    return "courses", data, []


def person_courses_erase(*, person, erasure) -> None:
    """Nothing to do: progress rows hold no personal data beyond the account.

    They stay, attached to the anonymised account, so completion figures
    remain true.
    """
