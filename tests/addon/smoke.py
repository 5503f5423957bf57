"""Smoke test of a `wagtail start` site that installed our wheel.

Run by tests/ci/ci_addon.sh with the host's python, from the host's
directory, against its migrated database (settings: the host's dev settings
plus the three documented lines). It never imports the source tree: it fails
when `lms` is not the installed copy.

Walks what a school does: a superuser sees our admin menus in Vietnamese and
writes a catalogue, a course, a lesson and a quiz in the admin; a learner signs
in, finishes the lesson, passes the quiz, downloads the certificate PDF (with
the shipped fonts embedded) and the public verification page calls it valid.
Prints ADDON-SMOKE-OK at the end; any failed step raises.
"""

import datetime
import io
import json
import os
import re
import sys
import sysconfig

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

import lms  # noqa: E402

SUPERUSER = os.environ.get("SMOKE_SUPERUSER", "admin")
PASSWORD = os.environ["SMOKE_PASSWORD"]
LEARNER = "hs-smoke"
HOLDER = "Nguyễn Thị Ánh Tuyết"


def step(text: str) -> None:
    print(f"--> {text}", flush=True)


def check(condition, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def in_html(text: str, html: str) -> bool:
    """Text as written, or as JSON escapes (Wagtail's sidebar is JSON)."""
    return text in html or json.dumps(text)[1:-1] in html


def ok(response, expected=200):
    if response.status_code != expected:
        body = response.content.decode(errors="replace")[:1500]
        raise AssertionError(
            f"{response.request['PATH_INFO']}: {response.status_code} "
            f"(wanted {expected})\n{body}"
        )
    return response


def form_errors(response) -> str:
    context = response.context or {}
    form = context.get("form")
    return repr(getattr(form, "errors", "")) if form is not None else ""


def added(response, what: str):
    if response.status_code != 302:
        raise AssertionError(
            f"creating {what} in the admin: {response.status_code} "
            f"{form_errors(response)}"
        )


# ---------------------------------------------------------------- installed
step(f"lms imported from {lms.__file__}")
site_packages = sysconfig.get_paths()["purelib"]
check(
    os.path.realpath(lms.__file__).startswith(os.path.realpath(site_packages)),
    f"lms is not the installed wheel: {lms.__file__}",
)
check(settings.AUTH_USER_MODEL == "auth.User", settings.AUTH_USER_MODEL)

from wagtail.models import Page, Site  # noqa: E402
from wagtail.test.utils.form_data import (  # noqa: E402
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

# ------------------------------------------------------------ admin, in vi
# The superuser created by `createsuperuser` signs in through Wagtail's form
# (Client.login() would bypass django-axes, which insists on a request).
admin = Client()
signed_in = admin.post(
    reverse("wagtailadmin_login"), {"username": SUPERUSER, "password": PASSWORD}
)
check(signed_in.status_code == 302, f"admin sign-in: {signed_in.status_code}")
step("admin menus in Vietnamese")
html = ok(admin.get("/admin/")).content.decode()
check('lang="vi"' in html, "the admin is not in Vietnamese")
for label in ("Học tập", "Tổ chức", "Trang tổng quan"):
    check(in_html(label, html), f"admin menu label {label!r} missing")

# School, year and class: the organisation a learner belongs to.
from lms.people import models as people  # noqa: E402

department = people.Department.objects.create(
    name="Sở Giáo dục và Đào tạo Thử", code="so-thu"
)
school = people.School.objects.create(
    department=department, name="Trường THPT Thử", code="T01"
)
today = datetime.date.today()
first = today.year if today.month >= 6 else today.year - 1
school_year = people.SchoolYear.objects.create(
    name=f"{first}-{first + 1}",
    starts_on=datetime.date(first, 9, 5),
    ends_on=datetime.date(first + 1, 5, 31),
)
school_class = people.SchoolClass.objects.create(
    school=school, school_year=school_year, name="10A1"
)

step("questions imported through the admin (GIFT)")
gift = (
    "::Q1:: Em có nên chia sẻ mật khẩu với bạn bè không? {F}\n\n"
    "::Q2:: Thông tin cá nhân cần được bảo vệ trên mạng. {T}\n"
).encode()
upload = io.BytesIO(gift)
upload.name = "smoke.gift"
preview = ok(
    admin.post(
        reverse("lms_quizzes_import"),
        {"file": upload, "fmt": "gift", "category": "Kiểm thử/Add-on", "owner": ""},
    )
).content.decode()
token = re.search(r'name="token" value="([^"]+)"', preview)
check(token, "the import preview offers no confirmation")
added(
    admin.post(reverse("lms_quizzes_import"), {"token": token.group(1)}),
    "the imported questions",
)
from quizzes.models import Question, QuestionCategory  # noqa: E402

check(Question.objects.count() == 2, "the import did not create two questions")
category = QuestionCategory.objects.get(name="Add-on")

step("catalogue, course, lesson and quiz written in the admin")
root = Site.objects.get(is_default_site=True).root_page


def add_page(parent, model: str, app: str, data: dict, what: str):
    url = reverse("wagtailadmin_pages:add", args=[app, model, parent.pk])
    ok(admin.get(url))
    added(admin.post(url, {**data, "action-publish": "1"}), what)
    return Page.objects.get(slug=data["slug"]).specific


catalogue = add_page(
    root,
    "courseindexpage",
    "lms_courses",
    nested_form_data(
        {
            "title": "Khóa học",
            "slug": "khoa-hoc",
            "school": school.pk,
            "intro": rich_text("<p>Các khóa học của trường.</p>"),
        }
    ),
    "the catalogue",
)
from certificates.models import CertificateTemplate  # noqa: E402

template = CertificateTemplate.objects.order_by("pk").first()
check(template is not None, "no certificate template (data migration)")
course = add_page(
    catalogue,
    "coursepage",
    "lms_courses",
    nested_form_data(
        {
            "title": "Văn hóa ứng xử trên mạng",
            "slug": "van-hoa-ung-xu",
            "summary": "Ứng xử văn minh trên mạng.",
            "objectives": streamfield([("objective", "Biết ứng xử văn minh")]),
            "estimated_minutes": 30,
            "for_students": "on",
            "enrolment_mode": "automatic",
            "certificate_settings": inline_formset(
                [
                    {
                        "audience": "students",
                        "template": template.pk,
                        "auto_issue": "on",
                        "valid_days": "",
                    }
                ]
            ),
        }
    ),
    "the course",
)
lesson = add_page(
    course,
    "lessonpage",
    "lms_courses",
    nested_form_data(
        {
            "title": "Bài 1: Mở đầu",
            "slug": "bai-1",
            "body": streamfield([("heading", {"text": "Mở đầu", "level": "h2"})]),
            "estimated_minutes": 5,
            "required": "on",
        }
    ),
    "the lesson",
)
quiz = add_page(
    course,
    "quizpage",
    "lms_quizzes",
    nested_form_data(
        {
            "title": "Bài kiểm tra",
            "slug": "kiem-tra",
            "intro": rich_text(""),
            "slots": inline_formset([]),
            "draws": inline_formset([{"category": category.pk, "count": 2}]),
            "shuffle_questions": "on",
            "layout": "one_page",
            "feedback_timing": "at_end",
            "required": "on",
            "pass_mark": 70,
            "attempts_allowed": 0,
            "grading_method": "highest",
            "delay_minutes": 0,
            "review_score": "on",
            "review_right_wrong": "on",
            "review_feedback": "on",
            "success_text": rich_text(""),
            "failure_text": rich_text(""),
        }
    ),
    "the quiz",
)
for page in (catalogue, course, lesson):
    ok(admin.get(page.url))

# ------------------------------------------------------------------ learner
step("a learner signs in")
User = get_user_model()
learner = User.objects.create_user(
    username=LEARNER, password=PASSWORD, first_name=HOLDER
)
people.Membership.objects.create(
    user=learner,
    role=people.Role.STUDENT,
    school=school,
    school_class=school_class,
    school_year=school_year,
)
client = Client()
login = ok(client.get(reverse("lms_people:login"))).content.decode()
check("Đăng nhập" in login, "the sign-in page is not in Vietnamese")
signed_in = client.post(
    reverse("lms_people:login"), {"username": LEARNER, "password": PASSWORD}
)
check(signed_in.status_code == 302, f"sign-in answered {signed_in.status_code}")
check("_auth_user_id" in client.session, "the learner is not signed in")

step("course, lesson done, quiz passed")
ok(client.get(catalogue.url))
ok(client.get(course.url))
ok(client.get(lesson.url))
ok(client.post(lesson.url, {"action": "complete"}), 302)
quiz_page = ok(client.get(quiz.url)).content.decode()
check('value="start"' in quiz_page, "the quiz offers no start")
started = ok(client.post(quiz.url, {"action": "start"}), 302)
attempt_id = int(re.search(r"/(\d+)/$", started["Location"]).group(1))
ok(client.get(started["Location"]))
from quizzes.models import QuizAttempt  # noqa: E402

attempt = QuizAttempt.objects.get(pk=attempt_id)
answers = {}
for question in attempt.snapshot:
    check(question["qtype"] == "true_false", question["qtype"])
    answers[question["key"]] = "true" if question["correct"] else "false"
submitted = ok(
    client.post(reverse("lms_quizzes:submit", args=[attempt_id]), answers), 302
)
review = ok(client.get(submitted["Location"])).content.decode()
attempt.refresh_from_db()
check(attempt.passed is True, "the quiz was not passed")
check("Đạt" in review, "the review does not say passed in Vietnamese")

step("certificate PDF with the shipped fonts, verified in public")
from certificates.models import Certificate  # noqa: E402

certificate = Certificate.objects.filter(holder=learner, course=course).first()
check(certificate is not None, "no certificate was issued on completion")
mine = ok(client.get(reverse("lms_courses:my_learning"))).content.decode()
check(certificate.serial in mine, "My learning does not list the certificate")
pdf = ok(client.get(reverse("lms_certificates:download", args=[certificate.pk])))
check(pdf["Content-Type"].startswith("application/pdf"), pdf["Content-Type"])
body = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content

from pypdf import PdfReader  # noqa: E402

reader = PdfReader(io.BytesIO(body))
fonts = reader.pages[0]["/Resources"]["/Font"]
names = set()
for font in fonts.values():
    font = font.get_object()
    names.add(str(font["/BaseFont"]))
    descendants = font.get("/DescendantFonts")
    described = descendants[0].get_object() if descendants else font
    descriptor = described["/FontDescriptor"].get_object()
    check("/FontFile2" in descriptor, f"font {font['/BaseFont']} is not embedded")
# Our @font-face families (LMS Serif / LMS Sans) name the shipped Noto files.
check(names and all("+LMS-" in name for name in names), f"fonts: {names}")
text = reader.pages[0].extract_text()
check(certificate.serial in text, "the PDF does not carry the serial")

public = Client()
verify = ok(
    public.get(reverse("lms_certificates:verify", args=[certificate.code]))
).content.decode()
check("Giấy chứng nhận này còn hiệu lực." in verify, "not shown valid")
check(HOLDER in verify, "the verification page does not name the holder")
check(course.title in verify, "the verification page does not name the course")

print("ADDON-SMOKE-OK", flush=True)
sys.exit(0)
