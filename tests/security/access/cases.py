"""The case table: for every URL name, how to build its arguments from the
world, who gets an answer to GET, and, for URLs that change something, the
POST to send and who may make that change.

Expectations follow the intended rules of issue 23, seen from objects owned
by school A: content belongs to a school or to the Department library; a
management power needs a role at the school in a school year not ended; no
one acts on an account above their own rank; learners never reach /admin/.

`unsure` names relations whose answer the rules leave to the implementation
(e.g. whether a lapsed admin still sees the admin home page): they are still
requested, must not fail with a server error, and their POSTs must change
nothing unless they are in `change`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.urls import URLResolver, get_resolver, reverse
from wagtail.admin.views.bulk_action.registry import bulk_action_registry

from .world import RELATIONS, World

EVERYONE = frozenset(RELATIONS)
SIGNED_IN = EVERYONE - {"anonymous"}
SU = frozenset({"superuser"})
DEPT = frozenset({"officer", "superuser"})
A_MANAGERS = frozenset({"admin_a", "officer", "superuser"})
MANAGERS = A_MANAGERS | {"admin_b"}
STAFF = MANAGERS | {"homeroom_a"}
NOBODY = frozenset()
LAPSED = frozenset({"admin_a_past"})
# School A's content author ("soạn bài"): drafts in A's catalogue, never
# publishes, never approves.
AUTHOR_A = frozenset({"author_a"})
# A parent account (issue 15): sees their own child's learning and nothing else.
PARENT = frozenset({"parent_a"})


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    args: Callable[[World], list] = lambda w: []
    allow: frozenset = NOBODY
    unsure: frozenset = NOBODY
    query: Callable[[World], dict] | None = None
    # The POST that changes something; None: GET only.
    post: Callable[[World], dict] | None = None
    post_query: Callable[[World], dict] | None = None
    # Who may make the change (default: `allow`).
    change: frozenset | None = None
    # Fill the POST from the form the superuser is shown, then apply `post`.
    scrape: bool = False
    # The superuser's POST must change the database (realistic data).
    must_change: bool = False
    # POST-only endpoint: GET may answer 405.
    get_405: bool = False
    json: bool = False
    # The page raises on purpose (Wagtail's error test page).
    may_fail: bool = False
    # For refused relations a 200 is fine if it gives nothing away: returns
    # True when the response leaks (e.g. a download of the refused report).
    leaks: Callable | None = None
    # Draw the templates for this case (its leak check reads the page).
    render: bool = False
    # What must stay unchanged for every relation: (world, relation) -> value.
    probe: Callable | None = None
    # Relations outside `change` judged by `probe` alone (they may change
    # some of what they are sent); all others outside `change` write nothing.
    probe_only: frozenset = NOBODY

    @property
    def changers(self) -> frozenset:
        return self.allow if self.change is None else self.change

    def methods(self) -> list[str]:
        return ["GET", "POST"] if self.post is not None else ["GET"]


CASES: list[Case] = []


def case(name, label="", parent_unsure=False, **kwargs):
    c = Case(id=f"{name}[{label}]" if label else name, name=name, **kwargs)
    # A's content author holds admin access and no management power, like
    # the homeroom teacher: where the case leaves the teacher's answer open
    # or allows it, so it is for the author, unless the case names them.
    named = c.allow | c.unsure | (c.change or NOBODY)
    if "author_a" not in named and "homeroom_a" in c.allow | c.unsure:
        c = replace(c, unsure=c.unsure | AUTHOR_A)
    # A parent account is never left open: it reaches what `allow` says
    # (learner pages, their own child's records) and is refused the rest,
    # every admin URL included.
    if PARENT <= c.unsure and not parent_unsure:
        c = replace(c, unsure=c.unsure - PARENT)
    CASES.append(c)


def pk(key):
    return lambda w: [w.pk(key)]


def _nothing(w):
    return {}


# ---------------------------------------------------------------------------
# Public pages and sign-in.
for name in (
    "healthz",
    "lms_favicon",
    "lms_people:login",
    "lms_certificates:lookup",
    "lms_certificates:trust_root",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_javascript_catalog",
    "wagtailcore_login",
):
    case(name, allow=EVERYONE)
case("wagtailadmin_login", allow=EVERYONE, unsure=SIGNED_IN)
case("wagtail_serve", "home", args=lambda w: [""], allow=EVERYONE)
case(
    "wagtail_serve",
    "lesson_a",
    # A parent account takes no course: the lesson of a school's course is
    # not theirs to open.
    allow=EVERYONE - {"anonymous", "parent_a"},
    args=lambda w: [w["lesson_a"].url.strip("/").split("/", 1)[-1] + "/"],
    unsure=EVERYONE,
)
case("set_language", allow=EVERYONE, post=lambda w: {"language": "en"}, get_405=True)
case(
    "lms_people:logout",
    allow=EVERYONE,
    unsure=EVERYONE,
    post=_nothing,
    parent_unsure=True,  # GET answers 405 to everyone
)
case("lms_people:password_change", allow=SIGNED_IN, unsure=SIGNED_IN)
case("lms_people:password_change_done", allow=SIGNED_IN, unsure=SIGNED_IN)
case(
    "lms_certificates:verify", args=lambda w: [w["certificate_a"].code], allow=EVERYONE
)
case(
    "lms_certificates:verify_json",
    args=lambda w: [w["certificate_a"].code],
    allow=EVERYONE,
)
# Open Badges: the badge of a valid certificate, status lists, issuer keys.
case(
    "lms_certificates:verify_badge",
    args=lambda w: [w["certificate_a"].code],
    allow=EVERYONE,
)
case("lms_certificates:badge_status_list", args=lambda w: [0], allow=EVERYONE)
case("lms_certificates:badge_keys", allow=EVERYONE)
case(
    "wagtailadmin_password_reset_confirm",
    args=lambda w: ["MQ", "x-y"],
    allow=EVERYONE,
    unsure=EVERYONE,
)
case("wagtaildocs_authenticate_with_password", args=lambda w: [999999], unsure=EVERYONE)
case(
    "wagtailcore_authenticate_with_password",
    args=lambda w: [999999, w.pk("home")],
    unsure=EVERYONE,
)
# A document is served to those who may see its collection: staff only here.
case(
    "wagtaildocs_serve",
    args=lambda w: [w.pk("document"), "noi-quy.pdf"],
    allow=STAFF,
    unsure=EVERYONE,  # served as its collection's privacy says
    parent_unsure=True,  # the same for a parent as for any learner
)

# ---------------------------------------------------------------------------
# Learner pages: an attempt answers its owner only.
case("lms_courses:my_learning", allow=SIGNED_IN)
case("lms_courses:catalogue", allow=EVERYONE)
case("lms_quizzes:attempt", args=pk("open_attempt_a"), allow={"student_a"})
case("lms_quizzes:review", args=pk("attempt_a"), allow={"student_a"})
case(
    "lms_quizzes:save",
    args=pk("open_attempt_a"),
    get_405=True,
    allow={"student_a"},
    json=True,
    post=lambda w: {},
)
case(
    "lms_quizzes:submit",
    args=pk("open_attempt_a"),
    get_405=True,
    allow={"student_a"},
    post=_nothing,
)
case(
    "lms_certificates:download",
    args=pk("certificate_a"),
    allow={"student_a"} | A_MANAGERS,
    unsure={"homeroom_a", "admin_a_past"},
)
# A parent downloads their own child's certificate, not another child's
# (certificate_a, above).
case(
    "lms_certificates:download",
    "child_a",
    args=pk("certificate_child_a"),
    allow=PARENT | A_MANAGERS,
    unsure={"homeroom_a", "admin_a_past"},
)
# The letter's code opens a parent account, whoever sends it (a new account,
# signed in); a wrong or used code changes nothing (tests/people).
case(
    "lms_people:parent_activate",
    allow=EVERYONE,
    post=lambda w: {
        "code": w["activation_code"],
        "username": "ph_moi",
        "password1": "Mật-khẩu-dài-2026",
        "password2": "Mật-khẩu-dài-2026",
    },
    must_change=True,
)

# ---------------------------------------------------------------------------
# Our admin views.
case(
    "lms_courses_learners",
    args=pk("course_a"),
    allow=A_MANAGERS | {"homeroom_a"},
    unsure={"admin_b", "admin_a_past"},
)
case(
    "lms_courses_assign",
    args=pk("course_a"),
    allow=A_MANAGERS,
    post=lambda w: {"classes": [w.pk("class_a")]},
    must_change=True,
)
case(
    "lms_courses_assign",
    "other_school_class",
    args=pk("course_a"),
    allow=A_MANAGERS,
    change=DEPT,
    post=lambda w: {"classes": [w.pk("class_b")]},
)
# Department library courses are usable by every school.
case(
    "lms_courses_assign",
    "library_course",
    args=pk("course_lib"),
    allow=MANAGERS,
    change=A_MANAGERS,
    post=lambda w: {"classes": [w.pk("class_a")]},
)
# Course packs: a course is downloaded by those who may edit it, a library
# course by every school's managers (they take a copy to adapt it); a pack
# is imported only into a catalogue one may edit.
case(
    "lms_courses_pack_export",
    args=pk("course_a"),
    allow=A_MANAGERS,
    leaks=lambda r, w=None: "attachment" in r.get("Content-Disposition", ""),
)
case(
    "lms_courses_pack_export",
    "library_course",
    args=pk("course_lib"),
    allow=MANAGERS,
    leaks=lambda r, w=None: "attachment" in r.get("Content-Disposition", ""),
)


def _pack_upload(catalogue):
    def post(w):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from courses.packs.services import export_course

        data = export_course(w["course_lib"])
        return {
            "file": SimpleUploadedFile("goi.zip", data, "application/zip"),
            "catalogue": w.pk(catalogue),
            "title": "Bản sao",
        }

    return post


# The upload shows a preview and writes nothing; the confirmation needs the
# token kept for the uploader (tests/courses/packs/test_pack_admin.py).
case(
    "lms_courses_pack_import",
    allow=A_MANAGERS,
    post=_pack_upload("catalogue_a"),
)
case(
    "lms_courses_pack_import",
    "library_catalogue",
    allow=A_MANAGERS,
    post=_pack_upload("catalogue_lib"),
    change=DEPT,
)
case(
    "lms_quizzes_report",
    args=pk("quiz_a"),
    allow=A_MANAGERS | {"homeroom_a"},
    unsure={"admin_b", "admin_a_past"},
)
case(
    "lms_quizzes_regrade",
    args=pk("quiz_a"),
    get_405=True,
    allow=A_MANAGERS,
    unsure=EVERYONE - {"anonymous"},  # GET only leads back to the report
    post=_nothing,
)
case("lms_quizzes_essays", allow=STAFF, unsure={"admin_a_past"})
# Read-only audit: every school's manager reaches it and sees their own.
case("lms_quizzes_recomputes", allow=MANAGERS)
case(
    "lms_quizzes_essay_grade",
    args=pk("essay_response_a"),
    allow={"homeroom_a", "admin_a", "superuser"},
    unsure={"officer"},
    change={"homeroom_a", "admin_a", "officer", "superuser"},
    post=lambda w: {"score": "5"},
    must_change=True,
)
case("lms_quizzes_import", allow=MANAGERS - {"officer"}, unsure={"officer"})
case("lms_quizzes_xlsx_template", allow=MANAGERS - {"officer"}, unsure={"officer"})
case(
    "lms_quizzes_export",
    # A's content author reads (and may export) A's questions.
    allow=A_MANAGERS | AUTHOR_A,
    query=lambda w: {"export-category": w.pk("category_a"), "export-fmt": "gift"},
    unsure={"officer"},
    # A refused export may show the form again, but never the questions.
    leaks=lambda r, w=None: "attachment" in r.get("Content-Disposition", ""),
)
case(
    "lms_certificates_admin_list", allow=MANAGERS, unsure={"admin_a_past", "homeroom_a"}
)
case(
    "lms_certificates_admin_detail",
    args=pk("certificate_a"),
    allow=A_MANAGERS,
    unsure={"admin_a_past", "homeroom_a"},
    post=lambda w: {"action": "revoke", "reason": "Gian lận"},
    change=A_MANAGERS,
)
case(
    "lms_certificates_issue_one",
    query=lambda w: {"course": w.pk("course_a"), "user": w.pk("student_a")},
    allow=A_MANAGERS,
    post=lambda w: {"course": w.pk("course_a"), "user": w.pk("student_a")},
    change=A_MANAGERS,
)
case(
    "lms_certificates_bulk",
    allow=MANAGERS,
    post=lambda w: {
        "course": w.pk("course_a"),
        "school": w.pk("school_a"),
        "school_class": w.pk("class_a"),
    },
    change=A_MANAGERS,
)
case(
    "lms_certificates_batch",
    args=pk("batch_a"),
    allow=A_MANAGERS,
    post=lambda w: {"action": "rerun"},
)
case("lms_certificates_batch_progress", args=pk("batch_a"), allow=A_MANAGERS)
case("lms_certificates_template_preview", args=pk("template_a"), allow=A_MANAGERS)
case(
    "lms_person_data:export",
    args=pk("student_a"),
    allow=A_MANAGERS,
    unsure={"officer"},
)
case(
    "lms_person_data:erase",
    args=pk("student_a"),
    allow=A_MANAGERS,
    unsure={"officer"},
    post=lambda w: {
        "confirm": "on",
        "reason": "Yêu cầu của phụ huynh",
        "username": "hs_a",
    },
    scrape=True,
)
case(
    "lms_person_data:erase",
    "superuser",
    args=lambda w: [w.people["superuser"].pk],
    allow=SU,
    post=lambda w: {"confirm": "on", "reason": "x"},
    change=SU,
)
case(
    "lms_roster:index",
    allow=MANAGERS,
    unsure={"officer"},
    post=lambda w: {"school_class": w.pk("class_a")},
)
case(
    "lms_roster:reissue",
    allow=MANAGERS,
    unsure=MANAGERS,
    post=lambda w: {"school_class": w.pk("class_a")},
    change=A_MANAGERS,
)
# New initial passwords for the staff of school A this year.
case(
    "lms_roster:reissue",
    "staff",
    allow=MANAGERS,
    unsure=MANAGERS,
    post=lambda w: {"staff": f"{w.pk('school_a')}-{w.pk('year')}"},
    change=A_MANAGERS,
)
# Letters to the families of a class (lms/reports/family_letters.py): its
# school's admins and its homeroom teacher (not officers, as for guardian
# contacts); printing issues activation codes.
case(
    "lms_reports:family_letters",
    args=pk("class_a"),
    allow=frozenset({"admin_a", "homeroom_a", "superuser"}),
    post=lambda w: {"families": "all"},
)
# The outgoing mail queue is the Department's (lms/mail/policies.py).
case("lms_mail_outgoing", allow=DEPT)
case(
    "lms_mail_resend",
    args=pk("outgoing_failed"),
    allow=DEPT,
    post=_nothing,
    must_change=True,
)
# The outbox of background work is the Department's (lms/policies.py).
case("lms_pending_tasks", allow=DEPT)
# A background roster import into school A: its page and its polled state.
# Officers as on the import page: they may lack the power to add people.
case("lms_roster:job", args=pk("roster_job_a"), allow=A_MANAGERS, unsure={"officer"})
case(
    "lms_roster:job_status",
    args=pk("roster_job_a"),
    allow=A_MANAGERS,
    unsure={"officer"},
    json=True,
)
# Reports: this year's for those with a role now; last year's stays readable.
# Content citing superseded law: those who use the legal references; each
# sees only what they may edit.
case("lms_courses_superseded_law", allow=MANAGERS, unsure=LAPSED)
case("lms_reports:completion", allow=STAFF, unsure={"admin_a_past"})
case(
    "lms_reports:completion",
    "past_year",
    allow=STAFF | {"admin_a_past"},
    query=lambda w: {"school_year": w.pk("past_year"), "school": w.pk("school_a")},
    unsure={"admin_b", "homeroom_a"},
)
case("lms_reports:learners", allow=STAFF, unsure={"admin_a_past"})
# The Department report may list only the schools one may see.
case("lms_reports:department", allow=DEPT, unsure=STAFF | LAPSED)
case("lms_reports:annual", allow=MANAGERS, unsure={"admin_a_past", "homeroom_a"})


def _report_file(response, world=None) -> bool:
    """A report download for a school or year one may not read: the form
    again at most, never the file."""
    return "attachment" in response.get("Content-Disposition", "")


case(
    "lms_reports:annual",
    "past_year_pdf",
    allow=A_MANAGERS | {"admin_a_past"},
    query=lambda w: {
        "school": w.pk("school_a"),
        "school_year": w.pk("past_year"),
        "format": "xlsx",
    },
    leaks=_report_file,
)
case(
    "lms_reports:annual",
    "other_school",
    allow=DEPT | {"admin_b"},
    query=lambda w: {
        "school": w.pk("school_b"),
        "school_year": w.pk("year"),
        "format": "xlsx",
    },
    leaks=_report_file,
)

# ---------------------------------------------------------------------------
# Model viewsets (ours and Wagtail's sites, users, groups).
VIEWSET_VIEWS = (
    "index", "index_results", "add", "edit", "delete", "history",
    "history_results", "usage", "copy",
)  # fmt: skip


def viewset(
    ns,
    *,
    obj,
    view,
    manage,
    add,
    label="",
    unsure=NOBODY,
    edit_post=None,
    add_post=None,
    views=VIEWSET_VIEWS,
    delete=None,
    deletable=True,
    delete_unsure=NOBODY,
):
    """One object's model viewset: `view` list it, `add` create, `manage`
    edit, copy and read its history and usage, `delete` (default `manage`)
    delete it; `deletable`: nothing protects it from deletion."""
    obj_args = obj if callable(obj) else pk(obj)
    for view_name in views:
        name = f"{ns}:{view_name}"
        if label and view_name in ("index", "index_results", "add"):
            continue
        if view_name in ("index", "index_results"):
            case(name, allow=view, unsure=unsure)
        elif view_name == "add":
            case(name, allow=add, unsure=unsure, scrape=True, post=add_post or _nothing)
        elif view_name in ("edit", "copy"):
            case(
                name,
                label,
                args=obj_args,
                allow=manage,
                # Copying a role of one's own school is adding one: judged by POST.
                unsure=unsure | (add if label and view_name == "copy" else NOBODY),
                scrape=True,
                post=edit_post or _nothing,
                must_change=view_name == "edit",
            )
        elif view_name == "delete":
            case(
                name,
                label,
                args=obj_args,
                allow=manage if delete is None else delete,
                unsure=unsure | delete_unsure,
                post=_nothing,
                must_change=deletable,
            )
        else:  # history, history_results, usage: reading about the object
            case(name, label, args=obj_args, allow=manage, unsure=unsure | view)


# Schools, years and departments are referenced by everything: deleting
# them is refused even to the superuser (protected), so no change is required.
ORG = {"delete": SU, "deletable": False}
viewset("lms_departments", obj="department", view=DEPT, manage=SU, add=SU, **ORG)
viewset(
    "lms_schools",
    obj="school_a",
    view=MANAGERS,
    manage=DEPT,
    add=DEPT,
    unsure=LAPSED,
    **ORG,
)


# Starting a new school year at school A (the year after this one): its
# admins and the Department; the confirm carries the preview's fingerprint.
def _next_year(w) -> str:
    first = int(w["year"].name[:4]) + 1
    return f"{first}-{first + 1}"


def _new_year_post(w) -> dict:
    from lms.people.rollover import school_year_plan

    plan = school_year_plan(school=w["school_a"], year_name=_next_year(w))
    return {"year": plan.year_name, "confirm": "1", "digest": plan.digest}


case(
    "lms_schools:new_year",
    args=pk("school_a"),
    allow=A_MANAGERS,
    post=_new_year_post,
    must_change=True,
)
viewset(
    "lms_school_years",
    obj="year",
    view=MANAGERS,
    manage=DEPT,
    add=DEPT,
    unsure=LAPSED,
    **ORG,
)
# Whether an officer manages classes and roles of a school themselves is left
# to the implementation; a school admin of another school never does.
OFFICER_OPEN = LAPSED | {"officer"}
viewset(
    "lms_classes",
    obj="class_a",
    view=STAFF,
    manage=A_MANAGERS,
    add=MANAGERS,
    unsure=OFFICER_OPEN,
    deletable=False,
)
viewset(
    "lms_memberships",
    obj="membership_student_a",
    view=STAFF,
    manage=A_MANAGERS,
    add=MANAGERS,
    unsure=OFFICER_OPEN,
)
# Nobody changes their own role; an officer's role is the superuser's to change.
viewset(
    "lms_memberships",
    label="own_role",
    obj="membership_admin_a",
    view=STAFF,
    manage=DEPT,
    add=MANAGERS,
    unsure=OFFICER_OPEN,
)
viewset(
    "lms_memberships",
    label="officer_role",
    obj="membership_officer",
    view=STAFF,
    manage=SU,
    add=MANAGERS,
    unsure=OFFICER_OPEN,
)
case(
    "lms_memberships:add",
    "self_promotion",
    allow=MANAGERS,
    change=SU,
    scrape=True,
    unsure=OFFICER_OPEN,
    post=lambda w: {
        "user": w.people["admin_a"].pk,
        "role": "department_officer",
        "school_year": w.pk("year"),
        "department": w.pk("department"),
    },
)
viewset(
    "lms_consents",
    obj="consent_a",
    view=STAFF,
    manage=A_MANAGERS,
    add=MANAGERS,
    unsure=LAPSED | {"officer"},
    # Consent is withdrawn, not deleted: the record stays.
    delete=SU,
)
# Parents and guardians: school admins of their school; the Department's
# officers hold no guardian permission.
viewset(
    "lms_guardians",
    obj="guardian_a",
    view=frozenset({"admin_a", "admin_b", "superuser"}),
    manage=frozenset({"admin_a", "superuser"}),
    add=frozenset({"admin_a", "admin_b", "superuser"}),
    unsure=LAPSED,
)
case(
    "lms_guardians:activation_code",
    args=pk("guardian_a"),
    allow=frozenset({"admin_a", "superuser"}),
    unsure=LAPSED,
    post=_nothing,
    must_change=True,
)
case("lms_consent_status:index", allow=STAFF, unsure=LAPSED | {"officer"})
case("lms_consent_status:index_results", allow=STAFF, unsure=LAPSED | {"officer"})
viewset(
    "lms_question_categories",
    deletable=False,
    obj="category_a",
    # A's content author lists the categories they write questions into.
    view=MANAGERS | AUTHOR_A,
    manage=A_MANAGERS,
    add=MANAGERS,
    unsure=OFFICER_OPEN,
)
viewset(
    "lms_question_categories",
    label="library",
    deletable=False,
    obj="category_lib",
    view=MANAGERS,
    manage=DEPT,
    add=MANAGERS,
    unsure=LAPSED,
)
viewset(
    "lms_question_categories",
    label="school_b",
    deletable=False,
    obj="category_b",
    view=MANAGERS,
    manage=DEPT | {"admin_b"},
    add=MANAGERS,
    unsure=LAPSED,
)
viewset("wagtailsites", obj=lambda w: [w["site"].pk], view=SU, manage=SU, add=SU)

# Users: a school admin manages their school's people of a lower rank only.
# Copying an account is switched off (it copied the original's rights).
USER_VIEWS = [v for v in VIEWSET_VIEWS if v != "copy"]
viewset(
    "wagtailusers_users",
    views=USER_VIEWS,
    obj=lambda w: [w.people["student_a"].pk],
    view=STAFF,
    manage=A_MANAGERS,
    add=MANAGERS,
    # School staff erase a person through "person data" (with its checks);
    # Wagtail's delete stays the superuser's.
    delete=SU,
    delete_unsure={"admin_a"},
    unsure=OFFICER_OPEN,
    deletable=False,
    edit_post=lambda w: {"full_name": "Đã bị sửa"},
)
for target, managers in (
    ("superuser", SU),
    ("officer", SU),
    ("admin_a", DEPT),
    ("admin_b", DEPT),
    ("admin_a_past", DEPT),
):
    viewset(
        "wagtailusers_users",
        views=USER_VIEWS,
        label=target,
        obj=lambda w, t=target: [w.people[t].pk],
        view=STAFF,
        manage=managers,
        add=MANAGERS,
        unsure=LAPSED | ({"officer"} if target.startswith("admin") else NOBODY),
        # Nobody deletes their own account, the superuser included.
        delete=NOBODY if target == "superuser" else SU,
        deletable=False,
        edit_post=lambda w: {
            "password1": "Mat-khau-moi-123",
            "password2": "Mat-khau-moi-123",
            "is_active": "",
        },
    )
# Whatever a school admin may do to a student, never make them a superuser or
# put them in a group beyond the LMS roles one may grant.


def elevated_accounts(w: World, relation: str):
    """Superusers, staff and members of non-LMS groups: only the superuser
    makes more of them."""
    from django.db.models import Q

    from lms.people.models import User

    if relation == "superuser":
        return []
    elevated = User.objects.filter(
        Q(is_superuser=True)
        | Q(is_staff=True)
        | Q(groups__name="Moderators")
        | Q(groups__name="Editors")
    )
    return sorted(elevated.values_list("pk", flat=True).distinct())


case(
    "wagtailusers_users:edit",
    "make_superuser",
    args=lambda w: [w.people["student_a"].pk],
    allow=A_MANAGERS,
    change=A_MANAGERS,
    probe=elevated_accounts,
    scrape=True,
    unsure=OFFICER_OPEN,
    post=lambda w: {"is_superuser": "on", "groups": [w.pk("group_moderators")]},
)
case(
    "wagtailusers_users:add",
    "make_superuser",
    allow=MANAGERS,
    change=MANAGERS,
    probe=elevated_accounts,
    scrape=True,
    unsure=OFFICER_OPEN,
    post=lambda w: {
        "username": "moi_tao",
        "full_name": "Mới Tạo",
        "is_superuser": "on",
        "groups": [w.pk("group_moderators")],
        "password1": "Mat-khau-moi-123",
        "password2": "Mat-khau-moi-123",
    },
)
viewset(
    "wagtailusers_groups",
    obj="group_admins",
    view=SU,
    manage=SU,
    add=SU,
    views=[v for v in VIEWSET_VIEWS if v != "copy"],
)

# ---------------------------------------------------------------------------
# Snippets: questions and certificate templates belong to a school or to the
# Department library; legal references and conduct principles are shared lists.
SNIPPET_VIEWS = ("list", "list_results", "add", "edit", "delete", "usage",
                 "history", "history_results", "copy")  # fmt: skip


def _lists(key, chooser_ns):
    """A leak check for choosers: does the answer offer the world's `key`?

    The chooser's listing links each item to its "chosen" URL, and the
    "chosen" answers carry the item's id.
    """

    def leaks(response, world) -> bool:
        target = world[key]
        content = response.content.decode()
        chosen = reverse(f"{chooser_ns}:chosen", args=[str(target.pk)])
        if chosen in content:
            return True
        if response.get("Content-Type", "").startswith("application/json"):
            found = []

            def walk(node):
                if isinstance(node, dict):
                    if str(node.get("id")) == str(target.pk):
                        found.append(node)
                    for value in node.values():
                        walk(value)
                elif isinstance(node, list):
                    for value in node:
                        walk(value)

            walk(json.loads(content))
            return bool(found)
        return False

    return leaks


def snippet(
    model,
    *,
    obj,
    view,
    manage,
    add,
    label="",
    unsure=NOBODY,
    preview=False,
    chooser_use=None,
    deletable=False,
    author=NOBODY,
):
    """`author`: relations that write drafts of the object (list, add, edit,
    copy, preview, read its history and usage, choose it) but never delete
    it; publishing is judged by the review cases."""
    ns = f"wagtailsnippets_{model}"
    view, add, manage_and_write = view | author, add | author, manage | author
    views = SNIPPET_VIEWS + (("preview_on_add", "preview_on_edit") if preview else ())
    for view_name in views:
        name = f"{ns}:{view_name}"
        if label and view_name in ("list", "list_results", "add", "preview_on_add"):
            continue
        if view_name in ("list", "list_results"):
            case(name, allow=view, unsure=unsure)
        elif view_name == "add":
            case(name, allow=add, unsure=unsure, scrape=True, post=_nothing)
        elif view_name == "preview_on_add":
            case(name, allow=add, unsure=unsure | view)
        elif view_name == "preview_on_edit":
            case(
                name, label, args=pk(obj), allow=manage_and_write, unsure=unsure | view
            )
        elif view_name in ("edit", "copy"):
            case(
                name,
                label,
                args=pk(obj),
                allow=manage_and_write,
                # Copying shared library content into one's own bank is using
                # it; copying another school's is not.
                unsure=unsure
                | (add if label == "library" and view_name == "copy" else NOBODY),
                change=manage | add
                if label == "library" and view_name == "copy"
                else None,
                scrape=True,
                post=_nothing,
                must_change=view_name == "edit",
            )
        elif view_name == "delete":
            case(
                name,
                label,
                args=pk(obj),
                allow=manage,
                unsure=unsure,
                post=_nothing,
                must_change=deletable,
            )
        else:
            case(
                name, label, args=pk(obj), allow=manage_and_write, unsure=unsure | view
            )
    # Choosers: whoever may use the content chooses it; others may open the
    # chooser (it lists what they may use) but never see the object in it.
    ns = f"wagtailsnippetchoosers_{model}"
    users = (chooser_use | author) if chooser_use is not None else view
    if not label:
        for view_name in ("choose", "choose_results", "chosen_multiple", "create"):
            case(
                f"{ns}:{view_name}",
                allow=users if view_name != "create" else add,
                unsure=unsure,
                query=(lambda w: {"id": [w.pk(obj)]})
                if view_name == "chosen_multiple"
                else None,
                leaks=None if view_name == "create" else _lists(obj, ns),
                # The listing is drawn, so the leak check can read it.
                render=view_name != "create",
            )
    case(
        f"{ns}:chosen",
        label,
        args=lambda w: [str(w.pk(obj))],
        allow=users,
        unsure=unsure,
    )


snippet(
    "lms_quizzes_question",
    obj="question_a",
    view=MANAGERS,
    manage=A_MANAGERS,
    add=MANAGERS,
    unsure=OFFICER_OPEN,
    preview=True,
    chooser_use=A_MANAGERS,
    # School A's content author writes drafts of A's questions.
    author=AUTHOR_A,
)
# Questions under review (drafts, revisions, locks, the review workflow).
# The probes name no real revision or task state where one is needed, so only
# school A's managers' and the superuser's answers are left open: nobody
# else (school B's admin included) may reach question A's review views.
_Q = "wagtailsnippets_lms_quizzes_question"
_Q_OPEN = SU | A_MANAGERS | LAPSED
for view_name, args in (
    ("revisions_view", lambda w: [w.pk("question_a"), 999999]),
    ("revisions_compare", lambda w: [w.pk("question_a"), "earliest", "latest"]),
    ("revisions_revert", lambda w: [w.pk("question_a"), 999999]),
    ("workflow_action", lambda w: [w.pk("question_a"), "approve", 999999]),
    (
        "collect_workflow_action_data",
        lambda w: [w.pk("question_a"), "approve", 999999],
    ),
    ("workflow_preview", lambda w: [w.pk("question_a"), 999999]),
    ("workflow_history_detail", lambda w: [w.pk("question_a"), 999999]),
):
    case(f"{_Q}:{view_name}", args=args, unsure=_Q_OPEN)
# The author follows, and may withdraw, what they submitted.
case(
    f"{_Q}:confirm_workflow_cancellation",
    args=pk("question_a"),
    unsure=_Q_OPEN | AUTHOR_A,
)
case(
    f"{_Q}:workflow_history",
    args=pk("question_a"),
    allow=A_MANAGERS | AUTHOR_A,
    unsure=LAPSED,
)
case(f"{_Q}:unpublish", args=pk("question_a"), allow=A_MANAGERS, unsure=LAPSED)
case(
    f"{_Q}:revisions_unschedule",
    args=lambda w: [w.pk("question_a"), 999999],
    unsure=_Q_OPEN,
    post=_nothing,
    change=A_MANAGERS,
)
for view_name in ("lock", "unlock"):
    case(
        f"{_Q}:{view_name}",
        args=pk("question_a"),
        unsure=_Q_OPEN,
        post=_nothing,
        get_405=True,
        change=_Q_OPEN,
    )
snippet(
    "lms_quizzes_question",
    label="library",
    obj="question_lib",
    view=MANAGERS,
    manage=DEPT,
    # Copying a library question into A's bank is adding one there.
    add=MANAGERS | AUTHOR_A,
    unsure=LAPSED,
    preview=True,
    # Authors put the library's questions into A's quizzes.
    chooser_use=MANAGERS | AUTHOR_A,
)
snippet(
    "lms_quizzes_question",
    label="school_b",
    obj="question_b",
    view=MANAGERS,
    manage=DEPT | {"admin_b"},
    add=MANAGERS,
    unsure=LAPSED,
    preview=True,
    chooser_use=DEPT | {"admin_b"},
)
snippet(
    "lms_certificates_certificatetemplate",
    obj="template_a",
    view=MANAGERS,
    manage=A_MANAGERS,
    add=MANAGERS,
    unsure=LAPSED | {"admin_a", "officer"},
    preview=True,
    chooser_use=A_MANAGERS,
)
snippet(
    "lms_certificates_certificatetemplate",
    label="library",
    obj="template_lib",
    view=MANAGERS,
    manage=DEPT,
    add=MANAGERS,
    unsure=LAPSED | {"admin_a"},
    preview=True,
)
snippet(
    "lms_courses_legalreference",
    obj="legal_reference",
    view=MANAGERS,
    manage=DEPT,
    add=DEPT,
    unsure=LAPSED | {"officer", "homeroom_a"},
    deletable=True,
)
# Documents are referred to by references (protected): deleting one fails.
snippet(
    "lms_courses_legaldocument",
    obj="legal_document",
    view=MANAGERS,
    manage=DEPT,
    add=DEPT,
    unsure=LAPSED | {"officer", "homeroom_a"},
)
snippet(
    "lms_courses_conductprinciple",
    obj="conduct_principle",
    view=MANAGERS,
    manage=DEPT,
    add=DEPT,
    unsure=LAPSED | {"officer", "homeroom_a"},
    deletable=True,
)
# The snippets landing page lists the snippet models one may use.
case("wagtailsnippets:index", unsure=SIGNED_IN)

# ---------------------------------------------------------------------------
# Pages: school A's catalogue is edited by A's managers; the library by the
# Department.
PAGE_READ = ("usage", "revisions_index", "history", "history_results",
             "workflow_history", "view_draft", "preview_on_edit")  # fmt: skip


def _empty_streams(w) -> dict:
    """StreamFields are drawn by JavaScript, so a scraped form lacks them:
    send each of the course page's as empty."""
    from wagtail.fields import StreamField

    from courses.models import CoursePage

    return {
        f"{f.name}-count": "0"
        for f in CoursePage._meta.get_fields()
        if isinstance(f, StreamField)
    }


