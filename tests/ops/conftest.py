import hashlib
import io
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from certificates.models import Certificate
from lms.people.models import User
from tests.certificates.conftest import (  # noqa: F401 - shared fixtures
    certified_course,
    complete,
    template,
    tuyet,
)
from tests.courses.conftest import (  # noqa: F401 - shared fixtures
    catalogue,
    make_course,
    make_learner,
    school_class,
    site_root,
    student,
)


@pytest.fixture(autouse=True)
def _english():
    # Assertions read the commands' English messages.
    with translation.override("en"):
        yield


@pytest.fixture
def certified_site(certified_course, make_learner, complete):  # noqa: F811
    """Two learners holding certificates (real PDFs) and one stray upload."""
    course, lessons = certified_course
    for username in ("tuyet", "khoa"):
        complete(make_learner(username=username), course, lessons)
    stray = Path(settings.MEDIA_ROOT) / "documents" / "huong-dan.txt"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text("Hướng dẫn an toàn trên mạng\n", encoding="utf-8")
    assert Certificate.objects.count() == 2
    return course


def media_hashes() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def site_state() -> dict:
    """What must survive a restore: rows, certificates and their PDFs, media."""
    return {
        "users": sorted(User.objects.values_list("username", flat=True)),
        "certificates": sorted(
            Certificate.objects.values_list("serial", "pdf", "pdf_sha256")
        ),
        "media": media_hashes(),
    }


def certificate_pdfs_match_their_hashes() -> bool:
    certificates = list(Certificate.objects.all())
    assert certificates
    return all(
        hashlib.sha256(Path(c.pdf.path).read_bytes()).hexdigest() == c.pdf_sha256
        for c in certificates
    )


@pytest.fixture
def backup(tmp_path):
    """Run `lms_backup` and return the archive it wrote."""

    def run(*args: str) -> Path:
        output = tmp_path / "backups"
        call_command("lms_backup", "--output", str(output), *args)
        (archive,) = output.glob("lms-backup-*.tar")
        return archive

    return run


@pytest.fixture
def wiped_database_is_rebuilt():
    """Migrate again after a test that left the database without tables."""
    yield
    with connection.cursor() as cursor:
        empty = not connection.introspection.table_names(cursor)
    if empty:
        call_command("migrate", verbosity=0)


def wipe_database() -> None:
    """Drop every table, as after losing the database server."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(
                    f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE"
                )
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(
                    f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}"
                )
            cursor.execute("PRAGMA foreign_keys = ON")
    with connection.cursor() as cursor:
        assert not connection.introspection.table_names(cursor)


def tar_members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def tar_write(archive: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(archive, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
