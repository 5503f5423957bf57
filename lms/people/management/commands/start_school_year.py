"""python manage.py start_school_year --school CODE --year 2027-2028 [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError

from lms.people.models import School
from lms.people.rollover import (
    RolloverPlan,
    RolloverRefused,
    school_year_plan,
    school_year_start,
)


class Command(BaseCommand):
    help = (
        "Start a new school year at a school: promote its classes (10A1 -> 11A1), "
        "carry its students (the last grade leaves), its admins and, if asked, "
        "its homeroom teachers, and the courses assigned to its classes. All or "
        "nothing; running it again changes nothing; earlier years stay as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="School code, e.g. DEMO")
        parser.add_argument(
            "--year", required=True, help="The new school year, e.g. 2027-2028"
        )
        parser.add_argument(
            "--carry-homeroom",
            action="store_true",
            help="Homeroom teachers follow their class into the new year.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would happen; write nothing.",
        )

    def handle(self, *args, **options):
        code = options["school"].strip().upper()
        school = School.objects.filter(code=code).first()
        if school is None:
            raise CommandError(f"No school with code {options['school']}.")
        arguments = {
            "school": school,
            "year_name": options["year"],
            "carry_homeroom": options["carry_homeroom"],
        }
        try:
            if options["dry_run"]:
                plan = school_year_plan(**arguments)
            else:
                plan = school_year_start(**arguments)
        except RolloverRefused as refusal:
            raise CommandError(refusal.message) from None
        self.report(plan, dry_run=options["dry_run"])

    @staticmethod
    def who(person) -> str:
        return f"{person.name} ({person.username})"

    def report(self, plan: RolloverPlan, *, dry_run: bool) -> None:
        out = self.stdout.write
        out(
            f"{plan.school.code}: {plan.source_year.name} -> {plan.year_name} "
            f"({plan.year_starts_on:%d/%m/%Y} - {plan.year_ends_on:%d/%m/%Y})"
        )
        if not plan.year_exists:
            out(f"year     {plan.year_name} created")
        for promotion in plan.promotions:
            state = "exists" if promotion.exists else "created"
            out(
                f"class    {promotion.old_name} -> {promotion.new_name} ({state}, "
                f"{promotion.students} students)"
            )
        for leaving in plan.leaving_classes:
            out(f"leaves   {leaving.name} ({leaving.students} students)")
        for leaving in plan.unpromotable_classes:
            out(f"not carried {leaving.name}: no grade number in its name")
        for move in plan.students_carried:
            out(f"student  {self.who(move.person)} -> {move.new_class}")
        for move in plan.students_placed_elsewhere:
            out(
                f"kept     {move.person.name} ({move.person.username}) already in "
                f"{move.new_class}"
            )
        for move in plan.homeroom_carried:
            out(f"homeroom {self.who(move.person)} -> {move.new_class}")
        for person in plan.admins_carried:
            out(f"admin    {person.name} ({person.username}) keeps the role")
        for ending in plan.roles_ending:
            where = f" {ending.where}" if ending.where else ""
            out(f"ends     {self.who(ending.person)} {ending.role}{where}")
        for item in plan.carried:
            out(f"carried  {item.title}: {item.old_class} -> {item.new_class}")
        if plan.nothing_to_do:
            out(
                self.style.SUCCESS(
                    "Nothing to do: the school is already in the new year."
                )
            )
            return
        prefix = "Dry run, nothing written: would have " if dry_run else ""
        out(
            self.style.SUCCESS(
                f"{prefix}created {len(plan.classes_to_create)} classes, carried "
                f"{len(plan.students_carried)} students, "
                f"{len(plan.homeroom_carried)} homeroom teachers, "
                f"{len(plan.admins_carried)} admins, {len(plan.carried)} other items; "
                f"{len(plan.leavers)} students leave, "
                f"{len(plan.roles_ending)} roles end."
            )
        )