PAGE_CHANGE = {
    "edit": _empty_streams,
    "delete": _nothing,
    "unpublish": _nothing,
    "copy": lambda w: {
        "new_title": "Bản sao",
        "new_slug": "ban-sao",
        "new_parent_page": w.pk("catalogue_a"),
        "copy_subpages": "on",
    },
    "lock": _nothing,
    "unlock": _nothing,
    "set_privacy": lambda w: {"restriction_type": "login"},
    "move": None,
    "convert_alias": _nothing,
}
for key, managers in (("course_a", A_MANAGERS), ("course_lib", DEPT)):
    # Whether an officer edits a school's own catalogue is left open.
    page_open = LAPSED | ({"officer"} if key == "course_a" else NOBODY)
    # A's content author writes drafts in A's catalogue only.
    writers = managers | (AUTHOR_A if key == "course_a" else NOBODY)
    for view_name in PAGE_READ:
        case(
            f"wagtailadmin_pages:{view_name}",
            key,
            args=pk(key),
            allow=writers,
            unsure=(MANAGERS | LAPSED | {"homeroom_a"}) - managers | page_open,
        )
    for view_name, post in PAGE_CHANGE.items():
        case(
            f"wagtailadmin_pages:{view_name}",
            key,
            args=pk(key),
            # A copy in A's catalogue stays a draft: the author may make it.
            allow=writers if view_name in ("edit", "copy") else managers,
            unsure=(
                EVERYONE
                if view_name == "convert_alias"
                # Deleting a whole course (and its learners' records) is left
                # open below the superuser: the catalogue rights do not grant it.
                else page_open | {"admin_a", "officer"}
                if view_name == "delete"
                else page_open
            ),
            get_405=view_name in ("lock", "unlock"),
            scrape=view_name == "edit",
            post=post,
            must_change=view_name in ("edit", "delete", "unpublish", "lock"),
        )
    case(
        "wagtailadmin_pages:add_subpage",
        key,
        args=lambda w, k=key: [w.pk(k.replace("course", "catalogue"))],
        allow=writers,
        unsure=page_open,
    )
    case(
        "wagtailadmin_pages:add",
        key,
        args=lambda w, k=key: [
            "lms_courses",
            "coursepage",
            w.pk(k.replace("course", "catalogue")),
        ],
        allow=writers,
        unsure=page_open,
        scrape=True,
        post=lambda w: {
            **_empty_streams(w),
            "title": "Khóa học mới",
            "slug": "khoa-hoc-moi",
            "summary": "Tóm tắt",
        },
    )
    case(
        "wagtailadmin_pages:preview_on_add",
        key,
        args=lambda w, k=key: [
            "lms_courses",
            "coursepage",
            w.pk(k.replace("course", "catalogue")),
        ],
        allow=writers,
        unsure=page_open | MANAGERS,
    )
    case(
        "wagtailadmin_pages:move_confirm",
        key,
        args=lambda w, k=key: [
            w.pk(k),
            w.pk("catalogue_lib" if k == "course_a" else "catalogue_a"),
        ],
        allow=SU,
        unsure=page_open | managers,
        post=_nothing,
        # The Department holds page rights on every catalogue of its schools.
        change=SU | {"officer"},
    )
    case(
        "wagtailadmin_pages:set_page_position",
        key,
        args=pk(key),
        allow=managers,
        unsure=page_open | managers,
        post=lambda w: {"position": "0"},
        get_405=True,
    )
    case(
        "wagtailadmin_pages:revisions_view",
        key,
        args=lambda w, k=key: [
            w.pk(k),
            w[k].latest_revision.pk if w[k].latest_revision else w.pk("revision_a"),
        ],
        allow=writers,
        unsure=page_open | MANAGERS | {"homeroom_a"},
    )
    case(
        "wagtailadmin_pages:revisions_revert",
        key,
        args=lambda w: [w.pk("course_a"), w.pk("revision_a")],
        allow=A_MANAGERS if key == "course_a" else NOBODY,
        unsure=LAPSED
        | EVERYONE - {"anonymous", "student_a", "collaborator_a", "admin_b"},
    )
    case(
        "wagtailadmin_pages:revisions_compare",
        key,
        args=lambda w, k=key: [w.pk(k), "earliest", "latest"],
        allow=writers,
        unsure=page_open | MANAGERS | {"homeroom_a"},
    )
