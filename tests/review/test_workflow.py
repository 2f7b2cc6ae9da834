"""The review workflow: every state transition, under two- and three-level profiles."""
from __future__ import annotations

from datetime import timedelta

import pytest
from factories import entry
from people import make_people

from registry.catalog.models import ChangeState, ItemStatus
from registry.catalog.operations import create_item, retire_item, update_item
from registry.core.errors import ConflictError, PermissionDenied, ValidationError
from registry.core.localtime import local_today
from registry.requests.engine import count_overdue, due_status
from registry.review.operations import (
    approve,
    current_step,
    decide_many,
    open_steps,
    return_for_rework,
    submit_item,
    withdraw_submission,
)
from registry.review.queries import (
    QueueFilter,
    item_timeline,
    last_return,
    review_queue,
)


@pytest.fixture()
def people(ctx):
    return make_people(ctx)


def _draft(people, ctx, who="county_compiler", provider=None, **overrides):
    provider = provider or (people.orgs.county_dept if who == "county_compiler" else people.orgs.dept)
    return create_item(people.as_(ctx, who), entry(provider, **overrides)).item


def _publish(people, ctx, item, compiler="county_compiler"):
    submit_item(people.as_(ctx, compiler), item)
    while item.status is not ItemStatus.PUBLISHED:
        step = current_step(ctx, item)
        approve(people.as_(ctx, {"county": "county_reviewer", "city": "city_reviewer", "authority": "authority"}[step.level]), step)
    return item


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_county_item_is_returned_fixed_and_approved_by_county_then_city(people, ctx):
    item = _draft(people, ctx)
    step = submit_item(people.as_(ctx, "county_compiler"), item)
    assert item.status is ItemStatus.SUBMITTED and step.level == "county" and step.round == 1
    assert step.due_at == ctx.calendar.add_workdays(local_today(), 5)  # binzhou review_step: 5 working days

    with pytest.raises(ValidationError, match="退回必须填写理由"):
        return_for_rework(people.as_(ctx, "county_reviewer"), step, "  ")
    return_for_rework(people.as_(ctx, "county_reviewer"), step, "共享方式与资源格式不符")
    assert item.status is ItemStatus.DRAFT and step.state == "returned"
    assert last_return(ctx, item).decision_reason == "共享方式与资源格式不符"

    update_item(people.as_(ctx, "county_compiler"), item, {"summary": item.summary + "已按审核意见修改。"})
    second = submit_item(people.as_(ctx, "county_compiler"), item)
    assert second.round == 2 and second.level == "county"

    city_step = approve(people.as_(ctx, "county_reviewer"), second, "县级审核通过")
    assert item.status is ItemStatus.IN_REVIEW and city_step.level == "city" and city_step.round == 2
    assert approve(people.as_(ctx, "city_reviewer"), city_step) is None
    assert item.status is ItemStatus.PUBLISHED and item.published_at is not None
    assert not open_steps(ctx, item)
    whats = [e.what for e in item_timeline(ctx, item)]
    assert any("退回" in w for w in whats) and any("市级审核：审核通过" in w for w in whats)


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_a_city_department_skips_the_county_level(people, ctx):
    item = _draft(people, ctx, "compiler")
    assert submit_item(people.as_(ctx, "compiler"), item).level == "city"


