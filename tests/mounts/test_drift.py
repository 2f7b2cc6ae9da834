"""Drift checks on SQLite: each kind of drift after a real ALTER TABLE, format agreement, broken sources, freshness."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from factories import entry
from mountkit import (
    PERSON_DDL,
    make_source_db,
    make_world,
    person_item,
    run_sql,
    sources,
)
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.catalog.operations import create_item
from registry.core.errors import ValidationError
from registry.core.localtime import LOCAL_ZONE, aware
from registry.mounts.checks import check_mount, check_mounts
from registry.mounts.connections import Connection, ConnectionRegistry
from registry.mounts.models import CheckStatus
from registry.mounts.operations import add_api_mount, add_table_mount
from registry.mounts.sources import Sources


@pytest.fixture()
def hr(tmp_path):
    """The source database file, and Sources naming it ``hr``."""
    path = tmp_path / "hr.db"
    return path, sources(tmp_path, hr=make_source_db(path))


def mounted_person(ctx, hr, **item_overrides):
    world = make_world(ctx)
    item = person_item(ctx, world.orgs.dept, **item_overrides)
    mount = add_table_mount(ctx, item, hr[1], connection="hr", table="person", timestamp_column="gxsj")
    return item, mount


def kinds(mount) -> list[str]:
    return sorted(d["kind"] for d in mount.differences)


def recreate(path, old: str, new: str) -> None:
    """SQLite has no ALTER COLUMN … TYPE: rebuild the table with the changed definition, keeping the rows."""
    run_sql(path, "ALTER TABLE person RENAME TO person_old", PERSON_DDL.replace(old, new),
            "INSERT INTO person SELECT * FROM person_old", "DROP TABLE person_old")


def test_a_table_that_matches_its_entry_checks_ok(ctx, hr):
    _, mount = mounted_person(ctx, hr)
    assert mount.status is CheckStatus.OK and mount.differences == [] and mount.error is None
    assert mount.checked_at is not None


def test_a_dropped_column_is_missing(ctx, hr):
    _, mount = mounted_person(ctx, hr)
    run_sql(hr[0], "ALTER TABLE person DROP COLUMN bz")
    assert check_mount(ctx, mount, hr[1]) is CheckStatus.DRIFT
    assert mount.differences == [{"kind": "missing", "field": "备注", "column": "bz",
                                  "message": "信息项“备注”声明的列 bz 在表中不存在"}]


def test_an_added_column_is_extra(ctx, hr):
    _, mount = mounted_person(ctx, hr)
    run_sql(hr[0], "ALTER TABLE person ADD COLUMN dh VARCHAR(20)")
    assert check_mount(ctx, mount, hr[1]) is CheckStatus.DRIFT
    assert kinds(mount) == ["extra"] and mount.differences[0]["column"] == "dh"


def test_a_changed_type_is_found(ctx, hr):
    _, mount = mounted_person(ctx, hr)
    recreate(hr[0], "csrq DATE", "csrq VARCHAR(10)")
    assert check_mount(ctx, mount, hr[1]) is CheckStatus.DRIFT
    [difference] = mount.differences
    assert (difference["kind"], difference["field"], difference["declared"], difference["live"]) == ("type", "出生日期", "D", "C")


def test_a_changed_length_is_found(ctx, hr):
    _, mount = mounted_person(ctx, hr)
    recreate(hr[0], "xm VARCHAR(50)", "xm VARCHAR(100)")
    assert check_mount(ctx, mount, hr[1]) is CheckStatus.DRIFT
    [difference] = mount.differences
    assert (difference["kind"], difference["declared"], difference["live"]) == ("length", 50, 100)


def test_drift_is_audited_when_the_state_changes_not_on_every_run(ctx, hr):
    item, mount = mounted_person(ctx, hr)
    run_sql(hr[0], "ALTER TABLE person DROP COLUMN bz")
    check_mount(ctx, mount, hr[1])
    check_mount(ctx, mount, hr[1])
    events = ctx.session.scalars(select(AuditEvent).where(AuditEvent.object_id == item.code, AuditEvent.tag.like("mount:%"))
                                 .order_by(AuditEvent.id)).all()
    assert [(e.tag, e.data.get("status")) for e in events] == [("mount:add", None), ("mount:check", "ok"), ("mount:check", "drift")]
    assert events[0].data["connection"] == "hr" and events[0].data["table"] == "person"


# -- format ------------------------------------------------------------------------------

def test_a_spreadsheet_entry_with_a_database_table_is_flagged(ctx, hr):
    _, mount = mounted_person(ctx, hr, format_class="spreadsheet", format_type="xlsx", share_method_type="file")
    assert mount.status is CheckStatus.DRIFT and kinds(mount) == ["format"]
    assert "格式分类为“电子表格”的条目挂接了数据库表 person" in mount.differences[0]["message"]


def test_a_database_entry_declared_in_another_database_is_flagged(ctx, hr):
    _, mount = mounted_person(ctx, hr, format_type="oracle")
    assert kinds(mount) == ["format"] and "格式类型登记为 oracle" in mount.differences[0]["message"]


def test_a_database_entry_with_only_an_api_is_not_flagged_but_an_expired_api_is(ctx):
    world = make_world(ctx)
    item = create_item(ctx, entry(world.orgs.dept)).item
    mount = add_api_mount(ctx, item, url="https://api.example.gov.cn/qy", method="post", valid_to=date.today() - timedelta(days=1))
    assert check_mount(ctx, mount, None) is CheckStatus.DRIFT
    assert kinds(mount) == ["expired"] and mount.method == "POST"


# -- broken sources ------------------------------------------------------------------------

def test_one_broken_connection_never_stops_the_others(ctx, hr, tmp_path):
    world = make_world(ctx)
    first = person_item(ctx, world.orgs.dept)
    second = person_item(ctx, world.orgs.dept, name="人口基本信息（副本）")
    third = person_item(ctx, world.orgs.dept, name="人口基本信息（第三份）")
    good = add_table_mount(ctx, first, hr[1], connection="hr", table="person")
    gone = add_table_mount(ctx, second, hr[1], connection="hr", table="person", verify=False)
    unknown = add_table_mount(ctx, third, hr[1], connection="hr", table="person", verify=False)
    gone.connection, unknown.connection = "tax", "gis"
    broken = Sources(ConnectionRegistry({
        "hr": hr[1].connections.get("hr"),
        "tax": Connection("tax", "postgresql+psycopg://reader:Tax-Secret-1@127.0.0.1:1/tax", timeout=2, everyone=True),
    }), tmp_path / "uploads")
    results = {m.id: s for m, s in check_mounts(ctx, broken)}
    assert results == {good.id: CheckStatus.OK, gone.id: CheckStatus.ERROR, unknown.id: CheckStatus.ERROR}
    assert gone.error.startswith("连接“tax”（postgresql+psycopg://reader:***@127.0.0.1:1/tax）：无法连接数据库服务器")
    assert "Tax-Secret-1" not in gone.error
    assert unknown.error.startswith("未配置名为“gis”的连接")
    assert good.error is None


def test_a_limited_run_checks_those_checked_longest_ago_and_reads_sources_inside_the_release(ctx, hr):
    from contextlib import contextmanager

    from registry.mounts import checks

    world = make_world(ctx)
    mounts = [add_table_mount(ctx, person_item(ctx, world.orgs.dept, name=f"人口基本信息（{n}）"), hr[1], connection="hr",
                              table="person", verify=False) for n in range(4)]
    check_mount(ctx, mounts[1], hr[1])
    check_mount(ctx, mounts[3], hr[1])
    check_mount(ctx, mounts[0], hr[1])  # now: 2 never checked, then 1, 3, 0 by time checked
    looked, released = [], []
    real_look = checks.look_all
    checks.look_all = lambda targets, sources: looked.append(len(released)) or real_look(targets, sources)

    @contextmanager
    def release():
        released.append("in")
        yield
        released.append("out")

    try:
        results = check_mounts(ctx, hr[1], limit=3, release=release)
    finally:
        checks.look_all = real_look
    assert sorted(m.id for m, _ in results) == sorted(m.id for m in (mounts[2], mounts[1], mounts[3]))
    assert released == ["in", "out"] and looked == [1]  # every source read once, inside one release


def test_a_mount_removed_while_its_source_was_read_is_not_stored(ctx, hr):
    from contextlib import contextmanager

    from registry.core.errors import NotFound
    from registry.mounts.operations import remove_mount

    item, mount = mounted_person(ctx, hr)
    other = add_table_mount(ctx, item, hr[1], connection="hr", table="person", schema="main", verify=False)

    @contextmanager
    def removing(victim):
        yield
        remove_mount(ctx, victim)  # another request, while the source was being read

    with pytest.raises(NotFound, match=f"编号为 {mount.id} 的挂接已被移除"):
        check_mount(ctx, mount, hr[1], release=lambda: removing(mount))
    assert [(m.id, s) for m, s in check_mounts(ctx, hr[1], release=lambda: removing(other))] == []


def test_a_missing_table_is_an_error_of_that_mount_only(ctx, hr):
    item, mount = mounted_person(ctx, hr)
    other = add_table_mount(ctx, item, hr[1], connection="hr", table="ghost", verify=False)
    results = {m.id: s for m, s in check_mounts(ctx, hr[1])}
    assert results == {mount.id: CheckStatus.OK, other.id: CheckStatus.ERROR}
    assert other.error == "表“ghost”不存在（或当前账号无权读取）"


def test_adding_a_table_that_is_not_there_is_refused(ctx, hr):
    world = make_world(ctx)
    item = person_item(ctx, world.orgs.dept)
    with pytest.raises(ValidationError) as refused:
        add_table_mount(ctx, item, hr[1], connection="hr", table="ghost")
    assert refused.value.errors[0].field == "table_name"
    with pytest.raises(ValidationError) as refused:
        add_table_mount(ctx, item, hr[1], connection="hr", table="person", timestamp_column="nope")
    assert refused.value.errors[0].message == "表“person”中没有列 nope"
    with pytest.raises(ValidationError) as refused:
        add_table_mount(ctx, item, hr[1], connection="nope", table="person")
    assert refused.value.errors[0].label == "连接"


# -- freshness -------------------------------------------------------------------------------

def test_the_latest_timestamp_becomes_the_items_last_data_update(ctx, hr):
    item, mount = mounted_person(ctx, hr)
    expected = datetime(2026, 6, 2, 9, 30, tzinfo=LOCAL_ZONE)  # max(gxsj), a local time in the source
    ctx.session.expire_all()  # as stored, not as held in memory
    assert aware(mount.source_updated_at) == expected
    assert item.data_updated_at.astimezone(UTC) == expected.astimezone(UTC)
    run_sql(hr[0], "INSERT INTO person (id, sfzh, xm, gxsj) VALUES (3, '110101199003070000', '王五', '2026-07-15 10:00:00')")
    check_mount(ctx, mount, hr[1])
    assert item.data_updated_at.astimezone(LOCAL_ZONE) == datetime(2026, 7, 15, 10, 0, tzinfo=LOCAL_ZONE)
    refreshes = ctx.session.scalars(select(AuditEvent).where(AuditEvent.object_id == item.code, AuditEvent.tag == "item:refresh")).all()
    assert len(refreshes) == 2 and refreshes[0].actor_name == "system"


def test_a_future_timestamp_is_noted_not_recorded(ctx, hr):
    item, mount = mounted_person(ctx, hr)
    before = item.data_updated_at
    run_sql(hr[0], "INSERT INTO person (id, sfzh, xm, gxsj) VALUES (3, '110101199003070000', '王五', '2999-01-01 00:00:00')")
    check_mount(ctx, mount, hr[1])
    assert item.data_updated_at == before
    assert [d["kind"] for d in mount.differences] == ["freshness"]
    assert "晚于当前时间" in mount.differences[0]["message"]
