"""The backup archive: one tar file holding a manifest, the database and media.

    manifest.json         format, created at, migrations, rows per table,
                          SHA-256 and size of every other member, and the
                          SHA-256 of every media file
    database.pgdump       pg_dump custom format (PostgreSQL), or
    database.sqlite3.gz   a gzipped SQLite backup-API copy
    media.tar.gz          the media folder (absent with --no-media)

Reading an archive checks everything before anything is changed: members,
checksums, sizes and every media file against the manifest.
"""

import hashlib
import json
import os
import stat
import tarfile
import time
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path, PurePosixPath

FORMAT = "lms-backup/1"
MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3.gz"}
CHUNK = 1024 * 1024


class ArchiveRefused(Exception):
    """The archive is unreadable, incomplete or altered; the message says how."""


@dataclass
class Manifest:
    created_at: str
    vendor: str
    migrations: list[tuple[str, str]]
    table_rows: dict[str, int]
    members: dict[str, dict]  # name -> {"sha256": ..., "size": ...}
    media_files: dict[str, str] | None  # relative path -> sha256; None: no media
    extra: dict = field(default_factory=dict)

    @property
    def database_member(self) -> str:
        return next(name for name in DATABASE_FILES.values() if name in self.members)

    def as_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "created_at": self.created_at,
            "database": {"vendor": self.vendor, "file": self.database_member},
            "migrations": [list(item) for item in self.migrations],
            "table_rows": self.table_rows,
            "members": self.members,
            "media": None if self.media_files is None else {"files": self.media_files},
            **self.extra,
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise ArchiveRefused(
                    f"unknown archive format {data.get('format')!r}; "
                    f"this version reads {FORMAT!r}."
                )
            media = data["media"]
            known = {"format", "created_at", "database", "migrations"}
            known |= {"table_rows", "members", "media"}
            manifest = cls(
                created_at=data["created_at"],
                vendor=data["database"]["vendor"],
                migrations=[(app, name) for app, name in data["migrations"]],
                table_rows={str(k): int(v) for k, v in data["table_rows"].items()},
                members={
                    str(name): {"sha256": str(m["sha256"]), "size": int(m["size"])}
                    for name, m in data["members"].items()
                },
                media_files=None if media is None else dict(media["files"]),
                extra={k: v for k, v in data.items() if k not in known},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ArchiveRefused(f"the manifest is not readable ({error}).") from error
        # Only these fixed names are ever unpacked, so no member can land
        # outside the scratch folder.
        expected = {data["database"].get("file")}
        if manifest.media_files is not None:
            expected.add(MEDIA)
        allowed = {*DATABASE_FILES.values(), MEDIA}
        if not expected <= allowed or set(manifest.members) != expected:
            raise ArchiveRefused(
                f"the manifest lists unexpected members: {sorted(manifest.members)}."
            )
        return manifest


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def member_entry(path: Path) -> dict:
    return {"sha256": file_sha256(path), "size": path.stat().st_size}


# Writing -------------------------------------------------------------------


def media_pack(*, root: Path, target: Path) -> dict[str, str]:
    """Tar every regular file under `root` into `target`; their SHA-256 by path.

    Symbolic links and special files are skipped: media holds uploads only.
    """
    hashes: dict[str, str] = {}
    with tarfile.open(target, "w:gz") as tar:
        if not root.is_dir():
            return hashes
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                path = Path(folder) / name
                if not stat.S_ISREG(path.lstat().st_mode):
                    continue
                relative = path.relative_to(root).as_posix()
                hashes[relative] = file_sha256(path)
                tar.add(path, arcname=relative, recursive=False)
    return hashes


def archive_write(*, target: Path, manifest: Manifest, files: dict[str, Path]) -> None:
    """Write the archive: manifest first, then the members it describes."""
    partial = target.with_name(f".{target.name}.partial")
    # The archive holds personal data: readable by its owner only.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with (
            os.fdopen(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w") as tar,
        ):
            body = manifest.as_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mode = 0o600
            info.mtime = int(time.time())
            tar.addfile(info, BytesIO(body))
            for name, path in files.items():
                tar.add(path, arcname=name, recursive=False)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


# Reading -------------------------------------------------------------------


def _safe_relative(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def archive_unpack(*, archive: Path, directory: Path) -> Manifest:
    """Check `archive` completely and unpack it into `directory`.

    Media files land in ``directory / "media"``. Raises ArchiveRefused, naming
    the first problem, when anything differs from the manifest.
    """
    if not archive.is_file():
        raise ArchiveRefused(f"{archive} does not exist or is not a file.")
    try:
        with tarfile.open(archive, mode="r:") as tar:
            members = tar.getmembers()
            names = [member.name for member in members]
            if MANIFEST not in names:
                raise ArchiveRefused("it has no manifest.json.")
            manifest = Manifest.from_json(tar.extractfile(MANIFEST).read())
            expected = set(manifest.members) | {MANIFEST}
            if sorted(names) != sorted(expected):
                raise ArchiveRefused(
                    "its members differ from the manifest: "
                    f"found {sorted(names)}, expected {sorted(expected)}."
                )
            for member in members:
                if member.name == MANIFEST:
                    continue
                if not member.isfile():
                    raise ArchiveRefused(f"{member.name} is not a regular file.")
                _copy_checked(tar, member, directory / member.name, manifest)
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError) as error:
        raise ArchiveRefused(f"it is not a complete tar archive ({error}).") from error
    if manifest.media_files is not None:
        media_unpack(
            packed=directory / MEDIA,
            target=directory / "media",
            expected=manifest.media_files,
        )
    return manifest


def _copy_checked(tar, member, target: Path, manifest: Manifest) -> None:
    want = manifest.members[member.name]
    digest = hashlib.sha256()
    size = 0
    source = tar.extractfile(member)
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if size != want["size"] or digest.hexdigest() != want["sha256"]:
        raise ArchiveRefused(
            f"{member.name} does not match its checksum in the manifest: "
            "the archive is damaged or was altered."
        )


def media_unpack(*, packed: Path, target: Path, expected: dict[str, str]) -> None:
    """Unpack the media tar into `target`, checking every file against `expected`."""
    target.mkdir()
    found: set[str] = set()
    try:
        with tarfile.open(packed, mode="r:gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                if not member.isfile() or not _safe_relative(member.name):
                    raise ArchiveRefused(
                        f"the media archive holds an unsafe entry: {member.name!r}."
                    )
                if member.name not in expected or member.name in found:
                    raise ArchiveRefused(
                        f"the media file {member.name} is not in the manifest."
                    )
                path = target / member.name
                path.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                source = tar.extractfile(member)
                with path.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected[member.name]:
                    raise ArchiveRefused(
                        f"the media file {member.name} does not match its checksum."
                    )
                found.add(member.name)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ArchiveRefused(f"the media archive is not readable ({error}).") from error
    missing = sorted(set(expected) - found)
    if missing:
        raise ArchiveRefused(
            f"{len(missing)} media file(s) of the manifest are missing, "
            f"e.g. {missing[0]}."
        )
