"""反编目 and drift against a real PostgreSQL schema with COMMENT ON TABLE/COLUMN (run under .ci/with-postgres)."""
from __future__ import annotations

import logging
from datetime import datetime

import pytest
from databases import drop_postgres_database, is_postgres, new_postgres_database
from mountkit import make_world
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from registry.core.localtime import LOCAL_ZONE
from registry.models import metadata
from registry.mounts.checks import check_mount
from registry.mounts.connections import (
    Connection,
    ConnectionRegistry,
    SourceError,
    opened,
)
from registry.mounts.models import CheckStatus
from registry.mounts.operations import mounts_of, save_and_mount
from registry.mounts.reflection import list_tables, propose_from_table
from registry.mounts.sources import Sources

pytestmark = pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL: run under .ci/with-postgres")

SECRET = "Pg-Secret-42x"  # the throwaway server trusts local users, so any password signs in

DDL = """
CREATE TABLE hr.{table} (
  id integer PRIMARY KEY,
  gmsfhm varchar(18) NOT NULL,
  xm varchar(50) NOT NULL,
  csrq date,
  sg numeric(5, 2),
  tz double precision,
  gz money,
  zp bytea,
  bz text,
  sfyx boolean,
  bh uuid,
  kz jsonb,
  gxsj timestamp
);
COMMENT ON TABLE hr.{table} IS '人员基本信息';
COMMENT ON COLUMN hr.{table}.id IS '序号';
COMMENT ON COLUMN hr.{table}.gmsfhm IS '公民身份号码';
COMMENT ON COLUMN hr.{table}.xm IS '姓名：户籍登记的姓名';
COMMENT ON COLUMN hr.{table}.csrq IS '出生日期';
COMMENT ON COLUMN hr.{table}.sg IS '身高';
COMMENT ON COLUMN hr.{table}.tz IS '体重';
COMMENT ON COLUMN hr.{table}.gz IS '工资';
COMMENT ON COLUMN hr.{table}.zp IS '照片';
COMMENT ON COLUMN hr.{table}.bz IS '备注';
COMMENT ON COLUMN hr.{table}.sfyx IS '是否有效';
COMMENT ON COLUMN hr.{table}.bh IS '编号';
COMMENT ON COLUMN hr.{table}.kz IS '扩展信息';
COMMENT ON COLUMN hr.{table}.gxsj IS '更新时间';
INSERT INTO hr.{table} (id, gmsfhm, xm, gxsj) VALUES (1, '110101199003077777', '张三', '2026-05-01 08:00:00'),
                                                  (2, '11010119900307999X', '李四', '2026-06-02 09:30:00');
"""


@pytest.fixture(scope="module")
def source_url():
    """A throwaway database with an ``hr`` schema; its URL carries a password that must never be seen again."""
    url = new_postgres_database("mulu_mount_src")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA hr"))
    engine.dispose()
    yield make_url(url).set(password=SECRET).render_as_string(hide_password=False)
    drop_postgres_database(url)


def execute(url: str, sql: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)
    engine.dispose()


@pytest.fixture()
def table(source_url, request):
    name = f"person_{abs(hash(request.node.name)) % 10**8}"
    execute(source_url, DDL.format(table=name))
    return name


@pytest.fixture()
def sources(source_url, tmp_path):
    return Sources(ConnectionRegistry({"hr": Connection("hr", source_url, "人事库", timeout=5, everyone=True)}), tmp_path / "uploads")