case(
    "wagtailadmin_pages:revisions_unschedule",
    args=lambda w: [w.pk("course_a"), w.pk("revision_a")],
    unsure=A_MANAGERS | LAPSED,
    post=_nothing,
    change=A_MANAGERS,
)
for name in (
    "wagtailadmin_explore_root",
    "wagtailadmin_pages:search",
    "wagtailadmin_pages:search_results",
    "wagtailadmin_choose_page",
    "wagtailadmin_choose_page_search",
):
    # School B owns no page in the world: Wagtail may send its admin back.
    case(name, allow=MANAGERS, unsure=LAPSED | {"homeroom_a", "admin_b"})
for name in (
    "wagtailadmin_explore",
    "wagtailadmin_explore_results",
    "wagtailadmin_choose_page_child",
):
    case(
        name,
        "catalogue_a",
        args=pk("catalogue_a"),
        allow=A_MANAGERS,
        unsure=LAPSED | {"homeroom_a", "admin_b", "officer"},
    )
case(
    "wagtailadmin_choose_page_chosen_multiple",
    allow=MANAGERS,
    unsure=LAPSED | STAFF,
    query=lambda w: {"id": [w.pk("course_a")]},
)
for name in ("wagtailadmin_pages:type_use", "wagtailadmin_pages:type_use_results"):
    case(
        name,
        args=lambda w: ["lms_courses", "coursepage"],
        allow=MANAGERS,
        unsure=LAPSED | STAFF,
    )
