"""Update-cycle monitoring: stale published entries flagged exactly when past their cycle's max_days."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from factories import entry
from monitoring_world import make_world, published
from sqlalchemy import event, select

from registry.audit.models import AuditEvent
from registry.catalog.operations import create_item, retire_item
from registry.core.context import Context
from registry.core.errors import ConflictError, PermissionDenied, ValidationError
from registry.core.localtime import LOCAL_ZONE, local_today
from registry.monitoring.freshness import (
    OrgFreshness,
    count_stale,
    cycle_limits,
    is_stale,
    record_refresh,
    stale_items,
    staleness_by_org,
)
from registry.profiles import load_profile

TODAY = local_today()


def ago(days: int):
    return TODAY - timedelta(days=days)


@pytest.fixture()
def world(ctx):
    """The organisations; entries are published by the system."""
    return make_world(ctx, names=())


@pytest.fixture()
def people(ctx):
    return make_world(ctx, names=("compiler", "other_compiler", "authority"))


def _stale_codes(ctx, **kwargs) -> set[str]:
    return {row.code for row in stale_items(ctx, today=TODAY, limit=1000, **kwargs)}


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_flagged_exactly_when_past_the_cycles_max_days(world, ctx):
    dept = world.orgs.dept
    fresh = [published(ctx, dept, "日更-刚好", "daily", ago(1)), published(ctx, dept, "周更-刚好", "weekly", ago(7)),
             published(ctx, dept, "月更-刚好", "monthly", ago(31)), published(ctx, dept, "季更-刚好", "quarterly", ago(92)),
             published(ctx, dept, "不定期-很久", "irregular", ago(2000)), published(ctx, dept, "不更新-很久", "static", ago(2000))]
    stale = [published(ctx, dept, "日更-过期", "daily", ago(2)), published(ctx, dept, "周更-过期", "weekly", ago(8)),
             published(ctx, dept, "月更-过期", "monthly", ago(32)), published(ctx, dept, "季更-过期", "quarterly", ago(100))]
    create_item(Context(session=ctx.session, profile=ctx.profile), entry(dept, name="草稿-不算"))  # a draft is never flagged

    assert _stale_codes(ctx) == {i.code for i in stale}
    assert [is_stale(ctx, i, TODAY) for i in fresh + stale] == [False] * len(fresh) + [True] * len(stale)
    rows = {r.code: r for r in stale_items(ctx, today=TODAY)}
    assert [rows[i.code].days_overdue for i in stale] == [1, 1, 1, 8]
    assert rows[stale[2].code].cycle_label == "每月" and rows[stale[2].code].max_days == 31
    assert rows[stale[0].code].last_refresh.astimezone(LOCAL_ZONE).date() == ago(2)
    assert stale_items(ctx, today=TODAY, limit=1)[0].code == stale[3].code  # the longest unrefreshed first
    # irregular and static are not monitored; the draft is not counted at all
    assert staleness_by_org(ctx, today=TODAY) == {dept.id: OrgFreshness(dept.id, dept.name, 8, 4)}


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_day_boundary_is_the_local_day(world, ctx):
    """00:30 in Beijing yesterday is 16:30 UTC the day before: still yesterday, so a daily entry is fresh."""
    just_after_midnight = datetime.combine(ago(1), time(0, 30), LOCAL_ZONE)
    item = published(ctx, world.orgs.dept, "日更", "daily", just_after_midnight)
    late_evening = published(ctx, world.orgs.dept, "日更-前天深夜", "daily", datetime.combine(ago(2), time(23, 59), LOCAL_ZONE))
    assert _stale_codes(ctx) == {late_evening.code}
    assert not is_stale(ctx, item, TODAY)


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_published_at_is_the_last_refresh_until_one_is_recorded(world, ctx):
    item = published(ctx, world.orgs.dept, "日更-发布后未更新", "daily")
    assert _stale_codes(ctx) == set()
    item.published_at = datetime.combine(ago(3), time(10), LOCAL_ZONE)
    ctx.session.flush()
    assert _stale_codes(ctx) == {item.code}
    assert stale_items(ctx, today=TODAY)[0].days_overdue == 2


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_fuzhou_jx_holds_every_entry_to_a_month(world, ctx):
    """fuzhou_jx §11: no real-time update → at least monthly, irregular and static entries included."""
    dept = world.orgs.dept
    irregular_ok = published(ctx, dept, "不定期-31天", "irregular", ago(31))
    irregular = published(ctx, dept, "不定期-32天", "irregular", ago(32))
    static = published(ctx, dept, "不更新-40天", "static", ago(40))
    quarterly = published(ctx, dept, "季更-40天", "quarterly", ago(40))
    daily = published(ctx, dept, "日更-2天", "daily", ago(2))
    assert _stale_codes(ctx) == {daily.code}  # under binzhou only the daily one is late

    jx = Context(session=ctx.session, profile=load_profile("fuzhou_jx"))
    assert cycle_limits(jx.profile).by_cycle["yearly"] == 31 and cycle_limits(jx.profile).by_cycle["daily"] == 1
    assert _stale_codes(jx) == {irregular.code, static.code, quarterly.code, daily.code}
    assert not is_stale(jx, irregular_ok, TODAY) and is_stale(jx, static, TODAY)
    rows = {r.code: r for r in stale_items(jx, today=TODAY)}
    assert (rows[irregular.code].max_days, rows[irregular.code].days_overdue) == (31, 1)
    assert rows[quarterly.code].days_overdue == 9
    assert staleness_by_org(jx, today=TODAY)[dept.id] == OrgFreshness(dept.id, dept.name, 5, 4)


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_per_organisation_counts_filters_and_paging(world, ctx):
    dept, other = world.orgs.dept, world.orgs.other_dept
    mine = [published(ctx, dept, f"本局过期{n}", "weekly", ago(10 + n)) for n in range(3)]
    published(ctx, dept, "本局新鲜", "weekly", ago(1))
    theirs = published(ctx, other, "公安过期", "monthly", ago(40))
    by_org = staleness_by_org(ctx, today=TODAY)
    assert by_org[dept.id] == OrgFreshness(dept.id, dept.name, 4, 3)
    assert by_org[other.id] == OrgFreshness(other.id, other.name, 1, 1)
    assert set(staleness_by_org(ctx, today=TODAY, org_ids={other.id})) == {other.id}

    assert _stale_codes(ctx, org_id=other.id) == {theirs.code}
    assert count_stale(ctx, org_id=dept.id, today=TODAY) == 3 and count_stale(ctx, today=TODAY) == 4
    first = stale_items(ctx, org_id=dept.id, today=TODAY, limit=2)
    rest = stale_items(ctx, org_id=dept.id, today=TODAY, limit=2, offset=2)
    assert [r.code for r in first + rest] == [mine[2].code, mine[1].code, mine[0].code]
    # a week later everything weekly is stale
    assert staleness_by_org(ctx, today=TODAY + timedelta(days=7))[dept.id].stale == 4


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_figures_take_one_query_however_many_entries(world, ctx, session):
    for n in range(12):
        published(ctx, world.orgs.dept if n % 2 else world.orgs.other_dept, f"条目{n}", "daily", ago(n % 4))
    statements = []
    listener = lambda *args: statements.append(args[2])
    event.listen(session.connection(), "before_cursor_execute", listener)
    try:
        figures = staleness_by_org(ctx, today=TODAY)
        rows = stale_items(ctx, today=TODAY, limit=100)
    finally:
        event.remove(session.connection(), "before_cursor_execute", listener)
    assert len(statements) == 2
    assert sum(f.stale for f in figures.values()) == len(rows) == 6  # 2 and 3 days ago, of 12


# -- recording a refresh -------------------------------------------------------------------

@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_record_refresh_clears_the_flag_and_is_audited(people, ctx):
    item = published(ctx, people.orgs.dept, "日更", "daily", ago(5))
    assert _stale_codes(ctx) == {item.code}
    updated_at = item.updated_at
    record_refresh(people.as_(ctx, "compiler"), item)
    assert _stale_codes(ctx) == set() and not is_stale(ctx, item, TODAY)
    assert item.updated_at == updated_at  # the data changed, not the description
    audit = ctx.session.scalars(select(AuditEvent).where(AuditEvent.tag == "item:refresh").order_by(AuditEvent.id)).all()
    assert audit[-1].object_id == item.code and audit[-1].actor_name == "compiler"
    assert audit[-1].data["previous"].startswith(str(ago(5) - timedelta(days=1)))  # local midnight is 16:00 UTC the day before


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_record_refresh_refuses_future_earlier_retired_and_others(people, ctx):
    item = published(ctx, people.orgs.dept, "日更", "daily", ago(5))
    compiler = people.as_(ctx, "compiler")
    with pytest.raises(ValidationError, match="不能晚于当前时间") as caught:
        record_refresh(compiler, item, datetime.now(LOCAL_ZONE) + timedelta(hours=1))
    assert caught.value.errors[0].field == "at"
    with pytest.raises(ValidationError, match="不能晚于当前时间"):
        record_refresh(compiler, item, TODAY + timedelta(days=1))
    with pytest.raises(ValidationError, match="早于已登记的最近一次数据更新"):
        record_refresh(compiler, item, ago(6))
    for name in ("other_compiler", "authority"):
        with pytest.raises(PermissionDenied, match="只有提供单位的编目人员"):
            record_refresh(people.as_(ctx, name), item)
    draft = create_item(compiler, entry(people.orgs.dept, name="草稿")).item
    retire_item(compiler, draft, "重复")
    with pytest.raises(ConflictError, match="已注销"):
        record_refresh(compiler, draft)
    record_refresh(compiler, item, ago(1))
    assert not is_stale(ctx, item, TODAY)
