"""Share requests through the service layer: asking, the provider's answer, the authority's coordination."""
from __future__ import annotations

import pytest
from share_world import ask, make_world
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.catalog.operations import create_item
from registry.core.errors import ConflictError, PermissionDenied, ValidationError
from registry.core.localtime import local_today
from registry.requests.models import Request
from registry.sharing.operations import (
    approve,
    available_actions,
    carry_action,
    may_act,
    object_to_refusal,
    refuse,
    uphold_refusal,
    withdraw,
)
from registry.sharing.queries import sees_request, visible_requests
from registry.sharing.uses import record_use


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


def _messages(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.by_field()


def _tags(ctx, request_id: int) -> list[str]:
    return list(ctx.session.scalars(select(AuditEvent.tag).where(AuditEvent.object_type == "request",
                                                                 AuditEvent.object_id == str(request_id)).order_by(AuditEvent.id)))


def test_a_request_is_approved_with_users_fields_and_mode_and_its_uses_are_logged(world, ctx):
    req = ask(world, ctx)
    assert (req.type, req.state, req.stage) == ("share_request", "open", "provider")
    assert req.organisation is world.orgs["dept"] and req.requester is world.orgs["other_dept"]
    assert req.item is world.conditional and req.data["fields"] == ["统一社会信用代码", "企业名称"]
    assert req.due_at == ctx.calendar.add_workdays(local_today(), 10)  # national: 10 working days
    assert [a.name for a in available_actions(world.as_(ctx, "provider"), req)] == ["approve", "refuse"]
    assert [a.name for a in available_actions(world.as_(ctx, "requester"), req)] == ["withdraw"]

    approve(world.as_(ctx, "provider"), req, fields=["企业名称"], mode="共享平台方式:接口", users="张三\n李四，张三",
            comment="同意，仅限案件办理")
    assert req.state == "approved" and req.closed_at is not None and req.decided_by is world.users["provider"]
    approval = req.data["approval"]
    assert approval["fields"] == ["企业名称"] and approval["users"] == ["张三", "李四"]
    assert approval["mode"] == {"class": "platform", "type": "api", "label": "共享平台方式 · 接口"}
    assert approval["organisation"]["name"] == "南阳市公安局" and approval["by"] == "provider" and approval["stage"] == "provider"
    assert req.data["purpose"] == "核查涉案企业登记状态"  # what was asked stays beside what was approved

    use = record_use(world.as_(ctx, "requester"), req, {"purpose": "核验涉案企业名称", "user_name": "张三",
                                                        "fields": "企业名称", "medium": "网络传输"})
    assert (use.organisation, use.item, use.method, use.approver_name) == (world.orgs["other_dept"], world.conditional, "api", "provider")
    assert _tags(ctx, req.id) == ["share_request:open", "share_request:approve", "share_request:grant"]
    grant = ctx.session.scalar(select(AuditEvent).where(AuditEvent.tag == "share_request:grant"))
    assert grant.data["fields"] == ["企业名称"] and grant.data["users"] == ["张三", "李四"]
    assert ctx.session.scalar(select(AuditEvent.tag).where(AuditEvent.object_type == "share_use")) == "share_use:record"


def test_approval_takes_only_asked_fields_and_a_mode_of_the_profile(world, ctx):
    req = ask(world, ctx)
    provider = world.as_(ctx, "provider")
    with pytest.raises(ValidationError) as exc:
        approve(provider, req, fields=["企业名称", "成立日期", "注册资本"], mode="卫星传输")
    errors = _messages(exc)
    assert errors["fields"] == ["信息项“成立日期”不在申请的信息项中", "信息项“注册资本”不在申请的信息项中"]
    assert errors["mode"][0].startswith("“卫星传输”不是本辖区的共享方式，可选：共享平台方式 · 数据库")
    with pytest.raises(ValidationError, match="请至少选择一个信息项"):
        approve(provider, req, fields=[], mode="api")
    with pytest.raises(ValidationError, match="请选择共享方式"):
        approve(provider, req)
    assert req.state == "open"
    approve(provider, req, mode="media")  # all asked fields when none are named; a type alone names its class
    assert req.data["approval"]["fields"] == ["统一社会信用代码", "企业名称"]
    assert req.data["approval"]["mode"]["class"] == "offline" and req.data["approval"]["users"] == []
    with pytest.raises(ConflictError, match="该申请当前为“已同意”，不能同意共享"):
        approve(provider, req, mode="api")


def test_a_refusal_needs_a_reason(world, ctx):
    req = ask(world, ctx)
    with pytest.raises(ValidationError, match="不同意必须填写理由"):
        refuse(world.as_(ctx, "provider"), req, "   ")
    assert req.state == "open"
    refuse(world.as_(ctx, "provider"), req, "申请依据不足，未说明所办案件")
    assert req.state == "refused" and req.decision_reason == "申请依据不足，未说明所办案件"
    assert req.data["refusal"]["reason"] == "申请依据不足，未说明所办案件"
    assert ctx.session.scalar(select(Request.decision_reason).where(Request.id == req.id)) == "申请依据不足，未说明所办案件"


def test_an_objection_goes_to_the_authority_who_approves(world, ctx):
    req = ask(world, ctx)
    refuse(world.as_(ctx, "provider"), req, "无法律依据")
    requester = world.as_(ctx, "requester")
    assert [a.name for a in available_actions(requester, req)] == ["object"]
    assert not may_act(world.as_(ctx, "provider"), req, "object")
    with pytest.raises(ValidationError, match="提请协调必须填写理由"):
        object_to_refusal(requester, req, "")
    object_to_refusal(requester, req, "刑事诉讼法第五十四条规定有关单位应当如实提供证据")
    assert (req.state, req.stage, req.closed_at) == ("open", "coordination", None)
    assert req.due_at is None  # no regulation sets the coordination's time; no profile defines share_request_coordination
    assert req.data["objection"]["reason"].startswith("刑事诉讼法") and req.data["refusal"]["reason"] == "无法律依据"

    with pytest.raises(PermissionDenied, match="提请协调的共享申请由数据主管部门办理"):
        approve(world.as_(ctx, "provider"), req, mode="api")
    with pytest.raises(ConflictError, match="不能不同意"):  # the provider's own refusal step is over
        refuse(world.as_(ctx, "authority"), req, "仍不同意")
    assert [a.name for a in available_actions(world.as_(ctx, "authority"), req)] == ["approve", "uphold", "withdraw"]
    carry_action(world.as_(ctx, "authority"), req, "approve",
                 {"fields": ["统一社会信用代码"], "mode": "platform:api", "users": ["王五"], "reason": "经协调同意"})
    assert req.state == "approved" and req.data["approval"]["stage"] == "coordination"
    assert req.data["approval"]["by"] == "authority" and req.data["approval"]["fields"] == ["统一社会信用代码"]
    assert _tags(ctx, req.id) == ["share_request:open", "share_request:refuse", "share_request:object",
                                  "share_request:approve", "share_request:grant"]


def test_the_authority_may_uphold_the_refusal_which_is_then_final(world, ctx):
    req = ask(world, ctx)
    refuse(world.as_(ctx, "provider"), req, "涉及商业秘密")
    object_to_refusal(world.as_(ctx, "requester"), req, "仅需企业名称")
    authority = world.as_(ctx, "authority")
    with pytest.raises(ValidationError, match="维持不同意必须填写理由"):
        uphold_refusal(authority, req, None)
    with pytest.raises(PermissionDenied, match="数据主管部门"):
        uphold_refusal(world.as_(ctx, "provider"), req, "维持")
    uphold_refusal(authority, req, "经协调，提供单位意见成立")
    assert (req.state, req.decision_reason) == ("refused", "经协调，提供单位意见成立")
    assert req.data["coordination"]["reason"] == "经协调，提供单位意见成立"
    assert available_actions(world.as_(ctx, "requester"), req) == []
    with pytest.raises(ConflictError, match="不能提请协调"):
        object_to_refusal(world.as_(ctx, "requester"), req, "再次提请")


def test_the_requester_withdraws_while_open(world, ctx):
    req = ask(world, ctx)
    with pytest.raises(PermissionDenied, match="您只能以本单位名义申请共享"):
        withdraw(world.as_(ctx, "provider"), req)
    withdraw(world.as_(ctx, "requester"), req, "案件已撤销")
    assert req.state == "withdrawn"
    with pytest.raises(ConflictError, match="该申请当前为“已撤回”，不能同意共享"):
        approve(world.as_(ctx, "provider"), req, mode="api")


def test_only_the_provider_side_decides(world, ctx):
    req = ask(world, ctx)
    for who in ("requester", "county_compiler", "county_reviewer", "city_reviewer", "system_admin"):
        actor = world.as_(ctx, who)
        assert not may_act(actor, req, "approve") and not may_act(actor, req, "refuse")
        with pytest.raises(PermissionDenied, match="只有数据提供单位或数据主管部门可以答复共享申请"):
            approve(actor, req, mode="api")
        with pytest.raises(PermissionDenied):
            refuse(actor, req, "不同意")
    assert req.state == "open" and not req.events
    assert may_act(world.as_(ctx, "authority"), req, "approve")
    refuse(world.as_(ctx, "authority"), req, "主管部门认为不宜共享")
    assert req.state == "refused"


def test_who_may_ask_and_for_whom(world, ctx):
    with pytest.raises(PermissionDenied, match="您只能以本单位名义申请共享"):
        _ask_for(world, ctx, "county_compiler", world.orgs["other_dept"])
    with pytest.raises(PermissionDenied):
        ask(world, ctx, "system_admin")
    with pytest.raises(ValidationError, match="本单位的数据无需申请共享"):
        ask(world, ctx, "provider")
    on_behalf = _ask_for(world, ctx, "authority", world.orgs["county_dept"])
    assert on_behalf.requester is world.orgs["county_dept"] and on_behalf.created_by_id == world.users["authority"].id


def _ask_for(world, ctx, who, requester):
    from registry.sharing.operations import create_share_request

    return create_share_request(world.as_(ctx, who), world.conditional, {
        "fields": "1", "purpose": "核验", "scenario": "窗口办事", "legal_basis": "《行政许可法》", "use_until": "2030-01-01"},
        requester=requester)


def test_the_fields_asked_must_exist_and_be_shareable(world, ctx):
    with pytest.raises(ValidationError) as exc:
        ask(world, ctx, fields=["企业名称", "注册资本", "7", "法定代表人证件号码"])
    assert _messages(exc)["fields"] == [
        "信息项“注册资本”不在该资源的信息项中",
        "序号 7 没有对应的信息项（该资源共 4 个信息项）",
        "信息项“法定代表人证件号码”为不予共享，不能申请",
    ]
    with pytest.raises(ValidationError, match="申请信息项：请至少选择一个信息项"):
        ask(world, ctx, fields=[])
    by_position = ask(world, ctx, fields=["3", 1, "qymc"])  # positions, and the technical name, in the item's order
    assert by_position.data["fields"] == ["统一社会信用代码", "企业名称", "成立日期"]


def test_the_request_states_purpose_scenario_basis_and_period(world, ctx):
    with pytest.raises(ValidationError) as exc:
        ask(world, ctx, purpose=" ", scenario="", legal_basis=None, use_until="明年")
    assert _messages(exc) == {"purpose": ["不能为空"], "scenario": ["不能为空"], "legal_basis": ["不能为空"],
                              "use_until": ["“明年”不是日期，请写成 2027-06-30 的形式"]}
    assert "应用场景：不能为空" in str(exc.value) and "申请依据：不能为空" in str(exc.value)
    with pytest.raises(ValidationError, match="使用期限：不能早于今天"):
        ask(world, ctx, use_until="2020-01-01")


def test_unconditional_not_shared_and_unpublished_items_take_no_request(world, ctx):
    with pytest.raises(ValidationError, match="“企业名录”为无条件共享，可直接通过共享平台获取，无需申请"):
        ask(world, ctx, item=world.unconditional)
    with pytest.raises(ValidationError, match="“企业内部账册”为不予共享，不能申请共享；依据：《中华人民共和国统计法》第九条"):
        ask(world, ctx, item=world.not_shared)
    from factories import entry

    draft = create_item(world.as_(ctx, "provider"), entry(world.orgs["dept"], name="企业年报信息", share_type="conditional",
                                                          share_condition="仅限监管", share_basis="《企业信息公示暂行条例》")).item
    with pytest.raises(ValidationError, match="“企业年报信息”尚未发布（当前为“草稿”），不能申请共享"):
        ask(world, ctx, item=draft)
    assert ctx.session.scalar(select(Request.id).where(Request.type == "share_request")) is None


@pytest.mark.parametrize("profile_name", ["shijiazhuang"])
def test_errors_use_the_profiles_share_labels(world, ctx):
    with pytest.raises(ValidationError, match="“企业名录”为共享类，可直接通过共享平台获取"):
        ask(world, ctx, item=world.unconditional)
    assert ask(world, ctx).due_at == ctx.calendar.add_workdays(local_today(), 5)


@pytest.mark.parametrize("profile_name", ["fuzhou"])
def test_fuzhou_names_refused_sharing_temporary(world, ctx):
    with pytest.raises(ValidationError, match="为暂不共享，不能申请共享"):
        ask(world, ctx, item=world.not_shared)


def test_who_sees_a_request(world, ctx):
    req = ask(world, ctx)
    for who, sees in (("provider", True), ("requester", True), ("authority", True), ("city_reviewer", True),
                      ("county_compiler", False), ("county_reviewer", False), ("system_admin", False)):
        assert sees_request(world.as_(ctx, who), req) is sees, who
    county_side = _ask_for(world, ctx, "county_compiler", world.orgs["county_dept"])
    county = world.as_(ctx, "county_reviewer")
    assert sees_request(county, county_side) and not sees_request(county, req)
    assert visible_requests(world.as_(ctx, "authority")) is None