case(
    "wagtailadmin_pages:choose_parent",
    args=lambda w: ["lms_courses", "coursepage"],
    allow=MANAGERS,
    unsure=LAPSED | STAFF,
)
# Workflows: each school catalogue has its school's review workflow (its
# admins approve); these probes name no real task state, so only the
# superuser's and managers' answers are left open.
for name in (
    "wagtailadmin_pages:workflow_action",
    "wagtailadmin_pages:collect_workflow_action_data",
):
    case(
        name,
        args=lambda w: [w.pk("course_a"), "approve", 999999],
        unsure=SU | A_MANAGERS | LAPSED,
    )
case(
    "wagtailadmin_pages:confirm_workflow_cancellation",
    args=pk("course_a"),
    unsure=SU | STAFF | LAPSED,
)
case(
    "wagtailadmin_pages:workflow_preview",
    args=lambda w: [w.pk("course_a"), w["task"].pk],
    unsure=SU | A_MANAGERS | LAPSED,
)
case(
    "wagtailadmin_pages:workflow_history_detail",
    args=lambda w: [w.pk("course_a"), 999999],
    unsure=SU | A_MANAGERS | LAPSED,
)


def _live_unless_publisher(w, relation):
    """Course A's live version, for those who may not publish it."""
    from courses.models import CoursePage

    if relation in A_MANAGERS:
        return None
    live = CoursePage.objects.get(pk=w.pk("course_a"))
    return (live.live, live.live_revision_id, live.title)


