"""开放数据申请 through the service layer: filing, answering, the one extension, fuzhou's review stage."""
from __future__ import annotations

from datetime import date

import pytest
from feedback_world import make_world

from registry.core.errors import ConflictError, PermissionDenied, ValidationError
from registry.feedback.operations import (
    act,
    actions_for,
    answers,
    file_request,
    get_feedback,
)
from registry.requests.engine import due_status
from registry.requests.models import RequestEvent

BEFORE_NATIONAL_DAY = date(2026, 9, 30)


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


def _ask(world, ctx, who="other_compiler", **values):
    values = {"item_code": world.item.code, "description": "请开放企业登记信息的成立日期字段", "purpose": "营商环境分析", **values}
    return file_request(world.as_(ctx, who), "open_request", values, today=BEFORE_NATIONAL_DAY)


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_nanyang_request_is_extended_once_then_granted(world, ctx):
    req = _ask(world, ctx)
    assert (req.state, req.stage) == ("open", "answer")
    assert req.organisation is world.orgs.dept and req.requester is world.orgs.other_dept
    assert req.due_at == date(2026, 10, 20)

    with pytest.raises(PermissionDenied, match="只有数据提供部门可以答复此申请"):
        act(world.as_(ctx, "other_compiler"), req, "grant", answer="已开放")
    with pytest.raises(ValidationError, match="延期必须说明理由"):
        act(world.as_(ctx, "compiler"), req, "extend", reason=" ")
    act(world.as_(ctx, "compiler"), req, "extend", reason="数据需脱敏处理，经局主要负责人同意延期")
    assert req.due_at == date(2026, 11, 3)
    assert "extend" not in [a.name for a in actions_for(world.as_(ctx, "compiler"), req)]
    with pytest.raises(ConflictError, match="答复期限只能延长一次"):
        act(world.as_(ctx, "compiler"), req, "extend", reason="再延一次")
    assert due_status(ctx, req, today=date(2026, 11, 3)) != "overdue"
    assert due_status(ctx, req, today=date(2026, 11, 4)) == "overdue"

    with pytest.raises(ValidationError, match="答复内容：同意时须说明开放或更正了什么"):
        act(world.as_(ctx, "compiler"), req, "grant")
    act(world.as_(ctx, "compiler"), req, "grant", answer="成立日期字段已列入开放目录，经开放平台无条件开放")
    assert req.state == "granted" and req.closed_at is not None and due_status(ctx, req) is None
    assert req.decision_reason == "成立日期字段已列入开放目录，经开放平台无条件开放"
    assert [(a["stage"], a["decision"]) for a in answers(req)] == [("answer", "grant")]
    assert [e.action for e in req.events] == ["extend", "grant"]
    # nanyang has no review of an answer (that is fuzhou §24).
    with pytest.raises(ConflictError, match="本辖区没有规定对答复的复核"):
        act(world.as_(ctx, "other_compiler"), req, "request_review", reason="不服")


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_a_refusal_needs_a_reason(world, ctx):
    req = _ask(world, ctx)
    with pytest.raises(ValidationError, match="不予开放必须填写理由"):
        act(world.as_(ctx, "compiler"), req, "refuse", reason="  ")
    act(world.as_(ctx, "compiler"), req, "refuse", reason="涉及商业秘密，依据《政府信息公开条例》第十五条不予开放")
    assert req.state == "refused" and answers(req)[0]["text"].startswith("涉及商业秘密")
    with pytest.raises(ConflictError, match="不能同意开放"):
        act(world.as_(ctx, "compiler"), req, "grant", answer="改为开放")


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_staff_record_a_member_of_the_public_with_only_name_and_contact(world, ctx):
    with pytest.raises(ValidationError) as error:
        _ask(world, ctx, "compiler", applicant_kind="public", applicant_name="王小明")
    assert error.value.by_field() == {"applicant_contact": ["请填写联系方式，以便送达答复"]}
    req = _ask(world, ctx, "compiler", applicant_kind="public", applicant_name="王小明", applicant_contact="13800000000",
               applicant_id_number="411302199001011234")
    assert req.requester is None
    assert req.data["requester_name"] == "王小明" and req.data["requester_contact"] == "13800000000"
    assert "411302199001011234" not in str(req.data)  # nothing beyond what the answer needs is kept
    with pytest.raises(PermissionDenied, match="只有工作人员可以代社会公众登记申请"):
        _ask(world, ctx, "system_admin", applicant_kind="public", applicant_name="李四", applicant_contact="li@example.cn")


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_a_request_about_no_item_goes_to_the_data_authority(world, ctx):
    req = file_request(world.as_(ctx, "county_compiler"), "open_request", {"description": "希望开放全市公交站点位置数据"},
                       today=BEFORE_NATIONAL_DAY)
    assert req.organisation is world.orgs.city and req.item is None
    assert req.title == "开放数据申请：希望开放全市公交站点位置数据"
    with pytest.raises(PermissionDenied):
        act(world.as_(ctx, "compiler"), req, "grant", answer="已开放")
    act(world.as_(ctx, "authority"), req, "refuse", reason="全市公交站点数据尚未编目，已转交交通运输局编目后开放")
    assert req.state == "refused"


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_filing_names_the_wrong_fields_in_chinese(world, ctx):
    with pytest.raises(ValidationError) as error:
        file_request(world.as_(ctx, "compiler"), "open_request", {"item_code": "不存在的代码", "description": ""})
    assert error.value.by_field() == {"item_code": ["没有代码为“不存在的代码”的目录条目"],
                                      "description": ["请说明申请开放的数据"]}
    assert "申请开放的数据：请说明申请开放的数据" in str(error.value)


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_the_requester_may_withdraw_but_nobody_else(world, ctx):
    req = _ask(world, ctx)
    with pytest.raises(PermissionDenied, match="只有申请方可以撤回或申请复核"):
        act(world.as_(ctx, "county_compiler"), req, "withdraw")
    act(world.as_(ctx, "other_compiler"), req, "withdraw")
    assert req.state == "withdrawn"


