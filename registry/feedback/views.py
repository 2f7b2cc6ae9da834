"""Back-office screens of 开放数据申请, 异议 and 数据纠错: lists, pages and forms on the shared request screens."""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from flask import request
from flask_babel import lazy_gettext
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from registry.accounts.permissions import PUBLIC_STATUSES, can, item_scope
from registry.catalog.models import CatalogItem, ItemChange, ItemStatus
from registry.catalog.operations import get_item
from registry.catalog.present import readable
from registry.catalog.schema import ITEM_BY_KEY
from registry.core.context import Context
from registry.core.errors import NotFound
from registry.core.i18n import N_
from registry.feedback import access
from registry.feedback import operations as feedback
from registry.feedback.types import (
    ANSWER_DEADLINE,
    EXTENSION_DEADLINE,
    FIX_DEADLINE,
    REVIEW_DEADLINE,
    VERIFY_DEADLINE,
)
from registry.orgs.models import Organisation, OrgLevel
from registry.requests.models import Request
from registry.requests.views import RequestView
from registry.review.present import target_label

#: How many items the create form's code chooser offers (the rest are typed by code).
CHOOSER_SIZE = 500


class FeedbackView(RequestView):
    """What the three feedback screens share: visibility, the service operations, the item panel."""

    templates_dir = str(Path(__file__).parent / "templates")
    panels = ("feedback/_panel.html",)
    action_templates: ClassVar[dict[str, str]] = {"grant": "feedback/_answer.html", "fix": "feedback/_fix.html",
                                                  "extend": "feedback/_extend.html", "reassign": "feedback/_reassign.html"}
    deadline_keys: ClassVar[tuple[str, ...]] = ()

    def visible(self, ctx: Context):
        return access.visible_clause(ctx)

    def may_create(self, ctx: Context) -> bool:
        return True  # anyone signed in may ask or report (nanyang §45, §64)

    def create(self, ctx: Context, form: MultiDict) -> Request:
        return feedback.file_request(ctx, self.request_type, form.to_dict())

    def create_context(self, ctx: Context) -> dict[str, Any]:
        code = (request.values.get("item_code") or "").strip()
        try:
            chosen = get_item(ctx, code) if code else None
        except NotFound:
            chosen = None
        if chosen is not None and chosen.status.value not in PUBLIC_STATUSES:
            chosen = None  # requests concern the published catalog; a draft's fields are not for others to read
        return {"item_choices": _item_choices(ctx), "targets": feedback.target_choices(chosen),
                "may_record_public": can(ctx.actor, "feedback:record_public")}

    def may_act(self, ctx: Context, req: Request, action: str) -> bool:
        return feedback.may_act(ctx, req, action)

    def act(self, ctx: Context, req: Request, action: str, form: MultiDict) -> Request:
        return feedback.act(ctx, req, action, reason=form.get("reason"), answer=form.get("answer"),
                            organisation=form.get("organisation"), change_id=form.get("change_id"))

    def may_comment(self, ctx: Context, req: Request) -> bool:
        return req.state == "open" and (access.is_filer(ctx, req) or super().may_comment(ctx, req))

    def panel_context(self, ctx: Context, req: Request) -> dict[str, Any]:
        data = req.data or {}
        about = ctx.session.get(Request, data["about_request"]) if data.get("about_request") else None
        item = req.item
        return {
            "item": item, "answers": feedback.answers(req), "target": target_label(data.get("target")),
            "deadlines": _deadlines(ctx, self.deadline_keys),
            "open_type": readable(ctx.profile, ITEM_BY_KEY["open_type"], item.open_type) if item is not None else "",
            "about": about if about is not None and access.is_visible(ctx, about) else None,
            "changes": _item_changes(ctx, req.item) if feedback.may_act(ctx, req, "fix") else [],
            "departments": _departments(ctx) if feedback.may_act(ctx, req, "reassign") else [],
        }


class OpenRequestView(FeedbackView):
    request_type = "open_request"
    create_template = "feedback/new_open_request.html"
    deadline_keys = (ANSWER_DEADLINE, EXTENSION_DEADLINE, REVIEW_DEADLINE)


class ObjectionView(FeedbackView):
    request_type = "objection"
    create_template = "feedback/new_objection.html"
    deadline_keys = (ANSWER_DEADLINE, EXTENSION_DEADLINE, REVIEW_DEADLINE)


class CorrectionView(FeedbackView):
    request_type = "correction"
    create_template = "feedback/new_correction.html"
    deadline_keys = (VERIFY_DEADLINE, FIX_DEADLINE)


#: The deadlines a feedback page cites, by profile key.
DEADLINE_LABELS = {ANSWER_DEADLINE: N_("答复期限"), EXTENSION_DEADLINE: N_("可延长一次"), REVIEW_DEADLINE: N_("复核期限"),
                   VERIFY_DEADLINE: N_("核实期限"), FIX_DEADLINE: N_("确认后更正期限")}


def _deadlines(ctx: Context, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The profile's deadlines for this type, each with its working days and the article it rests on."""
    rows = []
    for key in keys:
        deadline = ctx.profile.deadline(key)
        if deadline is not None:
            article = deadline.article or ""
            citation = f"《{ctx.profile.regulation}》{article}" if article.startswith("第") and ctx.profile.regulation else article
            rows.append({"label": DEADLINE_LABELS[key], "days": deadline.days, "citation": citation})
    return rows


def _item_choices(ctx: Context) -> list[tuple[str, str]]:
    """Published entries (and the user's own unpublished ones) by code, for the form's chooser."""
    scope = item_scope(ctx.session, ctx.actor)
    query = select(CatalogItem.code, CatalogItem.name).where(CatalogItem.status != ItemStatus.RETIRED)
    if not scope.all_items:
        statuses = [s for s in ItemStatus if s.value in PUBLIC_STATUSES]
        query = query.where(CatalogItem.status.in_(statuses) | CatalogItem.provider_id.in_(scope.own_provider_ids))
    return [(code, name) for code, name in ctx.session.execute(query.order_by(CatalogItem.code).limit(CHOOSER_SIZE))]


def _item_changes(ctx: Context, item: CatalogItem | None) -> list[ItemChange]:
    if item is None:
        return []
    return list(ctx.session.scalars(select(ItemChange).where(ItemChange.item_id == item.id)
                                    .order_by(ItemChange.id.desc()).limit(20)))


def _departments(ctx: Context) -> list[Organisation]:
    return list(ctx.session.scalars(select(Organisation).where(Organisation.level == OrgLevel.DEPARTMENT)
                                    .order_by(Organisation.code)))


def register(admin) -> None:
    category = lazy_gettext("流程")
    admin.add_view(OpenRequestView(name=lazy_gettext("开放数据申请"), endpoint="open_requests",
                                   url="/admin/open-requests", category=category))
    admin.add_view(ObjectionView(name=lazy_gettext("异议"), endpoint="objections", url="/admin/objections",
                                 category=category))
    admin.add_view(CorrectionView(name=lazy_gettext("数据纠错"), endpoint="corrections", url="/admin/corrections",
                                  category=category))
