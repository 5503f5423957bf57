"""The completion summary equals the live count, whatever happened in between."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.models import Certificate
from certificates.services import (
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
)
from courses.models import EnrolmentMode
from courses.services import course_assign_to_classes, course_open, lesson_complete
from lms.people.models import Membership, Role, SchoolClass, User
from lms.people.services import membership_ensure
from lms.reports import summary as summary_module
from lms.reports.models import CompletionSummary, ReportGroup, SummaryBuild
from lms.reports.selectors import (
    ReportFilters,
    completion_facts,
    completion_facts_for,
    completion_facts_from_summary,
    courses_for_report,
    members_in_scope,
)
from lms.reports.summary import group_key_of, summary_rebuild
from tests.certificates.factories import (
    CertificateTemplateFactory,
    CourseCertificateSettingFactory,
)
from tests.courses.factories import CoursePageFactory, LessonPageFactory
from tests.people.factories import (
    MembershipFactory,
    SchoolClassFactory,
    SchoolYearFactory,
    UserFactory,
)

from .conftest import add_staff, add_student, attempt, complete_course

pytestmark = pytest.mark.django_db


def live_facts(viewer, filters):
    return completion_facts_for(
        members=members_in_scope(viewer=viewer, filters=filters), filters=filters
    )


def summary_facts(viewer, filters):
    return completion_facts_from_summary(
        viewer=viewer, filters=filters, courses=courses_for_report(filters=filters)
    )


def assert_summary_equals_live(viewer, filters):
    live, kept = live_facts(viewer, filters), summary_facts(viewer, filters)
    assert kept.members == live.members
    assert kept.figures == live.figures
    assert set(kept.classes) == set(live.classes)
    assert set(kept.schools) == set(live.schools)


def stored_rows():
    """The summary as stored, zero rows left out (a rebuild writes none)."""
    groups = {
        group_key_of(group): group.members
        for group in ReportGroup.objects.filter(members__gt=0)
    }
    rows = {}
    for row in CompletionSummary.objects.select_related("group"):
        figures = (row.enrolled, row.in_progress, row.completed, row.certificates)
        if any(figures):
            rows[(group_key_of(row.group), row.course_id)] = figures
    return groups, rows


def viewers_and_filters(world):
    year = world.year
    admin = world.people["qt"]
    everyone = UserFactory(username="root", is_superuser=True)
    return [
        (everyone, ReportFilters()),
        (everyone, ReportFilters(role="students")),
        (world.people["so"], ReportFilters(school_year=year)),
        (world.people["so"], ReportFilters(school_year=year, role="teachers")),
        (admin, ReportFilters(school_year=year)),
        (admin, ReportFilters(school_year=year, school=world.schools["A"])),
        (admin, ReportFilters(school_class=world.classes["10A2"])),
        (admin, ReportFilters(course=world.courses["K1"])),
        (world.people["gvcn"], ReportFilters(school_year=year)),
    ]


def certificate_setting(course, audience="students"):
    return CourseCertificateSettingFactory(
        course=course,
        template=CertificateTemplateFactory(),
        audience=audience,
        auto_issue=False,
    )


def mix_of_events(world):
    """Everything that changes a figure, as (what happened, doing it) steps."""
    k1, k2 = world.courses["K1"], world.courses["K2"]
    classes, people, year = world.classes, world.people, world.year

    def issue_certificates():
        certificate_setting(k1)
        certificate_setting(k2, audience="teachers")
        for username in ("s1", "s4", "s6"):
            certificate_issue(
                user=people[username], course=k1, render=False, notify=False
            )
        certificate_issue(user=people["t1"], course=k2, render=False, notify=False)

    def revoke_certificate():
        certificate_revoke(
            certificate=Certificate.objects.get(holder=people["s4"]),
            by=people["qt"],
            reason="Sai tên",
        )

    def reissue_certificate():
        certificate_reissue(
            certificate=Certificate.objects.get(holder=people["s1"]),
            by=people["qt"],
            reason="Đổi tên",
            render=False,
        )

    def move_class():
        membership_ensure(
            user=people["s2"],
            role=Role.STUDENT,
            school_year=year,
            school_class=classes["10A2"],
        )

    def homeroom():
        add_staff(world, "t1", "Giáo Viên Một", Role.HOMEROOM_TEACHER, "A", "10A2")

    def stop_teaching():
        Membership.objects.get(user=people["gvcn"], role=Role.TEACHER).delete()

    def join_and_complete():
        s8 = add_student(world, "s8", "Lý Mới Vào", "10A1")
        complete_course(s8, k1, world.lessons["K1"])

    def two_years():
        next_year = SchoolYearFactory(name="2024-2025")
        eleven = SchoolClassFactory(
            school=world.schools["A"], school_year=next_year, name="11A1"
        )
        MembershipFactory(user=people["s4"], role=Role.STUDENT, school_class=eleven)

    def assign_course():
        k3 = CoursePageFactory(
            parent=k1.get_parent(),
            title="Phòng chống lừa đảo",
            enrolment_mode=EnrolmentMode.ASSIGNED,
        )
        LessonPageFactory(parent=k3)
        course_assign_to_classes(
            course=k3, classes=[classes["10A1"], classes["10B1"]], assigned_by=None
        )

    return [
        ("certificates issued", issue_certificates),
        ("a certificate revoked", revoke_certificate),
        ("a certificate reissued (the old one replaced)", reissue_certificate),
        ("a student moved class, taking their progress along", move_class),
        ("a teacher became homeroom teacher too (counted as teacher)", homeroom),
        ("the homeroom teacher stopped teaching (now counted so)", stop_teaching),
        (
            "the school admin started teaching (counted once, as a teacher)",
            lambda: add_staff(world, "qt", "Quản Trị A", Role.TEACHER, "A"),
        ),
        ("a student joined and completed a course", join_and_complete),
        ("a student enrolled", lambda: course_open(user=people["s3"], course=k1)),
        ("an enrolled student tried the quiz", lambda: attempt(people["s5"], k1, "55")),
        ("a student is in two years: their progress counts in both", two_years),
        ("a course assigned to two classes, enrolled in bulk", assign_course),
        ("a learner deleted", lambda: User.objects.get(username="s6").delete()),
        (
            "a class deleted",
            lambda: SchoolClass.objects.get(pk=classes["10C1"].pk).delete(),
        ),
    ]


def run_events(world, capture):
    """Each step as its own commit would run it; yields after each."""
    for step, event in mix_of_events(world):
        with capture(execute=True):
            event()
        yield step


def test_summary_equals_live_counts_after_each_of_a_mix_of_events(
    world, django_capture_on_commit_callbacks
):
    everyone = UserFactory(username="root", is_superuser=True)
    for step in run_events(world, django_capture_on_commit_callbacks):
        live = live_facts(everyone, ReportFilters())
        kept = summary_facts(everyone, ReportFilters())
        assert (kept.members, kept.figures) == (live.members, live.figures), step
    for viewer, filters in viewers_and_filters(world):
        assert_summary_equals_live(viewer, filters)


def test_summary_kept_by_events_equals_a_rebuild(
    world, django_capture_on_commit_callbacks
):
    for _step in run_events(world, django_capture_on_commit_callbacks):
        pass
    kept = stored_rows()
    summary_rebuild()
    assert stored_rows() == kept


def test_every_step_of_the_world_is_counted_in_the_summary(world):
    # The fixture built the world one service call at a time: already right.
    for viewer, filters in viewers_and_filters(world):
        assert_summary_equals_live(viewer, filters)


def test_reports_read_the_summary_once_built(world):
    filters = ReportFilters(school_year=world.year)
    viewer = world.people["qt"]
    CompletionSummary.objects.update(completed=0)
    assert completion_facts(viewer=viewer, filters=filters).total().completed == 0
    SummaryBuild.objects.all().delete()
    assert completion_facts(viewer=viewer, filters=filters).total().completed == 3


def test_completion_date_range_is_counted_live(world):
    CompletionSummary.objects.update(completed=0)
    facts = completion_facts(
        viewer=world.people["qt"],
        filters=ReportFilters(
            school_year=world.year,
            completed_from=date(2000, 1, 1),
            completed_to=date(2100, 1, 1),
        ),
    )
    assert facts.total().completed == 3


def test_rebuild_is_all_or_nothing(world, monkeypatch):
    before = stored_rows()

    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(summary_module, "group_count_querysets", fail)
    builds = SummaryBuild.objects.count()
    with pytest.raises(RuntimeError):
        summary_rebuild()
    assert stored_rows() == before
    assert SummaryBuild.objects.count() == builds


def test_rebuild_command_recounts_and_says_so(world):
    CompletionSummary.objects.all().delete()
    ReportGroup.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_report_summary", stdout=out)
    build = SummaryBuild.objects.first()
    assert build.groups == ReportGroup.objects.count() > 0
    assert build.rows == CompletionSummary.objects.count() > 0
    assert f"{build.groups} nhóm, {build.rows} dòng" in out.getvalue()
    assert_summary_equals_live(world.people["so"], ReportFilters())


def test_seed_scale_leaves_the_summary_built(world):
    call_command("seed_scale", schools=2, students_per_school=45, prefix="TS")
    root = UserFactory(username="root", is_superuser=True)
    assert_summary_equals_live(root, ReportFilters())
    assert ReportGroup.objects.filter(school__code__startswith="TS").count() >= 4


def recount_queries(world, count: int) -> int:
    """Queries for one enrolment in a class of `count` students."""
    school_class = SchoolClassFactory(
        school=world.schools["A"], school_year=world.year, name=f"12C{count}"
    )
    for index in range(count):
        user = UserFactory(username=f"c{count}-{index}")
        MembershipFactory(user=user, role=Role.STUDENT, school_class=school_class)
        course_open(user=user, course=world.courses["K1"])
    newcomer = UserFactory(username=f"c{count}-new")
    MembershipFactory(user=newcomer, role=Role.STUDENT, school_class=school_class)
    with CaptureQueriesContext(connection) as queries:
        course_open(user=newcomer, course=world.courses["K1"])
    return len(queries)


def test_an_enrolment_recounts_with_the_same_queries_in_any_class_size(world):
    assert recount_queries(world, 2) == recount_queries(world, 12)


def summary_queries(queries) -> int:
    return sum("lms_reports_completionsummary" in q["sql"] for q in queries)


def test_a_first_step_is_recounted_after_commit(
    world, django_capture_on_commit_callbacks
):
    s3, k1 = world.people["s3"], world.courses["K1"]
    with django_capture_on_commit_callbacks(execute=True):
        course_open(user=s3, course=k1)
    with (
        django_capture_on_commit_callbacks() as later,
        CaptureQueriesContext(connection) as queries,
    ):
        attempt(s3, k1, "40.00")
    assert summary_queries(queries) == 0
    assert len(later) == 1
    with CaptureQueriesContext(connection) as queries:
        later[0]()
    assert summary_queries(queries) == 1
    assert_summary_equals_live(world.people["qt"], ReportFilters())


def test_a_completion_is_recounted_after_commit(
    world, django_capture_on_commit_callbacks
):
    """A learner's completion, like their first step, leaves the recount to
    the task queue (issue 19: no report work in the learner's request)."""
    s3, k1, lessons = world.people["s3"], world.courses["K1"], world.lessons["K1"]
    with django_capture_on_commit_callbacks(execute=True):
        course_open(user=s3, course=k1)
        lesson_complete(user=s3, lesson=lessons[0], course=k1)
    with (
        django_capture_on_commit_callbacks() as later,
        CaptureQueriesContext(connection) as queries,
    ):
        lesson_complete(user=s3, lesson=lessons[1], course=k1)
    assert summary_queries(queries) == 0
    assert len(later) == 1
    with CaptureQueriesContext(connection) as queries:
        later[0]()
    assert summary_queries(queries) == 1
    assert_summary_equals_live(world.people["qt"], ReportFilters())


def test_deferred_recounts_skip_each_change_and_rebuild_once_at_the_end(
    world, django_capture_on_commit_callbacks
):
    from lms.models import PendingTask

    s3, k1, lessons = world.people["s3"], world.courses["K1"], world.lessons["K1"]
    builds = SummaryBuild.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
        summary_module.summary_recounts_deferred(),
    ):
        course_open(user=s3, course=k1)
        for lesson in lessons:
            lesson_complete(user=s3, lesson=lesson, course=k1)
        # Nothing recounted, nothing asked of the queue: the summary is stale.
        assert not any("lms_reports_completionsummary" in q["sql"] for q in queries)
        assert not PendingTask.objects.exists()
    # One rebuild at the end, and it counts everything that happened.
    assert SummaryBuild.objects.count() == builds + 1
    assert_summary_equals_live(world.people["qt"], ReportFilters())


