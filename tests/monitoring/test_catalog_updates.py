"""目录更新时限: a change of law or duties → the organisation updates its catalog → (county →) authority review."""
from __future__ import annotations

from datetime import date

import pytest
from factories import entry
from monitoring_world import make_world, published

from registry.catalog.operations import create_item, retire_item, update_item
from registry.core.errors import ConflictError, PermissionDenied, ValidationError
from registry.monitoring import duties
from registry.requests.engine import REQUEST_TYPES, due_status
from registry.requests.models import Request

LAW = {"kind": "law", "summary": "《南阳市市场主体登记条例》修订，新增个体工商户年报信息", "basis": "南阳市人大常委会公告〔2026〕3号"}


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


@pytest.fixture()
def authority_only(ctx):
    """The organisations and the authority alone: accounts cost a password hash each."""
    return make_world(ctx, names=("authority",))


def _record(world, ctx, org, today, profile=None, effective=None, **overrides):
    authority = world.as_(ctx, "authority", profile)
    return duties.record_duty_change(authority, org, **{**LAW, **overrides}, effective_date=effective or today, today=today)


def _visible_ids(world, ctx, name):
    where = duties.visible(world.as_(ctx, name))
    query = ctx.session.query(Request.id).filter(Request.type == "catalog_update")
    return {i for (i,) in (query.filter(where) if where is not None else query)}


# -- end to end ------------------------------------------------------------------------

@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_nanyang_city_department_updates_then_authority_confirms_or_returns(world, ctx):
    before = published(ctx, world.orgs.dept, "旧的企业登记信息")  # changed before the request: not part of the update
    req = _record(world, ctx, world.orgs.dept, date(2026, 9, 18))
    assert (req.state, req.stage, req.round) == ("open", "update", 1)
    assert req.due_at == date(2026, 9, 24)  # 5 working days; Sunday 09-20 is a make-up working day
    assert req.requester == world.orgs.city and req.data["basis"] == LAW["basis"]

    compiler = world.as_(ctx, "compiler")
    new = create_item(compiler, entry(world.orgs.dept, name="个体工商户年报信息")).item
    with pytest.raises(ValidationError, match="请列出"):
        duties.report_update(compiler, req, [])
    with pytest.raises(ValidationError, match="自本事项登记以来没有新建、修改或注销"):
        duties.report_update(compiler, req, [new.code, before.code])
    other = create_item(world.as_(ctx, "other_compiler"), entry(world.orgs.other_dept, name="别人的条目")).item
    with pytest.raises(ValidationError, match="不是南阳市市场监督管理局的目录条目"):
        duties.report_update(compiler, req, [new.code, other.code])
    with pytest.raises(ValidationError, match="不是南阳市市场监督管理局的目录条目"):
        duties.report_update(compiler, req, ["3/07411/0101/999999"])

    update_item(compiler, before, {"summary": before.summary + "（含年报）"}, reason="条例修订")  # a pending change counts
    duties.report_update(compiler, req, [new.code, before.code], "新增一条，修改一条", today=date(2026, 9, 24))
    assert (req.state, req.stage) == ("open", "review")
    assert req.due_at == date(2026, 10, 9)  # review 5: Mid-Autumn 09-25..27 and National Day 10-01..07 skipped
    report = req.data["reports"][-1]
    assert {(i["code"], tuple(i["done"])) for i in report["items"]} == {(new.code, ("created",)), (before.code, ("changed",))}

    authority = world.as_(ctx, "authority")
    with pytest.raises(ValidationError, match="必须填写理由"):
        duties.decide(authority, req, "return", " ")
    duties.decide(authority, req, "return", "还应注销已停止采集的条目", today=date(2026, 9, 30))
    assert (req.state, req.stage, req.round) == ("open", "update", 2)
    assert req.due_at == date(2026, 10, 13)  # a new catalog_update clock: 5 working days after 09-30

    retire_item(compiler, new, "并入年报信息")  # a draft retires at once
    duties.report_update(compiler, req, [new.code], today=date(2026, 10, 8))
    assert "retired" in req.data["reports"][-1]["items"][0]["done"]
    assert len(req.data["reports"]) == 2
    duties.decide(authority, req, "confirm", "同意")
    assert req.state == "completed" and req.closed_at is not None and due_status(ctx, req) is None
    actions = [e.action for e in req.events if e.kind == "action"]
    assert actions == ["submit_review", "return", "submit_review", "confirm"]


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_nanyang_county_department_goes_through_its_county(world, ctx):
    req = _record(world, ctx, world.orgs.county_dept, date(2026, 9, 30))
    assert req.due_at == date(2026, 10, 13)
    compiler = world.as_(ctx, "county_compiler")
    assert duties.completion_action(compiler, req) == "submit_county"
    assert not duties.may_act(compiler, req, "submit_review")
    item = create_item(compiler, entry(world.orgs.county_dept, name="南召县个体工商户年报")).item
    duties.report_update(compiler, req, [item.code], today=date(2026, 9, 30))
    assert (req.stage, req.due_at) == ("county", date(2026, 10, 13))  # county_to_city 5 (§23): 10-08, 09, 10, 12, 13
    assert due_status(ctx, req, today=date(2026, 10, 14)) == "overdue"

    with pytest.raises(PermissionDenied, match="不在您所在县"):
        duties.decide(world.as_(ctx, "other_county_reviewer"), req, "forward")
    with pytest.raises(PermissionDenied):
        duties.decide(world.as_(ctx, "authority"), req, "forward")
    with pytest.raises(ConflictError):
        duties.decide(world.as_(ctx, "county_reviewer"), req, "accept")  # nanyang's county passes it on for review
    duties.decide(world.as_(ctx, "county_reviewer"), req, "forward", today=date(2026, 10, 13))
    assert (req.stage, req.due_at) == ("review", date(2026, 10, 20))
    assert due_status(ctx, req, today=date(2026, 10, 21)) == "overdue"
    duties.decide(world.as_(ctx, "authority"), req, "confirm")
    assert req.state == "completed"


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_county_reviewer_returns_to_the_department(ctx):
    world = make_world(ctx, names=("authority", "county_compiler", "county_reviewer"))
    req = _record(world, ctx, world.orgs.county_dept, date(2026, 9, 30))
    compiler = world.as_(ctx, "county_compiler")
    item = create_item(compiler, entry(world.orgs.county_dept, name="南召县条目")).item
    duties.report_update(compiler, req, [item.code], today=date(2026, 9, 30))
    duties.decide(world.as_(ctx, "county_reviewer"), req, "return", "缺少法人库关联", today=date(2026, 10, 8))
    # a new catalog_update clock of 5: 10-09, Saturday 10-10 (worked), 10-12, 13, 14
    assert (req.stage, req.due_at, req.decision_reason) == ("update", date(2026, 10, 14), "缺少法人库关联")


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_without_a_review_deadline_the_report_completes_it(ctx):
    world = make_world(ctx, names=("authority", "county_compiler"))
    req = _record(world, ctx, world.orgs.county_dept, date(2026, 9, 30))
    compiler = world.as_(ctx, "county_compiler")
    assert duties.completion_action(compiler, req) == "complete"  # binzhou has neither county_to_city nor a review
    item = create_item(compiler, entry(world.orgs.county_dept, name="滨州条目")).item
    duties.report_update(compiler, req, [item.code])
    assert req.state == "completed" and req.decision_reason is None


