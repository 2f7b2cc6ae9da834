"""``mulu backup`` then ``mulu restore`` into an empty instance gives back the same catalog, uploads and search."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from databases import drop_postgres_database, is_postgres, new_postgres_database
from live import migrated_runtime
from sqlalchemy import MetaData, select

from registry.audit.operations import verify_chain
from registry.backup.archive import DERIVED, MANIFEST, SQLITE_MEMBER
from registry.catalog.models import CatalogItem
from registry.cli import main
from registry.core.config import load_settings
from registry.core.db import make_engine, unit_of_work
from registry.demo.loader import load_demo
from registry.mounts.operations import add_file_mount
from registry.mounts.sources import Sources

UPLOAD = "企业名录,统一社会信用代码\n某某公司,91360100MA00000000\n".encode()
QUERIES = (("企业",), ("许可",), ("人口", "--public"))


def _new_database(folder: Path) -> str:
    return new_postgres_database("mulu_backup") if is_postgres() else f"sqlite:///{folder / 'mulu.db'}"


def _env(instance: Path, url: str) -> dict[str, str]:
    return {"MULU_INSTANCE_PATH": str(instance), "MULU_DATABASE_URL": url, "MULU_PROFILE": "national",
            # On PostgreSQL the index lives in the database; the Whoosh folder is SQLite's case.
            "MULU_SEARCH_BACKEND": "postgres" if is_postgres() else "whoosh"}


def mulu(env: dict[str, str], *args: str):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A demo instance with an upload, its backup, and an empty instance the backup was restored into."""
    root = tmp_path_factory.mktemp("backup")
    source = _env(root / "source", _new_database(root / "source"))
    target = _env(root / "target", _new_database(root / "target"))
    (root / "source").mkdir()
    settings = load_settings(source)
    with migrated_runtime(settings) as rt, unit_of_work(rt.sessions) as session:
        ctx = rt.context(session)
        load_demo(ctx, items=200, seed=3)
        item = session.scalar(select(CatalogItem).order_by(CatalogItem.id).limit(1))
        add_file_mount(ctx, item, Sources.for_instance(rt.settings.instance_path, {}),
                       upload=io.BytesIO(UPLOAD), filename="企业名录.csv")
    archive = root / "mulu-backup.zip"
    backed_up = mulu(source, "backup", "-o", str(archive), "--json")
    assert backed_up.exit_code == 0, backed_up.output
    restored = mulu(target, "restore", str(archive), "--json")
    assert restored.exit_code == 0, restored.output
    yield {"root": root, "source": source, "target": target, "archive": archive,
           "backup": json.loads(backed_up.output), "restore": json.loads(restored.output)}
    if is_postgres():
        drop_postgres_database(source["MULU_DATABASE_URL"])
        drop_postgres_database(target["MULU_DATABASE_URL"])


def _rows(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            return {table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns or table.columns))]
                    for table in metadata.sorted_tables}
    finally:
        engine.dispose()


def test_the_restored_instance_holds_the_same_rows(world):
    source, restored = _rows(world["source"]["MULU_DATABASE_URL"]), _rows(world["target"]["MULU_DATABASE_URL"])
    assert set(source) == set(restored)
    counts = world["backup"]["counts"]
    assert counts["items"] == 200 and counts["requests"] > 0 and counts["uploads"] == 1
    for table in source:
        if table == "audit_event" or table in DERIVED:  # the index and its cache are rebuilt; searches compare below
            continue
        assert source[table] == restored[table], table
    # The source then audited the backup, the target the restore; the events before are the same.
    before = counts["audit_events"]
    assert restored["audit_event"][:before] == source["audit_event"][:before]
    assert [row[5] for row in source["audit_event"][before:]] == ["backup:create"]
    assert [row[5] for row in restored["audit_event"][before:]] == ["backup:restore"]


def test_the_audit_chain_still_verifies_after_the_restore(world):
    engine = make_engine(world["target"]["MULU_DATABASE_URL"])
    try:
        with unit_of_work(make_session(engine), write=False) as session:
            assert verify_chain(session) == []
    finally:
        engine.dispose()
    assert mulu(world["target"], "audit", "verify").exit_code == 0


def make_session(engine):
    from registry.core.db import make_session_factory

    return make_session_factory(engine)


def test_uploads_come_back_byte_for_byte(world):
    restored = list((Path(world["target"]["MULU_INSTANCE_PATH"]) / "uploads").rglob("*"))
    files = [p for p in restored if p.is_file()]
    assert [p.read_bytes() for p in files] == [UPLOAD]
    assert world["restore"]["uploads"] == 1