def test_a_commented_postgresql_table_becomes_a_proposed_entry(ctx, sources, table):
    world = make_world(ctx)
    proposal = propose_from_table(ctx, sources.connections.get("hr"), table, schema="hr", org=world.orgs.dept)
    entry = proposal.entry
    assert (entry["name"], entry["format_type"], entry["source_system"]) == ("人员基本信息", "PostgreSQL", "人事库")
    rows = [(f["name"], f["technical_name"], f["data_type"], f.get("length"), f["is_primary_key"]) for f in entry["fields"]]
    assert rows == [
        ("序号", "id", "I", None, True), ("公民身份号码", "gmsfhm", "C", 18, False), ("姓名", "xm", "C", 50, False),
        ("出生日期", "csrq", "D", None, False), ("身高", "sg", "N", 5, False), ("体重", "tz", "B", None, False),
        ("工资", "gz", "Y", None, False), ("照片", "zp", "G", None, False), ("备注", "bz", "M", None, False),
        ("是否有效", "sfyx", "L", None, False), ("编号", "bh", "C", 36, False), ("扩展信息", "kz", "M", None, False),
        ("更新时间", "gxsj", "T", None, False),
    ]
    assert entry["fields"][1]["identifier_kind"] == "citizen_id" and entry["subject"] == "natural_person"
    assert [c.nullable for c in proposal.table.columns][:3] == [False, False, False]
    assert proposal.problems == [] and proposal.source.startswith("postgresql+psycopg://mulu:***@")
    assert (table, "人员基本信息") in list_tables(sources.connections.get("hr"), schema="hr")


def compiled(ctx, sources, table):
    world = make_world(ctx)
    proposal = propose_from_table(ctx, sources.connections.get("hr"), table, schema="hr", org=world.orgs.dept)
    item = save_and_mount(ctx, sources, proposal).item
    [mount] = mounts_of(ctx, item)
    return item, mount


def test_the_saved_draft_is_mounted_checked_and_fresh_from_the_source(ctx, sources, table):
    item, mount = compiled(ctx, sources, table)
    assert item.status.value == "draft" and (mount.schema_name, mount.table_name, mount.timestamp_column) == ("hr", table, "gxsj")
    assert mount.status is CheckStatus.OK, mount.differences
    assert item.data_updated_at.astimezone(LOCAL_ZONE) == datetime(2026, 6, 2, 9, 30, tzinfo=LOCAL_ZONE)


@pytest.mark.parametrize("alter,kind,detail", [
    ("ALTER TABLE hr.{t} DROP COLUMN bz", "missing", ("备注", "bz")),
    ("ALTER TABLE hr.{t} ADD COLUMN dh varchar(20)", "extra", (None, "dh")),
    ("ALTER TABLE hr.{t} ALTER COLUMN csrq TYPE varchar(10)", "type", ("出生日期", "csrq")),
    ("ALTER TABLE hr.{t} ALTER COLUMN xm TYPE varchar(100)", "length", ("姓名", "xm")),
    ("ALTER TABLE hr.{t} ALTER COLUMN sg TYPE numeric(8, 2)", "length", ("身高", "sg")),
])
def test_each_kind_of_drift_after_alter_table(ctx, sources, table, source_url, alter, kind, detail):
    _, mount = compiled(ctx, sources, table)
    execute(source_url, alter.format(t=table))
    assert check_mount(ctx, mount, sources) is CheckStatus.DRIFT
    assert [(d["kind"], d["field"], d["column"]) for d in mount.differences] == [(kind, *detail)]


def test_sessions_are_read_only_and_time_limited(sources, source_url):
    with opened(Connection("hr", source_url, timeout=3)) as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "3s"
        assert conn.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
    with pytest.raises(SourceError, match="read-only|只读"), opened(sources.connections.get("hr")) as conn:
        conn.execute(text("CREATE TABLE hr.intruder (x int)"))
    with pytest.raises(SourceError, match="连接或查询超时"), opened(Connection("hr", source_url, timeout=1)) as conn:
        conn.execute(text("SELECT pg_sleep(5)"))


def test_the_password_is_never_stored_logged_nor_shown(ctx, sources, table, caplog):
    caplog.set_level(logging.DEBUG)
    _, mount = compiled(ctx, sources, table)
    check_mount(ctx, mount, sources)
    with pytest.raises(SourceError) as missing:
        propose_from_table(ctx, sources.connections.get("hr"), "ghost", schema="hr")
    ctx.session.flush()
    stored = "\n".join(repr(ctx.session.execute(select(t)).all()) for t in metadata.sorted_tables)
    for shown in (stored, caplog.text, str(missing.value), repr(sources.connections.get("hr"))):
        assert SECRET not in shown
