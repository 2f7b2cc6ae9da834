"""``mulu catalog from-db`` and ``mulu mounts …`` as an operator and a scheduler use them."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from databases import drop_postgres_database, is_postgres, new_postgres_database
from factories import make_org_tree
from live import migrated_runtime
from mountkit import (
    GatedFiles,
    assert_catalog_writable,
    make_source_db,
    run_in_thread,
    run_sql,
    sources,
)
from sqlalchemy import select

from registry.catalog.models import CatalogItem
from registry.cli import main
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from registry.mounts.models import ResourceMount

SECRET = "Cli-Secret-9x"
BROKEN = f"postgresql+psycopg://reader:{SECRET}@127.0.0.1:1/tax"  # nothing listens on port 1


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """A migrated instance with the organisation tree; yields its environment and runtime."""
    root = tmp_path_factory.mktemp("cli")
    url = new_postgres_database("mulu_mounts_cli") if is_postgres() else f"sqlite:///{root / 'mulu.db'}"
    env = {"MULU_INSTANCE_PATH": str(root / "instance"), "MULU_DATABASE_URL": url, "MULU_PROFILE": "national"}
    settings = load_settings(env)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:
            orgs = make_org_tree(runtime.context(session))
            codes = {"dept": orgs.dept.code, "other_dept": orgs.other_dept.code}
        yield env, runtime, codes
    if is_postgres():
        drop_postgres_database(url)


def mulu(env: dict, *args: str, **extra_env: str):
    return CliRunner().invoke(main, list(args), env={**env, **extra_env}, catch_exceptions=False)


def items(runtime) -> list[CatalogItem]:
    """The catalog's items, fields loaded."""
    from sqlalchemy.orm import selectinload

    with unit_of_work(runtime.sessions, write=False) as session:
        return list(session.scalars(select(CatalogItem).options(selectinload(CatalogItem.fields)).order_by(CatalogItem.id)))