# -- permissions and visibility -------------------------------------------------------------

@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_who_may_record_report_review_and_see(world, ctx):
    for name in ("compiler", "county_reviewer", "city_reviewer", "system_admin"):
        with pytest.raises(PermissionDenied, match="只有数据主管部门可以登记"):
            duties.record_duty_change(world.as_(ctx, name), world.orgs.dept, **LAW, effective_date=date(2026, 9, 30))
    req = _record(world, ctx, world.orgs.dept, date(2026, 9, 30))
    county_req = _record(world, ctx, world.orgs.county_dept, date(2026, 9, 30))
    system = world.as_(ctx, "system")
    item = create_item(system, entry(world.orgs.dept, name="系统建的条目")).item

    for name in ("other_compiler", "county_compiler", "authority", "city_reviewer"):
        with pytest.raises(PermissionDenied, match="只有该单位的编目人员"):
            duties.report_update(world.as_(ctx, name), req, [item.code])
        assert not duties.may_act(world.as_(ctx, name), req, "submit_review")
    assert duties.may_act(world.as_(ctx, "compiler"), req, "submit_review")
    assert not duties.may_act(world.as_(ctx, "compiler"), req, "complete")  # not nanyang's route
    duties.report_update(world.as_(ctx, "compiler"), req, [item.code])
    for name in ("compiler", "city_reviewer", "county_reviewer"):
        assert not duties.may_act(world.as_(ctx, name), req, "confirm")
        with pytest.raises(PermissionDenied, match="只有数据主管部门可以审核"):
            duties.decide(world.as_(ctx, name), req, "confirm")
    assert duties.may_act(world.as_(ctx, "authority"), req, "confirm")

    with pytest.raises(PermissionDenied):
        duties.decide(world.as_(ctx, "compiler"), county_req, "cancel", "登记有误")
    duties.decide(world.as_(ctx, "authority"), county_req, "cancel", "登记有误")
    assert county_req.state == "cancelled"

    assert _visible_ids(world, ctx, "authority") == {req.id, county_req.id}
    assert _visible_ids(world, ctx, "city_reviewer") == {req.id, county_req.id}
    assert _visible_ids(world, ctx, "compiler") == {req.id}
    assert _visible_ids(world, ctx, "other_compiler") == set()
    assert _visible_ids(world, ctx, "county_reviewer") == {county_req.id}
    assert _visible_ids(world, ctx, "other_county_reviewer") == set()
    assert _visible_ids(world, ctx, "system_admin") == set()


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_recording_names_every_missing_field(authority_only, ctx):
    authority = authority_only.as_(ctx, "authority")
    with pytest.raises(ValidationError) as caught:
        duties.record_duty_change(authority, authority_only.orgs.county, kind="weather", summary=" ", basis="", effective_date=None)
    assert set(caught.value.by_field()) == {"organisation", "kind", "summary", "basis", "effective_date"}
    assert "不是部门" in caught.value.by_field()["organisation"][0]
    with pytest.raises(ValidationError, match="生效日期不能晚于一年以后"):
        duties.record_duty_change(authority, authority_only.orgs.dept, **LAW, effective_date=date(2027, 10, 2), today=date(2026, 9, 30))


