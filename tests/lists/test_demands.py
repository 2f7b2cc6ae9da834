"""The demand list through the service layer: county → city → provider → data delivered, and every refusal."""
from __future__ import annotations

from datetime import date

import pytest
from lists_world import make_world

from registry.core.errors import ConflictError, PermissionDenied, ValidationError
from registry.lists import demands
from registry.lists.demand_queries import aggregate, unmatched, visible
from registry.lists.demands import (
    act,
    available_actions,
    create_demand,
    may_act,
    pick_suggestion,
    set_provider,
)
from registry.requests.engine import due_status
from registry.requests.queries import request_query

CREATED = date(2026, 9, 30)  # the day before National Day


@pytest.fixture()
def profile_name() -> str:
    return "binzhou"


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


def _demand(ctx, world, who="county_compiler", **overrides):
    values = {"description": "需要本市户籍人口的身份信息，用于企业开办核验", "fields": ["身份证号", "姓名"],
              "purpose": "企业开办时核验法定代表人身份", "legal_basis": "《优化营商环境条例》",
              "scenario": "企业开办一网通办", **overrides}
    requester = world.people.users[who].organisation
    return create_demand(world.as_(ctx, who), requester, values, today=CREATED)


def _seen(ctx, world, who, demand) -> bool:
    query = request_query(world.as_(ctx, who), "demand", visible(world.as_(ctx, who)), state="all")
    return demand.id in {r.id for r in ctx.session.scalars(query)}


def test_county_demand_goes_county_city_provider_and_is_fulfilled(ctx, world):
    orgs = world.people.orgs
    demand = _demand(ctx, world)
    assert (demand.state, demand.stage, demand.organisation, demand.requester) == ("open", "county", orgs.county, orgs.county_dept)
    assert demand.due_at is None  # the provider's clock starts when the demand reaches it
    assert demand.data["suggestions"][0]["code"] == world.residents.code

    act(world.as_(ctx, "county_reviewer"), demand, "forward", "已汇总", today=CREATED)
    assert (demand.stage, demand.organisation) == ("city", orgs.city)

    act(world.as_(ctx, "city_reviewer"), demand, "assign", provider=orgs.other_dept.code, today=CREATED)
    assert (demand.stage, demand.organisation, demand.due_at) == ("answer", orgs.other_dept, date(2026, 10, 10))

    act(world.as_(ctx, "other_compiler"), demand, "accept", "可以汇聚到平台", today=CREATED)
    assert (demand.stage, demand.due_at) == ("deliver", date(2026, 11, 3))

    act(world.as_(ctx, "other_compiler"), demand, "fulfil", items=[world.residents.code])
    assert demand.state == "fulfilled" and demand.closed_at is not None and demand.item == world.residents
    assert demand.data["fulfilled_items"] == [{"code": world.residents.code, "name": "户籍人口信息"}]
    assert [e.action for e in demand.events if e.kind == "action"] == ["forward", "assign", "accept", "fulfil"]


def test_a_city_department_skips_the_county(ctx, world):
    demand = _demand(ctx, world, who="compiler")
    assert (demand.stage, demand.organisation) == ("city", world.people.orgs.city)
    assert not may_act(world.as_(ctx, "county_reviewer"), demand, "forward")
    assert [a.name for a in available_actions(world.as_(ctx, "city_reviewer"), demand)] == ["return", "assign", "unmatch"]


def test_only_the_right_people_act_at_each_stage(ctx, world):
    orgs = world.people.orgs
    with pytest.raises(PermissionDenied, match="只能为本单位"):
        create_demand(world.as_(ctx, "other_compiler"), orgs.dept, {"description": "x", "purpose": "y"})
    demand = _demand(ctx, world)
    with pytest.raises(PermissionDenied, match="不在您所在县"):
        act(world.as_(ctx, "other_county_reviewer"), demand, "forward")
    with pytest.raises(PermissionDenied):
        act(world.as_(ctx, "county_compiler"), demand, "forward")
    with pytest.raises(ConflictError, match="不能报送市级|不能确认"):
        act(world.as_(ctx, "city_reviewer"), demand, "assign", provider=orgs.other_dept.code)  # still at the county
    act(world.as_(ctx, "county_reviewer"), demand, "forward")
    with pytest.raises(PermissionDenied, match="市级审核员或数据主管部门"):
        act(world.as_(ctx, "county_reviewer"), demand, "assign", provider=orgs.other_dept.code)
    act(world.as_(ctx, "authority"), demand, "assign", provider=orgs.other_dept.code)
    with pytest.raises(PermissionDenied, match="数据提供方"):
        act(world.as_(ctx, "compiler"), demand, "accept")  # a compiler, but not the provider's
    assert not may_act(world.as_(ctx, "county_compiler"), demand, "accept")

    # Who sees it: requester, its county, the city, the provider it reached — not the other county or department.
    for who in ("county_compiler", "county_reviewer", "city_reviewer", "authority", "other_compiler"):
        assert _seen(ctx, world, who, demand), who
    for who in ("other_county_reviewer", "other_county_compiler", "compiler", "audit_admin"):
        assert not _seen(ctx, world, who, demand), who


