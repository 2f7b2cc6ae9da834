"""数据纠错 through the service layer: verify → fix → corrected, rejection, reassignment, who may do what."""
from __future__ import annotations

from datetime import date

import pytest
from factories import entry
from feedback_world import make_world

from registry.catalog.operations import create_item, update_item
from registry.core.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from registry.feedback.operations import (
    act,
    actions_for,
    answers,
    file_request,
    get_feedback,
    target_choices,
)
from registry.requests.engine import due_status

BEFORE_NATIONAL_DAY = date(2026, 9, 30)
ON_DAY = {"description": "企业名称与营业执照不一致：某公司名称缺少“有限”二字", "evidence": "营业执照扫描件编号 2026-0931"}


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


def _report(world, ctx, who="county_compiler", **values):
    return file_request(world.as_(ctx, who), "correction",
                        {"item_code": world.item.code, "target": "信息项:企业名称", **ON_DAY, **values}, today=BEFORE_NATIONAL_DAY)


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_confirmed_then_corrected_at_the_source(world, ctx):
    ticket = _report(world, ctx)
    assert (ticket.state, ticket.stage, ticket.due_at) == ("open", "verify", date(2026, 10, 13))
    assert ticket.organisation is world.orgs.dept and ticket.requester is world.orgs.county_dept
    assert ticket.title == f"数据纠错：{world.item.name}（{world.item.code}） · 信息项：企业名称"

    with pytest.raises(PermissionDenied, match="只有数据生产部门可以核实和更正纠错工单"):
        act(world.as_(ctx, "other_compiler"), ticket, "confirm")
    with pytest.raises(PermissionDenied):
        act(world.as_(ctx, "authority"), ticket, "confirm")
    with pytest.raises(ConflictError, match="不能确认已更正"):
        act(world.as_(ctx, "compiler"), ticket, "fix", answer="已更正")
    act(world.as_(ctx, "compiler"), ticket, "confirm", reason="核实属实", today=date(2026, 10, 9))
    assert (ticket.state, ticket.stage) == ("open", "fix")
    assert ticket.due_at == date(2026, 10, 22)  # 10 working days from the day it was confirmed

    fixed = update_item(world.as_(ctx, "compiler"), world.item, {"summary": world.item.summary + "企业名称已按执照更正。"})
    with pytest.raises(ValidationError, match="答复内容：须说明在数据源头更正了什么"):
        act(world.as_(ctx, "compiler"), ticket, "fix")
    with pytest.raises(ValidationError, match="关联变更"):
        act(world.as_(ctx, "compiler"), ticket, "fix", answer="已更正", change_id=999999)
    act(world.as_(ctx, "compiler"), ticket, "fix", answer="已在登记系统中更正该企业名称并重新汇聚", change_id=fixed.change.id)
    assert ticket.state == "corrected" and ticket.change is fixed.change and due_status(ctx, ticket) is None
    assert [e.action for e in ticket.events] == ["confirm", "fix"]
    assert answers(ticket)[-1]["text"] == "已在登记系统中更正该企业名称并重新汇聚"


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_a_rejection_needs_a_reason(world, ctx):
    ticket = _report(world, ctx)
    with pytest.raises(ValidationError, match="不予更正必须填写理由"):
        act(world.as_(ctx, "compiler"), ticket, "reject", reason="")
    act(world.as_(ctx, "compiler"), ticket, "reject", reason="经核实，名称与登记机关记载一致")
    assert ticket.state == "refused" and ticket.decision_reason == "经核实，名称与登记机关记载一致"
    assert actions_for(world.as_(ctx, "compiler"), ticket) == []


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_the_authority_reassigns_to_the_real_producer(world, ctx):
    ticket = _report(world, ctx)
    with pytest.raises(PermissionDenied, match="只有数据主管部门可以转交纠错工单"):
        act(world.as_(ctx, "compiler"), ticket, "reassign", organisation=world.orgs.other_dept.code, reason="不是我们的数据")
    with pytest.raises(ValidationError, match="转交必须说明理由"):
        act(world.as_(ctx, "authority"), ticket, "reassign", organisation=world.orgs.other_dept.code, reason="")
    with pytest.raises(ValidationError, match="转交部门：该工单已由此部门办理"):
        act(world.as_(ctx, "authority"), ticket, "reassign", organisation=world.orgs.dept.code, reason="重复")
    act(world.as_(ctx, "authority"), ticket, "reassign", organisation=world.orgs.other_dept.code,
        reason="该字段由公安局采集", today=date(2026, 10, 9))
    assert ticket.organisation is world.orgs.other_dept and ticket.stage == "verify"
    assert ticket.due_at == date(2026, 10, 15)  # the new producer's 5 working days start the day it receives it
    assert ticket.events[-1].text == "由南阳市市场监督管理局转交南阳市公安局：该字段由公安局采集"
    with pytest.raises(PermissionDenied):
        act(world.as_(ctx, "compiler"), ticket, "confirm")
    act(world.as_(ctx, "other_compiler"), ticket, "confirm", today=date(2026, 10, 9))
    assert ticket.stage == "fix"


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_anyone_signed_in_may_file_and_sees_their_own(world, ctx):
    ticket = _report(world, ctx, "system_admin")
    assert get_feedback(world.as_(ctx, "system_admin"), "correction", ticket.id) is ticket
    assert get_feedback(world.as_(ctx, "compiler"), "correction", ticket.id) is ticket  # the producer
    assert get_feedback(world.as_(ctx, "authority"), "correction", ticket.id) is ticket  # the authority sees all
    for name in ("other_compiler", "county_compiler", "county_reviewer"):
        with pytest.raises(NotFound):
            get_feedback(world.as_(ctx, name), "correction", ticket.id)
    act(world.as_(ctx, "system_admin"), ticket, "withdraw")
    assert ticket.state == "withdrawn"


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_a_report_needs_an_item_a_description_and_evidence(world, ctx):
    with pytest.raises(ValidationError) as error:
        file_request(world.as_(ctx, "compiler"), "correction", {"target": "没有这个元素"})
    assert error.value.by_field() == {"item_code": ["请填写目录条目代码"], "target": ["“没有这个元素”不是该条目的元素或信息项"],
                                      "description": ["请简洁、准确地描述问题"], "evidence": ["请附佐证材料（说明或链接）"]}
    draft = create_item(world.as_(ctx, "compiler"), entry(world.orgs.dept, name="草稿条目")).item
    with pytest.raises(ValidationError, match="尚未发布（当前为“草稿”）"):
        file_request(world.as_(ctx, "compiler"), "correction", {"item_code": draft.code, "description": "x", "evidence": "y"})
    assert ("信息项:成立日期", "信息项：成立日期") in target_choices(world.item)
    assert ("summary", "信息资源摘要") in target_choices(world.item)


def test_without_a_deadline_in_the_profile_there_is_no_due_date(world, ctx):
    ticket = _report(world, ctx)  # national: no correction_verify
    assert ticket.due_at is None and due_status(ctx, ticket, today=date(2027, 1, 1)) is None
    act(world.as_(ctx, "compiler"), ticket, "confirm")
    assert ticket.stage == "fix" and ticket.due_at is None