def test_two_level_profiles_send_county_departments_straight_to_the_city(people, ctx):
    item = _draft(people, ctx)  # national: department → city
    assert submit_item(people.as_(ctx, "county_compiler"), item).level == "city"


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_a_change_to_a_published_item_is_reviewed_while_the_published_version_stays(people, ctx):
    item = _publish(people, ctx, _draft(people, ctx))
    result = update_item(people.as_(ctx, "county_compiler"), item, {"name": "企业登记信息（含变更）"}, reason="新增变更记录")
    assert result.pending and item.status is ItemStatus.CHANGE_PENDING and item.name == "企业登记信息"
    step = current_step(ctx, item)
    assert step.change is result.change and step.level == "county"
    city = approve(people.as_(ctx, "county_reviewer"), step)
    assert item.status is ItemStatus.CHANGE_PENDING and item.name == "企业登记信息"
    final = approve(people.as_(ctx, "city_reviewer"), city)  # nanyang §22: the authority reviews updates
    assert final.level == "authority" and item.name == "企业登记信息"
    approve(people.as_(ctx, "authority"), final)
    assert item.status is ItemStatus.PUBLISHED and item.name == "企业登记信息（含变更）"
    assert result.change.state is ChangeState.APPLIED


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_returning_a_change_refuses_it_and_keeps_the_published_version(people, ctx):
    item = _publish(people, ctx, _draft(people, ctx))
    result = update_item(people.as_(ctx, "county_compiler"), item, {"name": "改名"})
    return_for_rework(people.as_(ctx, "county_reviewer"), current_step(ctx, item), "名称不规范")
    assert result.change.state is ChangeState.REJECTED and result.change.decision_reason == "名称不规范"
    assert item.status is ItemStatus.PUBLISHED and item.name == "企业登记信息"


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_binzhou_changes_need_the_authoritys_consent_after_the_city(people, ctx):
    item = _publish(people, ctx, _draft(people, ctx))
    update_item(people.as_(ctx, "county_compiler"), item, {"name": "改名后的企业登记信息"})
    city = approve(people.as_(ctx, "county_reviewer"), current_step(ctx, item))
    final = approve(people.as_(ctx, "city_reviewer"), city)
    assert final.level == "authority" and item.status is ItemStatus.CHANGE_PENDING
    with pytest.raises(PermissionDenied):
        approve(people.as_(ctx, "city_reviewer"), final)
    approve(people.as_(ctx, "authority"), final)
    assert item.name == "改名后的企业登记信息" and item.status is ItemStatus.PUBLISHED


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_retiring_a_published_item_needs_approval(people, ctx):
    item = _publish(people, ctx, _draft(people, ctx))
    retire_item(people.as_(ctx, "county_compiler"), item, "职能划转，不再采集")
    assert item.status is ItemStatus.CHANGE_PENDING
    step = current_step(ctx, item)
    for reviewer in ("county_reviewer", "city_reviewer", "authority"):
        assert step.level == {"county_reviewer": "county", "city_reviewer": "city", "authority": "authority"}[reviewer]
        step = approve(people.as_(ctx, reviewer), step)
    assert item.status is ItemStatus.RETIRED and item.retired_at is not None


def test_a_newer_proposal_replaces_the_one_under_review(people, ctx):
    item = _publish(people, ctx, _draft(people, ctx))
    update_item(people.as_(ctx, "county_compiler"), item, {"name": "第一次修改"})
    first = current_step(ctx, item)
    update_item(people.as_(ctx, "county_compiler"), item, {"name": "第二次修改"})
    assert first.state == "cancelled" and len(open_steps(ctx, item)) == 1
    assert current_step(ctx, item).change.proposal["name"] == "第二次修改"


def test_only_drafts_are_submitted_and_submitted_items_cannot_be_edited(people, ctx):
    item = _draft(people, ctx)
    submit_item(people.as_(ctx, "county_compiler"), item)
    with pytest.raises(ConflictError, match="只有草稿"):
        submit_item(people.as_(ctx, "county_compiler"), item)
    with pytest.raises(ConflictError):
        update_item(people.as_(ctx, "county_compiler"), item, {"name": "提交后修改"})
    withdraw_submission(people.as_(ctx, "county_compiler"), item)
    assert item.status is ItemStatus.DRAFT and not open_steps(ctx, item)


def test_a_decided_step_cannot_be_decided_again(people, ctx):
    item = _draft(people, ctx)
    step = submit_item(people.as_(ctx, "county_compiler"), item)
    approve(people.as_(ctx, "city_reviewer"), step)
    with pytest.raises(ConflictError, match="已通过"):
        return_for_rework(people.as_(ctx, "city_reviewer"), step, "晚了")