def test_refusals_need_a_reason(ctx, world):
    demand = _demand(ctx, world)
    with pytest.raises(ValidationError, match="退回必须填写理由"):
        act(world.as_(ctx, "county_reviewer"), demand, "return", "  ")
    act(world.as_(ctx, "county_reviewer"), demand, "forward")
    with pytest.raises(ValidationError, match="必须填写理由"):
        act(world.as_(ctx, "city_reviewer"), demand, "unmatch")
    act(world.as_(ctx, "city_reviewer"), demand, "assign", provider=world.people.orgs.other_dept.code)
    with pytest.raises(ValidationError, match="无法满足必须填写理由"):
        act(world.as_(ctx, "other_compiler"), demand, "decline", "")
    act(world.as_(ctx, "other_compiler"), demand, "decline", "该数据未电子化，无法汇聚")
    assert demand.state == "declined" and demand.decision_reason == "该数据未电子化，无法汇聚"
    assert ctx.session.scalars(request_query(ctx, "demand", unmatched(), state="all")).all() == [demand]


def test_the_form_names_each_problem_in_chinese(ctx, world):
    with pytest.raises(ValidationError) as refused:
        _demand(ctx, world, description=" ", purpose="", emergency=True, scenario="", provider="NOPE")
    fields = {e.field for e in refused.value.errors}
    assert fields == {"description", "purpose", "scenario"}
    with pytest.raises(ValidationError, match="没有代码为“NOPE”的机构"):
        _demand(ctx, world, provider="NOPE")
    with pytest.raises(ValidationError, match="不能是需求部门自己"):
        _demand(ctx, world, who="compiler", provider=world.people.orgs.unit.code)


def test_city_names_a_provider_or_marks_the_demand_unmatched(ctx, world):
    orgs = world.people.orgs
    demand = _demand(ctx, world, who="compiler", description="需要全市桥梁健康监测数据", fields=["桥梁编号", "挠度"])
    assert demand.data["suggestions"] == [] and demand.data["matched"] is False
    assert demand in ctx.session.scalars(request_query(ctx, "demand", unmatched())).all()
    with pytest.raises(ValidationError, match="须指定目标提供方"):
        act(world.as_(ctx, "city_reviewer"), demand, "assign")
    act(world.as_(ctx, "city_reviewer"), demand, "unmatch", "全市尚无部门采集桥梁监测数据")
    assert demand.state == "unmatched"

    other = _demand(ctx, world, who="compiler")
    with pytest.raises(PermissionDenied):
        set_provider(world.as_(ctx, "other_compiler"), other, orgs.other_dept)
    set_provider(world.as_(ctx, "city_reviewer"), other, orgs.other_dept)
    assert other.data["provider"]["code"] == orgs.other_dept.code


def test_picking_a_suggestion_sets_the_provider_and_the_item(ctx, world):
    demand = _demand(ctx, world)
    pick_suggestion(world.as_(ctx, "county_compiler"), demand, world.residents.code)
    assert demand.item == world.residents and demand.data["provider"]["code"] == world.people.orgs.other_dept.code
    with pytest.raises(ValidationError, match="已发布目录条目"):
        pick_suggestion(world.as_(ctx, "county_compiler"), demand, world.draft.code)
    act(world.as_(ctx, "county_reviewer"), demand, "forward")
    act(world.as_(ctx, "city_reviewer"), demand, "assign")  # the picked provider is the target
    assert demand.organisation == world.people.orgs.other_dept
    act(world.as_(ctx, "other_compiler"), demand, "accept")
    with pytest.raises(ValidationError, match="不属于提供方"):
        act(world.as_(ctx, "other_compiler"), demand, "fulfil", items=[world.licences.code])
    with pytest.raises(ValidationError, match="请填写提供数据的目录条目"):
        act(world.as_(ctx, "other_compiler"), demand, "fulfil")


def test_the_requester_may_withdraw(ctx, world):
    demand = _demand(ctx, world)
    with pytest.raises(PermissionDenied):
        act(world.as_(ctx, "compiler"), demand, "withdraw")
    act(world.as_(ctx, "county_compiler"), demand, "withdraw", "需求已通过其他渠道满足")
    assert demand.state == "withdrawn"


def test_counties_aggregate_by_department_and_the_city_by_county(ctx, world):
    _demand(ctx, world)
    declined = _demand(ctx, world, description="需要企业登记信息", fields=["企业名称"])
    _demand(ctx, world, who="other_county_compiler", description="需要户籍信息", fields=["姓名"])
    _demand(ctx, world, who="compiler", description="需要户籍地址", fields=["户籍地址"])
    act(world.as_(ctx, "county_reviewer"), declined, "return", "请补充用途")

    kind, groups = aggregate(world.as_(ctx, "county_reviewer"))
    assert kind == "department"
    assert [(g.org.name, g.total, g.counts["open"], g.counts["returned"]) for g in groups] == [("南召县市场监督管理局", 2, 1, 1)]

    kind, groups = aggregate(world.as_(ctx, "city_reviewer"))
    assert kind == "county"
    assert [(g.org.name if g.org else "市直部门", g.total) for g in groups] == [("市直部门", 1), ("南召县", 2), ("方城县", 1)]


def test_emergency_demands_take_the_emergency_actions(ctx, world):
    demand = _demand(ctx, world, who="compiler", emergency="on", scenario="防汛应急：转移安置群众身份核验")
    assert demands.is_emergency(demand)
    assert [a.name for a in available_actions(world.as_(ctx, "city_reviewer"), demand)] == ["return", "assign_emergency", "unmatch"]
    act(world.as_(ctx, "city_reviewer"), demand, "assign", provider=world.people.orgs.other_dept.code, today=CREATED)
    assert demand.events[-1].action == "assign_emergency" and demand.due_at == date(2026, 10, 8)
    assert due_status(ctx, demand, today=date(2026, 10, 9)) == "overdue"
    with pytest.raises(ConflictError):
        act(world.as_(ctx, "other_compiler"), _demand(ctx, world, who="compiler"), "accept_emergency")
