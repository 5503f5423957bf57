"""Back up and restore the whole site: database plus media, in one archive.

``backup_create`` writes the archive, ``backup_check`` proves one is intact
and fits this code without changing anything, ``backup_restore`` loads one
into an empty database (or over a full one when told to) and then checks that
rows, migrations and file hashes are those of the archive.
"""

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.exceptions import FieldDoesNotExist
from django.core.files.storage import FileSystemStorage, storages
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from .archive import (
    DATABASE_FILES,
    MEDIA,
    ArchiveRefused,
    Manifest,
    archive_unpack,
    archive_write,
    media_pack,
    member_entry,
)
from .databases import (
    DatabaseRefused,
    database_dump,
    database_facts,
    database_is_empty,
    database_load,
    database_vendor,
)

HASH_SUFFIX = "_sha256"


class BackupRefused(Exception):
    """Backup or restore refused before changing anything; the message says why."""


class RestoreMismatch(Exception):
    """The restore ran but the result differs from the archive."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest


@dataclass
class RestoreResult:
    manifest: Manifest
    media_restored: bool
    pending_migrations: list[str] = field(default_factory=list)
    files_checked: int = 0
    files_missing: list[str] = field(default_factory=list)
    hashes_checked: int = 0


def media_root() -> Path:
    """The media folder, or BackupRefused when media are not on a filesystem."""
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        raise BackupRefused(
            f"Media are stored with {type(storage).__name__}, not on a filesystem: "
            "back them up with that storage's own tools (e.g. bucket versioning "
            "and replication) and pass --no-media."
        )
    return Path(storage.location)


def backup_create(
    *, output_dir: Path, include_media: bool = True, alias: str = DEFAULT_DB_ALIAS
) -> BackupResult:
    """Write ``lms-backup-<UTC time>.tar`` into `output_dir` and return it.

    The database is dumped first, then the media folder: a file added in
    between is extra, never missing, since files are written before the rows
    that name them.
    """
    try:
        vendor = database_vendor(alias=alias)
        root = media_root() if include_media else None
        output_dir.mkdir(parents=True, exist_ok=True)
        now = timezone.now()
        with tempfile.TemporaryDirectory(dir=output_dir, prefix=".lms-backup-") as tmp:
            scratch = Path(tmp)
            dump, facts = database_dump(alias=alias, directory=scratch)
            files = {dump.name: dump}
            media_files = None
            if root is not None:
                media_files = media_pack(root=root, target=scratch / MEDIA)
                files[MEDIA] = scratch / MEDIA
            manifest = Manifest(
                created_at=now.isoformat(),
                vendor=vendor,
                migrations=facts.migrations,
                table_rows=facts.table_rows,
                members={name: member_entry(path) for name, path in files.items()},
                media_files=media_files,
                extra={"django_version": django.get_version()},
            )
            target = _free_name(output_dir, now.strftime("lms-backup-%Y%m%dT%H%M%SZ"))
            archive_write(target=target, manifest=manifest, files=files)
    except DatabaseRefused as error:
        raise BackupRefused(str(error)) from error
    return BackupResult(path=target, manifest=manifest)


def _free_name(directory: Path, stem: str) -> Path:
    target, number = directory / f"{stem}.tar", 1
    while target.exists():
        number += 1
        target = directory / f"{stem}-{number}.tar"
    return target


def backup_check(
    *, archive: Path, alias: str = DEFAULT_DB_ALIAS, workdir: Path | None = None
) -> Manifest:
    """Verify `archive` completely and that it fits this code; change nothing."""
    with tempfile.TemporaryDirectory(dir=workdir, prefix="lms-restore-") as tmp:
        manifest = _unpack(archive, Path(tmp))
        _check_fits(manifest, alias)
    return manifest


def backup_restore(
    *,
    archive: Path,
    force: bool = False,
    include_media: bool = True,
    alias: str = DEFAULT_DB_ALIAS,
    workdir: Path | None = None,
) -> RestoreResult:
    """Restore `archive` into the database (and media folder).

    Refuses, changing nothing, when the archive is damaged, does not fit this
    code, or the database or media folder already hold something and `force`
    is not set. With `force` both are replaced. Raises RestoreMismatch when
    the restored rows or file hashes differ from the archive.
    """
    with tempfile.TemporaryDirectory(dir=workdir, prefix="lms-restore-") as tmp:
        scratch = Path(tmp)
        manifest = _unpack(archive, scratch)
        _check_fits(manifest, alias)
        restore_media = include_media and manifest.media_files is not None
        root = media_root() if restore_media else None
        if not force:
            _check_empty(alias, root)
        try:
            database_load(
                alias=alias, dump=scratch / manifest.database_member, replace=force
            )
        except DatabaseRefused as error:
            raise BackupRefused(str(error)) from error
        if root is not None:
            _media_replace(staging=scratch / "media", root=root)
    result = RestoreResult(manifest=manifest, media_restored=root is not None)
    _forget_cached_state()
    _check_restored(result, alias)
    return result


def _unpack(archive: Path, scratch: Path) -> Manifest:
    try:
        return archive_unpack(archive=archive, directory=scratch)
    except ArchiveRefused as error:
        raise BackupRefused(f"{archive} cannot be restored: {error}") from error


def _check_fits(manifest: Manifest, alias: str) -> None:
    try:
        vendor = database_vendor(alias=alias)
    except DatabaseRefused as error:
        raise BackupRefused(str(error)) from error
    if manifest.vendor != vendor or manifest.database_member != DATABASE_FILES[vendor]:
        raise BackupRefused(
            f"The archive holds a {manifest.vendor} database; this site uses "
            f"{vendor}. Restore it into a {manifest.vendor} database."
        )
    unknown = _unknown_migrations(manifest)
    if unknown:
        raise BackupRefused(
            "The archive was made by newer code: migrations "
            f"{', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''} are "
            "unknown here. Deploy the version that made it, then restore."
        )


def _unknown_migrations(manifest: Manifest) -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or ())
    installed = {config.label for config in apps.get_app_configs()}
    return [
        f"{app}.{name}"
        for app, name in manifest.migrations
        if app in installed and (app, name) not in known
    ]


def _check_empty(alias: str, root: Path | None) -> None:
    if not database_is_empty(alias=alias):
        raise BackupRefused(
            "The database already has tables; restoring would overwrite it. "
            "Restore into an empty database, or pass --force to replace it."
        )
    if root is not None and root.is_dir() and any(root.iterdir()):
        raise BackupRefused(
            f"The media folder {root} is not empty; restoring would overwrite it. "
            "Empty it, or pass --force to replace it."
        )


def _media_replace(*, staging: Path, root: Path) -> None:
    # Replace the contents, not the folder: it is often a mount point.
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in staging.iterdir():
        shutil.move(child, root / child.name)


def _forget_cached_state() -> None:
    # Cached sessions, pages and content-type ids describe the old database.
    ContentType.objects.clear_cache()
    for alias in settings.CACHES:
        caches[alias].clear()


def _check_restored(result: RestoreResult, alias: str) -> None:
    manifest = result.manifest
    facts = database_facts(alias=alias)
    if sorted(facts.migrations) != sorted(manifest.migrations):
        raise RestoreMismatch(
            "The restored database records other migrations than the archive."
        )
    differ = sorted(
        table
        for table in set(facts.table_rows) | set(manifest.table_rows)
        if facts.table_rows.get(table) != manifest.table_rows.get(table)
    )
    if differ:
        raise RestoreMismatch(
            "Row counts differ from the archive in: " + ", ".join(differ[:10])
        )
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    result.pending_migrations = [f"{m.app_label}.{m.name}" for m, _ in plan]
    if result.media_restored:
        files, missing, hashed, wrong = stored_files_check()
        result.files_checked, result.files_missing = files, missing
        result.hashes_checked = hashed
        if wrong:
            raise RestoreMismatch(
                f"{len(wrong)} stored file(s) no longer match the SHA-256 their "
                f"row records, e.g. {wrong[0]}."
            )


def stored_files_check() -> tuple[int, list[str], int, list[str]]:
    """Check every file the database names: (files, missing, hashed, mismatched).

    A FileField ``x`` with a sibling field ``x_sha256`` (certificate PDFs) must
    also still have that SHA-256.
    """
    files, missing, hashed, wrong = 0, [], 0, []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field_ in model._meta.get_fields():
            if not isinstance(field_, models.FileField):
                continue
            try:
                partner = model._meta.get_field(field_.name + HASH_SUFFIX).attname
            except FieldDoesNotExist:
                partner = None
            columns = [field_.attname] + ([partner] if partner else [])
            rows = (
                model._base_manager.exclude(**{field_.attname: ""})
                .exclude(**{f"{field_.attname}__isnull": True})
                .values_list(*columns)
                .iterator()
            )
            for name, *digest in rows:
                files += 1
                if not field_.storage.exists(name):
                    missing.append(name)
                    continue
                if digest and digest[0]:
                    hashed += 1
                    if _stored_sha256(field_.storage, name) != digest[0]:
                        wrong.append(name)
    return files, missing, hashed, wrong


def _stored_sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in handle.chunks():
            digest.update(chunk)
    return digest.hexdigest()
