"""The course pack container: a zip (or, for packs kept in a repository, the same
tree as a folder) of YAML, Moodle XML and media files, with a manifest.

Reading is defensive, because a pack comes from another site or a teacher's
computer: every entry name is checked before anything is read (no absolute
paths, no "..", no backslashes, no links, only the pack's own folders), sizes
are checked against limits while reading (the sizes a zip declares are not
trusted), and checksums listed in the manifest must match. A problem raises
`PackError` naming the entry. Nothing here writes to the database.

Writing is deterministic: entries in name order, fixed timestamps, YAML in one
style, so the same course gives the same bytes.
"""

import hashlib
import io
import json
import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

FORMAT = "lms-course-pack"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

# Limits: generous for a course (pictures, a few PDFs, a short video), far
# below what would fill a server's memory or disk.
MAX_ENTRIES = 2000
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_TEXT_BYTES = 2 * 1024 * 1024  # one YAML or XML file
MAX_RATIO = 200  # uncompressed / compressed, for entries over 1 MB

# Top-level names a pack may hold; anything else is refused.
ALLOWED_FILES = {MANIFEST, "course.yaml", "legal.yaml", "certificate.yaml"}
ALLOWED_FOLDERS = {"lessons", "quizzes", "questions", "files"}

_SAFE_PART = re.compile(r"^[^\x00-\x1f/\\:*?\"<>|]+$")
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class PackError(Exception):
    """The pack cannot be used; `entry` names the file (or "" for the pack)."""

    def __init__(self, entry: str, message: str):
        super().__init__(f"{entry}: {message}" if entry else message)
        self.entry = entry
        self.message = message


def check_name(name: str) -> str:
    """The entry name, if a pack may hold it; PackError otherwise."""
    if not name or "\\" in name or name.startswith("/") or "\x00" in name:
        raise PackError(name, _("This file name is not allowed in a course pack."))
    parts = name.split("/")
    if any(part in ("", ".", "..") or not _SAFE_PART.match(part) for part in parts):
        raise PackError(name, _("This file name is not allowed in a course pack."))
    if posixpath.normpath(name) != name:
        raise PackError(name, _("This file name is not allowed in a course pack."))
    if len(parts) == 1 and name not in ALLOWED_FILES:
        raise PackError(name, _("A course pack has no file of this name."))
    if len(parts) > 1 and parts[0] not in ALLOWED_FOLDERS:
        raise PackError(name, _("A course pack has no folder of this name."))
    return name


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- YAML in one style ---------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def yaml_dump(data) -> str:
    """YAML that reads well and is the same for the same data."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )


def yaml_load(text: str, *, entry: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _("line %(line)s") % {"line": mark.line + 1} if mark is not None else ""
        raise PackError(
            entry, _("This is not valid YAML %(where)s.") % {"where": where}
        ) from None


# -- Writing -----------------------------------------------------------------


class PackWriter:
    """Collects a pack's entries, then `finish()` gives the zip's bytes."""

    def __init__(self):
        self.entries: dict[str, bytes] = {}
        self._files_by_hash: dict[str, str] = {}

    def add_bytes(self, name: str, data: bytes) -> str:
        check_name(name)
        if name in self.entries and self.entries[name] != data:
            raise ValueError(f"two different entries named {name}")
        self.entries[name] = data
        return name

    def add_text(self, name: str, text: str) -> str:
        return self.add_bytes(name, text.encode("utf-8"))

    def add_yaml(self, name: str, data) -> str:
        return self.add_text(name, yaml_dump(data))

    def add_file(self, folder: str, filename: str, data: bytes) -> str:
        """A media file under files/<folder>/, stored once whatever refers to it;
        a different file with the same name gets a numbered name. Returns its
        pack path."""
        digest = sha256(data)
        if digest in self._files_by_hash:
            return self._files_by_hash[digest]
        stem, dot, ext = posixpath.basename(filename).rpartition(".")
        if not dot:
            stem, ext = ext, ""
        stem = re.sub(r"[^\w.-]+", "-", stem, flags=re.ASCII).strip("-.") or "file"
        ext = re.sub(r"[^\w]+", "", ext, flags=re.ASCII).lower()
        base = f"files/{folder}/{stem}"
        name, number = f"{base}.{ext}" if ext else base, 1
        while name in self.entries:
            number += 1
            name = f"{base}-{number}.{ext}" if ext else f"{base}-{number}"
        self.add_bytes(name, data)
        self._files_by_hash[digest] = name
        return name

    def manifest(self, *, pack_id: str, title: str, source: dict) -> dict:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "id": pack_id,
            "title": title,
            "source": source,
            "files": {
                name: sha256(data) for name, data in sorted(self.entries.items())
            },
        }

    def finish(self, *, pack_id: str, title: str, source: dict) -> bytes:
        manifest = self.manifest(pack_id=pack_id, title=title, source=source)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            entries = {
                **self.entries,
                MANIFEST: (
                    json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
                ).encode("utf-8"),
            }
            for name in sorted(entries):
                info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                archive.writestr(info, entries[name])
        return buffer.getvalue()


# -- Reading -----------------------------------------------------------------


@dataclass
class PackReader:
    """A checked pack: every entry's bytes, read within the limits."""

    entries: dict[str, bytes]
    manifest: dict = field(default_factory=dict)

    @property
    def pack_id(self) -> str:
        return self.manifest["id"]

    def names(self, folder: str = "") -> list[str]:
        prefix = f"{folder.rstrip('/')}/" if folder else ""
        return sorted(name for name in self.entries if name.startswith(prefix))

    def has(self, name: str) -> bool:
        return name in self.entries

    def bytes(self, name: str, *, referred_from: str = "") -> bytes:
        try:
            return self.entries[name]
        except KeyError:
            raise PackError(
                referred_from or name,
                _("The pack has no file %(name)s.") % {"name": name},
            ) from None

    def text(self, name: str, *, referred_from: str = "") -> str:
        data = self.bytes(name, referred_from=referred_from)
        if len(data) > MAX_TEXT_BYTES:
            raise PackError(name, _("This text file is too large."))
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise PackError(name, _("This file is not UTF-8 text.")) from None

    def yaml(self, name: str, *, referred_from: str = ""):
        return yaml_load(self.text(name, referred_from=referred_from), entry=name)

    @classmethod
    def open(cls, source) -> "PackReader":
        """Read and check a pack from zip bytes, a file-like object, a zip's path
        or a folder's path."""
        if isinstance(source, str | Path) and Path(source).is_dir():
            entries = _read_folder(Path(source))
        else:
            entries = _read_zip(source)
        return cls(entries=entries, manifest=_check_manifest(entries))