def test_deferred_recounts_rebuild_nothing_after_a_failure(world):
    builds = SummaryBuild.objects.count()
    with pytest.raises(RuntimeError):
        with summary_module.summary_recounts_deferred():
            raise RuntimeError("the writer failed")
    assert SummaryBuild.objects.count() == builds
    # And recounts are back on afterwards.
    assert not summary_module._deferred.get()


def test_deleting_a_course_or_a_school_takes_its_summary_rows_along(world):
    k2 = world.courses["K2"]
    k2.delete()
    world.schools["C"].delete()
    assert not CompletionSummary.objects.filter(course_id=k2.pk).exists()
    assert not ReportGroup.objects.filter(school_id=world.schools["C"].pk).exists()
    everyone = UserFactory(username="root", is_superuser=True)
    assert_summary_equals_live(everyone, ReportFilters())


def test_a_certificate_recounts_only_the_certificate_figure(
    world, django_capture_on_commit_callbacks
):
    k1, s1 = world.courses["K1"], world.people["s1"]
    certificate_setting(k1)
    with django_capture_on_commit_callbacks() as callbacks:
        certificate_issue(user=s1, course=k1, render=False, notify=False)
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    counted = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"lms_certificates_certificate"' in counted
    for other in ("lms_courses_enrolment", "lms_courses_lessonprogress"):
        assert other not in counted
    assert_summary_equals_live(world.people["qt"], ReportFilters())


