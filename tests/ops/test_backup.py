"""lms_backup / lms_restore: a real backup, wipe and restore, and refusals."""

import hashlib
import io
import json
import shutil
import stat
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from certificates.models import Certificate
from lms.ops.databases import DatabaseRefused, database_load
from tests.people.factories import UserFactory

from .conftest import (
    certificate_pdfs_match_their_hashes,
    media_hashes,
    site_state,
    tar_members,
    tar_write,
    wipe_database,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("wiped_database_is_rebuilt"),
]


def restore(*args) -> str:
    out = io.StringIO()
    call_command("lms_restore", *map(str, args), stdout=out, stderr=out)
    return out.getvalue()


def test_backup_wipe_restore_round_trip_keeps_rows_media_and_certificate_hashes(
    certified_site, backup
):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # SQLite: adds its own sqlite_stat1 table
    before = site_state()
    archive = backup()

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # personal data inside
    members = tar_members(archive)
    manifest = json.loads(members["manifest.json"])
    dump = (
        "database.pgdump"
        if connection.vendor == "postgresql"
        else "database.sqlite3.gz"
    )
    assert set(members) == {"manifest.json", dump, "media.tar.gz"}
    assert manifest["table_rows"][Certificate._meta.db_table] == 2
    assert ["lms_certificates", "0001_certificate_ledger"] in manifest["migrations"]
    assert set(manifest["media"]["files"]) == set(before["media"])
    for name, data in members.items():
        if name != "manifest.json":
            assert (
                manifest["members"][name]["sha256"] == hashlib.sha256(data).hexdigest()
            )

    wipe_database()
    shutil.rmtree(settings.MEDIA_ROOT)
    output = restore(archive)

    assert site_state() == before
    assert certificate_pdfs_match_their_hashes()
    assert "as in the archive" in output
    assert "2 present, 0 missing" in output
    assert "hashes: 2 checked, all match" in output


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    certified_site, backup
):
    archive = backup()
    before = site_state()
    UserFactory(username="sau-sao-luu")
    extra = Path(settings.MEDIA_ROOT) / "documents" / "moi.txt"
    extra.write_text("mới", encoding="utf-8")

    with pytest.raises(CommandError, match="already has tables.*--force"):
        restore(archive)
    assert "sau-sao-luu" in site_state()["users"]
    assert extra.exists()

    restore(archive, "--force")
    assert site_state() == before
    assert certificate_pdfs_match_their_hashes()


def test_restore_into_an_empty_database_refuses_a_media_folder_that_is_not_empty(
    certified_site, backup
):
    archive = backup()
    wipe_database()
    with pytest.raises(CommandError, match="media folder .* is not empty"):
        restore(archive)
    with connection.cursor() as cursor:
        assert not connection.introspection.table_names(cursor)
    restore(archive, "--force")
    assert certificate_pdfs_match_their_hashes()


def _flip_byte_in(member_name: str):
    def tamper(archive: Path) -> None:
        with tarfile.open(archive) as tar:
            member = tar.getmember(member_name)
        with archive.open("r+b") as handle:
            handle.seek(member.offset_data + member.size // 2)
            byte = handle.read(1)[0]
            handle.seek(-1, io.SEEK_CUR)
            handle.write(bytes([byte ^ 0x01]))

    return tamper


def _truncate(archive: Path) -> None:
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])


def _drop_media(archive: Path) -> None:
    members = tar_members(archive)
    del members["media.tar.gz"]
    tar_write(archive, members)


def _replace_a_pdf_and_fix_the_outer_checksum(archive: Path) -> None:
    # Someone swaps a certificate PDF and recomputes the member's checksum,
    # but the manifest still holds every media file's own SHA-256.
    members = tar_members(archive)
    with tarfile.open(fileobj=io.BytesIO(members["media.tar.gz"])) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}
    pdf = next(name for name in files if name.endswith(".pdf"))
    files[pdf] = files[pdf].replace(b"%PDF", b"%PDF\n% forged", 1)
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    members["media.tar.gz"] = packed.getvalue()
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["media.tar.gz"] = {
        "sha256": hashlib.sha256(packed.getvalue()).hexdigest(),
        "size": len(packed.getvalue()),
    }
    members["manifest.json"] = json.dumps(manifest).encode()
    tar_write(archive, members)