@pytest.mark.parametrize("profile_name", ["fuzhou"])
def test_fuzhou_answer_then_the_authority_reviews_it(world, ctx):
    req = _ask(world, ctx)
    assert req.due_at == date(2026, 11, 3)  # 20 working days (fuzhou §24)
    with pytest.raises(ConflictError, match="本辖区没有规定可以延长答复期限"):
        act(world.as_(ctx, "compiler"), req, "extend", reason="延期")
    act(world.as_(ctx, "compiler"), req, "refuse", reason="该数据属于授权开放类，须向市大数据委申请", today=BEFORE_NATIONAL_DAY)
    assert req.state == "refused"

    with pytest.raises(PermissionDenied, match="只有申请方可以撤回或申请复核"):
        act(world.as_(ctx, "county_compiler"), req, "request_review", reason="不服")
    with pytest.raises(ValidationError, match="申请复核必须填写理由"):
        act(world.as_(ctx, "other_compiler"), req, "request_review", reason="")
    act(world.as_(ctx, "other_compiler"), req, "request_review", reason="本单位属于可申请授权开放的对象", today=BEFORE_NATIONAL_DAY)
    assert (req.state, req.stage, req.closed_at) == ("open", "review", None)
    assert req.due_at == date(2026, 11, 3)  # 20 working days from the day the review was asked
    assert due_status(ctx, req, today=date(2026, 11, 4)) == "overdue"

    with pytest.raises(PermissionDenied, match="只有数据主管部门可以复核答复"):
        act(world.as_(ctx, "compiler"), req, "grant", answer="同意")
    act(world.as_(ctx, "authority"), req, "grant", answer="复核认为申请方符合授权开放条件，已授权开放")
    assert req.state == "granted"
    assert [(a["stage"], a["decision"]) for a in answers(req)] == [("answer", "refuse"), ("review", "grant")]
    with pytest.raises(ConflictError, match="复核结果是最终答复"):
        act(world.as_(ctx, "other_compiler"), req, "request_review", reason="再复核")


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_who_sees_a_request(world, ctx):
    req = _ask(world, ctx)
    for name in ("compiler", "other_compiler", "authority"):
        assert get_feedback(world.as_(ctx, name), "open_request", req.id) is req
    for name in ("county_compiler", "county_reviewer", "system_admin"):
        with pytest.raises(Exception, match="没有编号为"):
            get_feedback(world.as_(ctx, name), "open_request", req.id)
    assert ctx.session.query(RequestEvent).filter_by(request_id=req.id).count() == 0
