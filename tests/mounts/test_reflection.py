"""反编目 from SQLite: a real table file reflected into a proposed entry that the normal validation accepts."""
from __future__ import annotations

import pytest
from mountkit import make_source_db, make_world, sources

from registry.catalog.models import ItemStatus
from registry.catalog.operations import create_item
from registry.core.context import Context
from registry.core.errors import PermissionDenied, ValidationError
from registry.mounts.connections import Connection, SourceError
from registry.mounts.operations import guess_timestamp_column, mounts_of, save_and_mount
from registry.mounts.reflection import list_tables, propose_from_table, save_proposal
from registry.profiles import load_profile


@pytest.fixture()
def source(tmp_path) -> str:
    return make_source_db(tmp_path / "hr.db")


def test_a_sqlite_table_becomes_a_proposed_entry_with_chinese_field_names(ctx, source):
    world = make_world(ctx)
    proposal = propose_from_table(ctx, source, "person", org=world.orgs.dept)
    entry = proposal.entry
    assert entry["name"] == "人口基本信息"
    assert (entry["class_code"], entry["item_code"], entry["provider"]) == ("3", "07", world.orgs.dept.code)
    assert (entry["format_class"], entry["format_type"]) == ("database", "SQLite")
    assert (entry["share_type"], entry["share_method_class"], entry["share_method_type"]) == ("unconditional", "platform", "database")
    assert entry["open_type"] == "not_open" and entry["update_cycle"] == "irregular"
    assert entry["subject"] == "natural_person" and entry["has_personal_data"] is True
    assert "person" in entry["summary"] and "公民身份号码" in entry["summary"]
    rows = [(f["name"], f["technical_name"], f["data_type"], f.get("length"), f["is_primary_key"]) for f in entry["fields"]]
    assert rows == [
        ("序号", "id", "I", None, True),
        ("公民身份号码", "sfzh", "C", 18, False),
        ("姓名", "xm", "C", 50, False),
        ("出生日期", "csrq", "D", None, False),
        ("身高", "sg", "N", 5, False),
        ("照片", "zp", "G", None, False),
        ("备注", "bz", "M", None, False),
        ("是否有效", "sfyx", "L", None, False),
        ("更新时间", "gxsj", "T", None, False),
    ]
    assert entry["fields"][1]["identifier_kind"] == "citizen_id"
    assert entry["fields"][2]["description"] == "姓名：户籍登记的姓名"  # the full comment is kept as the description
    assert [c.nullable for c in proposal.table.columns][1:3] == [False, False]
    assert proposal.problems == [] and proposal.source == source


def test_the_proposal_saves_as_a_draft_through_the_normal_validation(ctx, source):
    world = make_world(ctx, "compiler")
    proposal = propose_from_table(world.as_(ctx, "compiler"), source, "person", org=world.orgs.dept)
    item = save_proposal(world.as_(ctx, "compiler"), proposal).item
    assert item.status is ItemStatus.DRAFT and item.provider is world.orgs.dept
    assert item.code.startswith("307")
    assert [(f.name, f.data_type, f.length, f.is_primary_key) for f in item.fields][:3] == [
        ("序号", "I", None, True), ("公民身份号码", "C", 18, False), ("姓名", "C", 50, False)]
    # The entry is the very shape create_item takes: the same dict creates a second draft.
    assert create_item(ctx, proposal.entry).item.name == "人口基本信息"


def test_another_department_cannot_save_it(ctx, source):
    world = make_world(ctx, "other_compiler")
    proposal = propose_from_table(ctx, source, "person", org=world.orgs.dept)
    with pytest.raises(PermissionDenied):
        save_proposal(world.as_(ctx, "other_compiler"), proposal)


def test_columns_without_comments_keep_their_names_and_duplicates_are_told_apart(ctx, tmp_path):
    world = make_world(ctx)
    url = make_source_db(tmp_path / "t.db", "CREATE TABLE t (\n a VARCHAR(10), -- 名称\n b VARCHAR(10), -- 名称\n c INTEGER\n)", rows=None, table="t")
    proposal = propose_from_table(ctx, url, "t", org=world.orgs.dept)
    assert [f["name"] for f in proposal.entry["fields"]] == ["名称", "名称（b）", "c"]
    assert proposal.entry["name"] == "t"
    assert "表没有主键" in proposal.notes
    assert proposal.problems == []


def test_what_validation_would_refuse_is_listed_and_saving_refuses_it(ctx, tmp_path):
    world = make_world(ctx)
    url = make_source_db(tmp_path / "old.db", "CREATE TABLE old_ids (\n sfzh CHAR(15) -- 公民身份号码\n)", rows=None, table="old_ids")
    proposal = propose_from_table(ctx, url, "old_ids", org=world.orgs.dept)
    assert [p.field for p in proposal.problems] == ["fields[0].length"]
    assert "不小于18" in proposal.problems[0].message
    with pytest.raises(ValidationError) as refused:
        save_proposal(ctx, proposal)
    assert refused.value.errors[0].label == "第1个信息项的数据长度"