def test_bulk_decisions_apply_one_reason_and_report_each_refusal(people, ctx):
    mine = [_draft(people, ctx, name=f"企业登记信息{i}") for i in range(3)]
    steps = [submit_item(people.as_(ctx, "county_compiler"), item) for item in mine]
    other = _draft(people, ctx, "compiler", name="另一个部门的条目")
    other_step = submit_item(people.as_(ctx, "compiler"), other)
    approve(people.as_(ctx, "city_reviewer"), other_step)  # already decided: must fail on its own
    outcome = decide_many(people.as_(ctx, "city_reviewer"), [s.id for s in steps] + [other_step.id, 999999], "return", "统一退回：摘要过简")
    assert len(outcome.done) == 3 and all(i.status is ItemStatus.DRAFT for i in mine)
    assert {s.decision_reason for s in steps} == {"统一退回：摘要过简"}
    assert len(outcome.failed) == 2 and other.status is ItemStatus.PUBLISHED


def test_deadlines_mark_steps_overdue_and_nearly_due(people, ctx):
    item = _draft(people, ctx)
    step = submit_item(people.as_(ctx, "county_compiler"), item)
    today = local_today()
    assert due_status(ctx, step, today) == "on_time"
    assert due_status(ctx, step, step.due_at) == "due_soon"
    assert due_status(ctx, step, step.due_at + timedelta(days=1)) == "overdue"
    assert count_overdue(ctx, "review", step.due_at + timedelta(days=1)) == 1
    assert count_overdue(ctx, "review", today) == 0


def test_the_queue_filters_by_due_date_and_share_type(people, ctx):
    item = _draft(people, ctx)
    step = submit_item(people.as_(ctx, "county_compiler"), item)
    reviewer = people.as_(ctx, "city_reviewer")
    assert review_queue(reviewer, QueueFilter())[1] == 1
    assert review_queue(reviewer, QueueFilter(share_type="conditional"))[1] == 0
    assert review_queue(reviewer, QueueFilter(due="overdue"))[1] == 0
    step.due_at = local_today() - timedelta(days=3)
    assert review_queue(reviewer, QueueFilter(due="overdue"))[0] == [step]
    assert review_queue(people.as_(ctx, "county_reviewer"), QueueFilter())[1] == 0  # national: no county level


def test_edits_refine_a_change_under_review_and_never_drop_it_by_accident(people, ctx):
    item = _publish(people, ctx, _draft(people, ctx))
    compiler = people.as_(ctx, "county_compiler")
    update_item(compiler, item, {"name": "新名称", "summary": item.summary + "补充说明。"})
    first = current_step(ctx, item)
    assert update_item(compiler, item, {"name": "新名称"}).diff == {}  # the same again: nothing withdrawn
    assert first.state == "open"
    refined = update_item(compiler, item, {"related_business": "企业开办"})  # a partial edit keeps the rest
    assert refined.change.proposal["name"] == "新名称" and refined.change.proposal["related_business"] == "企业开办"
    assert first.state == "cancelled" and current_step(ctx, item).change is refined.change
    published = {k: getattr(item, k) for k in ("name", "summary", "related_business")}
    reverted = update_item(compiler, item, published)  # back to the published version: the change is withdrawn
    assert reverted.diff == {} and item.status is ItemStatus.PUBLISHED and not open_steps(ctx, item)


def test_an_unchanged_save_leaves_a_pending_retirement_alone(people, ctx):
    item = _publish(people, ctx, _draft(people, ctx))
    retire_item(people.as_(ctx, "county_compiler"), item, "职能调整")
    assert update_item(people.as_(ctx, "county_compiler"), item, {"name": item.name}).diff == {}
    assert item.status is ItemStatus.CHANGE_PENDING and current_step(ctx, item).change.kind.value == "retire"
