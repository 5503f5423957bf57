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
    with pytest.raises(ActivationRefused, match="already been used"):
        parent_account_activate(code=issued.code, username="a2", password="x" * 12)


def test_an_expired_code_opens_nothing(guardian):
    issued = guardian_activation_code_issue(guardian=guardian)
    later = timezone.now() + datetime.timedelta(days=61)
    with pytest.raises(ActivationRefused, match="expired"):
        parent_account_activate(
            code=issued.code, username="a1", password="x" * 12, now=later
        )
    guardian.refresh_from_db()
    assert guardian.user is None


def test_a_new_code_revokes_the_old_one(guardian):
    first = guardian_activation_code_issue(guardian=guardian)
    second = guardian_activation_code_issue(guardian=guardian)
    with pytest.raises(ActivationRefused, match="not valid"):
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
