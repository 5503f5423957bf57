"""Courses assigned to a class follow it into the new school year.

Registered under ``lms_school_year_rollover`` (lms/people/rollover.py): the
people app plans and runs the rollover and asks each app what it carries.
"""

from django.utils import timezone

from lms.people.models import School, SchoolClass
from lms.people.rollover import CarriedItem, Succession

from .models import ClassAssignment


class ClassAssignmentsCarried:
    """Each course assigned to an old class is assigned to its successor."""

    name = "course_assignments"

    def plan(
        self, *, school: School, successions: dict[int, Succession]
    ) -> list[CarriedItem]:
        already = set(
            ClassAssignment.objects.filter(
                school_class_id__in=[
                    s.new_class_id for s in successions.values() if s.new_class_id
                ]
            ).values_list("course_id", "school_class_id")
        )
        items = []
        for assignment in (
            ClassAssignment.objects.filter(school_class_id__in=list(successions))
            .select_related("course")
            .order_by("school_class__name", "course__title", "pk")
        ):
            succession = successions[assignment.school_class_id]
            if (assignment.course_id, succession.new_class_id) in already:
                continue
            items.append(
                CarriedItem(
                    part=self.name,
                    ref=assignment.course_id,
                    title=assignment.course.title,
                    old_class=succession.old_name,
                    new_class=succession.new_name,
                )
            )
        return items

    def apply(
        self,
        *,
        items: list[CarriedItem],
        new_classes: dict[str, SchoolClass],
        actor,
    ) -> None:
        # Only the assignment: each student is enrolled when they open the
        # course, as for any assigned course (courses/services.py).
        now = timezone.now()
        ClassAssignment.objects.bulk_create(
            [
                ClassAssignment(
                    course_id=item.ref,
                    school_class=new_classes[item.new_class],
                    assigned_by=actor,
                    assigned_at=now,
                )
                for item in items
            ],
            ignore_conflicts=True,
        )
