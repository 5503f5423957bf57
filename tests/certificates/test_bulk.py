"""Bulk issuance: preview with reasons, background batch, progress, re-run, command."""

from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from certificates import rendering, services
from certificates.models import Certificate, IssueBatch, IssueBatchItem
from courses.services import course_open, lesson_complete
from lms.people.models import Role

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def school_admin(make_learner):
    return make_learner(username="bgh", role=Role.SCHOOL_ADMIN, is_staff=True)


@pytest.fixture
def cohort(certified_course, make_learner, complete):
    """Three finished the course, one holds a certificate, one is half-way."""
    course, lessons = certified_course
    done = [make_learner(username=f"xong{i}") for i in range(3)]
    with mock.patch.object(services, "auto_issue_wanted", return_value=False):
        for learner in done:
            complete(learner, course, lessons)
    holder = make_learner(username="coroi")
    complete(holder, course, lessons)
    half = make_learner(username="dodang")
    course_open(user=half, course=course)
    lesson_complete(user=half, lesson=lessons[0], course=course)
    return {"course": course, "done": done, "holder": holder, "half": half}


def test_bulk_preview_shows_eligible_holders_and_reasons(
    client, cohort, school_admin, school_class
):
    client.force_login(school_admin)
    course = cohort["course"]
    response = client.get(
        reverse("lms_certificates_bulk"),
        {"course": course.pk, "school_class": school_class.pk, "role": "student"},
    )
    assert response.status_code == 200
    assert {r.user for r in response.context["eligible"]} == set(cohort["done"])
    assert [r.user for r in response.context["holding"]] == [cohort["holder"]]
    refused = {r.user: r.refusal for r in response.context["refused"]}
    lessons = course.get_children().specific().order_by("path")
    assert refused[cohort["half"]].missing == (lessons[1].title,)
    assert lessons[1].title in response.content.decode()


def test_bulk_issue_runs_in_the_background_and_reruns_only_missing(
    client, cohort, school_admin, school_class, django_capture_on_commit_callbacks
):
    client.force_login(school_admin)
    course = cohort["course"]
    data = {"course": course.pk, "school_class": school_class.pk, "role": ""}
    renders = []
    real_render = rendering.render_pdf

    def counting_render(**kwargs):
        renders.append(kwargs["snapshot"]["serial"])
        return real_render(**kwargs)

    # The web request only records the batch: it renders no PDF at all.
    with (
        override_settings(TASKS=DUMMY_TASKS),
        mock.patch.object(rendering, "render_pdf", counting_render),
    ):
        response = client.post(reverse("lms_certificates_bulk"), data)
    assert renders == []
    batch = IssueBatch.objects.get()
    assert response["Location"] == reverse("lms_certificates_batch", args=[batch.pk])
    progress = client.get(reverse("lms_certificates_batch_progress", args=[batch.pk]))
    assert progress.json() == {
        "id": batch.pk,
        "total": 3,
        "done": 0,
        "failed": 0,
        "pending": 3,
        "finished": False,
        "percent": 0,
    }
    # The queue's workers run the items (the immediate backend does it here).
    for item in batch.items.all():
        services.batch_item_process(item_id=item.pk)
    assert Certificate.objects.filter(course=course).count() == 4
    page = client.get(reverse("lms_certificates_batch", args=[batch.pk]))
    assert page.context["progress"]["done"] == 3
    assert 'src="/static/lms_certificates/batch_progress.js"' in page.content.decode()
    # Re-running: the half-way learner finished meanwhile; only they get one.
    lessons = course.get_children().specific().order_by("path")
    lesson_complete(user=cohort["half"], lesson=lessons[1], course=course)
    assert not Certificate.objects.filter(holder=cohort["half"]).exists()
    with (
        mock.patch.object(rendering, "render_pdf", counting_render),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(
            reverse("lms_certificates_batch", args=[batch.pk]), {"action": "rerun"}
        )
    assert batch.items.count() == 4
    assert Certificate.objects.filter(course=course).count() == 5
    assert len(renders) == 1  # only the missing certificate was rendered


def test_a_batch_item_run_twice_issues_once(cohort, school_admin):
    batch = services.batch_create(
        course=cohort["course"], users=cohort["done"], created_by=school_admin
    )
    item = batch.items.first()
    assert services.batch_item_process(item_id=item.pk) == "done"
    IssueBatchItem.objects.filter(pk=item.pk).update(state="pending")  # lost ack
    assert services.batch_item_process(item_id=item.pk) == "done"
    assert Certificate.objects.filter(holder=item.user).count() == 1


def test_resume_command_reenqueues_stale_items(cohort, school_admin, capsys):
    with override_settings(TASKS=DUMMY_TASKS):
        batch = services.batch_create(
            course=cohort["course"], users=cohort["done"], created_by=school_admin
        )
    assert batch.items.filter(state="pending").count() == 3
    call_command("certificate_batches_resume", "--stale-seconds", "0")
    assert "3" in capsys.readouterr().out
    assert batch.items.filter(state="done").count() == 3


def test_issue_certificates_command_dry_run_and_real(
    cohort, school_class, capsys, django_capture_on_commit_callbacks
):
    course = cohort["course"]
    args = ["--course", course.slug, "--school", school_class.school.code]
    call_command("issue_certificates", *args, "--dry-run")
    out = capsys.readouterr().out
    assert "3 đủ điều kiện, 1 đã có giấy, 1 chưa đủ điều kiện." in out
    assert not IssueBatch.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("issue_certificates", *args, "--class", school_class.name)
    assert Certificate.objects.filter(course=course).count() == 4
    assert IssueBatch.objects.get().items.filter(state="done").count() == 3


def test_bulk_pages_need_a_school_admin(client, cohort, make_learner):
    teacher = make_learner(username="gvcn", role=Role.HOMEROOM_TEACHER, is_staff=True)
    from django.contrib.auth.models import Permission

    teacher.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(teacher)
    response = client.get(reverse("lms_certificates_bulk"))
    # Wagtail turns PermissionDenied into a redirect to the dashboard.
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_issue_certificates_without_site_url_refuses_before_any_batch(
    cohort, school_class, settings
):
    del settings.LMS_SITE_URL
    args = ["--course", cohort["course"].slug, "--school", school_class.school.code]

    with pytest.raises(CommandError, match="LMS_SITE_URL"):
        call_command("issue_certificates", *args)

    assert not IssueBatch.objects.exists()


def test_issue_certificates_reports_failed_items_and_exits_non_zero(
    cohort, school_class, monkeypatch, capsys
):
    from certificates.management.commands import issue_certificates

    def batch_create_whose_items_fail(**kwargs):
        batch = services.batch_create(**kwargs)
        batch.items.update(state="failed", error="RuntimeError: disk full")
        return batch

    monkeypatch.setattr(
        issue_certificates, "batch_create", batch_create_whose_items_fail
    )
    args = ["--course", cohort["course"].slug, "--school", school_class.school.code]

    with translation.override("en"), pytest.raises(CommandError) as excinfo:
        call_command("issue_certificates", *args)

    assert "0 certificates issued, 0 queued, 3 failed" in str(excinfo.value)
    assert "disk full" in capsys.readouterr().err
