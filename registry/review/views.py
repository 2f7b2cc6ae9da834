"""The reviewers' screens (审核队列, one step's page, bulk decisions) and the compiler's review actions."""
from __future__ import annotations

from pathlib import Path

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

from registry.accounts.models import Role
from registry.accounts.permissions import can, item_scope
from registry.app import request_context
from registry.catalog.models import CatalogItem, ItemStatus
from registry.catalog.operations import emergency_share_state, get_item
from registry.core.errors import MuluError, NotFound
from registry.core.i18n import translate
from registry.office.admin import OfficeView, carry_out
from registry.orgs.models import OrgLevel
from registry.orgs.operations import list_orgs
from registry.requests.engine import REQUEST_TYPES, due_status
from registry.requests.models import Request
from registry.review import operations as review
from registry.review.levels import LEVEL_LABELS
from registry.review.present import (
    checklist,
    comment_targets,
    diff_rows,
    entry_under_review,
    field_headers,
    target_label,
)
from registry.review.queries import (
    PAGE_SIZE,
    QueueFilter,
    item_timeline,
    last_return,
    queue_counts,
    review_queue,
    step_comments,
    visible_step,
)

REVIEWER_ROLES = (Role.COUNTY_REVIEWER, Role.CITY_REVIEWER, Role.AUTHORITY_ADMIN)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _queue_filter() -> QueueFilter:
    args = request.args
    return QueueFilter(org_id=_int(args.get("org")), class_code=args.get("class") or None,
                       share_type=args.get("share") or None, status=args.get("status") or None,
                       level=args.get("level") or None, due=args.get("due") or None, page=_int(args.get("page")) or 1)


