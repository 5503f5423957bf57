"""A learner's data export: every app's section, nothing of anyone else."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from lms.people.services import person_data_export
from tests.people.data_protection_setup import (
    COMMENT,
    ESSAY,
    NEIGHBOUR_ESSAY,
    build_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(site_root):
    return build_world(site_root)


def _read(data: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        raw = archive.read("data.json").decode("utf-8")
    return json.loads(raw), raw


def test_export_holds_every_section_of_the_person_and_nobody_else(world):
    document, raw = _read(person_data_export(person=world.person))
    sections = document["sections"]
    assert {"profile", "courses", "quizzes"} <= set(sections)

    profile = sections["profile"]
    assert profile["full_name"] == "Trần Thị Bích Ngọc"
    assert profile["student_code"] == "HS-778899"
    assert profile["birth_date"] == "2011-03-04"
    assert [m["class"] for m in profile["memberships"]] == ["10A1"]
    assert [c["giver_name"] for c in profile["consents"]] == ["Trần Văn Bố Ngọc"]

    courses = sections["courses"]
    assert [e["course"] for e in courses["enrolments"]] == ["An toàn trên mạng"]
    assert [p["lesson"] for p in courses["lesson_progress"]] == ["Bài 1: Mật khẩu"]

    (attempt,) = sections["quizzes"]["attempts"]
    answers = {q["type"]: q for q in attempt["questions"]}
    assert answers["essay"]["answer"] == ESSAY
    assert answers["essay"]["teacher_comment"] == COMMENT
    assert answers["essay"]["score"] == "4.00"
    assert answers["essay"]["text"]  # the question as shown
    # Answer keys are not part of "the questions as shown".
    assert "fraction" not in raw and '"correct"' not in raw

    # UTF-8, not \u escapes, so a parent can read it.
    assert "Trần Thị Bích Ngọc" in raw
    for other in (
        "Lê Minh Khánh",
        "khanh.le",
        "HS-112233",
        NEIGHBOUR_ESSAY,
        "Lê Văn Bố",
    ):
        assert other not in raw
    assert "Quản Trị Trường A" not in raw  # staff who recorded things stay out


def test_school_admin_downloads_the_zip_from_the_person_page(client, world):
    client.force_login(world.admin)
    edit = client.get(reverse("wagtailusers_users:edit", args=[world.person.pk]))
    url = reverse("lms_person_data:export", args=[world.person.pk])
    assert url in edit.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    document, _raw = _read(response.content)
    assert document["sections"]["profile"]["username"] == "ngoc.tran"


@pytest.mark.parametrize("who", ["other_admin", "teacher", "neighbour"])
def test_export_refused_to_anyone_but_the_person_s_school_admin(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("lms_person_data:export", args=[world.person.pk])
    assert client.get(url).status_code in (302, 403, 404)
    if who == "teacher":
        edit = client.get(reverse("wagtailusers_users:edit", args=[world.person.pk]))
        assert url not in edit.content.decode()


def test_superuser_may_export(client, world, superuser):
    client.force_login(superuser)
    url = reverse("lms_person_data:export", args=[world.person.pk])
    assert client.get(url).status_code == 200


def test_export_person_command_writes_the_zip(world, tmp_path):
    output = tmp_path / "ngoc.zip"
    call_command("export_person", "ngoc.tran", "--output", str(output))
    document, _raw = _read(output.read_bytes())
    assert document["sections"]["profile"]["email"] == "ngoc.tran@example.vn"
