"""The engine's stages, clocks that restart, one-time extensions and reopening, on the real calendar."""
from __future__ import annotations

from datetime import date

import pytest

from registry.core.errors import ConflictError, ValidationError
from registry.core.signals import requests_committed
from registry.requests.engine import (
    Action,
    RequestType,
    due_status,
    extend_due,
    open_request,
    register,
    transition,
)

OPEN = frozenset({"open"})

register(RequestType(
    name="test_staged", label="测试事项",
    states={"open": "办理中", "done": "已办结", "refused": "已拒绝"},
    stages={"answer": "待答复", "deliver": "待提供"}, first_stage="answer",
    deadline_key="open_request_answer",  # nanyang: 10 working days
    actions={
        "accept": Action("accept", "接受", OPEN, "open", stages=frozenset({"answer"}), next_stage="deliver",
                         deadline_key="correction_verify"),  # nanyang: 5
        "deliver": Action("deliver", "提供", OPEN, "done", stages=frozenset({"deliver"})),
        "refuse": Action("refuse", "拒绝", OPEN, "refused", needs_reason=True),
        "object": Action("object", "提出异议", frozenset({"refused"}), "open", needs_reason=True, next_stage="answer"),
    },
))


@pytest.fixture()
def profile_name() -> str:
    return "nanyang"


def test_stages_restart_the_clock_and_limit_the_actions(ctx, orgs):
    # 2026-09-30 (Wed): National Day runs 10-01..10-07; Saturday 10-10 is a make-up working day.
    req = open_request(ctx, "test_staged", organisation=orgs.dept, title="t", today=date(2026, 9, 30))
    assert req.stage == "answer"
    assert req.due_at == date(2026, 10, 20)  # 10-08, 10-09, 10-10, 10-12…10-16, 10-19, 10-20
    with pytest.raises(ConflictError, match="待答复"):
        transition(ctx, req, "deliver")
    transition(ctx, req, "accept", today=date(2026, 9, 30))
    assert (req.state, req.stage, req.due_at) == ("open", "deliver", date(2026, 10, 13))
    assert due_status(ctx, req, today=date(2026, 10, 14)) == "overdue"
    transition(ctx, req, "deliver")
    assert req.state == "done" and req.closed_at is not None
    assert due_status(ctx, req, today=date(2026, 10, 14)) is None


def test_extension_once_with_reason(ctx, orgs):
    req = open_request(ctx, "test_staged", organisation=orgs.dept, title="t", today=date(2026, 9, 30))
    with pytest.raises(ValidationError, match="理由"):
        extend_due(ctx, req, "open_request_extension", "")
    extend_due(ctx, req, "open_request_extension", "需要会商")
    assert req.due_at == date(2026, 11, 3)  # ten more working days after 10-20
    with pytest.raises(ConflictError, match="已延期1次"):
        extend_due(ctx, req, "open_request_extension", "再延")
    with pytest.raises(ConflictError, match="没有规定"):
        extend_due(ctx, req, "no_such_deadline", "x")


def test_a_refusal_can_be_reopened(ctx, orgs):
    req = open_request(ctx, "test_staged", organisation=orgs.dept, requester=orgs.other_dept, title="t")
    transition(ctx, req, "refuse", "不属于本单位职责")
    assert req.closed_at is not None
    transition(ctx, req, "object", "该数据确由贵单位采集")
    ctx.session.flush()  # the CHECK (closed_at IS NULL) = (state = 'open') holds
    assert (req.state, req.stage, req.closed_at, req.requester) == ("open", "answer", None, orgs.other_dept)


def test_request_events_are_sent_after_commit_only(ctx, orgs):
    heard = []

    def listen(session, events):
        heard.extend(events)

    requests_committed.connect(listen)
    try:
        req = open_request(ctx, "test_staged", organisation=orgs.dept, title="t")
        transition(ctx, req, "accept")
        assert heard == []
        ctx.session.commit()
        assert heard == [(req.id, "opened"), (req.id, "accept")]
        transition(ctx, req, "refuse", "x")
        ctx.session.rollback()
        ctx.session.commit()
        assert heard == [(req.id, "opened"), (req.id, "accept")]
    finally:
        requests_committed.disconnect(listen)
