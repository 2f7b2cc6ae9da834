"""Every feedback deadline of the DIGEST, started the day before a public holiday, against the real 2026 calendar.

The expected dates are counted by hand from the State Council's 2026 schedule (not from the calendar
under test): 中秋节 9-25…9-27; 国庆节 10-01…10-07 with make-up working days Sun 9-20 and Sat 10-10;
春节 2-15…2-23 with make-up working days Sat 2-14 and Sat 2-28. The day a request arrives does not count.
"""
from __future__ import annotations

from datetime import date

import pytest
from feedback_world import make_world

from registry.feedback.operations import act, file_request
from registry.requests.engine import due_status

D = date


@pytest.fixture()
def world(ctx):
    return make_world(ctx, users=("compiler", "other_compiler"))


def _open_request(world, ctx, day, type_name="open_request"):
    values = {"item_code": world.item.code, "description": "请开放成立日期字段"}
    return file_request(world.as_(ctx, "other_compiler"), type_name, values, today=day)


def _overdue_only_after(ctx, req, due):
    assert due_status(ctx, req, today=due) != "overdue"
    assert due_status(ctx, req, today=date.fromordinal(due.toordinal() + 1)) == "overdue"


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_nanyang_open_request_answer_10_and_extension_10(world, ctx):
    req = _open_request(world, ctx, D(2026, 9, 30))
    # 10-08, 10-09, 10-10 (make-up Sat), 10-12 … 10-16, 10-19, 10-20
    assert req.due_at == D(2026, 10, 20)
    _overdue_only_after(ctx, req, D(2026, 10, 20))
    act(world.as_(ctx, "compiler"), req, "extend", reason="经主要负责人同意延期")
    # + 10-21 … 10-23, 10-26 … 10-30, 11-02, 11-03
    assert req.due_at == D(2026, 11, 3)
    _overdue_only_after(ctx, req, D(2026, 11, 3))


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_nanyang_objection_answer_10_and_extension_10_over_spring_festival(world, ctx):
    req = _open_request(world, ctx, D(2026, 2, 13), "objection")
    # 2-14 (make-up Sat), 2-24 … 2-27, 2-28 (make-up Sat), 3-02 … 3-05
    assert req.due_at == D(2026, 3, 5)
    _overdue_only_after(ctx, req, D(2026, 3, 5))
    act(world.as_(ctx, "compiler"), req, "extend", reason="经主要负责人同意延期")
    assert req.due_at == D(2026, 3, 19)  # 3-06, 3-09 … 3-13, 3-16 … 3-19
    _overdue_only_after(ctx, req, D(2026, 3, 19))


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_nanyang_correction_verify_5_then_fix_10_from_the_day_it_is_confirmed(world, ctx):
    ticket = file_request(world.as_(ctx, "other_compiler"), "correction",
                          {"item_code": world.item.code, "description": "名称有误", "evidence": "执照"}, today=D(2026, 9, 30))
    assert ticket.due_at == D(2026, 10, 13)  # 10-08, 10-09, 10-10 (make-up Sat), 10-12, 10-13
    _overdue_only_after(ctx, ticket, D(2026, 10, 13))
    act(world.as_(ctx, "compiler"), ticket, "confirm", today=D(2026, 9, 30))
    assert ticket.due_at == D(2026, 10, 20)  # 10 working days from 9-30, not from the verify deadline
    _overdue_only_after(ctx, ticket, D(2026, 10, 20))


@pytest.mark.parametrize("profile_name", ["fuzhou"])
def test_fuzhou_open_request_answer_20(world, ctx):
    before_national_day = _open_request(world, ctx, D(2026, 9, 30))
    # 10-08, 10-09, 10-10, 10-12 … 10-16, 10-19 … 10-23, 10-26 … 10-30, 11-02, 11-03
    assert before_national_day.due_at == D(2026, 11, 3)
    _overdue_only_after(ctx, before_national_day, D(2026, 11, 3))
    before_mid_autumn = _open_request(world, ctx, D(2026, 9, 24))
    assert before_mid_autumn.due_at == D(2026, 10, 29)  # 9-28, 9-29, 9-30, then 17 from 10-08 as above
    _overdue_only_after(ctx, before_mid_autumn, D(2026, 10, 29))


@pytest.mark.parametrize("profile_name", ["fuzhou"])
def test_fuzhou_open_request_review_20_from_the_day_it_is_asked(world, ctx):
    req = _open_request(world, ctx, D(2026, 9, 1))
    act(world.as_(ctx, "compiler"), req, "refuse", reason="授权开放类", today=D(2026, 9, 24))
    act(world.as_(ctx, "other_compiler"), req, "request_review", reason="符合授权条件", today=D(2026, 9, 24))
    assert (req.stage, req.due_at) == ("review", D(2026, 10, 29))
    _overdue_only_after(ctx, req, D(2026, 10, 29))


def test_national_sets_no_deadline(world, ctx):
    req = _open_request(world, ctx, D(2026, 9, 30))
    assert req.due_at is None and due_status(ctx, req, today=D(2027, 6, 1)) is None
