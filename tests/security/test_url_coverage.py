"""Every URL our apps add is listed here with the tests that try it with the
wrong people; a new URL pattern fails this test until its refusals are tested.

Wagtail viewset URLs (add/edit/delete/history... of our models) are checked
generically below: people without the model permission are refused.
"""

import re
from pathlib import Path

import pytest
from django.urls import URLResolver, get_resolver, reverse

from lms.people.models import Role

TESTS = Path(__file__).resolve().parents[1]

# URL name -> test modules that try it with other roles and other schools.
ACCESS_TESTED = {
    "lms_certificates:download": ["certificates/test_access.py"],
    "lms_certificates_admin_detail": ["certificates/test_admin.py"],
    "lms_certificates_admin_list": ["certificates/test_admin.py"],
    "lms_certificates_batch": ["certificates/test_bulk.py"],
    "lms_certificates_batch_progress": ["certificates/test_bulk.py"],
    "lms_certificates_bulk": ["certificates/test_bulk.py"],
    "lms_certificates_issue_one": ["certificates/test_admin.py"],
    "lms_certificates_template_preview": ["certificates/test_admin.py"],
    "lms_courses:my_learning": ["security/test_access_control.py"],
    "lms_courses_assign": ["security/test_access_control.py"],
    "lms_courses_learners": ["security/test_access_control.py"],
    "lms_courses_superseded_law": ["security/access/cases.py", "courses/test_legal.py"],
    "lms_courses_pack_export": [
        "security/access/cases.py",
        "courses/packs/test_pack_admin.py",
    ],
    "lms_courses_pack_import": [
        "security/access/cases.py",
        "courses/packs/test_pack_admin.py",
    ],
    "lms_courses_propose_for_library": [
        "security/access/cases.py",
        "courses/test_library_review.py",
    ],
    "lms_guardians:activation_code": [
        "security/access/cases.py",
        "people/test_guardians.py",
    ],
    "lms_person_data:erase": ["people/test_erasure.py"],
    "lms_person_data:export": ["people/test_data_export.py"],
    "lms_quizzes:attempt": ["security/test_access_control.py"],
    "lms_quizzes:review": ["security/test_access_control.py"],
    "lms_quizzes:save": ["security/test_access_control.py"],
    "lms_quizzes:submit": ["security/test_access_control.py"],
    "lms_quizzes_essay_grade": ["security/test_access_control.py"],
    "lms_quizzes_essays": ["security/test_access_control.py"],
    "lms_quizzes_export": ["quizzes/test_bank.py"],
    "lms_mail_outgoing": ["mail/test_access.py"],
    "lms_mail_resend": ["mail/test_access.py"],
    "lms_pending_tasks": ["test_pending_tasks_admin.py"],
    "lms_quizzes_import": ["security/test_access_control.py"],
    "lms_quizzes_regrade": ["security/test_access_control.py"],
    "lms_quizzes_recomputes": ["quizzes/test_grade_recomputes.py"],
    "lms_quizzes_report": ["security/test_access_control.py"],
    "lms_quizzes_xlsx_template": ["security/test_access_control.py"],
    "lms_reports:annual": ["reports/test_annual.py", "reports/test_views.py"],
    "lms_reports:completion": ["reports/test_views.py"],
    "lms_reports:department": ["reports/test_views.py"],
    "lms_reports:family_letters": [
        "security/access/cases.py",
        "people/test_family_letters.py",
    ],
    "lms_reports:learners": ["reports/test_views.py"],
    "lms_roster:index": ["people/test_roster_admin.py"],
    "lms_roster:job": ["people/test_roster_jobs.py"],
    "lms_roster:job_status": ["people/test_roster_jobs.py"],
    "lms_roster:reissue": ["people/test_roster_admin.py"],
    "lms_schools:new_year": ["security/access/cases.py", "people/test_rollover.py"],
}
# Public on purpose (sign-in pages and certificate verification, rate-limited).
PUBLIC = {
    "lms_people:login",
    "lms_people:logout",
    "lms_people:password_change",
    "lms_people:password_change_done",
    # Opens a parent account from a letter's code (throttled; tests/people).
    "lms_people:parent_activate",
    "lms_certificates:lookup",
    "lms_certificates:trust_root",
    "lms_certificates:verify",
    "lms_certificates:verify_json",
    "lms_certificates:verify_badge",
    "lms_certificates:badge_status_list",
    "lms_certificates:badge_keys",
    # The header's link to the site's catalogue, and the browser's icon.
    "lms_courses:catalogue",
    "lms_favicon",
}
# Wagtail viewsets and snippet viewsets over our models (model permissions).
VIEWSET = re.compile(
    r"^(lms_(classes|consents|consent_status|departments|guardians|memberships|"
    r"question_categories|school_years|schools)|wagtailsnippets_lms_\w+|"
    r"wagtailsnippetchoosers_lms_\w+):"
)


def _names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _names(pattern, inner)
        elif pattern.name:
            yield namespace + pattern.name


def test_every_lms_url_is_listed_with_its_access_tests():
    ours = {name for name in _names() if "lms" in name}
    unlisted = {
        name
        for name in ours
        if name not in ACCESS_TESTED and name not in PUBLIC and not VIEWSET.match(name)
    }
    assert not unlisted, f"add access tests for: {sorted(unlisted)}"
    for name, modules in ACCESS_TESTED.items():
        assert name in ours, f"{name} no longer exists; remove it here"
        for module in modules:
            assert (TESTS / module).exists(), module


VIEWSET_INDEXES = [
    "lms_classes:index",
    "lms_consents:index",
    "lms_consent_status:index",
    "lms_departments:index",
    "lms_guardians:index",
    "lms_memberships:index",
    "lms_question_categories:index",
    "lms_school_years:index",
    "lms_schools:index",
    "wagtailsnippets_lms_certificates_certificatetemplate:list",
    "wagtailsnippets_lms_courses_conductprinciple:list",
    "wagtailsnippets_lms_courses_legaldocument:list",
    "wagtailsnippets_lms_courses_legalreference:list",
    "wagtailsnippets_lms_quizzes_question:list",
]


def test_the_generic_list_covers_every_viewset():
    namespaces = {name.split(":")[0] for name in _names() if VIEWSET.match(name)}
    listed = {name.split(":")[0] for name in VIEWSET_INDEXES}
    choosers = {ns for ns in namespaces if ns.startswith("wagtailsnippetchoosers_")}
    assert namespaces - choosers == listed


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STUDENT, Role.COLLABORATOR, Role.TEACHER])
@pytest.mark.parametrize("name", VIEWSET_INDEXES)
def test_viewsets_refuse_people_without_the_model_permission(
    client, make_learner, role, name
):
    client.force_login(make_learner("nguoi-dung", role=role))
    response = client.get(reverse(name))
    assert response.status_code in (302, 403, 404)
