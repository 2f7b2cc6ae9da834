"""Review operations: every interface submits, approves, returns and comments through these."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from registry.accounts.permissions import can, require
from registry.audit.operations import record_event
from registry.catalog.models import (
    CatalogItem,
    ChangeKind,
    ChangeState,
    ItemChange,
    ItemStatus,
)
from registry.catalog.operations import (
    approve_change,
    emergency_share_change,
    end_emergency_share,
    publish_item,
    reject_change,
)
from registry.core.context import Context
from registry.core.errors import ConflictError, MuluError, NotFound, PermissionDenied
from registry.core.i18n import N_, translate
from registry.core.signals import change_proposed, change_withdrawn, note_item_changed
from registry.requests.engine import (
    Action,
    RequestType,
    add_comment,
    open_request,
    register,
    transition,
)
from registry.requests.models import Request, RequestEvent
from registry.review.levels import (
    LEVEL_LABELS,
    LEVEL_PERMISSIONS,
    next_level,
    review_levels,
)

REVIEW = register(RequestType(
    "review", N_("目录审核"),
    states={"open": N_("待审核"), "approved": N_("已通过"), "returned": N_("已退回"), "cancelled": N_("已撤销")},
    actions={
        "approve": Action("approve", N_("审核通过"), frozenset({"open"}), "approved"),
        "return": Action("return", N_("退回"), frozenset({"open"}), "returned", needs_reason=True),
        "cancel": Action("cancel", N_("撤销"), frozenset({"open"}), "cancelled"),
    },
    deadline_key="review_step",
))

#: An emergency change of share attributes is filed with the authority afterwards (binzhou §21).
EMERGENCY_FILING = register(RequestType(
    "emergency_filing", N_("应急调整备案"),
    states={"open": N_("待备案"), "acknowledged": N_("已备案")},
    actions={"acknowledge": Action("acknowledge", N_("备案"), frozenset({"open"}), "acknowledged")},
    deadline_key="review_step",
))


def _title(item: CatalogItem, change: ItemChange | None) -> str:
    what = _TITLE_WORDS.get(change.kind, "") if change else _TITLE_WORDS[None]
    return f"{item.name}（{item.code}）{what}"


#: The last word of a step's title (stored in Chinese; :func:`step_title` shows it in the reader's language).
_TITLE_WORDS = {None: N_("编目"), ChangeKind.UPDATE: N_("变更"), ChangeKind.RETIRE: N_("注销")}


def step_title(step: Request) -> str:
    """A step's title for a screen: ``名称（代码）编目`` with its last word translated in English."""
    item = step.item
    prefix = f"{item.name}（{item.code}）" if item is not None else None
    if prefix and step.title.startswith(prefix) and step.title[len(prefix):] in _TITLE_WORDS.values():
        return translate(N_("%(name)s（%(code)s）%(what)s")) % {
            "name": item.name, "code": item.code, "what": translate(step.title[len(prefix):])}
    return step.title


def _round(ctx: Context, item: CatalogItem) -> int:
    last = ctx.session.scalar(select(func.max(Request.round)).where(Request.type == "review", Request.item_id == item.id))
    return (last or 0) + 1


def _open_step(ctx: Context, item: CatalogItem, level: str, round: int, change: ItemChange | None) -> Request:
    return open_request(ctx, "review", organisation=item.provider, item=item, change=change, level=level,
                        round=round, title=_title(item, change),
                        data={"version": item.version, "level_label": LEVEL_LABELS[level]})


def open_steps(ctx: Context, item: CatalogItem) -> list[Request]:
    return list(ctx.session.scalars(
        select(Request).where(Request.type == "review", Request.item_id == item.id, Request.state == "open").order_by(Request.id)
    ))


def current_step(ctx: Context, item: CatalogItem) -> Request | None:
    steps = open_steps(ctx, item)
    return steps[-1] if steps else None


def get_request(ctx: Context, request_id: int, type_name: str = "review") -> Request:
    request = ctx.session.get(Request, request_id)
    if request is None or request.type != type_name:
        raise NotFound(f"没有编号为 {request_id} 的{REVIEW.label if type_name == 'review' else '事项'}")
    return request


# -- the compiler's side ------------------------------------------------------------

def submit_item(ctx: Context, item: CatalogItem, note: str | None = None) -> Request:
    """Submit a draft for review: opens the first level's step, due in the profile's working days."""
    ctx.session.refresh(item, with_for_update=True)  # two submits, or a submit racing an edit, serialise
    if item.status is not ItemStatus.DRAFT:
        raise ConflictError(f"只有草稿可以提交审核（当前为“{item.status.label}”）")
    require(ctx.actor, "item:submit", item.provider)
    levels = review_levels(ctx.profile, item.provider)
    step = _open_step(ctx, item, levels[0], _round(ctx, item), None)
    if note and note.strip():
        add_comment(ctx, step, note)
    item.status = ItemStatus.SUBMITTED
    ctx.session.flush()
    record_event(ctx, "item:submit", "item", item.code, {"request": step.id, "level": step.level, "due_at": str(step.due_at)})
    note_item_changed(ctx.session, item.code)
    return step


def withdraw_submission(ctx: Context, item: CatalogItem) -> None:
    """Take a submitted entry back to draft before a reviewer decided (撤回)."""
    ctx.session.refresh(item, with_for_update=True)  # a withdrawal racing an approval: one waits for the other
    if item.status not in (ItemStatus.SUBMITTED, ItemStatus.IN_REVIEW):
        raise ConflictError(f"“{item.status.label}”状态的条目没有可撤回的提交")
    require(ctx.actor, "item:submit", item.provider)
    for step in open_steps(ctx, item):
        transition(ctx, step, "cancel", "提交人撤回")
    item.status = ItemStatus.DRAFT
    ctx.session.flush()
    record_event(ctx, "item:withdraw", "item", item.code, {})
    note_item_changed(ctx.session, item.code)