def test_from_db_prints_the_proposal_as_json_without_saving(instance, tmp_path):
    env, runtime, codes = instance
    url = make_source_db(tmp_path / "hr.db")
    before = len(items(runtime))
    result = mulu(env, "catalog", "from-db", url, "--table", "person", "--org", codes["dept"], "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"source", "connection", "schema", "table", "entry", "columns", "notes", "problems", "saved"}
    assert (body["source"], body["table"], body["schema"], body["saved"], body["problems"]) == (url, "person", None, None, [])
    assert body["entry"]["name"] == "人口基本信息" and body["entry"]["provider"] == codes["dept"]
    assert [(f["name"], f["data_type"], f.get("length"), f["is_primary_key"]) for f in body["entry"]["fields"]][:3] == [
        ("序号", "I", None, True), ("公民身份号码", "C", 18, False), ("姓名", "C", 50, False)]
    assert body["columns"][1] == {"name": "sfzh", "type": "VARCHAR(18)", "data_type": "C", "length": 18, "nullable": False,
                                  "primary_key": False, "comment": "公民身份号码", "note": None}
    assert len(items(runtime)) == before


def test_from_db_prints_fields_for_a_reader(instance, tmp_path):
    env, _, _ = instance
    result = mulu(env, "catalog", "from-db", make_source_db(tmp_path / "hr.db"), "--table", "person")
    assert result.exit_code == 0
    assert "推荐条目：人口基本信息（提供方：未指定）" in result.stdout
    assert "    2 公民身份号码 sfzh C 18" in result.stdout and "    1 序号 id I - 是" in result.stdout


def test_from_db_saves_a_draft_through_the_normal_validation(instance, tmp_path):
    env, runtime, codes = instance
    url = make_source_db(tmp_path / "hr.db")
    assert mulu(env, "catalog", "from-db", url, "--table", "person", "--save").exit_code == 2  # --save needs --org
    result = mulu(env, "catalog", "from-db", url, "--table", "person", "--org", codes["dept"], "--save",
                  "--set", "name=人口信息（反编目）", "--set", "update_cycle=每月")
    assert result.exit_code == 0, result.output
    saved = items(runtime)[-1]
    assert f"已保存为草稿：{saved.code}" in result.stdout
    assert (saved.name, saved.status.value, saved.update_cycle, len(saved.fields)) == ("人口信息（反编目）", "draft", "monthly", 9)


def test_from_db_refuses_an_invalid_entry_with_chinese_errors(instance, tmp_path):
    env, runtime, codes = instance
    url = make_source_db(tmp_path / "old.db", "CREATE TABLE old_ids (\n sfzh CHAR(15) -- 公民身份号码\n)", rows=None, table="old_ids")
    before = len(items(runtime))
    result = mulu(env, "catalog", "from-db", url, "--table", "old_ids", "--org", codes["dept"], "--save")
    assert result.exit_code == 1
    assert "错误：第1个信息项的数据长度：信息项“公民身份号码”的数据长度应不小于18" in result.stderr
    assert len(items(runtime)) == before
    as_json = mulu(env, "catalog", "from-db", url, "--table", "old_ids", "--org", codes["dept"], "--save", "--json")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["problems"][0]["field"] == "fields[0].length"
    assert mulu(env, "catalog", "from-db", url, "--table", "nope").exit_code == 1
    assert mulu(env, "catalog", "from-db", url, "--table", "old_ids", "--set", "oops").exit_code == 2


def test_a_named_connection_is_compiled_and_mounted_then_checked_by_the_scheduler(instance, tmp_path):
    env, runtime, codes = instance
    path = tmp_path / "hr.db"
    env = {**env, "MULU_CONNECTION_HR": make_source_db(path)}
    refused = mulu(env, "catalog", "from-db", "hr", "--table", "person", "--org", codes["dept"], "--save")
    assert refused.exit_code == 1 and "连接“hr”未配置，或不供“南阳市市场监督管理局”使用" in refused.stderr  # serves no one yet
    env["MULU_CONNECTION_HR_ORGANISATIONS"] = codes["dept"]
    saved = mulu(env, "catalog", "from-db", "hr", "--table", "person", "--org", codes["dept"], "--save")
    assert saved.exit_code == 0, saved.output
    code = items(runtime)[-1].code
    clean = mulu(env, "mounts", "check", "--org", codes["dept"])
    assert clean.exit_code == 0, clean.output
    assert "一致" in clean.stdout and clean.stdout.strip().endswith("检查失败 0")
    run_sql(path, "ALTER TABLE person DROP COLUMN bz")
    drift = mulu(env, "mounts", "check", "--org", codes["dept"], "--json")
    assert drift.exit_code == 1 and "发现不一致 1 项" in drift.stderr and "连接或读取失败" not in drift.stderr
    body = json.loads(drift.stdout)
    [row] = [r for r in body["mounts"] if r["item_code"] == code]
    assert (row["status"], row["target"], [d["kind"] for d in row["differences"]]) == ("drift", "hr:person", ["missing"])
    assert mulu(env, "mounts", "check", "--org", "NOPE").exit_code == 2
    assert mulu(env, "mounts", "check", "--org", codes["other_dept"]).exit_code == 0  # nothing mounted there


def test_a_broken_connection_is_reported_without_its_password(instance, tmp_path):
    env, runtime, codes = instance
    env = {**env, "MULU_CONNECTION_HR": make_source_db(tmp_path / "hr.db"), "MULU_CONNECTION_HR_ORGANISATIONS": "*"}
    assert mulu(env, "catalog", "from-db", "hr", "--table", "person", "--org", codes["other_dept"], "--save").exit_code == 0
    broken = {**env, "MULU_CONNECTION_HR": BROKEN}
    result = mulu(broken, "mounts", "check", "--org", codes["other_dept"])
    assert result.exit_code == 1 and "连接或读取失败 1 项" in result.stderr
    assert "连接“hr”（postgresql+psycopg://reader:***@127.0.0.1:1/tax）：无法连接数据库服务器" in result.stdout
    from_db = mulu(env, "catalog", "from-db", BROKEN, "--table", "person")
    assert from_db.exit_code == 1 and "reader:***@" in from_db.stderr
    listed = mulu(broken, "mounts", "connections")
    assert "hr" in listed.stdout and "reader:***@127.0.0.1:1/tax" in listed.stdout and "所有单位可用" in listed.stdout
    assert json.loads(mulu(broken, "mounts", "connections", "--json").stdout)[0]["everyone"] is True
    for output in (result.output, from_db.output, listed.output, mulu(broken, "mounts", "connections", "--json").output):
        assert SECRET not in output
    with unit_of_work(runtime.sessions, write=False) as session:
        errors = list(session.scalars(select(ResourceMount.error).where(ResourceMount.error.is_not(None))))
    assert errors and all(SECRET not in e for e in errors)


def test_the_scheduled_check_reads_slow_sources_without_holding_the_write_lock(instance, tmp_path):
    from factories import entry

    from registry.catalog.operations import create_item
    from registry.mounts.operations import add_file_mount
    from registry.orgs.operations import get_org

    env, runtime, codes = instance
    slow = GatedFiles()
    try:
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            item = create_item(ctx, entry(get_org(ctx, codes["other_dept"]), name="企业名录（慢速来源）", format_class="spreadsheet",
                                          format_type="xlsx", share_method_type="file")).item
            mount_id = add_file_mount(ctx, item, sources(tmp_path, allow="127.0.0.1"), url=slow.url).id
        slow.hold()
        checking = run_in_thread(lambda: mulu(env, "mounts", "check", "--org", codes["other_dept"], "--json",
                                              MULU_MOUNT_ALLOWED_HOSTS="127.0.0.1"))
        assert slow.arrived.wait(10)  # the HEAD request of the check is held
        assert_catalog_writable(runtime.settings.database_url)
        slow.let_go()
        result = checking()
    finally:
        slow.close()
    [row] = [r for r in json.loads(result.stdout)["mounts"] if r["id"] == mount_id]
    assert row["status"] == "ok" and row["error"] is None