def _database_member(archive: Path) -> str:
    return next(name for name in tar_members(archive) if name.startswith("database."))


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("database", "does not match its checksum"),
        (_flip_byte_in("media.tar.gz"), "does not match its checksum"),
        (_truncate, "not a complete tar archive"),
        (_drop_media, "members differ from the manifest"),
        (_replace_a_pdf_and_fix_the_outer_checksum, r"\.pdf does not match"),
    ],
    ids=["database-byte", "media-byte", "truncated", "member-missing", "pdf-swapped"],
)
def test_a_damaged_or_altered_archive_is_refused_and_nothing_changes(
    certified_site, backup, tamper, message
):
    archive = backup()
    if tamper == "database":
        tamper = _flip_byte_in(_database_member(archive))
    tamper(archive)
    UserFactory(username="sau-sao-luu")
    before = site_state()

    with pytest.raises(CommandError, match=message):
        restore(archive, "--force")
    with pytest.raises(CommandError, match=message):
        restore(archive, "--check")

    assert site_state() == before
    assert "sau-sao-luu" in before["users"]
    assert certificate_pdfs_match_their_hashes()


def _rewrite_manifest(archive: Path, change) -> None:
    members = tar_members(archive)
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    tar_write(archive, members)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda m: m["migrations"].append(["lms_people", "9999_from_the_future"]),
            "newer code: migrations lms_people.9999_from_the_future",
        ),
        (
            lambda m: m["database"].update(vendor="oracle"),
            "holds a oracle database",
        ),
    ],
    ids=["newer-migrations", "other-engine"],
)
def test_an_archive_that_does_not_fit_this_site_is_refused(db, backup, change, message):
    UserFactory(username="con-day")
    archive = backup()
    _rewrite_manifest(archive, change)
    with pytest.raises(CommandError, match=message):
        restore(archive, "--force")
    assert "con-day" in site_state()["users"]


def test_check_verifies_an_archive_and_changes_nothing(certified_site, backup):
    archive = backup()
    UserFactory(username="sau-sao-luu")
    before = site_state()
    assert "Archive OK" in restore(archive, "--check")
    assert site_state() == before


def test_media_on_another_storage_are_left_to_that_storage(settings, db, backup):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    with pytest.raises(CommandError, match="InMemoryStorage.*--no-media"):
        backup()
    archive = backup("--no-media")
    assert "media.tar.gz" not in tar_members(archive)
    assert json.loads(tar_members(archive)["manifest.json"])["media"] is None


def test_a_database_only_restore_leaves_the_media_folder_alone(certified_site, backup):
    archive = backup("--no-media")
    media = media_hashes()
    wipe_database()
    output = restore(archive)
    assert Certificate.objects.count() == 2
    assert media_hashes() == media
    assert "Media:" not in output


@pytest.mark.postgres
def test_postgres_restore_is_all_or_nothing(certified_site, backup, tmp_path):
    archive = backup()
    before = site_state()
    dump = tmp_path / "database.pgdump"
    dump.write_bytes(tar_members(archive)["database.pgdump"])
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE ops_table_of_newer_code (id integer)")
    UserFactory(username="sau-sao-luu")

    # Loading over existing tables fails half-way: psql rolls everything back.
    with pytest.raises(DatabaseRefused, match="already exists"):
        database_load(alias="default", dump=dump, replace=False)
    # A dump pg_restore cannot read: the tables dropped first come back too.
    broken = tmp_path / "broken.pgdump"
    broken.write_bytes(b"PGDMP" + bytes(200))
    with pytest.raises(DatabaseRefused, match="pg_restore failed"):
        database_load(alias="default", dump=broken, replace=True)
    assert "sau-sao-luu" in site_state()["users"]
    with connection.cursor() as cursor:
        assert "ops_table_of_newer_code" in connection.introspection.table_names(cursor)

    # --force replaces everything, tables the archive does not know included.
    restore(archive, "--force")
    assert site_state() == before
    assert certificate_pdfs_match_their_hashes()
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "ops_table_of_newer_code" not in tables
