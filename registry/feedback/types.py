"""The request types of feedback on the catalog: 开放数据申请, 异议, 数据纠错.

Open-data requests and objections (nanyang §45–46, fuzhou §24) share one
shape: the provider answers within ``open_request_answer`` working days (one
extension by ``open_request_extension``); where the profile sets
``open_request_review`` (fuzhou) the requester may take the answer to the data
authority, which reopens the request in the ``review`` stage with its own clock.

A correction (nanyang §64–65) is verified by the producer within
``correction_verify``; once it is confirmed, the ``fix`` stage runs
``correction_fix`` working days from that day.

``extend`` and ``reassign`` are listed among the actions so screens can offer
them, but they are carried out by :mod:`registry.feedback.operations`, not by
the engine's transition (they change the due date or the provider, not the state).
"""
from __future__ import annotations

from registry.core.i18n import N_
from registry.requests.engine import Action, RequestType, register

OPEN = frozenset({"open"})
ANSWERED = frozenset({"granted", "refused"})

#: The answer's stages of an open-data request or objection; ``review`` only where the profile has the key.
ANSWER_STAGES = {"answer": N_("待答复"), "review": N_("复核中")}

ANSWER_DEADLINE = "open_request_answer"
EXTENSION_DEADLINE = "open_request_extension"
REVIEW_DEADLINE = "open_request_review"
VERIFY_DEADLINE = "correction_verify"
FIX_DEADLINE = "correction_fix"


def _answered_type(name: str, label: str, granted: str, refused: str, grant_label: str) -> RequestType:
    return register(RequestType(
        name, label,
        states={"open": N_("办理中"), "granted": granted, "refused": refused, "withdrawn": N_("已撤回")},
        actions={
            "grant": Action("grant", grant_label, OPEN, "granted"),
            "refuse": Action("refuse", refused, OPEN, "refused", needs_reason=True),
            "extend": Action("extend", N_("延期"), OPEN, "open", needs_reason=True, stages=frozenset({"answer"})),
            "request_review": Action("request_review", N_("申请复核"), ANSWERED, "open", needs_reason=True,
                                     next_stage="review", deadline_key=REVIEW_DEADLINE),
            "withdraw": Action("withdraw", N_("撤回"), OPEN, "withdrawn", stages=frozenset({"answer"})),
        },
        deadline_key=ANSWER_DEADLINE, stages=ANSWER_STAGES, first_stage="answer",
    ))


OPEN_REQUEST = _answered_type("open_request", N_("开放数据申请"), N_("同意开放"), N_("不予开放"), N_("同意开放"))
OBJECTION = _answered_type("objection", N_("异议"), N_("同意更正"), N_("不予更正"), N_("同意更正"))

CORRECTION = register(RequestType(
    "correction", N_("数据纠错"),
    states={"open": N_("办理中"), "corrected": N_("已更正"), "refused": N_("不予更正"), "withdrawn": N_("已撤回")},
    actions={
        "confirm": Action("confirm", N_("确认需更正"), OPEN, "open", stages=frozenset({"verify"}),
                          next_stage="fix", deadline_key=FIX_DEADLINE),
        "reject": Action("reject", N_("不予更正"), OPEN, "refused", needs_reason=True, stages=frozenset({"verify"})),
        "fix": Action("fix", N_("确认已更正"), OPEN, "corrected", stages=frozenset({"fix"})),
        "reassign": Action("reassign", N_("转交其他部门"), OPEN, "open", needs_reason=True, stages=frozenset({"verify"})),
        "withdraw": Action("withdraw", N_("撤回"), OPEN, "withdrawn", stages=frozenset({"verify"})),
    },
    deadline_key=VERIFY_DEADLINE, stages={"verify": N_("待核实"), "fix": N_("待更正")}, first_stage="verify",
))

FEEDBACK_TYPES = ("open_request", "objection", "correction")

#: Actions the operations carry out themselves instead of the engine's transition.
OWN_ACTIONS = frozenset({"extend", "reassign"})