# -- the deadlines of every profile, across a public holiday ------------------------------------
# 2026 (State Council schedule): 中秋 09-25..27 off; 国庆 10-01..07 off; Sunday 09-20 and Saturday 10-10 worked.

@pytest.mark.parametrize(("profile_name", "due"), [
    ("shijiazhuang", date(2026, 10, 9)),   # §6: 2 working days → 10-08, 10-09
    ("fuzhou_jx", date(2026, 10, 10)),     # §14: 3 → 10-08, 10-09, Saturday 10-10 (make-up day)
    ("nanyang", date(2026, 10, 13)),       # §22: 5 → 10-08, 09, 10, 12, 13
    ("binzhou", date(2026, 10, 27)),       # §11: 15 → … 10-26 (14th), 10-27 (15th)
])
def test_catalog_update_due_date_over_national_day(authority_only, ctx, profile_name, due):
    req = _record(authority_only, ctx, authority_only.orgs.dept, date(2026, 9, 30))
    assert req.due_at == due
    assert req.data["deadline_days"] == ctx.profile.deadline("catalog_update").days
    assert due_status(ctx, req, today=due) != "overdue"
    assert due_status(ctx, req, today=date.fromordinal(due.toordinal() + 1)) == "overdue"


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_nanyang_review_stage_due_date_over_mid_autumn_and_national_day(ctx):
    world = make_world(ctx, names=("authority", "compiler"))
    req = _record(world, ctx, world.orgs.dept, date(2026, 9, 18))
    item = create_item(world.as_(ctx, "compiler"), entry(world.orgs.dept, name="年报")).item
    duties.report_update(world.as_(ctx, "compiler"), req, [item.code], today=date(2026, 9, 24))
    assert req.due_at == date(2026, 10, 9)  # catalog_update_review 5: 09-28, 29, 30, 10-08, 10-09
    assert due_status(ctx, req, today=date(2026, 10, 9)) == "due_soon"
    assert due_status(ctx, req, today=date(2026, 10, 10)) == "overdue"


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_clock_starts_when_the_change_takes_effect(authority_only, ctx):
    req = _record(authority_only, ctx, authority_only.orgs.dept, date(2026, 9, 30), effective=date(2026, 10, 8))
    assert req.data["clock_start"] == "2026-10-08"
    assert req.due_at == date(2026, 10, 14)  # 10-09, 10-10 (Saturday, worked), 10-12, 13, 14


@pytest.mark.parametrize("profile_name", ["national", "fuzhou"])
def test_profiles_without_the_deadline_open_it_without_a_due_date(authority_only, ctx):
    req = _record(authority_only, ctx, authority_only.orgs.dept, date(2026, 9, 30))
    assert req.due_at is None and due_status(ctx, req) is None
    assert duties.deadline_note(ctx) == "本辖区规章未规定目录更新时限"
    assert REQUEST_TYPES["catalog_update"].position_label(req) == "办理中 · 待更新目录"