# Publishing from the editor: A's content author saves at most a draft.
case(
    "wagtailadmin_pages:edit",
    "publish course_a",
    args=pk("course_a"),
    allow=A_MANAGERS | AUTHOR_A,
    unsure=LAPSED | {"officer"},
    scrape=True,
    post=lambda w: {**_empty_streams(w), "action-publish": "action-publish"},
    change=A_MANAGERS | AUTHOR_A,
    probe=_live_unless_publisher,
    probe_only=AUTHOR_A,
)


def _review_a_state(w, relation):
    from wagtail.models import TaskState

    if relation in A_MANAGERS:
        return None
    return TaskState.objects.get(pk=w.pk("review_a")).status


# The lesson A's author submitted: A's admins (and the superuser) approve it;
# its author, school B's admin and the Department do not.
case(
    "wagtailadmin_pages:workflow_action",
    "review_a",
    args=lambda w: [w.pk("lesson_a"), "approve", w.pk("review_a")],
    allow=frozenset({"admin_a", "superuser"}),
    unsure=LAPSED | {"officer"},
    post=_nothing,
    probe=_review_a_state,
)
case(
    "lms_courses_propose_for_library",
    args=pk("course_a"),
    allow=A_MANAGERS,
    post=lambda w: {"library": w.pk("catalogue_lib")},
    must_change=True,
)


