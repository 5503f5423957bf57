# ruff: noqa: F811  (the `setup` fixture is imported from test_roster_admin)
"""Large roster imports run as background jobs with a progress bar."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from lms.people.models import Role, RosterImportJob, User
from lms.people.roster.jobs import job_progress, job_run
from tests.people.factories import MembershipFactory, UserFactory
from tests.people.roster_files import class_list, csv_bytes
from tests.people.test_roster_admin import INDEX, preview, setup  # noqa: F401

pytestmark = pytest.mark.django_db

CODES = ["HS001", "HS002", "HS003"]


@pytest.fixture
def small_threshold(settings):
    settings.LMS_ROSTER_BACKGROUND_ROWS = 2


def _confirm(client, setup, django_capture_on_commit_callbacks):
    token = preview(client, setup).context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse(INDEX), {"token": token})


def test_a_list_longer_than_the_threshold_is_imported_by_a_job(
    client, setup, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(setup["admin"])
    response = _confirm(client, setup, django_capture_on_commit_callbacks)
    job = RosterImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lms_roster:job", args=[job.pk])
    assert job.status == RosterImportJob.Status.DONE
    assert job.outcome["created"] == 3
    assert job.data == b""  # the file is not kept once imported
    assert User.objects.filter(lms_profile__student_code__in=CODES).count() == 3

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("lms_roster:reissue") in html
    assert "<script>" not in html  # CSP: the script is a static file
    status = client.get(reverse("lms_roster:job_status", args=[job.pk])).json()
    assert status == {
        "status": "done",
        "status_label": str(RosterImportJob.Status.DONE.label),
        "finished": True,
        "done": 3,
        "total": 3,
    }


def test_a_short_list_is_still_imported_in_the_request(
    client, setup, django_capture_on_commit_callbacks
):
    client.force_login(setup["admin"])
    response = _confirm(client, setup, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "download_url" in response.context
    assert not RosterImportJob.objects.exists()


def _job(setup, data=None, filename="lop.xlsx", **extra):
    return RosterImportJob.objects.create(
        school=setup["ours"],
        school_year=setup["year"],
        created_by=setup["admin"],
        filename=filename,
        data=data if data is not None else class_list(),
        rows=3,
        **extra,
    )


def test_progress_is_reported_while_the_import_writes(setup, monkeypatch):
    job = _job(setup)
    seen = []
    real_set = cache.set

    def spy(key, value, *args, **kwargs):
        if key.startswith("lms-roster-job-progress:"):
            seen.append(value)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    job_run(job.pk)
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    job.refresh_from_db()
    assert job_progress(job) == (3, 3)


def test_a_job_whose_list_has_a_refused_row_imports_nothing(setup):
    bad = csv_bytes(
        ["Họ và tên,Mã học sinh,Lớp", "Nguyễn Văn An,HS001,10A1", ",HS002,10A1"]
    )
    job = _job(setup, data=bad, filename="lop.csv")
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == RosterImportJob.Status.REFUSED
    assert job.outcome["refused"]
    assert not User.objects.filter(lms_profile__student_code="HS001").exists()


def test_a_job_that_fails_midway_imports_nothing(setup, monkeypatch):
    job = _job(setup)

    def crash(done, total):
        if done == 2:
            raise RuntimeError("worker died")

    import lms.people.roster.jobs as jobs

    real_import = jobs.roster_import
    monkeypatch.setattr(
        jobs, "roster_import", lambda **kw: real_import(**{**kw, "progress": crash})
    )
    with pytest.raises(RuntimeError):
        job_run(job.pk)
    job.refresh_from_db()
    assert job.status == RosterImportJob.Status.FAILED
    assert not User.objects.filter(lms_profile__student_code__in=CODES).exists()


def test_a_job_runs_once(setup):
    job = _job(setup)
    job_run(job.pk)
    job_run(job.pk)
    assert User.objects.filter(lms_profile__student_code__in=CODES).count() == 3


def test_another_schools_admin_cannot_follow_the_job(client, setup):
    job = _job(setup)
    other = UserFactory(username="qt_khac")
    MembershipFactory(
        user=other, role=Role.SCHOOL_ADMIN, school=setup["theirs"],
        school_class=None, school_year=setup["year"],
    )  # fmt: skip
    client.force_login(other)
    assert client.get(reverse("lms_roster:job", args=[job.pk])).status_code == 404
    status_url = reverse("lms_roster:job_status", args=[job.pk])
    assert client.get(status_url).status_code == 404


def test_a_waiting_job_shows_a_progress_bar_in_vietnamese(client, setup):
    job = _job(setup)
    client.force_login(setup["admin"])
    html = client.get(reverse("lms_roster:job", args=[job.pk])).content.decode()
    assert "<progress" in html and "lms/js/roster-job.js" in html
    assert "Danh sách dài nên được nhập ở chế độ nền" in html
    status = client.get(reverse("lms_roster:job_status", args=[job.pk])).json()
    assert status["status_label"] == "Đang chờ"
    assert status["finished"] is False


def test_a_job_the_worker_has_begun_reads_as_running(client, setup, monkeypatch):
    job = _job(setup)
    client.force_login(setup["admin"])
    url = reverse("lms_roster:job_status", args=[job.pk])
    seen = []

    import lms.people.roster.jobs as jobs

    real_import = jobs.roster_import

    def import_and_look(**kwargs):
        seen.append(client.get(url).json())
        return real_import(**kwargs)

    monkeypatch.setattr(jobs, "roster_import", import_and_look)
    job_run(job.pk)
    assert seen[0]["status"] == "running"
    assert seen[0]["status_label"] == "Đang nhập"
    assert seen[0]["total"] == 3 and seen[0]["finished"] is False


@pytest.mark.slow  # about 25 s on SQLite: 1,500 accounts are really created
def test_a_1500_row_list_is_imported_with_about_a_hundred_progress_steps(
    setup, monkeypatch
):
    lines = ["Họ và tên,Mã học sinh,Lớp"] + [
        f"Học Sinh Số {n},HS{n:04d},10A{1 + n % 2}" for n in range(1500)
    ]
    job = _job(setup, data=csv_bytes(lines))
    job.filename, job.rows = "lop.csv", 1500
    job.save()
    seen = []
    real_set = cache.set

    def spy(key, value, *args, **kwargs):
        if key.startswith("lms-roster-job-progress:"):
            seen.append(value)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == RosterImportJob.Status.DONE
    assert job.outcome["created"] == 1500
    assert 100 <= len(seen) <= 102 and seen[-1] == (1500, 1500)


MIXED = csv_bytes(
    [
        "Họ và tên,Mã học sinh,Lớp,Email,Vai trò",
        "Nguyễn Văn An,HS001,10A1,,Học sinh",
        "Lê Hoàng Cường,HS003,10A2,,Học sinh",
        "Phạm Thu Hà,GV01,,ha@truong.edu.vn,Giáo viên",
        "Đỗ Minh Tâm,GV02,10A1,tam@truong.edu.vn,Giáo viên chủ nhiệm",
    ]
)


def _finished_mixed_job(setup):
    job = _job(setup, data=MIXED)
    job.filename, job.rows = "ds.csv", 4
    job.save()
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == RosterImportJob.Status.DONE, job.outcome
    return job


def test_the_finished_page_links_to_every_password_sheet_of_the_new_people(
    client, setup
):
    job = _finished_mixed_job(setup)
    assert job.outcome["class_names"] == ["10A1", "10A2"]
    assert job.outcome["staff_created"] == 2
    client.force_login(setup["admin"])
    page = client.get(reverse("lms_roster:job", args=[job.pk]))
    links = [url for _label, url in page.context["password_links"]]
    reissue = reverse("lms_roster:reissue")
    classes = {c.name: c.pk for c in setup["ours"].classes.all()}
    assert links == [
        f"{reissue}?school_class={classes['10A1']}",
        f"{reissue}?school_class={classes['10A2']}",
        f"{reissue}?staff={setup['ours'].pk}-{setup['year'].pk}",
    ]
    html = page.content.decode()
    assert "Cán bộ, giáo viên của" in html and "Học sinh lớp 10A2" in html
    # Each link opens the page with its sheet chosen.
    form_page = client.get(links[2])
    assert form_page.context["staff_form"]["staff"].value() == (
        f"{setup['ours'].pk}-{setup['year'].pk}"
    )


def _staff_sheet_rows(response):
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200, response
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return sheet.title, list(sheet.iter_rows(values_only=True))[4:]


def test_staff_imported_by_a_job_get_initial_passwords_from_the_staff_sheet(
    client, setup
):
    _finished_mixed_job(setup)
    client.force_login(setup["admin"])
    response = client.post(
        reverse("lms_roster:reissue"),
        {"staff": f"{setup['ours'].pk}-{setup['year'].pk}"},
    )
    title, rows = _staff_sheet_rows(response)
    assert title == "Cán bộ"
    assert [row[1] for row in rows] == ["Phạm Thu Hà", "Đỗ Minh Tâm"]
    for row in rows:
        assert User.objects.get(username=row[3]).check_password(row[4])
    # The school admin who issues them is never on their own sheet.
    assert setup["admin"].username not in {row[3] for row in rows}


def test_the_staff_sheet_leaves_out_those_who_signed_in_and_peers(client, setup):
    _finished_mixed_job(setup)
    signed_in = User.objects.get(lms_profile__student_code="GV01")
    signed_in.lms_profile.must_change_password = False
    signed_in.lms_profile.save()
    peer = UserFactory(username="qt_hai")
    peer.lms_profile.must_change_password = True
    peer.lms_profile.save()
    MembershipFactory(
        user=peer, role=Role.SCHOOL_ADMIN, school=setup["ours"], school_class=None,
        school_year=setup["year"],
    )  # fmt: skip
    peer_hash = User.objects.get(pk=peer.pk).password
    client.force_login(setup["admin"])
    response = client.post(
        reverse("lms_roster:reissue"),
        {"staff": f"{setup['ours'].pk}-{setup['year'].pk}"},
    )
    _title, rows = _staff_sheet_rows(response)
    assert [row[1] for row in rows] == ["Đỗ Minh Tâm"]
    assert User.objects.get(pk=peer.pk).password == peer_hash


def test_another_schools_staff_sheet_is_not_offered(client, setup):
    _finished_mixed_job(setup)
    hashes = dict(User.objects.values_list("username", "password"))
    client.force_login(setup["admin"])
    response = client.post(
        reverse("lms_roster:reissue"),
        {"staff": f"{setup['theirs'].pk}-{setup['year'].pk}"},
    )
    assert response.status_code == 200
    assert "staff" in response.context["staff_form"].errors
    assert dict(User.objects.values_list("username", "password")) == hashes


def test_a_refused_job_shows_each_rows_problem_on_its_page(client, setup):
    bad = csv_bytes(
        ["Họ và tên,Mã học sinh,Lớp", "Nguyễn Văn An,HS001,10A1", ",HS002,10A9"]
    )
    job = _job(setup, data=bad, filename="lop.csv")
    job_run(job.pk)
    client.force_login(setup["admin"])
    html = client.get(reverse("lms_roster:job", args=[job.pk])).content.decode()
    assert "Chưa nhập ai cả" in html
    assert "Dòng 3: Thiếu họ và tên." in html
    assert "Dòng 3: Năm học này không có lớp 10A9" in html
    job.refresh_from_db()
    assert job.data == b""


def test_a_job_that_crashed_says_nothing_was_imported_and_keeps_no_file(
    client, setup, monkeypatch
):
    job = _job(setup)
    import lms.people.roster.jobs as jobs

    def crash(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "roster_import", crash)
    with pytest.raises(RuntimeError):
        job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.data) == (RosterImportJob.Status.FAILED, b"")
    client.force_login(setup["admin"])
    html = client.get(reverse("lms_roster:job", args=[job.pk])).content.decode()
    assert "chưa có gì được nhập" in html and "disk full" not in html
    assert "<progress" not in html


def test_tidy_resumes_lost_jobs_gives_up_old_ones_and_deletes_finished_ones(
    setup, monkeypatch
):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    now = timezone.now()
    lost = _job(setup, created_at=now - datetime.timedelta(minutes=30))
    fresh = _job(setup, created_at=now - datetime.timedelta(minutes=1))
    forgotten = _job(setup, created_at=now - datetime.timedelta(days=2))
    old_done = _job(
        setup,
        status=RosterImportJob.Status.REFUSED,
        data=b"",
        finished_at=now - datetime.timedelta(days=31),
    )
    recent_done = _job(
        setup,
        status=RosterImportJob.Status.DONE,
        data=b"",
        finished_at=now - datetime.timedelta(days=29),
    )
    call_command("tidy_roster_jobs")
    states = dict(RosterImportJob.objects.values_list("pk", "status"))
    # The lost job was enqueued again, and ran (immediate backend in tests).
    assert states[lost.pk] == RosterImportJob.Status.DONE
    assert User.objects.filter(lms_profile__student_code__in=CODES).count() == 3
    assert states[fresh.pk] == RosterImportJob.Status.QUEUED
    assert states[forgotten.pk] == RosterImportJob.Status.FAILED
    forgotten.refresh_from_db()
    assert forgotten.data == b""
    assert old_done.pk not in states and recent_done.pk in states


def test_a_staff_sheet_with_nobody_left_says_so_and_changes_nothing(client, setup):
    _finished_mixed_job(setup)
    User.objects.filter(lms_profile__student_code__in=["GV01", "GV02"]).update(
        password="x"
    )
    for user in User.objects.filter(lms_profile__student_code__in=["GV01", "GV02"]):
        user.lms_profile.must_change_password = False
        user.lms_profile.save()
    client.force_login(setup["admin"])
    response = client.post(
        reverse("lms_roster:reissue"),
        {"staff": f"{setup['ours'].pk}-{setup['year'].pk}"},
        follow=True,
    )
    assert "đều đã tự đặt mật khẩu" in response.content.decode()
    assert User.objects.filter(password="x").count() == 2
