"""Printed letters to the families of one class ("Thư gửi phụ huynh").

One A4 page per guardian of the class's students: each of their children in
the class with their courses and progress (the child's own My learning,
`courses.selectors.my_learning_for`), the certificates they hold, and how to
open the parent account: a QR code to the activation page and a fresh
one-time code. Issuing the codes revokes each guardian's earlier unused code
(`lms.people.services.guardian_activation_code_issue`). A guardian who
already has a parent account gets no code, only the sign-in address.

Each letter is written in the family's language (Vietnamese unless they
chose English). The PDF uses the certificates' shipped fonts, so Vietnamese
diacritics print on any machine.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify

from certificates.models import CertificateStatus
from certificates.rendering import html_to_pdf, qr_data_uri
from certificates.selectors import certificates_of
from courses.selectors import my_learning_for
from lms.people.models import Guardian, Role, SchoolClass
from lms.people.profiles import full_name_of
from lms.people.services import guardian_activation_code_issue

from .annual import place_and_date
from .conf import site_url
from .selectors import STATUS_LABELS


class Families:
    """Which families of the class get a letter."""

    WITHOUT_EMAIL = "without_email"
    ALL = "all"


@dataclass(frozen=True)
class CourseLine:
    title: str
    state: str  # a label of reports.selectors.STATUS_LABELS (lazy)
    percent: int


@dataclass
class ChildSheet:
    name: str
    class_name: str
    courses: list[CourseLine] = field(default_factory=list)
    certificates: list = field(default_factory=list)


@dataclass
class Letter:
    guardian: Guardian
    children: list[ChildSheet]
    code: str = ""
    code_expires_at: datetime.datetime | None = None


def class_guardians(*, school_class: SchoolClass, families: str = Families.ALL):
    """The guardians of the class's students, in name order; with
    `Families.WITHOUT_EMAIL`, only those with no e-mail address."""
    guardians = (
        Guardian.objects.filter(
            child_links__learner__memberships__school_class=school_class,
            child_links__learner__memberships__role=Role.STUDENT,
        )
        .select_related("user")
        .distinct()
        .order_by("sort_name", "pk")
    )
    if families == Families.WITHOUT_EMAIL:
        guardians = guardians.filter(email="")
    return guardians


def _children_in_class(guardian: Guardian, school_class: SchoolClass) -> list:
    return list(
        guardian.children.filter(
            memberships__school_class=school_class,
            memberships__role=Role.STUDENT,
        )
        .select_related("lms_profile")
        .distinct()
        .order_by("lms_profile__sort_name", "pk")
    )


def _sheet(child, school_class: SchoolClass) -> ChildSheet:
    learning = my_learning_for(user=child)
    courses = [
        *learning["in_progress"],
        *learning["enrolled"],
        *learning["not_started"],
        *learning["completed"],
    ]
    return ChildSheet(
        name=full_name_of(child),
        class_name=school_class.name,
        courses=[
            CourseLine(
                title=status.course.title,
                state=STATUS_LABELS[status.standing],
                percent=status.percent,
            )
            for status in sorted(courses, key=lambda status: status.course.path)
        ],
        certificates=list(
            certificates_of(user=child)
            .filter(status=CertificateStatus.VALID)
            .order_by("issued_at")
        ),
    )


@transaction.atomic
def family_letters_prepare(
    *, school_class: SchoolClass, issued_by, families: str = Families.ALL
) -> list[Letter]:
    """The class's letters, each with a new one-time code for a guardian who
    has no parent account yet (their earlier unused code stops working)."""
    letters = []
    for guardian in class_guardians(school_class=school_class, families=families):
        children = _children_in_class(guardian, school_class)
        letter = Letter(
            guardian=guardian,
            children=[_sheet(child, school_class) for child in children],
        )
        if guardian.user_id is None:
            issued = guardian_activation_code_issue(
                guardian=guardian, issued_by=issued_by
            )
            letter.code, letter.code_expires_at = issued.code, issued.expires_at
        letters.append(letter)
    return letters


def _language(guardian: Guardian) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    return guardian.language if guardian.language in supported else "vi"


def family_letters_html(*, school_class: SchoolClass, letters: list[Letter]) -> str:
    activation_url = site_url() + reverse("lms_people:parent_activate")
    sign_in_url = site_url() + reverse("lms_people:login")
    shared = {
        "school_class": school_class,
        "school": school_class.school,
        "activation_url": activation_url,
        "sign_in_url": sign_in_url,
        "qr_activation": qr_data_uri(activation_url),
        "qr_sign_in": qr_data_uri(sign_in_url),
    }
    pages = []
    for letter in letters:
        with translation.override(_language(letter.guardian)):
            pages.append(
                render_to_string(
                    "lms_reports/family_letter.html",
                    {
                        **shared,
                        "letter": letter,
                        "place_and_date": place_and_date(),
                    },
                )
            )
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "lms_reports/family_letters.html",
            {**shared, "pages": pages},
        )


def family_letters_pdf(*, school_class: SchoolClass, letters: list[Letter]) -> bytes:
    return html_to_pdf(family_letters_html(school_class=school_class, letters=letters))


def letters_filename(school_class: SchoolClass) -> str:
    school, name = slugify(school_class.school.code), slugify(school_class.name)
    return f"thu-phu-huynh-{school}-{name}-{timezone.localdate().isoformat()}.pdf"