# ---------------------------------------------------------------------------
# Documents and images (collection permissions; none granted to roles today:
# the superuser's, plus whatever the implementation lets staff use).
MEDIA_UNSURE = MANAGERS - SU | LAPSED | {"homeroom_a"}
for app, key in (
    ("wagtaildocs", "document"),
    ("wagtailimages", "image"),
):
    case(f"{app}:index", allow=SU, unsure=MEDIA_UNSURE)
    case(f"{app}:index_results", allow=SU, unsure=MEDIA_UNSURE)
    case(f"{app}:add", allow=SU, unsure=MEDIA_UNSURE)
    case(f"{app}:add_multiple", allow=SU, unsure=MEDIA_UNSURE)
    case(
        f"{app}:edit",
        args=pk(key),
        allow=SU,
        unsure=MEDIA_UNSURE,
        scrape=True,
        post=lambda w: {"title": "Đã sửa"},
        change=SU | {"admin_a"},
    )
    case(
        f"{app}:delete",
        args=pk(key),
        allow=SU,
        unsure=MEDIA_UNSURE,
        post=_nothing,
        change=SU | {"admin_a"},
        must_change=True,
    )
    case(
        f"{app}:edit_multiple",
        args=pk(key),
        allow=SU,
        unsure=EVERYONE,
        get_405=True,
        post=lambda w, k=key: {f"{k}-{w.pk(k)}-title": "Đã sửa"},
        change=SU | {"admin_a"},
    )
    case(
        f"{app}:delete_multiple",
        args=pk(key),
        allow=SU,
        unsure=EVERYONE,
        get_405=True,
        post=_nothing,
        change=SU | {"admin_a"},
    )
    case(
        f"{app}:{'document_usage' if key == 'document' else 'image_usage'}",
        args=pk(key),
        allow=SU,
        unsure=MEDIA_UNSURE,
    )
    for name in (f"create_multiple_from_uploaded_{key}", "delete_upload_multiple"):
        case(
            f"{app}:{name}",
            args=lambda w: [999999],
            unsure=EVERYONE,
            get_405=True,
            post=_nothing,
        )
    chooser = f"{app}_chooser"
    for name in ("choose", "choose_results", "create"):
        case(f"{chooser}:{name}", allow=SU, unsure=MEDIA_UNSURE)
    case(
        f"{chooser}:chosen",
        args=lambda w, k=key: [str(w.pk(k))],
        allow=SU,
        unsure=MEDIA_UNSURE,
    )
    case(
        f"{chooser}:chosen_multiple",
        query=lambda w, k=key: {"id": [w.pk(k)]},
        allow=SU,
        unsure=MEDIA_UNSURE,
    )
