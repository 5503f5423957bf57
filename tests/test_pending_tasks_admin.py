"""The admin page listing the background work still waiting (the outbox)."""

import pytest
from django.urls import reverse

from lms.models import PendingTask
from lms.outbox import MAX_ATTEMPTS
from lms.people.models import Role
from tests.people.factories import DepartmentFactory, MembershipFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting():
    PendingTask.objects.create(
        task="certificates.tasks.certificate_auto_issue_task", args=[7, 9]
    )
    return PendingTask.objects.create(
        task="lms.reports.tasks.summary_recount_task",
        args=[7, 9, None],
        attempts=MAX_ATTEMPTS,
        last_error="ConnectionError('Redis đi vắng')",
    )


def _officer():
    return MembershipFactory(
        role=Role.DEPARTMENT_OFFICER,
        school=None,
        school_class=None,
        department=DepartmentFactory(),
    ).user


def test_a_department_officer_sees_what_waits_in_vietnamese(client, waiting):
    client.force_login(_officer())
    page = client.get(reverse("lms_pending_tasks"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tác vụ nền đang chờ" in text
    assert "Tự động cấp chứng chỉ" in text
    assert "Tính lại số liệu báo cáo" in text
    assert "Redis đi vắng" in text
    assert "2 tác vụ đang chờ" in text
    assert "1 tác vụ lỗi quá nhiều lần" in text
    # Read-only: no form that could change a row.
    assert "<form" not in text.split('class="listing"')[1].split("</table>")[0]


def test_the_lms_menu_shows_it_only_to_the_department(client, waiting):
    client.force_login(_officer())
    assert (
        reverse("lms_pending_tasks")
        in client.get(reverse("wagtailadmin_home")).content.decode()
    )
    admin = MembershipFactory(
        role=Role.SCHOOL_ADMIN, school=SchoolFactory(), school_class=None
    ).user
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    home = client.get(reverse("wagtailadmin_home"))
    assert reverse("lms_pending_tasks") not in home.content.decode()


@pytest.mark.parametrize(
    "role", [Role.STUDENT, Role.HOMEROOM_TEACHER, Role.SCHOOL_ADMIN]
)
def test_school_people_may_not_see_the_waiting_tasks(client, waiting, role):
    if role in (Role.STUDENT, Role.HOMEROOM_TEACHER):
        user = MembershipFactory(role=role).user
    else:
        user = MembershipFactory(
            role=role, school=SchoolFactory(), school_class=None
        ).user
    client.force_login(user)
    assert client.get(reverse("lms_pending_tasks")).status_code in (302, 403)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(reverse("lms_pending_tasks")).status_code == 302