def test_the_profile_decides_what_a_table_cannot_tell(ctx, source):
    world = make_world(ctx)
    nanyang = Context(session=ctx.session, profile=load_profile("nanyang"))
    proposal = propose_from_table(nanyang, source, "person", org=world.orgs.dept)
    assert proposal.entry["share_method_type"] == "api"  # 南阳 shares through its platform's interfaces, not tables
    assert [p.field for p in proposal.problems] == ["open_basis"]  # 南阳 §44: 不予开放 needs its basis
    settled = propose_from_table(nanyang, source, "person", org=world.orgs.dept,
                                 overrides={"open_basis": "《个人信息保护法》第十三条", "update_cycle": "每日"})
    assert settled.problems == [] and settled.entry["update_cycle"] == "每日"
    assert save_proposal(nanyang, settled).item.update_cycle == "daily"
    jx = Context(session=ctx.session, profile=load_profile("fuzhou_jx"))
    assert propose_from_table(jx, source, "person", org=world.orgs.dept).entry["update_cycle"] == "monthly"  # §11


def test_without_a_provider_the_proposal_says_so_and_cannot_be_saved(ctx, source):
    proposal = propose_from_table(ctx, source, "person")
    assert "provider" not in proposal.entry and "未指定提供方：保存前须选择本单位" in proposal.notes
    with pytest.raises(ValidationError, match="保存前须选择提供方"):
        save_proposal(ctx, proposal)


def test_a_missing_table_and_the_table_list(ctx, source):
    with pytest.raises(SourceError, match="表“nope”不存在"):
        propose_from_table(ctx, source, "nope")
    assert list_tables(Connection("hr", source)) == [("person", "人口基本信息")]


def test_saving_from_a_named_connection_mounts_the_table_with_its_update_column(ctx, source, tmp_path):
    world = make_world(ctx, "compiler")
    src = sources(tmp_path, hr=source)
    proposal = propose_from_table(ctx, src.connections.get("hr"), "person", org=world.orgs.dept)
    assert guess_timestamp_column(proposal) == "gxsj"
    item = save_and_mount(world.as_(ctx, "compiler"), src, proposal).item
    [mount] = mounts_of(ctx, item)
    assert (mount.connection, mount.table_name, mount.timestamp_column) == ("hr", "person", "gxsj")
    assert mount.status.value == "ok" and mount.differences == []


@pytest.mark.parametrize("spaces", [8_000, 60_000])
def test_long_runs_of_whitespace_in_sqlite_ddl_are_read_in_linear_time(tmp_path, spaces):
    """The ``-- 说明`` comments are found without backtracking over long whitespace (a department's DDL is not ours)."""
    import time

    from registry.mounts.reflection import read_table, sqlite_ddl_comments

    gap = " " * spaces
    ddl = (f"CREATE TABLE t ( -- 表说明{gap}x\n"
           f"  a{gap}INTEGER,\n"  # no comment, a long gap after the name
           f"  c TEXT, -- 说明{gap}d\n"  # a comment with a long gap inside it
           f"{gap}\n"
           f"  e TEXT -- 末列{gap}\n)")
    started = time.monotonic()
    columns, table_note = sqlite_ddl_comments(ddl)
    assert time.monotonic() - started < 2
    assert columns == {"c": f"说明{gap}d", "e": "末列"} and table_note == f"表说明{gap}x"
    url = make_source_db(tmp_path / "wide.db", ddl, rows=None, table="t")
    started = time.monotonic()
    live = read_table(Connection("wide", url), "t")
    assert time.monotonic() - started < 2
    assert [(c.name, c.comment) for c in live.columns] == [("a", None), ("c", f"说明{gap}d"), ("e", "末列")]


def test_sqlite_ddl_comments_keep_their_conventions():
    from registry.mounts.reflection import sqlite_ddl_comments

    ddl = 'CREATE TABLE "p" (  --  人口  \n  "id" INTEGER PRIMARY KEY, -- 序号\n  [xm] VARCHAR(50) -- 姓名：户籍姓名  \n' \
          "  `bz` TEXT,\n  n INTEGER DEFAULT -1 -- 不取\n  m--x\n  q TEXT --   \n)"
    assert sqlite_ddl_comments(ddl) == ({"id": "序号", "xm": "姓名：户籍姓名"}, "人口")
    assert sqlite_ddl_comments("") == ({}, None)
    assert sqlite_ddl_comments("CREATE TABLE t (--\n a INT\n)") == ({}, None)