for name in ("url_generator", "url_generator_output"):
    # Needs the dynamic image serve view set up: the superuser may get 404.
    case(f"wagtailimages:{name}", args=pk("image"), unsure=MEDIA_UNSURE | SU)
case(
    "wagtailimages:preview",
    args=lambda w: [w.pk("image"), "original"],
    allow=SU,
    unsure=MEDIA_UNSURE,
)
case(
    "wagtailimages_chooser:select_format",
    args=pk("image"),
    allow=SU,
    unsure=MEDIA_UNSURE,
)

# ---------------------------------------------------------------------------
# Bulk actions: one case per registered action, with a foreign id and id=all.
# Accounts each relation may manage (keys of World.people or World.obj).
SCHOOL_A_PEOPLE = {
    "student_a",
    "collaborator_a",
    "author_a",
    "homeroom_a",
    "teacher_a",
}
MANAGEABLE = {
    "admin_a": SCHOOL_A_PEOPLE,
    "admin_b": {"student_b"},
    "officer": SCHOOL_A_PEOPLE | {"admin_a", "admin_b", "admin_a_past", "student_b"},
}
ACCOUNTS = [*RELATIONS[1:], "student_b", "teacher_a"]


def accounts_beyond(w: World, relation: str):
    """State of the accounts `relation` may not manage: must not change."""
    from lms.people.models import User

    if relation == "superuser":
        return []
    keys = [k for k in ACCOUNTS if k not in MANAGEABLE.get(relation, set())]
    pks = [w[k].pk for k in keys]
    users = User.objects.filter(pk__in=pks).order_by("pk")
    return [
        (u.pk, u.is_active, u.is_superuser, u.is_staff, u.password,
         sorted(u.groups.values_list("pk", flat=True)))
        for u in users
    ]  # fmt: skip


# Whose questions each relation may delete (the Department: every one).
OWN_QUESTIONS = {"admin_a": {"question_a"}, "admin_b": {"question_b"}}


def questions_beyond(w: World, relation: str):
    """Which questions `relation` may not delete still exist: must not change."""
    from quizzes.models import Question

    if relation in DEPT:
        return []
    keys = [
        k
        for k in ("question_lib", "question_a", "question_b")
        if k not in OWN_QUESTIONS.get(relation, set())
    ]
    return [(k, Question.objects.filter(pk=w.pk(k)).exists()) for k in keys]


# Bulk actions: (app, model, action) -> (ids no school admin may touch, who
# may, POST data, probe). `id=all` must mean "all I may", never more.
BULK = {
    ("lms_people", "user", "set_active_state"): (
        lambda w: [w[k].pk for k in ("superuser", "officer", "admin_b", "student_b")],
        SU,
        lambda w: {"mark_as_active": "False"},
        accounts_beyond,
    ),
    ("lms_people", "user", "assign_role"): (
        lambda w: [w.people["admin_a"].pk, w.people["student_a"].pk],
        SU,
        lambda w: {"role": w.pk("group_moderators")},
        None,
    ),
    ("lms_people", "user", "delete"): (
        lambda w: [w.people["officer"].pk, w["student_b"].pk],
        SU,
        _nothing,
        accounts_beyond,
    ),
    ("lms_quizzes", "question", "delete"): (
        lambda w: [w.pk("question_lib"), w.pk("question_b")],
        DEPT,
        _nothing,
        questions_beyond,
    ),
    ("lms_certificates", "certificatetemplate", "delete"): (
        lambda w: [w.pk("template_lib")],
        DEPT,
        _nothing,
        None,
    ),
    ("lms_courses", "conductprinciple", "delete"): (
        lambda w: [w.pk("conduct_principle")],
        MANAGERS,
        _nothing,
        None,
    ),
    ("lms_courses", "legalreference", "delete"): (
        lambda w: [w.pk("legal_reference")],
        MANAGERS,
        _nothing,
        None,
    ),
    ("lms_courses", "legaldocument", "delete"): (
        lambda w: [w.pk("legal_document")],
        MANAGERS,
        _nothing,
        None,
    ),
    ("wagtaildocs", "document", "add_tags"): (
        lambda w: [w.pk("document")],
        SU,
        lambda w: {"tags": "x"},
        None,
    ),
    ("wagtaildocs", "document", "add_to_collection"): (
        lambda w: [w.pk("document")],
        SU,
        lambda w: {"collection": w["root_collection"].pk},
        None,
    ),
    ("wagtaildocs", "document", "delete"): (
        lambda w: [w.pk("document")],
        SU,
        _nothing,
        None,
    ),
    ("wagtailimages", "image", "add_tags"): (
        lambda w: [w.pk("image")],
        SU,
        lambda w: {"tags": "x"},
        None,
    ),
    ("wagtailimages", "image", "add_to_collection"): (
        lambda w: [w.pk("image")],
        SU,
        lambda w: {"collection": w["root_collection"].pk},
        None,
    ),
    ("wagtailimages", "image", "delete"): (
        lambda w: [w.pk("image")],
        SU,
        _nothing,
        None,
    ),
    # The library's course: only the Department may touch it.
    ("wagtailcore", "page", "delete"): (
        lambda w: [w.pk("course_lib")],
        DEPT,
        _nothing,
        None,
    ),
    ("wagtailcore", "page", "move"): (
        lambda w: [w.pk("course_lib")],
        DEPT,
        lambda w: {"chooser": w.pk("catalogue_a")},
        None,
    ),
    ("wagtailcore", "page", "publish"): (
        lambda w: [w.pk("course_lib")],
        DEPT,
        _nothing,
        None,
    ),
    ("wagtailcore", "page", "unpublish"): (
        lambda w: [w.pk("course_lib")],
        DEPT,
        _nothing,
        None,
    ),
}


def _bulk_query(ids, all_ids=False):
    def query(w):
        q = {"next": "/admin/"}
        if all_ids:
            q.update(id="all", childOf=w.pk("catalogue_lib"))
        else:
            q["id"] = ids(w)
        return q

    return query


