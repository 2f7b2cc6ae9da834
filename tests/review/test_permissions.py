"""Every role × review action, allowed and refused, under the three-level binzhou profile."""
from __future__ import annotations

import pytest
from factories import entry
from people import make_people

from registry.catalog.models import ItemStatus
from registry.catalog.operations import create_item, emergency_share_state, update_item
from registry.core.errors import ConflictError, PermissionDenied
from registry.requests.models import Request
from registry.review.operations import (
    acknowledge_filing,
    adjust_share_in_emergency,
    approve,
    comment,
    current_step,
    end_emergency,
    return_for_rework,
    submit_item,
    withdraw_submission,
)

ROLES = ("compiler", "other_compiler", "county_compiler", "county_reviewer", "other_county_reviewer",
         "city_reviewer", "authority", "system_admin", "security_admin", "audit_admin")

#: action → the roles allowed to do it; every other role must be refused.
EXPECTED = {
    "submit city department's draft": {"compiler", "authority"},
    "submit county department's draft": {"county_compiler", "authority"},
    "withdraw a submission": {"county_compiler", "authority"},
    "approve at county level": {"county_reviewer"},
    "return at county level": {"county_reviewer"},
    "approve at city level": {"city_reviewer", "authority"},
    "return at city level": {"city_reviewer", "authority"},
    "approve at authority level": {"authority"},
    "comment at county level": {"county_reviewer", "county_compiler", "authority"},
    "emergency share change": {"compiler", "authority"},
    "acknowledge an emergency filing": {"authority"},
}

EMERGENCY = {"share_type": "conditional", "share_condition": "仅限疫情防控指挥部使用", "share_basis": "《突发事件应对法》第五十四条"}


@pytest.fixture()
def world(ctx):
    people = make_people(ctx)
    orgs = people.orgs

    def draft(who, provider, name):
        return create_item(people.as_(ctx, who), entry(provider, name=name)).item

    def publish(who, item):
        submit_item(people.as_(ctx, who), item)
        while item.status is not ItemStatus.PUBLISHED:
            step = current_step(ctx, item)
            approve(people.as_(ctx, {"county": "county_reviewer", "city": "city_reviewer", "authority": "authority"}[step.level]), step)
        return item

    county_draft = draft("county_compiler", orgs.county_dept, "县级草稿")
    city_draft = draft("compiler", orgs.dept, "市级草稿")
    county_step = submit_item(people.as_(ctx, "county_compiler"), draft("county_compiler", orgs.county_dept, "县级送审"))
    city_step = submit_item(people.as_(ctx, "compiler"), draft("compiler", orgs.dept, "市级送审"))
    changed = publish("county_compiler", draft("county_compiler", orgs.county_dept, "待主管部门批准的变更"))
    update_item(people.as_(ctx, "county_compiler"), changed, {"summary": changed.summary + "补充。"})
    step = approve(people.as_(ctx, "county_reviewer"), current_step(ctx, changed))
    authority_step = approve(people.as_(ctx, "city_reviewer"), step)
    published = publish("compiler", draft("compiler", orgs.dept, "已发布的市级条目"))
    emergency = publish("compiler", draft("compiler", orgs.dept, "已应急调整的条目"))
    filing = adjust_share_in_emergency(people.as_(ctx, "compiler"), emergency, EMERGENCY, "突发公共卫生事件")
    assert authority_step.level == "authority"

    return people, {
        "submit city department's draft": lambda c: submit_item(c, city_draft),
        "submit county department's draft": lambda c: submit_item(c, county_draft),
        "withdraw a submission": lambda c: withdraw_submission(c, county_step.item),
        "approve at county level": lambda c: approve(c, county_step),
        "return at county level": lambda c: return_for_rework(c, county_step, "不完整"),
        "approve at city level": lambda c: approve(c, city_step),
        "return at city level": lambda c: return_for_rework(c, city_step, "不完整"),
        "approve at authority level": lambda c: approve(c, authority_step),
        "comment at county level": lambda c: comment(c, county_step, "请补充共享依据", "share_basis"),
        "emergency share change": lambda c: adjust_share_in_emergency(c, published, EMERGENCY, "突发公共卫生事件"),
        "acknowledge an emergency filing": lambda c: acknowledge_filing(c, filing),
    }


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_each_role_may_do_exactly_what_its_permissions_declare(world, ctx):
    people, actions = world
    allowed: dict[str, set[str]] = {action: set() for action in actions}
    for action, run in actions.items():
        for role in ROLES:
            savepoint = ctx.session.begin_nested()
            try:
                run(people.as_(ctx, role))
                allowed[action].add(role)
            except PermissionDenied:
                pass
            finally:
                savepoint.rollback()
    assert allowed == EXPECTED


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_an_emergency_share_change_applies_at_once_is_filed_and_can_be_ended(world, ctx):
    people, _ = world
    item = create_item(people.as_(ctx, "compiler"), entry(people.orgs.dept, name="应急调整测试")).item
    submit_item(people.as_(ctx, "compiler"), item)
    approve(people.as_(ctx, "city_reviewer"), current_step(ctx, item))
    version = item.version
    filing = adjust_share_in_emergency(people.as_(ctx, "compiler"), item, EMERGENCY, "突发公共卫生事件")
    assert item.share_type.value == "conditional" and item.status is ItemStatus.PUBLISHED and item.version == version + 1
    assert emergency_share_state(item)["previous"]["share_type"] == "unconditional"
    assert filing.type == "emergency_filing" and filing.state == "open"
    end_emergency(people.as_(ctx, "compiler"), item, "事件结束")
    assert item.share_type.value == "unconditional" and emergency_share_state(item) is None
    assert [c.reason for c in item.changes][-2:] == ["应急临时调整：突发公共卫生事件", "结束应急调整：事件结束"]


def test_profiles_without_the_emergency_rule_refuse_it(ctx):
    people = make_people(ctx)
    item = create_item(people.as_(ctx, "compiler"), entry(people.orgs.dept)).item
    submit_item(people.as_(ctx, "compiler"), item)
    approve(people.as_(ctx, "city_reviewer"), current_step(ctx, item))
    with pytest.raises(ConflictError, match="未规定应急临时调整"):
        adjust_share_in_emergency(people.as_(ctx, "compiler"), item, EMERGENCY, "演练")
    assert ctx.session.query(Request).filter_by(type="emergency_filing").count() == 0