def test_in_progress_is_counted_by_one_grouped_query(world):
    # The unfinished enrolments are found once; attempts and lessons are
    # looked up for them in the count's FILTER (two queries found them twice).
    from lms.reports.selectors import counted_memberships, group_count_querysets

    found = group_count_querysets(
        members=counted_memberships(), course_ids=[k.pk for k in world.courses.values()]
    )
    assert len(found["in_progress"]) == 1
    counts = summary_module.group_counts(
        members=counted_memberships(),
        course_ids=[k.pk for k in world.courses.values()],
    )
    # A group with unfinished enrolments but none begun counts no figure.
    assert all(counts.in_progress.values())
    assert sum(counts.in_progress.values()) == 1  # 10A1's learner halfway


@pytest.mark.postgres
def test_rebuild_counts_members_by_role_and_a_few_ids(world):
    # PostgreSQL: a membership of a role that always counts is counted by its
    # role; only the counted homeroom teachers and school admins are named.
    from lms.reports.selectors import ROLES_COUNTED_ONCE, counted_memberships

    condition = summary_module._counted_once(using="default")
    members = Membership.objects.filter(condition)
    assert set(members.values_list("pk", flat=True)) == set(
        counted_memberships().values_list("pk", flat=True)
    )
    named = [child for child in condition.children if child[0] == "pk__in"][0][1]
    assert set(named) == set(
        counted_memberships()
        .filter(role__in=ROLES_COUNTED_ONCE)
        .values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as captured:
        summary_rebuild()
    assert not any(
        "TEMPORARY TABLE lms_reports_rebuild_counted" in q["sql"]
        for q in captured.captured_queries
    )


def test_rebuild_joins_memberships_on_the_rows_user_id(world):
    # The figures' queries reach memberships through the users table
    # (user__memberships); the rebuild joins them on the row's user id
    # instead, with the same rows.
    kept = stored_rows()
    with CaptureQueriesContext(connection) as captured:
        summary_rebuild()
    counting = [
        q["sql"]
        for q in captured.captured_queries
        if "lms_reports_completionsummary" in q["sql"]
        and "UNION ALL" in q["sql"]
        or "lms_reports_rebuild_figures ON COMMIT DROP AS" in q["sql"]
    ]
    assert counting
    assert all('"lms_people_user"' not in sql for sql in counting)
    assert all('"lms_people_membership"' in sql for sql in counting)
    assert stored_rows() == kept
    assert_summary_equals_live(world.people["so"], ReportFilters())


def test_a_join_through_users_stays_when_users_are_read_elsewhere():
    through = (
        'SELECT "lms_people_user"."username" FROM "lms_courses_enrolment" '
        'INNER JOIN "lms_people_user" ON ("lms_courses_enrolment"."user_id" = '
        '"lms_people_user"."id") INNER JOIN "lms_people_membership" ON '
        '("lms_people_user"."id" = "lms_people_membership"."user_id")'
    )
    joined = summary_module._memberships_joined_by_user_id
    assert joined(through, using="default") == through
    direct = joined(
        through.replace('"lms_people_user"."username"', "1"), using="default"
    )
    assert direct == (
        'SELECT 1 FROM "lms_courses_enrolment" INNER JOIN "lms_people_membership" '
        'ON ("lms_courses_enrolment"."user_id" = "lms_people_membership"."user_id")'
    )


@pytest.mark.postgres
def test_postgresql_knows_memberships_fall_into_few_report_groups(world):
    # Extended statistics (lms_people 0015): without them PostgreSQL takes
    # school, year, class and role for independent columns, overestimates the
    # rebuild's groups twentyfold on seed_scale and counts without workers.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stxkeys::text, stxkind::text FROM pg_statistic_ext "
            "WHERE stxname = 'lms_people_membership_report_group_stats'"
        )
        row = cursor.fetchone()
    assert row is not None
    assert "d" in row[1] and "f" in row[1]
    assert len(row[0].split()) == 4
