"""Restoring a backup into an instance: checked first, written atomically, then the index rebuilt.

Order of work, so that a failure leaves the target as it was:

1. the archive's manifest, format version and every checksum (:func:`read_verified`);
2. the archive's database revision is one this Mulu knows (a newer one is refused);
3. the target holds no data, unless ``force``;
4. SQLite: the snapshot is unpacked beside the target, migrated up to head and only then moved
   over the target with one rename. PostgreSQL: the schema is created at the archive's revision
   if the database is empty, then every table is emptied and loaded in one transaction (a
   failure rolls all of it back), then migrated up to head;
5. the uploads are copied in (named by checksum: adding them never changes an existing file);
6. the restore is audited and the search index rebuilt from the restored database.

Stop the web and worker processes of the instance before restoring: they hold the old database
open.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url

from registry.backup.archive import (
    DERIVED,
    PG_PREFIX,
    SEEDED,
    SQLITE_MEMBER,
    BackupError,
    extract_uploads,
    read_verified,
)
from registry.core import migrate
from registry.core.db import make_engine, unit_of_work

BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Restored:
    """What a restore did."""

    manifest: dict[str, Any]
    revision_from: str | None
    revision_to: str | None
    uploads: int
    indexed: int
    replaced: dict[str, int] = field(default_factory=dict)


def restore_backup(rt, path: Path, force: bool = False) -> Restored:
    """Restore the archive at ``path`` into ``rt``'s instance (see the module's docstring)."""
    archive, manifest = read_verified(path)
    with archive:
        backend = "sqlite" if rt.settings.is_sqlite else "postgresql"
        if manifest["database_backend"] != backend:
            raise BackupError(f"备份来自 {BACKEND_NAMES[manifest['database_backend']]} 数据库，不能恢复到 "
                              f"{BACKEND_NAMES[backend]} 数据库")
        _check_revision(rt.engine, manifest.get("alembic_revision"))
        existing = data_in(rt.engine)
        if existing and not force:
            shown = "、".join(f"{table} {rows} 行" for table, rows in list(existing.items())[:8])
            raise BackupError(f"目标数据库不是空的（已有：{shown}）；恢复会覆盖这些数据，确需覆盖请加 --force")
        instance = rt.settings.instance_path
        instance.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=instance, prefix=".restore-") as work:
            staged_uploads = Path(work) / "uploads"
            uploads = extract_uploads(archive, manifest, staged_uploads)
            if backend == "sqlite":
                _restore_sqlite(rt, archive, Path(work))
            else:
                _restore_postgres(rt.engine, archive, manifest)
            _move_uploads(staged_uploads, instance / "uploads")
    revision_to = migrate.current_revision(rt.engine)
    _audit(rt, manifest, path, existing, force)
    from registry.search.backends import backend_for

    indexed = backend_for(rt.settings, rt.profile).reindex(rt.engine, procs=1, progress=None)
    return Restored(manifest, manifest.get("alembic_revision"), revision_to, uploads, indexed, existing)


def _check_revision(engine: Engine, revision: str | None) -> None:
    if revision is None:
        raise BackupError("备份中的数据库没有版本号（alembic_version 为空），无法判断能否恢复")
    script = ScriptDirectory.from_config(migrate.alembic_config(engine))
    try:
        known = script.get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(f"备份的数据库版本 {revision} 比本程序的数据库版本 {script.get_current_head()} 新（或未知）；"
                          f"请先升级 Mulu 再恢复")


def data_in(engine: Engine) -> dict[str, int]:
    """Tables that hold rows (besides what ``mulu db upgrade`` seeds), with their row counts."""
    tables = [t for t in inspect(engine).get_table_names() if t not in SEEDED]
    found: dict[str, int] = {}
    with engine.connect() as conn:
        for table in sorted(tables):
            rows = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            if rows:
                found[table] = rows
    return found


# -- SQLite ----------------------------------------------------------------------------------


def _restore_sqlite(rt, archive: zipfile.ZipFile, work: Path) -> None:
    target = Path(make_url(str(rt.engine.url)).database)
    staged = work / "mulu.db"
    with archive.open(SQLITE_MEMBER) as member, open(staged, "wb") as out:
        shutil.copyfileobj(member, out, 1 << 20)
    staged_engine = make_engine(f"sqlite:///{staged}")
    try:
        migrate.upgrade(staged_engine)  # an older snapshot catches up before it goes live
        with staged_engine.connect() as conn:
            problems = conn.exec_driver_sql("PRAGMA integrity_check").scalar_one()
            if problems != "ok":
                raise BackupError(f"备份中的数据库文件已损坏：{problems}")
    finally:
        staged_engine.dispose()
    _single_file(staged)
    rt.engine.dispose()  # our own pooled connections to the old file
    # A WAL left beside the target belongs to the old database; SQLite would replay it onto the new one.
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)


def _single_file(path: Path) -> None:
    """Fold the WAL into the file and stop using one, so the file alone is the whole database."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


