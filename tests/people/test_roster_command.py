"""python manage.py import_roster"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from lms.people.models import User
from tests.people.factories import SchoolClassFactory, SchoolFactory, SchoolYearFactory
from tests.people.roster_files import HEADER, class_list, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The command speaks the site language; pin the English msgids here.
    with translation.override("en"):
        yield


@pytest.fixture
def roster(tmp_path):
    year = SchoolYearFactory(name="2023-2024")
    school = SchoolFactory(code="HOASEN")
    SchoolClassFactory(school=school, school_year=year, name="10A1")
    path = tmp_path / "lop.xlsx"
    path.write_bytes(class_list())
    return path


def call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_roster", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_prints_what_would_change(roster):
    out, _err = call(roster, "--school", "hoasen", "--year", "2023-2024",
                     "--dry-run", "--create-classes")  # fmt: skip
    assert "created  Row 4: Nguyễn Văn An (HS001) 10A1 Student annv.hs001" in out
    assert "class    10A2" in out
    assert "would have created 3, updated 0, unchanged 0, refused 0." in out
    assert not User.objects.filter(lms_profile__student_code="HS001").exists()


def test_import_writes_credentials_and_is_idempotent(roster, tmp_path):
    sheet = tmp_path / "mat-khau.xlsx"
    out, _err = call(roster, "--school", "HOASEN", "--year", "2023-2024",
                     "--create-classes", "--credentials", sheet)  # fmt: skip
    assert "created 3, updated 0, unchanged 0, refused 0." in out
    workbook = load_workbook(io.BytesIO(sheet.read_bytes()))
    assert workbook.sheetnames == ["10A1", "10A2"]
    out, _err = call(roster, "--school", "HOASEN", "--year", "2023-2024")
    assert "created 0, updated 0, unchanged 3, refused 0." in out


def test_refusals_print_row_numbers_and_exit_non_zero(roster, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        xlsx_bytes([HEADER, [1, "Vũ An", "HS1", "10A1"], [2, "Vũ Bình", "HS1", "10A9"]])
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_roster", str(bad), "--school", "HOASEN", "--year", "2023-2024",
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert "refused  Row 5: The code HS1 also appears in row 4." in err.getvalue()
    assert "refused  Row 5: There is no class 10A9" in err.getvalue()
    assert not User.objects.filter(lms_profile__student_code="HS1").exists()


def test_unknown_school_or_year_is_an_error(roster):
    with pytest.raises(CommandError, match="No school"):
        call(roster, "--school", "NOPE", "--year", "2023-2024")
    with pytest.raises(CommandError, match="No school year"):
        call(roster, "--school", "HOASEN", "--year", "2030-2031")


def test_credentials_without_site_url_refuse_before_creating_accounts(
    roster, tmp_path, settings
):
    del settings.LMS_SITE_URL

    with pytest.raises(CommandError, match="LMS_SITE_URL"):
        call(roster, "--school", "HOASEN", "--year", "2023-2024",
             "--create-classes", "--credentials", tmp_path / "mk.xlsx")  # fmt: skip

    assert not User.objects.filter(username="annv.hs001").exists()


def test_credentials_into_a_missing_folder_refuse_before_creating_accounts(
    roster, tmp_path
):
    sheet = tmp_path / "no-such-folder" / "mk.xlsx"

    with pytest.raises(CommandError, match="does not exist"):
        call(roster, "--school", "HOASEN", "--year", "2023-2024",
             "--create-classes", "--credentials", sheet)  # fmt: skip

    assert not User.objects.filter(username="annv.hs001").exists()


def test_credentials_that_cannot_be_written_undo_the_import(
    roster, tmp_path, monkeypatch
):
    from pathlib import Path

    def disk_full(self, data):
        raise OSError("No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_full)

    with pytest.raises(CommandError, match="Nothing was imported"):
        call(roster, "--school", "HOASEN", "--year", "2023-2024",
             "--create-classes", "--credentials", tmp_path / "mk.xlsx")  # fmt: skip

    assert not User.objects.filter(username="annv.hs001").exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_aborted_by_a_deadlock_runs_once_more(roster, monkeypatch):
    from lms.people.management.commands import import_roster as command
    from tests.test_transactions import deadlock

    real_import = command.roster_import
    calls = []

    def deadlocked_once(**kwargs):
        calls.append(1)
        report = real_import(**kwargs)
        if len(calls) == 1:
            raise deadlock()  # after writing: the retry starts from nothing
        return report

    monkeypatch.setattr(command, "roster_import", deadlocked_once)
    out, _err = call(roster, "--school", "HOASEN", "--year", "2023-2024",
                     "--create-classes")  # fmt: skip
    assert len(calls) == 2
    assert "created 3, updated 0, unchanged 0, refused 0." in out
    assert User.objects.filter(lms_profile__student_code="HS001").count() == 1
