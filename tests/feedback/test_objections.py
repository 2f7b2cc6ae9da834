"""异议 through the service layer: about an open catalog entry (nanyang §45) or about an answer."""
from __future__ import annotations

from datetime import date

import pytest
from feedback_world import make_world

from registry.core.errors import ConflictError, PermissionDenied, ValidationError
from registry.feedback.operations import act, file_request

BEFORE_SPRING_FESTIVAL = date(2026, 2, 13)


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_an_objection_to_an_entry_is_answered_by_its_producer(world, ctx):
    objection = file_request(world.as_(ctx, "county_compiler"), "objection", {
        "item_code": world.item.code, "target": "open_type", "description": "该资源不含个人信息，应为无条件开放",
        "evidence": "见资源摘要"}, today=BEFORE_SPRING_FESTIVAL)
    assert objection.organisation is world.orgs.dept and objection.data["target"] == "open_type"
    assert objection.title == f"异议：{world.item.name}（{world.item.code}） · 开放类型"
    with pytest.raises(PermissionDenied):
        act(world.as_(ctx, "county_compiler"), objection, "grant", answer="自己同意")
    act(world.as_(ctx, "compiler"), objection, "extend", reason="须提请市级数据主管部门变更开放目录，经局长同意延期")
    with pytest.raises(ConflictError, match="答复期限只能延长一次"):
        act(world.as_(ctx, "compiler"), objection, "extend", reason="再次延期")
    act(world.as_(ctx, "compiler"), objection, "grant", answer="同意更正，已提请市级数据主管部门将开放类型改为无条件开放")
    assert objection.state == "granted"
    assert objection.events[-1].text.startswith("同意更正")


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_an_objection_to_an_answer_goes_to_whoever_answered(world, ctx):
    asked = file_request(world.as_(ctx, "county_compiler"), "open_request", {"description": "请开放全市公交站点"})
    with pytest.raises(ValidationError, match="该申请尚未答复"):
        file_request(world.as_(ctx, "county_compiler"), "objection", {"about_request": asked.id, "description": "不服"})
    act(world.as_(ctx, "authority"), asked, "refuse", reason="尚未编目")
    objection = file_request(world.as_(ctx, "county_compiler"), "objection",
                             {"about_request": asked.id, "description": "交通运输局已有站点数据，应当开放"})
    assert objection.organisation is world.orgs.city and objection.data["about_request"] == asked.id
    assert objection.title == "异议：交通运输局已有站点数据，应当开放"


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_an_objection_names_what_it_is_about(world, ctx):
    with pytest.raises(ValidationError) as error:
        file_request(world.as_(ctx, "compiler"), "objection", {"description": "有误"})
    assert error.value.by_field() == {"item_code": ["请填写所涉目录条目代码，或所涉答复的编号"]}
    with pytest.raises(ValidationError) as error:
        file_request(world.as_(ctx, "compiler"), "objection", {"about_request": "12345678", "description": "有误"})
    assert error.value.by_field() == {"about_request": ["没有编号为 12345678 的开放数据申请或异议"]}