@change_proposed.connect
def _review_proposed_change(ctx: Context, change: ItemChange) -> None:
    """A pending edit or retirement of a published entry enters review at its first level."""
    item = change.item
    for step in open_steps(ctx, item):  # a newer proposal supersedes the one under review
        transition(ctx, step, "cancel", "已被新的变更取代")
    levels = review_levels(ctx.profile, item.provider, change)
    _open_step(ctx, item, levels[0], _round(ctx, item), change)


@change_withdrawn.connect
def _cancel_withdrawn_change(ctx: Context, item: CatalogItem) -> None:
    for step in open_steps(ctx, item):
        transition(ctx, step, "cancel", "变更已撤回")


# -- the reviewer's side ------------------------------------------------------------

def may_decide(ctx: Context, step: Request) -> bool:
    return step.state == "open" and step.level in LEVEL_PERMISSIONS and can(ctx.actor, LEVEL_PERMISSIONS[step.level], step.organisation)


def _require_decider(ctx: Context, step: Request) -> None:
    if step.type != "review":
        raise NotFound("不是审核事项")
    require(ctx.actor, LEVEL_PERMISSIONS[step.level], step.organisation)
    # Two reviewers deciding at once: the second waits for the first, then sees the step closed (PostgreSQL;
    # SQLite's writers are serialised already).
    if step.item is not None:
        ctx.session.refresh(step.item, with_for_update=True)
    ctx.session.refresh(step, with_for_update=True)


def approve(ctx: Context, step: Request, comment: str | None = None) -> Request | None:
    """Approve at this level: the next level's step opens, or the last level publishes. Returns the next step."""
    _require_decider(ctx, step)
    item, change = step.item, step.change
    if change is not None and change.state is not ChangeState.PENDING:
        transition(ctx, step, "cancel", "变更已处理")
        return None
    transition(ctx, step, "approve", comment)
    following = next_level(review_levels(ctx.profile, item.provider, change), step.level)
    if following is not None:
        if change is None:
            item.status = ItemStatus.IN_REVIEW
        ctx.session.flush()
        note_item_changed(ctx.session, item.code)
        return _open_step(ctx, item, following, step.round, change)
    if change is not None:
        approve_change(ctx, change, comment)
    else:
        publish_item(ctx, item)
    return None


def return_for_rework(ctx: Context, step: Request, reason: str) -> Request:
    """Send back with a reason: a new entry returns to draft, a change is refused and the published version stays."""
    _require_decider(ctx, step)
    transition(ctx, step, "return", reason)
    item, change = step.item, step.change
    if change is not None:
        if change.state is ChangeState.PENDING:
            reject_change(ctx, change, step.decision_reason)
    else:
        item.status = ItemStatus.DRAFT
        ctx.session.flush()
        record_event(ctx, "item:return", "item", item.code, {"request": step.id, "reason": step.decision_reason})
        note_item_changed(ctx.session, item.code)
    return step


@dataclass
class BulkOutcome:
    done: list[Request]
    failed: list[tuple[Request | int, str]]


def decide_many(ctx: Context, step_ids: list[int], action: str, reason: str | None = None) -> BulkOutcome:
    """Approve or return several steps with one reason; each succeeds or fails on its own."""
    if action not in ("approve", "return"):
        raise ConflictError(f"批量操作只能是通过或退回，收到“{action}”")
    outcome = BulkOutcome([], [])
    for step_id in dict.fromkeys(step_ids):
        step = ctx.session.get(Request, step_id)
        if step is None or step.type != "review" or not may_decide(ctx, step):
            outcome.failed.append((step_id, "没有这个审核事项，或不由您审核"))  # by id: the title could name another's draft
            continue
        try:
            with ctx.session.begin_nested():
                approve(ctx, step, reason) if action == "approve" else return_for_rework(ctx, step, reason or "")
            outcome.done.append(step)
        except MuluError as exc:
            outcome.failed.append((step, str(exc)))
    return outcome


def comment(ctx: Context, step: Request, text: str, target: str | None = None) -> RequestEvent:
    """A reviewer's remark on the entry or one of its elements; the compiler may answer on the same step."""
    if not (may_decide(ctx, step) or can(ctx.actor, "item:submit", step.organisation)):
        raise PermissionDenied("您不能对此审核事项发表意见")
    return add_comment(ctx, step, text, target)


# -- emergencies (binzhou §21) -----------------------------------------------------

def adjust_share_in_emergency(ctx: Context, item: CatalogItem, values: dict[str, Any], reason: str) -> Request:
    """Apply the temporary share change at once and file it with the data authority."""
    emergency_share_change(ctx, item, values, reason)
    return open_request(ctx, "emergency_filing", organisation=item.provider, item=item,
                        title=f"{item.name}（{item.code}）应急调整共享属性", level="authority", data={"reason": reason})


def end_emergency(ctx: Context, item: CatalogItem, reason: str | None = None) -> None:
    """Restore the attributes in force before, and tell the authority on the filing still open."""
    end_emergency_share(ctx, item, reason)
    for filing in ctx.session.scalars(select(Request).where(Request.type == "emergency_filing", Request.item_id == item.id,
                                                            Request.state == "open")):
        add_comment(ctx, filing, "应急调整已结束，共享属性已恢复" + (f"：{reason.strip()}" if reason and reason.strip() else ""))


def acknowledge_filing(ctx: Context, filing: Request, comment: str | None = None) -> Request:
    require(ctx.actor, "review:authority", filing.organisation)
    return transition(ctx, filing, "acknowledge", comment)