class ReviewView(OfficeView):
    """审核 at ``/admin/review/``: the queue, a step's page and the decisions."""

    roles = REVIEWER_ROLES
    templates_dir = str(Path(__file__).parent / "templates")

    @expose("/")
    def index(self):
        self.require_role()
        ctx = request_context()
        flt = _queue_filter()
        try:
            steps, total = review_queue(ctx, flt)
        except ValueError:
            abort(400)
        filings = []
        if can(ctx.actor, "review:authority"):
            filings = list(ctx.session.query(Request).filter_by(type="emergency_filing", state="open").order_by(Request.id))
        orgs = [o for o in list_orgs(ctx) if o.level in (OrgLevel.COUNTY, OrgLevel.DEPARTMENT)]
        return self.render(
            "review/queue.html", steps=steps, total=total, flt=flt, pages=max(1, -(-total // PAGE_SIZE)),
            counts=queue_counts(ctx), orgs=orgs, profile=ctx.profile, statuses=list(ItemStatus),
            levels=LEVEL_LABELS, due=lambda s: due_status(ctx, s), filings=filings,
            page_url=lambda page: url_for(".index", **{**request.args.to_dict(), "page": page}),
        )

    @expose("/<int:step_id>")
    def step(self, step_id: int):
        ctx = request_context()
        step = self._step(ctx, step_id)
        view = entry_under_review(ctx, step)
        rows, field_groups = diff_rows(ctx, step.change.diff) if step.change is not None else ([], [])
        return self.render(
            "review/step.html", step=step, item=step.item, view=view, field_headers=field_headers(),
            checks=checklist(ctx, view), diff=rows, field_diff=field_groups, comments=step_comments(step),
            targets=comment_targets(view), timeline=item_timeline(ctx, step.item), may_decide=review.may_decide(ctx, step),
            due=due_status(ctx, step), state_label=REQUEST_TYPES[step.type].state_label(step.state),
            may_comment=review.may_decide(ctx, step) or can(ctx.actor, "item:submit", step.organisation),
        )

    def _step(self, ctx, step_id: int) -> Request:
        """A review step the user may see: its deciders, and whoever may see the entry's unpublished state."""
        step = ctx.session.get(Request, step_id)
        if step is None or step.type != "review" or not visible_step(ctx, step):
            abort(404)  # not 403: a step's existence is itself not for everyone
        return step

    @expose("/<int:step_id>/approve", methods=("POST",))
    def approve(self, step_id: int):
        ctx = request_context()
        step = self._step(ctx, step_id)

        def done(following: Request | None) -> str:
            if following is not None:
                return gettext("已通过，转%(level)s", level=translate(LEVEL_LABELS[following.level]))
            if step.state == "cancelled":  # the change was settled meanwhile (e.g. by a newer edit)
                return gettext("该变更已处理，本审核环节已撤销")
            return gettext("已通过，条目已发布") if step.change is None else gettext("已通过，变更已生效")

        return carry_out(ctx, lambda: review.approve(ctx, step, request.form.get("comment")), done,
                         url_for(".index"), refused_to=url_for(".step", step_id=step_id))

    @expose("/<int:step_id>/return", methods=("POST",))
    def return_(self, step_id: int):
        ctx = request_context()
        step = self._step(ctx, step_id)
        return carry_out(ctx, lambda: review.return_for_rework(ctx, step, request.form.get("reason", "")),
                         gettext("已退回，编目人员将看到退回理由"), url_for(".index"), refused_to=url_for(".step", step_id=step_id))

    @expose("/<int:step_id>/comment", methods=("POST",))
    def comment(self, step_id: int):
        ctx = request_context()
        step = self._step(ctx, step_id)
        page = url_for(".step", step_id=step_id)
        return carry_out(ctx, lambda: review.comment(ctx, step, request.form.get("text", ""), request.form.get("target") or None),
                         gettext("意见已保存"), page + "#comments", refused_to=page)

    @expose("/bulk", methods=("POST",))
    def bulk(self):
        self.require_role()
        ctx = request_context()
        ids = [int(v) for v in request.form.getlist("step") if v.isdigit()]
        action = request.form.get("action", "")
        if not ids:
            flash(gettext("请先勾选要处理的条目"), "error")
            return redirect(url_for(".index"))
        try:
            outcome = review.decide_many(ctx, ids, action, request.form.get("reason"))
        except MuluError as exc:
            ctx.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for(".index"))
        ctx.session.commit()
        flash(gettext("已处理 %(n)d 条", n=len(outcome.done)), "info")
        for step, reason in outcome.failed:
            label = step.title if isinstance(step, Request) else f"#{step}"
            flash(f"{label}：{reason}", "error")
        return redirect(url_for(".index"))

    @expose("/filings/<int:filing_id>/acknowledge", methods=("POST",))
    def acknowledge(self, filing_id: int):
        ctx = request_context()
        try:
            filing = review.get_request(ctx, filing_id, "emergency_filing")
        except NotFound:
            abort(404)
        return carry_out(ctx, lambda: review.acknowledge_filing(ctx, filing, request.form.get("comment")),
                         gettext("已备案"), url_for(".index"))

    # -- the compiler's actions on an item (the item page shows them) -------------

    @expose("/items/<path:code>/submit", methods=("POST",))
    def submit(self, code: str):
        return self._item_action(code, lambda ctx, item: review.submit_item(ctx, item, request.form.get("note")),
                                 gettext("已提交审核"))

    @expose("/items/<path:code>/withdraw", methods=("POST",))
    def withdraw(self, code: str):
        return self._item_action(code, review.withdraw_submission, gettext("已撤回，条目回到草稿"))

    @expose("/items/<path:code>/emergency", methods=("POST",))
    def emergency(self, code: str):
        form = request.form
        values = {k: form.get(k) or None for k in ("share_type", "share_condition", "share_basis")}
        return self._item_action(code, lambda ctx, item: review.adjust_share_in_emergency(ctx, item, values, form.get("reason", "")),
                                 gettext("已应急调整共享属性，并报数据主管部门备案"))

    @expose("/items/<path:code>/emergency/end", methods=("POST",))
    def end_emergency(self, code: str):
        return self._item_action(code, lambda ctx, item: review.end_emergency(ctx, item, request.form.get("reason")),
                                 gettext("已恢复应急调整前的共享属性"))

    def _item_action(self, code: str, action, done: str):
        ctx = request_context()
        try:
            item = get_item(ctx, code)
        except NotFound:
            abort(404)
        scope = item_scope(ctx.session, ctx.actor)
        if not scope.sees(item.status.value, item.provider_id):
            abort(404)
        return carry_out(ctx, lambda: action(ctx, item), done, url_for("items.detail", code=code))


def review_panel(item: CatalogItem) -> dict:
    """What the item page shows of the review: the open step, why it was returned, what the user may do."""
    ctx = request_context()
    step = review.current_step(ctx, item)
    if step is not None and not visible_step(ctx, step):
        step = None
    returned = last_return(ctx, item) if item.status is ItemStatus.DRAFT else None
    # The history's reviewers and comments are for those who may see the entry's unpublished
    # state, not for every reader of a published entry.
    scope = item_scope(ctx.session, ctx.actor)
    insider = scope.all_items or item.provider_id in scope.own_provider_ids or step is not None
    return {
        "step": step,
        "due": due_status(ctx, step) if step else None,
        "level_label": LEVEL_LABELS.get(step.level, "") if step else "",
        "returned": returned,
        "returned_comments": step_comments(returned) if returned else {},
        "may_submit": item.status is ItemStatus.DRAFT and can(ctx.actor, "item:submit", item.provider),
        "may_withdraw": item.status in (ItemStatus.SUBMITTED, ItemStatus.IN_REVIEW) and can(ctx.actor, "item:submit", item.provider),
        "may_decide": bool(step) and review.may_decide(ctx, step),
        "emergency": emergency_share_state(item),
        "may_emergency": ctx.profile.workflow.get("emergency_share_change", False)
        and item.status in (ItemStatus.PUBLISHED, ItemStatus.CHANGE_PENDING) and can(ctx.actor, "item:emergency_share", item.provider),
        "share_types": ctx.profile.vocab("share_type").terms,
        "insider": insider,
        "timeline": item_timeline(ctx, item) if insider else [],
    }


def register(admin) -> None:
    admin.add_view(ReviewView(name=lazy_gettext("审核队列"), endpoint="review", url="/admin/review"))
    admin.app.add_template_global(review_panel, "review_panel")
    admin.app.add_template_global(review.step_title, "step_title")
    admin.app.add_template_filter(target_label, "target_label")