def _read_zip(source) -> dict[str, bytes]:
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise PackError("", _("This file is not a zip archive.")) from None
    entries: dict[str, bytes] = {}
    total = 0
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise PackError("", _("The pack holds too many files."))
        for info in infos:
            name = info.filename
            if info.is_dir():
                # A folder entry: its name must be allowed as a folder.
                check_name(name.rstrip("/") + "/_")
                continue
            check_name(name)
            if name in entries:
                raise PackError(name, _("The pack holds this file twice."))
            mode = info.external_attr >> 16
            if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                raise PackError(name, _("Links and special files are not allowed."))
            if info.flag_bits & 0x1:
                raise PackError(name, _("Encrypted files are not allowed."))
            if info.file_size > MAX_ENTRY_BYTES:
                raise PackError(name, _("This file is too large."))
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise PackError(
                    name, _("This file expands too much: the archive looks hostile.")
                )
            # The declared size is not trusted: read one byte past the limit.
            try:
                with archive.open(info) as handle:
                    data = handle.read(MAX_ENTRY_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                raise PackError(name, _("This file cannot be read.")) from None
            if len(data) > MAX_ENTRY_BYTES or len(data) != info.file_size:
                raise PackError(name, _("This file is not the size it declares."))
            total += len(data)
            if total > MAX_TOTAL_BYTES:
                raise PackError(name, _("The pack is too large in all."))
            entries[name] = data
    return entries


def _read_folder(root: Path) -> dict[str, bytes]:
    entries: dict[str, bytes] = {}
    total = 0
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_symlink():
            raise PackError(name, _("Links and special files are not allowed."))
        if path.is_dir():
            continue
        check_name(name)
        data = path.read_bytes()
        if len(data) > MAX_ENTRY_BYTES:
            raise PackError(name, _("This file is too large."))
        total += len(data)
        if total > MAX_TOTAL_BYTES or len(entries) >= MAX_ENTRIES:
            raise PackError(name, _("The pack is too large in all."))
        entries[name] = data
    return entries


def _check_manifest(entries: dict[str, bytes]) -> dict:
    if MANIFEST not in entries:
        raise PackError(MANIFEST, _("The pack has no manifest."))
    try:
        manifest = json.loads(entries[MANIFEST].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackError(MANIFEST, _("The manifest is not valid JSON.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackError(MANIFEST, _("This is not a course pack."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise PackError(
            MANIFEST,
            _(
                "This pack has format version %(version)s; this site reads version "
                "%(supported)s."
            )
            % {
                "version": manifest.get("format_version"),
                "supported": FORMAT_VERSION,
            },
        )
    if not isinstance(manifest.get("id"), str) or not manifest["id"].strip():
        raise PackError(MANIFEST, _("The manifest has no pack identifier."))
    listed = manifest.get("files") or {}
    if not isinstance(listed, dict):
        raise PackError(MANIFEST, _("The manifest's file list is not valid."))
    # Checksums are optional (a pack written by hand may have none); when the
    # manifest lists files, it lists all of them and they must match.
    if listed:
        for name in sorted(set(entries) - {MANIFEST}):
            if name not in listed:
                raise PackError(name, _("This file is not listed in the manifest."))
            if sha256(entries[name]) != listed[name]:
                raise PackError(
                    name, _("This file does not match its checksum in the manifest.")
                )
        for name in sorted(set(listed) - set(entries)):
            raise PackError(name, _("The manifest lists this file, but it is missing."))
    return manifest


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