def test_search_finds_the_same_items_and_the_index_agrees(world):
    assert world["restore"]["indexed"] == 200
    for query in QUERIES:
        found = [json.loads(mulu(world[side], "search", "query", *query, "--per-page", "50", "--json").output)
                 for side in ("source", "target")]
        assert found[0]["total"] > 0, query
        assert [r["code"] for r in found[0]["results"]] == [r["code"] for r in found[1]["results"]], query
        assert found[0]["total"] == found[1]["total"]
    assert mulu(world["target"], "search", "check").exit_code == 0


def test_the_archive_describes_itself_and_holds_no_configuration(world):
    with zipfile.ZipFile(world["archive"]) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        names = archive.namelist()
    assert manifest["format_version"] == 1 and manifest["profile"] == "national"
    assert manifest["database_backend"] == ("postgresql" if is_postgres() else "sqlite")
    assert manifest["alembic_revision"] == world["restore"]["revision_to"]
    assert set(manifest["members"]) == set(names) - {MANIFEST}
    assert (SQLITE_MEMBER in names) is not is_postgres()
    assert not [n for n in names if "connections" in n or n.startswith("index/")]
    assert world["backup"]["sha256"] and world["backup"]["members"] == len(manifest["members"])


def _rewritten(archive: Path, out: Path, change) -> Path:
    """A copy of the archive with one member changed by ``change(name, data) -> data``."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            copy.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return out


@pytest.fixture()
def empty_instance(tmp_path):
    url = _new_database(tmp_path)
    yield _env(tmp_path / "instance", url)
    if is_postgres():
        drop_postgres_database(url)


def test_a_tampered_archive_is_refused_and_nothing_is_written(world, empty_instance, tmp_path):
    def tamper(name, data):
        return data.replace(b"\n", b"\r\n", 1) if name.startswith(("uploads/", "database/postgresql/catalog_item")) else data

    tampered = _rewritten(world["archive"], tmp_path / "tampered.zip", tamper)
    result = mulu(empty_instance, "restore", str(tampered))
    assert result.exit_code == 1 and "SHA-256 校验值与清单不符" in result.output
    assert not (Path(empty_instance["MULU_INSTANCE_PATH"]) / "uploads").exists()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(world["archive"].read_bytes()[:4096])
    result = mulu(empty_instance, "restore", str(truncated))
    assert result.exit_code == 1 and "不是 Mulu 备份文件" in result.output


def test_an_archive_from_a_newer_mulu_is_refused(world, empty_instance, tmp_path):
    def newer(name, data):
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["alembic_revision"] = "f00dfeedbeef"
        return json.dumps(manifest).encode()

    result = mulu(empty_instance, "restore", str(_rewritten(world["archive"], tmp_path / "newer.zip", newer)))
    assert result.exit_code == 1 and "f00dfeedbeef 比本程序的数据库版本" in result.output


def test_a_non_empty_target_is_refused_unless_forced(world, tmp_path):
    target = world["target"]
    result = mulu(target, "restore", str(world["archive"]))
    assert result.exit_code == 1 and "目标数据库不是空的" in result.output and "catalog_item 200 行" in result.output
    forced = mulu(target, "restore", str(world["archive"]), "--force", "--json")
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.output)["replaced"]["catalog_item"] == 200
    assert mulu(target, "audit", "verify").exit_code == 0


def test_plain_output_speaks_chinese(world, tmp_path):
    result = mulu(world["source"], "backup", "-o", str(tmp_path / "again.zip"))
    assert result.exit_code == 0 and "已备份到" in result.output and "200 个条目" in result.output
    assert "connections.toml" in result.output


def test_an_archive_from_an_older_revision_is_migrated_up_after_the_load(tmp_path, empty_instance):
    from alembic.script import ScriptDirectory

    from registry.core import migrate

    old = _env(tmp_path / "old", _new_database(tmp_path / "old"))
    (tmp_path / "old").mkdir()
    engine = make_engine(old["MULU_DATABASE_URL"])
    try:
        script = ScriptDirectory.from_config(migrate.alembic_config(engine))
        previous = script.get_revision(script.get_current_head()).down_revision
        migrate.upgrade(engine, previous)
    finally:
        engine.dispose()
    archive = tmp_path / "old.zip"
    try:
        assert mulu(old, "backup", "-o", str(archive)).exit_code == 0
        result = mulu(empty_instance, "restore", str(archive), "--json")
        assert result.exit_code == 0, result.output
        done = json.loads(result.output)
        assert done["revision_from"] == previous and done["revision_to"] == script.get_current_head()
        assert mulu(empty_instance, "db", "check").exit_code == 0
    finally:
        if is_postgres():
            drop_postgres_database(old["MULU_DATABASE_URL"])
