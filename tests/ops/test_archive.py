"""The archive format on its own: no database needed."""

import hashlib
import io
import json
import tarfile

import pytest

from lms.ops.archive import ArchiveRefused, archive_unpack, media_pack, media_unpack


def _media_tar(path, entries) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)


def _file(name: str, data: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name: str, target: str):
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info, None


@pytest.mark.parametrize(
    "entry",
    [
        _file("../ngoai-thu-muc.txt", b"x"),
        _file("/etc/cron.d/x", b"x"),
        _link("a", "/"),
    ],
    ids=["parent", "absolute", "symlink"],
)
def test_a_media_entry_outside_the_media_folder_is_refused(tmp_path, entry):
    packed = tmp_path / "media.tar.gz"
    _media_tar(packed, [entry])
    with pytest.raises(ArchiveRefused, match="unsafe entry"):
        media_unpack(
            packed=packed, target=tmp_path / "out", expected={entry[0].name: ""}
        )
    assert not (tmp_path / "ngoai-thu-muc.txt").exists()


def test_a_media_file_missing_from_the_media_tar_is_refused(tmp_path):
    packed = tmp_path / "media.tar.gz"
    _media_tar(packed, [_file("a.pdf", b"a")])
    expected = {
        "a.pdf": hashlib.sha256(b"a").hexdigest(),
        "b.pdf": hashlib.sha256(b"b").hexdigest(),
    }
    with pytest.raises(ArchiveRefused, match="1 media file.*missing, e.g. b.pdf"):
        media_unpack(packed=packed, target=tmp_path / "out", expected=expected)


def test_media_pack_skips_symbolic_links_and_hashes_every_file(tmp_path):
    root = tmp_path / "media"
    (root / "certificates").mkdir(parents=True)
    (root / "certificates" / "a.pdf").write_bytes(b"%PDF-a")
    (root / "link").symlink_to("/etc/hostname")
    hashes = media_pack(root=root, target=tmp_path / "media.tar.gz")
    assert hashes == {"certificates/a.pdf": hashlib.sha256(b"%PDF-a").hexdigest()}


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (b"{not json", "manifest is not readable"),
        (b'{"format": "other/9"}', "unknown archive format 'other/9'"),
    ],
)
def test_an_unreadable_manifest_is_refused(tmp_path, manifest, message):
    archive = tmp_path / "lms-backup.tar"
    with tarfile.open(archive, "w") as tar:
        info, data = _file("manifest.json", manifest)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(ArchiveRefused, match=message):
        archive_unpack(archive=archive, directory=tmp_path)


def test_a_file_that_is_not_a_tar_archive_is_refused(tmp_path):
    archive = tmp_path / "lms-backup.tar"
    archive.write_bytes(b"PK\x03\x04 a zip file, not a tar")
    with pytest.raises(ArchiveRefused, match="not a complete tar archive"):
        archive_unpack(archive=archive, directory=tmp_path)


def test_a_manifest_naming_other_members_is_refused(tmp_path):
    manifest = {
        "format": "lms-backup/1",
        "created_at": "2026-11-29T19:00:00+00:00",
        "database": {"vendor": "sqlite", "file": "../../database.sqlite3.gz"},
        "migrations": [],
        "table_rows": {},
        "members": {"../../database.sqlite3.gz": {"sha256": "0", "size": 0}},
        "media": None,
    }
    archive = tmp_path / "lms-backup.tar"
    with tarfile.open(archive, "w") as tar:
        info, data = _file("manifest.json", json.dumps(manifest).encode())
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(ArchiveRefused, match="unexpected members"):
        archive_unpack(archive=archive, directory=tmp_path / "scratch")
