"""One backup file: a zip holding ``manifest.json``, the database snapshot and the uploads.

What goes in, and why:

- **The database**, as one consistent snapshot. SQLite: a copy made with SQLite's online backup
  API (``sqlite3.Connection.backup``), never a raw copy of a live file and its WAL. PostgreSQL:
  each table ``COPY … TO STDOUT`` as CSV inside one ``REPEATABLE READ READ ONLY`` transaction, so
  every table is read as of the same instant, and without needing ``pg_dump`` (which must match
  the server's major version) on the machine. Restore is the inverse: ``COPY … FROM STDIN`` in
  dependency order inside one transaction, then the sequences are moved past the largest ids.
- **The uploads** under ``instance/uploads``. They are named by their checksum and never
  rewritten or removed, so a copy taken *after* the database snapshot holds every file the
  snapshot refers to.
- **Not the search index.** It is derived data; restore rebuilds it from the restored database
  (what ``mulu search reindex`` does), so index and database agree by construction instead of
  by the timing of two copies.
- **No secrets beyond what the database holds**: no ``connections.toml``, no environment, no
  settings. Those are the operator's configuration and are backed up with it, separately.

``manifest.json`` names the format version, Mulu's database revision, backend, profile, the
time, a few counts and the SHA-256 of every member; restore checks all of it before touching
anything.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.engine import Engine, make_url

from registry.core.errors import MuluError

FORMAT = "mulu-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/mulu.sqlite3"
PG_PREFIX = "database/postgresql/"
UPLOADS_PREFIX = "uploads/"

#: The rows the manifest counts, by table: what an operator checks first after a restore.
COUNTED = {"items": "catalog_item", "fields": "catalog_field", "requests": "request", "audit_events": "audit_event"}
#: Tables a freshly migrated instance fills by itself (``mulu db upgrade``), so they do not make it "non-empty".
SEEDED = {"alembic_version", "calendar_day", "calendar_year", "search_generation"}
#: Derived tables, rebuilt on restore like the Whoosh folder (the PostgreSQL search backend's index, its
#: cached public results and their token, which the rebuild writes anew).
DERIVED = {"search_document", "search_cache", "search_generation"}
_CHUNK = 1 << 20


class BackupError(MuluError):
    """The backup could not be written, or an archive cannot be restored as it is."""


@dataclass(frozen=True)
class Snapshot:
    """What a backup wrote: its manifest and the SHA-256 of the whole file."""

    path: Path
    manifest: dict[str, Any]
    sha256: str


# -- writing -------------------------------------------------------------------------------


def create_backup(rt, out: Path) -> Snapshot:
    """Write a backup of ``rt``'s instance to ``out`` (atomically: a temporary file, then a rename)."""
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(fd)
    temp = Path(temp_name)
    try:
        with tempfile.TemporaryDirectory(prefix="mulu-backup-") as work, \
                zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            sums: dict[str, str] = {}
            if rt.settings.is_sqlite:
                revision, counts = _snapshot_sqlite(rt.engine, archive, sums, Path(work))
                backend = "sqlite"
            else:
                revision, counts, tables = _snapshot_postgres(rt.engine, archive, sums)
                backend = "postgresql"
            uploads = _add_uploads(rt.settings.instance_path / "uploads", archive, sums)
            manifest = _manifest(rt, backend, revision, counts, uploads, sums)
            if backend == "postgresql":
                manifest["tables"] = tables
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        os.replace(temp, out)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return Snapshot(out, manifest, _file_digest(out))


def _manifest(rt, backend: str, revision: str | None, counts: dict[str, int], uploads: int, sums: dict[str, str]) -> dict:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        version = package_version("mulu")
    except PackageNotFoundError:
        version = "unknown"
    now = datetime.now(UTC)
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "mulu_version": version,
        "alembic_revision": revision, "database_backend": backend, "profile": rt.settings.profile,
        "search_backend": rt.settings.search_backend,
        "created_at": now.isoformat(timespec="seconds"), "created_at_local": now.astimezone().isoformat(timespec="seconds"),
        "counts": {**counts, "uploads": uploads}, "search_index": "rebuilt from the database on restore",
        "members": dict(sorted(sums.items())),
    }