for (app, model, action), (ids, who, data, probe) in BULK.items():
    for label, all_ids in (("foreign_ids", False), ("all", True)):
        case(
            "wagtail_bulk_action",
            f"{app}.{model}.{action}.{label}",
            args=lambda w, a=(app, model, action): list(a),
            query=_bulk_query(ids, all_ids),
            post_query=_bulk_query(ids, all_ids),
            allow=who,
            unsure=STAFF | LAPSED,
            change=who,
            probe=probe,
            # School managers may change their own people among the ids.
            probe_only=MANAGERS - SU if probe else NOBODY,
            post=data,
            must_change=not all_ids and action not in ("add_tags", "delete"),
        )

# ---------------------------------------------------------------------------
# The rest of Wagtail's admin: every admin user may open the dashboard and
# their own account; reports show only what one may see; the rest is the
# superuser's.
ADMIN_USERS = STAFF
for name in (
    "wagtailadmin_home",
    "wagtailadmin_account",
    "wagtailadmin_sprite",
    "wagtailadmin_tag_autocomplete",
    "wagtailadmin_choose_page_external_link",
    "wagtailadmin_choose_page_email_link",
    "wagtailadmin_choose_page_phone_link",
    "wagtailadmin_choose_page_anchor_link",
    "wagtailadmin_block_preview",
    "wagtailadmin_dismissibles",
    "wagtailadmin_logout",
):
    case(
        name,
        allow=ADMIN_USERS,
        unsure=LAPSED
        | (
            EVERYONE
            if name
            in (
                "wagtailadmin_sprite",
                "wagtailadmin_logout",
                "wagtailadmin_block_preview",
                "wagtailadmin_dismissibles",
                "wagtailadmin_tag_autocomplete",
            )
            else NOBODY
        ),
        # The admin's icon sprite is a public SVG file.
        parent_unsure=name == "wagtailadmin_sprite",
    )
case(
    "wagtailadmin_tag_model_autocomplete",
    args=lambda w: ["wagtaildocs", "document"],
    unsure=EVERYONE,
)
case(
    "wagtailadmin_editing_sessions:ping",
    args=lambda w: ["wagtailcore", "page", str(w.pk("course_a")), 999999],
    allow=NOBODY,
    unsure=A_MANAGERS | LAPSED,
    get_405=True,
)
case(
    "wagtailadmin_editing_sessions:release",
    args=lambda w: [999999],
    unsure=EVERYONE,
    get_405=True,
)
case("wagtailadmin_error_test", unsure=EVERYONE, may_fail=True)
for name in ("site_history", "site_history_results"):
    # Staff may open it; what it lists is scoped by the people policy.
    case(f"wagtailadmin_reports:{name}", allow=SU, unsure=STAFF | LAPSED)
for name in (
    "locked_pages",
    "locked_pages_results",
    "aging_pages",
    "aging_pages_results",
    "page_types_usage",
    "page_types_usage_results",
    "workflow",
    "workflow_results",
    "workflow_tasks",
    "workflow_tasks_results",
):
    case(f"wagtailadmin_reports:{name}", allow=SU, unsure=STAFF | LAPSED)
for name in ("listing", "find"):
    for kind in ("pages", "documents", "images"):
        case(f"wagtailadmin_api:{kind}:{name}", allow=SU, unsure=STAFF | LAPSED)
for kind in ("pages", "documents", "images"):
    key = {"pages": "course_a", "documents": "document", "images": "image"}[kind]
    case(
        f"wagtailadmin_api:{kind}:detail", args=pk(key), allow=SU, unsure=STAFF | LAPSED
    )
case(
    "wagtailadmin_api:pages:action",
    args=lambda w: [w.pk("course_a"), "publish"],
    unsure=SU | A_MANAGERS | LAPSED,
    get_405=True,
    post=_nothing,
    change=A_MANAGERS,
    json=True,
)

# Superuser-only areas of Wagtail the LMS does not use. `obj` builds the
# arguments; the superuser may also get 404 where there is nothing to show.
SUPERUSER_ONLY = {
    "wagtailadmin_collections:index": None,
    "wagtailadmin_collections:add": None,
    "wagtailadmin_collections:edit": "collection",
    "wagtailadmin_collections:delete": "collection",
    "wagtailadmin_collections:set_privacy": "collection",
    "wagtailadmin_workflows:index": None,
    "wagtailadmin_workflows:index_results": None,
    "wagtailadmin_workflows:add": None,
    "wagtailadmin_workflows:enable": "workflow",
    "wagtailadmin_workflows:disable": "workflow",
    "wagtailadmin_workflows:edit": "workflow",
    "wagtailadmin_workflows:usage": "workflow",
    "wagtailadmin_workflows:usage_results": "workflow",
    "wagtailadmin_workflows:remove": "catalogue_a",
    "wagtailadmin_workflows:add_task": ("wagtailcore", "groupapprovaltask"),
    "wagtailadmin_workflows:select_task_type": None,
    "wagtailadmin_workflows:task_index": None,
    "wagtailadmin_workflows:task_index_results": None,
    "wagtailadmin_workflows:edit_task": "task",
    "wagtailadmin_workflows:disable_task": "task",
    "wagtailadmin_workflows:enable_task": "task",
    "wagtailadmin_workflows:task_chooser": None,
    "wagtailadmin_workflows:task_chooser_results": None,
    "wagtailadmin_workflows:task_chooser_create": None,
    "wagtailadmin_workflows:task_chosen": "task",
    "wagtailforms:index": None,
    "wagtailforms:index_results": None,
    "wagtailforms:list_submissions": "home",
    "wagtailforms:list_submissions_results": "home",
    "wagtailforms:delete_submissions": "home",
    "wagtailredirects:index": None,
    "wagtailredirects:index_results": None,
    "wagtailredirects:add": None,
    "wagtailredirects:edit": "redirect",
    "wagtailredirects:delete": "redirect",
    "wagtailredirects:start_import": None,
    "wagtailredirects:process_import": None,
    "wagtailsettings:edit": ("wagtailcore", "site"),
    "wagtailsettings:preview_on_edit": ("wagtailcore", "site", 1),
    "wagtailembeds:chooser": None,
    "wagtailembeds:chooser_upload": None,
}


def _superuser_only_args(obj):
    if obj is None:
        return lambda w: []
    if isinstance(obj, tuple):
        return lambda w: list(obj)
    return lambda w: [w.pk(obj)]


# Reading what is there is left open to staff; changing it is the superuser's.
READ_UNSURE = STAFF | LAPSED
for name, obj in SUPERUSER_ONLY.items():
    args = _superuser_only_args(obj)
    changing = any(
        part in name
        for part in (
            ":add",
            ":edit",
            ":delete",
            ":enable",
            ":disable",
            ":remove",
            ":set_privacy",
            ":process_import",
            "chooser_upload",
            ":task_chooser_create",
        )
    )
    # Choosers page editors use while editing: left open to staff.
    editors_tool = "wagtailembeds:" in name or ":task_chooser" in name
    case(
        name,
        args=args,
        unsure=SU | (READ_UNSURE if editors_tool or not changing else NOBODY),
        post=_nothing if changing else None,
        change=SU,
        get_405=changing,
        # Wagtail's import step fails without an upload in the session.
        may_fail=name == "wagtailredirects:process_import",
    )


# ---------------------------------------------------------------------------
def url_names(resolver=None, namespace=""):
    """Every named URL pattern of the project, as Django resolves them."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from url_names(pattern, inner)
        elif pattern.name:
            yield namespace + pattern.name


def bulk_actions() -> set[tuple[str, str, str]]:
    bulk_action_registry._scan_for_bulk_actions()
    return {
        (app, model, action)
        for app, models in bulk_action_registry.actions.items()
        for model, actions in models.items()
        for action in actions
    }


BY_ID = {c.id: c for c in CASES}
assert len(BY_ID) == len(CASES), "two cases share an id"