# -- PostgreSQL ------------------------------------------------------------------------------


def _restore_postgres(engine: Engine, archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    revision = manifest["alembic_revision"]
    current = migrate.current_revision(engine)
    if current is None and not data_in(engine):
        migrate.upgrade(engine, revision)  # the schema the archive's rows were taken under
    elif current != revision:
        raise BackupError(f"目标数据库的版本 {current} 与备份的版本 {revision} 不同；请恢复到一个新建的空数据库"
                          f"（不要先运行 mulu db upgrade）")
    tables = [t for t in manifest.get("tables", []) if t != "alembic_version"]
    members = {name[len(PG_PREFIX):-len(".csv")] for name in manifest["members"] if name.startswith(PG_PREFIX)}
    if missing := sorted(set(tables) - members):
        raise BackupError(f"备份文件不完整：缺少表 {'、'.join(missing)}")
    live = set(inspect(engine).get_table_names())
    if unknown := sorted(set(tables) - live):
        raise BackupError(f"备份中的表在目标数据库中不存在：{'、'.join(unknown)}")
    inspector = inspect(engine)
    columns = {t: {c["name"] for c in inspector.get_columns(t)} for t in tables}
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        conn.rollback()
        with conn.transaction():  # all tables or none
            emptied = tables + sorted(DERIVED & live)  # the derived index too: rebuilt after the load
            conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in emptied) + " RESTART IDENTITY CASCADE")
            for table in tables:
                _copy_in(conn, archive, table, columns[table])
            _advance_sequences(conn, tables)
    finally:
        raw.close()
    migrate.upgrade(engine)


def _copy_in(conn, archive: zipfile.ZipFile, table: str, known: set[str]) -> None:
    with archive.open(f"{PG_PREFIX}{table}.csv") as member:
        first = member.readline()
        header = next(csv.reader(io.StringIO(first.decode("utf-8"))), [])
        if not header:
            return
        if unknown := [c for c in header if c not in known]:
            raise BackupError(f"备份中表 {table} 的列 {'、'.join(unknown)} 在目标数据库中不存在")
        columns = ", ".join(f'"{c}"' for c in header)
        with conn.cursor().copy(f'COPY "{table}" ({columns}) FROM STDIN (FORMAT csv, HEADER true)') as copy:
            copy.write(first)
            while chunk := member.read(1 << 20):
                copy.write(chunk)


def _advance_sequences(conn, tables: list[str]) -> None:
    """Move each serial/identity sequence past the largest restored id, or the next insert collides."""
    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND (column_default LIKE 'nextval(%%' OR is_identity = 'YES')"
    ).fetchall()
    for table, column in rows:
        if table in tables:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'),"
                f" coalesce((SELECT max(\"{column}\") FROM \"{table}\"), 0) + 1, false)"
            )


# -- after the data is in --------------------------------------------------------------------


def _move_uploads(staged: Path, uploads: Path) -> None:
    if not staged.is_dir():
        return
    for path in sorted(staged.rglob("*")):
        if path.is_file():
            target = uploads / path.relative_to(staged)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)


def _audit(rt, manifest: dict[str, Any], path: Path, replaced: dict[str, int], force: bool) -> None:
    from registry.audit.operations import record_event

    with unit_of_work(rt.sessions) as session:
        record_event(rt.context(session), "backup:restore", "backup", Path(path).name, {
            "created_at": manifest.get("created_at"), "alembic_revision": manifest.get("alembic_revision"),
            "counts": manifest.get("counts"), "force": force, "replaced": replaced,
        })