def _snapshot_sqlite(engine: Engine, archive: zipfile.ZipFile, sums: dict[str, str], work: Path) -> tuple[str | None, dict[str, int]]:
    source_path = make_url(str(engine.url)).database
    if not source_path or not Path(source_path).exists():
        raise BackupError(f"数据库文件不存在：{source_path}（请先运行 mulu db upgrade）")
    copy = work / "mulu.sqlite3"
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)  # page by page, consistent even while others write
        target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file, no WAL beside it
        revision = _sqlite_revision(target)
        counts = {name: _sqlite_count(target, table) for name, table in COUNTED.items()}
    finally:
        target.close()
        source.close()
    _add_file(archive, sums, SQLITE_MEMBER, copy)
    return revision, counts


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def _sqlite_count(conn: sqlite3.Connection, table: str) -> int:
    try:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _snapshot_postgres(engine: Engine, archive: zipfile.ZipFile, sums: dict[str, str]) -> tuple[str | None, dict[str, int], list[str]]:
    tables = _pg_tables_in_order(engine)  # the schema does not change under a running Mulu; the rows do
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        conn.rollback()
        # One snapshot for every table: what a single pg_dump sees, read-only so it blocks no writer.
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for table in tables:
            name, digest = f"{PG_PREFIX}{table}.csv", hashlib.sha256()
            # Streamed into the archive: a large catalog's fields never sit in memory whole.
            with conn.cursor().copy(f'COPY "{table}" TO STDOUT (FORMAT csv, HEADER true)') as copy, \
                    archive.open(name, "w", force_zip64=True) as member:
                for chunk in copy:
                    digest.update(chunk)
                    member.write(chunk)
            sums[name] = digest.hexdigest()
        revision_row = conn.execute("SELECT version_num FROM alembic_version").fetchone() if "alembic_version" in tables else None
        counts = {name: (conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] if table in tables else 0)
                  for name, table in COUNTED.items()}
        conn.rollback()
    finally:
        raw.close()
    return (revision_row[0] if revision_row else None), counts, tables


def _pg_tables_in_order(engine: Engine) -> list[str]:
    """The public tables, parents before children (the order a restore must insert in)."""
    metadata = MetaData()
    metadata.reflect(engine)
    return [table.name for table in metadata.sorted_tables if table.name not in DERIVED]


def _add_uploads(folder: Path, archive: zipfile.ZipFile, sums: dict[str, str]) -> int:
    if not folder.is_dir():
        return 0
    count = 0
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):  # ".upload-…": an upload still being written
            _add_file(archive, sums, UPLOADS_PREFIX + path.relative_to(folder).as_posix(), path)
            count += 1
    return count


def _add_file(archive: zipfile.ZipFile, sums: dict[str, str], name: str, path: Path) -> None:
    digest = hashlib.sha256()
    with open(path, "rb") as source, archive.open(name, "w", force_zip64=True) as member:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            member.write(chunk)
    sums[name] = digest.hexdigest()


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# -- checking ------------------------------------------------------------------------------


def read_verified(path: Path) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    """Open an archive and check its manifest and every member's checksum; refuses anything else."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path.name} 不是 Mulu 备份文件（无法作为 zip 打开：{exc}）") from None
    try:
        manifest = _manifest_of(archive, path)
        listed = manifest["members"]
        present = {name for name in archive.namelist() if name != MANIFEST and not name.endswith("/")}
        if extra := sorted(present - set(listed)):
            raise BackupError(f"备份文件已被改动：含有清单之外的成员 {'、'.join(extra[:5])}")
        if missing := sorted(set(listed) - present):
            raise BackupError(f"备份文件不完整：缺少成员 {'、'.join(missing[:5])}")
        for name, expected in listed.items():
            _safe_member(name)
            digest = hashlib.sha256()
            try:
                with archive.open(name) as member:
                    while chunk := member.read(_CHUNK):
                        digest.update(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a zip's own CRC check
                raise BackupError(f"备份文件已损坏：成员 {name} 无法读取（{exc}）") from None
            if digest.hexdigest() != expected:
                raise BackupError(f"备份文件已被改动或损坏：成员 {name} 的 SHA-256 校验值与清单不符")
    except BaseException:
        archive.close()
        raise
    return archive, manifest


def _manifest_of(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise BackupError(f"{path.name} 不是 Mulu 备份文件：缺少 {MANIFEST}") from None
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise BackupError(f"备份文件的 {MANIFEST} 无法读取：{exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path.name} 不是 Mulu 备份文件（{MANIFEST} 的 format 不是 {FORMAT}）")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {version} 比本程序支持的 {FORMAT_VERSION} 新；请用更新版本的 Mulu 恢复")
    if not isinstance(manifest.get("members"), dict) or manifest.get("database_backend") not in ("sqlite", "postgresql"):
        raise BackupError(f"备份文件的 {MANIFEST} 不完整（缺少 members 或 database_backend）")
    return manifest


def _safe_member(name: str) -> None:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not (name == SQLITE_MEMBER or name.startswith((PG_PREFIX, UPLOADS_PREFIX))):
        raise BackupError(f"备份文件含有不允许的成员路径：{name}")


def extract_uploads(archive: zipfile.ZipFile, manifest: dict[str, Any], into: Path) -> int:
    count = 0
    for name in manifest["members"]:
        if name.startswith(UPLOADS_PREFIX):
            target = into / name[len(UPLOADS_PREFIX):]
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(name) as member, open(target, "wb") as out:
                shutil.copyfileobj(member, out, _CHUNK)
            count += 1
    return count
