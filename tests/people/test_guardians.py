"""Families: guardian contacts, their children, one-time activation codes."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lms.people.models import (
    Consent,
    Guardian,
    GuardianActivationCode,
    GuardianChild,
    Membership,
)
from lms.people.services import (
    ActivationRefused,
    activation_code_hash,
    guardian_activation_code_issue,
    guardian_ensure,
    parent_account_activate,
)
from tests.people.factories import (
    GuardianFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def child():
    return MembershipFactory(user=UserFactory(username="con1")).user


@pytest.fixture
def school(child):
    return Membership.objects.get(user=child).school


@pytest.fixture
def guardian(child, school):
    return GuardianFactory(school=school, full_name="Nguyễn Văn Hùng", children=[child])


# Models


def test_a_child_has_two_guardians_and_a_guardian_several_children(child, school):
    sibling = MembershipFactory(user=UserFactory(username="con2")).user
    father = GuardianFactory(school=school, children=[child, sibling])
    mother = GuardianFactory(school=school, children=[child])
    assert set(child.guardians.all()) == {father, mother}
    assert set(father.children.all()) == {child, sibling}


def test_a_guardian_is_linked_to_a_child_once(guardian, child):
    with pytest.raises(IntegrityError), transaction.atomic():
        GuardianChild.objects.create(guardian=guardian, learner=child)


def test_guardian_name_is_stored_nfc():
    decomposed = "Nguye\u0302\u0303n Va\u0306n Hu\u0300ng"
    guardian = GuardianFactory(full_name=decomposed)
    guardian.refresh_from_db()
    assert guardian.full_name == "Nguyễn Văn Hùng"


# Activation codes


def test_a_code_is_stored_hashed_and_shown_once(guardian):
    issued = guardian_activation_code_issue(guardian=guardian)
    record = GuardianActivationCode.objects.get()
    assert issued.code not in record.code_hash
    assert record.code_hash == activation_code_hash(issued.code)
    assert len(issued.code.replace("-", "")) == 12
    days = (issued.expires_at - record.issued_at).days
    assert days == 60


def test_activation_opens_an_account_linked_to_the_children(guardian, child):
    issued = guardian_activation_code_issue(guardian=guardian)
    # Typed loosely: lower case, spaces instead of hyphens.
    typed = issued.code.lower().replace("-", " ")
    user = parent_account_activate(code=typed, username="bo-hung", password="x" * 12)
    guardian.refresh_from_db()
    assert guardian.user == user
    assert user.check_password("x" * 12)
    assert user.get_full_name() == "Nguyễn Văn Hùng"
    assert not user.is_staff and not user.is_superuser
    assert not user.memberships.exists()
    assert not user.groups.exists()
    assert list(user.guardian_contact.children.all()) == [child]


def test_a_code_works_once(guardian):
    issued = guardian_activation_code_issue(guardian=guardian)
    parent_account_activate(code=issued.code, username="a1", password="x" * 12)
    with pytest.raises(ActivationRefused, match="đã được sử dụng"):
        parent_account_activate(code=issued.code, username="a2", password="x" * 12)


def test_an_expired_code_opens_nothing(guardian):
    issued = guardian_activation_code_issue(guardian=guardian)
    later = timezone.now() + datetime.timedelta(days=61)
    with pytest.raises(ActivationRefused, match="đã hết hạn"):
        parent_account_activate(
            code=issued.code, username="a1", password="x" * 12, now=later
        )
    guardian.refresh_from_db()
    assert guardian.user is None


def test_a_new_code_revokes_the_old_one(guardian):
    first = guardian_activation_code_issue(guardian=guardian)
    second = guardian_activation_code_issue(guardian=guardian)
    with pytest.raises(ActivationRefused, match="không đúng"):
        parent_account_activate(code=first.code, username="a1", password="x" * 12)
    parent_account_activate(code=second.code, username="a1", password="x" * 12)


def test_an_unknown_code_opens_nothing(guardian):
    guardian_activation_code_issue(guardian=guardian)
    with pytest.raises(ActivationRefused):
        parent_account_activate(code="AAAA-BBBB-CCCC", username="a1", password="x" * 12)
    assert not Guardian.objects.filter(user__isnull=False).exists()


def test_a_taken_username_refuses_and_leaves_the_code_usable(guardian):
    UserFactory(username="taken")
    issued = guardian_activation_code_issue(guardian=guardian)
    with pytest.raises(Exception):  # noqa: B017 - the model's validation error
        parent_account_activate(code=issued.code, username="taken", password="x" * 12)
    assert GuardianActivationCode.objects.get().used_at is None


# Guardians from the roster and consents


def test_guardian_ensure_updates_the_same_guardian(child, school):
    first = guardian_ensure(learner=child, school=school, full_name="Lê Thị Mai")
    again = guardian_ensure(
        learner=child,
        school=school,
        full_name="LÊ THỊ MAI",
        phone="0987654321",
        email="mai@example.com",
    )
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.phone == "0987654321"
    assert Guardian.objects.count() == 1


def test_guardian_is_linked_to_the_consent_they_gave(child, school):
    given = Consent.objects.create(
        learner=child,
        given_by=Consent.GivenBy.PARENT,
        giver_name="Lê Thị Mai",
        method=Consent.Method.PAPER_FORM,
    )
    other = Consent.objects.create(
        learner=child,
        given_by=Consent.GivenBy.PARENT,
        giver_name="Someone Else",
        method=Consent.Method.PAPER_FORM,
    )
    own = Consent.objects.create(
        learner=child,
        given_by=Consent.GivenBy.LEARNER,
        giver_name="Lê Thị Mai",
        method=Consent.Method.PAPER_FORM,
    )
    guardian = guardian_ensure(learner=child, school=school, full_name="Lê Thị Mai")
    given.refresh_from_db()
    other.refresh_from_db()
    own.refresh_from_db()
    assert given.guardian == guardian
    assert other.guardian is None
    assert own.guardian is None


# Roster columns


@pytest.fixture
def roster_school():
    from tests.people.factories import SchoolClassFactory, SchoolFactory

    school_class = SchoolClassFactory(school=SchoolFactory(code="HOASEN"), name="10A1")
    return school_class


def _import(school_class, rows, *, dry_run=False):
    from django.utils import translation

    from lms.people.roster.importing import roster_import
    from tests.people.roster_files import xlsx_bytes

    with translation.override("en"):
        return roster_import(
            data=xlsx_bytes(rows),
            filename="lop.xlsx",
            school=school_class.school,
            school_year=school_class.school_year,
            create_classes=False,
            dry_run=dry_run,
        )


PARENT_HEADER = [
    "STT",
    "Họ và tên",
    "Mã học sinh",
    "Lớp",
    "Họ tên cha/mẹ",
    "SĐT phụ huynh",
    "Email phụ huynh",
    "Quan hệ",
]


def test_roster_parent_columns_create_the_guardian(roster_school):
    report = _import(
        roster_school,
        [
            PARENT_HEADER,
            [
                1,
                "Nguyễn Văn An",
                "HS001",
                "10A1",
                "Nguyễn Văn Hùng",
                "0912 345 678",
                "Hung@Example.com",
                "Cha",
            ],
            [
                2,
                "Nguyễn Thị Bình",
                "HS002",
                "10A1",
                "Nguyễn Văn Hùng",
                "0912345678",
                "",
                "",
            ],
            [3, "Lê Văn Cường", "HS003", "10A1", "", "", "", ""],
        ],
    )
    assert report.ok, report.refused
    guardian = Guardian.objects.get()
    assert guardian.full_name == "Nguyễn Văn Hùng"
    assert guardian.phone == "0912345678"
    assert guardian.email == "hung@example.com"
    assert guardian.school == roster_school.school
    links = {
        link.learner.get_full_name(): (link.guardian_id, link.relation)
        for link in GuardianChild.objects.select_related("learner")
    }
    # The same name and phone on a sibling's row is the same parent.
    assert links == {
        "Nguyễn Văn An": (guardian.pk, GuardianChild.Relation.FATHER),
        "Nguyễn Thị Bình": (guardian.pk, GuardianChild.Relation.PARENT),
    }


def test_a_namesake_with_other_details_is_another_parent(roster_school):
    _import(
        roster_school,
        [
            PARENT_HEADER,
            [1, "Nguyễn Văn An", "HS001", "10A1", "Nguyễn Văn Hùng", "0912345678"],
            [2, "Lê Văn Bình", "HS002", "10A1", "Nguyễn Văn Hùng", "0987654321"],
        ],
    )
    assert Guardian.objects.count() == 2


def test_reimporting_parent_columns_changes_nothing(roster_school):
    rows = [
        PARENT_HEADER,
        [1, "Nguyễn Văn An", "HS001", "10A1", "Trần Thị Mai", "0912345678", "", "Mẹ"],
    ]
    _import(roster_school, rows)
    again = _import(roster_school, rows)
    assert [e.code for e in again.unchanged] == ["HS001"]
    assert Guardian.objects.count() == 1
    rows[1][5] = "0987654321"
    changed = _import(roster_school, rows)
    assert changed.updated[0].changes == ["parent's phone: 0912345678 → 0987654321"]
    assert Guardian.objects.get().phone == "0987654321"


def test_bad_parent_values_refuse_the_file_naming_row_and_column(roster_school):
    report = _import(
        roster_school,
        [
            PARENT_HEADER,
            [1, "Nguyễn Văn An", "HS001", "10A1", "Trần Thị Mai", "12ab", "", ""],
            [2, "Lê Văn Bình", "HS002", "10A1", "Lê Văn Ba", "", "ba@", ""],
            [3, "Phạm Văn Cường", "HS003", "10A1", "", "0912345678", "", ""],
            [4, "Đỗ Văn Dũng", "HS004", "10A1", "Đỗ Văn Đức", "", "", "Chú"],
            [5, "Vũ Thị Giang", "HS005", "10A1", "Vũ Văn Hải", "0912345678", "", ""],
        ],
    )
    assert [(p.row, p.message) for p in report.refused] == [
        (
            4,
            'Column "SĐT phụ huynh": "12ab" is not a phone number; write 10 '
            "digits such as 0912345678.",
        ),
        (5, 'Column "Email phụ huynh": "ba@" is not an email address.'),
        (6, 'Column "Họ tên cha/mẹ": the parent\'s name is missing.'),
        (
            7,
            'Column "Quan hệ": unknown relation "Chú"; write Cha, Mẹ or Người giám hộ.',
        ),
    ]
    assert not Guardian.objects.exists()
    assert not GuardianChild.objects.exists()
    assert not Membership.objects.exists()


def test_english_parent_headers_and_phone_without_its_zero(roster_school):
    report = _import(
        roster_school,
        [
            [
                "Full name",
                "Student code",
                "Class",
                "Parent name",
                "Parent phone",
                "Parent email",
            ],
            [
                "Nguyễn Văn An",
                "HS001",
                "10A1",
                "Nguyễn Văn Hùng",
                912345678,
                "hung@example.com",
            ],
        ],
    )
    assert report.ok, report.refused
    assert Guardian.objects.get().phone == "0912345678"


def test_a_dry_run_creates_no_guardian(roster_school):
    report = _import(
        roster_school,
        [
            PARENT_HEADER,
            [1, "Nguyễn Văn An", "HS001", "10A1", "Trần Thị Mai", "", "", ""],
        ],
        dry_run=True,
    )
    assert report.ok
    assert not Guardian.objects.exists()


# The public activation page

ACTIVATE = "/tai-khoan/kich-hoat-phu-huynh/"


PASSWORD = "Mật-khẩu-dài-2026"  # noqa: S105 - a test account's


def _form(code, username="bo.hung", password=PASSWORD):
    return {
        "code": code,
        "username": username,
        "password1": password,
        "password2": password,
    }


def test_the_activation_page_opens_the_account_and_signs_in(client, guardian, child):
    issued = guardian_activation_code_issue(guardian=guardian)
    response = client.post(ACTIVATE, _form(issued.code))
    assert response.status_code == 302
    assert response["Location"] == "/hoc-tap/"
    guardian.refresh_from_db()
    assert guardian.user.username == "bo.hung"
    page = client.get("/hoc-tap/").content.decode()
    assert child.get_full_name() in page


def test_the_activation_page_says_why_a_code_is_refused(client, guardian):
    response = client.post(ACTIVATE, _form("AAAA-BBBB-CCCC"))
    assert response.status_code == 400
    assert "Mã này không đúng" in response.content.decode()
    assert not Guardian.objects.filter(user__isnull=False).exists()


def test_activation_attempts_are_throttled(client, guardian, settings):
    settings.LMS_PARENT_ACTIVATION_RATE = (3, 900)
    issued = guardian_activation_code_issue(guardian=guardian)
    for attempt in range(3):
        client.post(ACTIVATE, _form(f"AAAA-BBBB-CCC{attempt}"))
    # Even the right code waits once the address has used its attempts.
    response = client.post(ACTIVATE, _form(issued.code))
    assert response.status_code == 429
    guardian.refresh_from_db()
    assert guardian.user is None


def test_activation_throttle_holds_without_the_cache(client, guardian, settings):
    from unittest import mock

    settings.LMS_PARENT_ACTIVATION_RATE = (2, 900)
    with mock.patch("lms.people.families.cache_available", return_value=False):
        for attempt in range(2):
            client.post(ACTIVATE, _form(f"AAAA-BBBB-CCC{attempt}"))
        response = client.post(ACTIVATE, _form("AAAA-BBBB-CCCC"))
    assert response.status_code == 429


def test_a_parent_account_has_no_admin(client, guardian):
    issued = guardian_activation_code_issue(guardian=guardian)
    client.post(ACTIVATE, _form(issued.code))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]


# The admin: a school admin issues a code on request


@pytest.fixture
def school_admin(school):
    from lms.people.models import Role
    from lms.people.services import user_groups_sync
    from tests.people.factories import SchoolYearFactory, school_staff

    admin = school_staff("qt", Role.SCHOOL_ADMIN, school, SchoolYearFactory())
    user_groups_sync(user=admin)
    return admin


def test_a_school_admin_issues_and_emails_a_code(client, guardian, school_admin):
    from lms.mail.models import OutgoingEmail

    client.force_login(school_admin)
    listing = client.get("/admin/lms/guardians/")
    assert listing.status_code == 200
    assert "Nguyễn Văn Hùng" in listing.content.decode()
    url = f"/admin/lms/guardians/{guardian.pk}/activation-code/"
    assert client.get(url).status_code == 200
    assert not GuardianActivationCode.objects.exists()
    page = client.post(url).content.decode()
    record = GuardianActivationCode.objects.get()
    assert record.issued_by == school_admin
    mail = OutgoingEmail.objects.get()
    assert mail.to == guardian.email
    code = next(
        word.strip(".,")
        for word in mail.body.split()
        if activation_code_hash(word.strip(".,")) == record.code_hash
    )
    assert code in page
    assert "con1" not in mail.body  # names, not usernames
    # Issuing again revokes the first code.
    client.post(url)
    with pytest.raises(ActivationRefused):
        parent_account_activate(code=code, username="a1", password="x" * 12)


def test_another_schools_admin_cannot_issue_a_code(client, guardian):
    from lms.people.models import Role
    from lms.people.services import user_groups_sync
    from tests.people.factories import SchoolFactory, SchoolYearFactory, school_staff

    other = school_staff(
        "qt_b", Role.SCHOOL_ADMIN, SchoolFactory(), SchoolYearFactory()
    )
    user_groups_sync(user=other)
    client.force_login(other)
    url = f"/admin/lms/guardians/{guardian.pk}/activation-code/"
    assert client.post(url).status_code == 404
    assert not GuardianActivationCode.objects.exists()
    assert "Nguyễn Văn Hùng" not in client.get("/admin/lms/guardians/").content.decode()
