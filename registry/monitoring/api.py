"""``/api/v1/catalog-updates``, ``/api/v1/freshness``, ``/api/v1/items/<code>/refreshes``: monitoring through its operations."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from registry.api.errors import error_responses
from registry.api.fields import Timestamp
from registry.api.paging import PageArgs, page_body, page_of
from registry.catalog.api import visible_item, writer_context
from registry.core.context import Context
from registry.core.errors import FieldError, NotFound, ValidationError
from registry.monitoring import duties
from registry.monitoring.freshness import (
    count_stale,
    freshness_scope,
    record_refresh,
    stale_items,
    staleness_by_org,
)
from registry.orgs.models import Organisation
from registry.orgs.operations import get_org
from registry.requests.api_support import (
    ActionIn,
    RequestListArgs,
    RequestOut,
    carry_action,
    request_out,
    request_query,
    visible_request,
)
from registry.requests.queries import count

blp = Blueprint("monitoring", __name__, url_prefix="/api/v1",
                description="目录更新时限（法律法规或职责变化后更新目录）与数据更新监测（按更新周期）")


_errors = error_responses(blp)


def _org_id(ctx: Context, code: str | None) -> int | None:
    if not code:
        return None
    try:
        return get_org(ctx, code).id
    except NotFound:
        abort(404, message=f"没有代码为“{code}”的机构")


# -- catalog updates ----------------------------------------------------------------

class DutyChangeIn(ma.Schema):
    organisation = ma.fields.String(required=True, metadata={"description": "需要更新目录的部门的机构代码"})
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(duties.CHANGE_KINDS)),
                            metadata={"description": "law 法律法规修订 / duties 职责变化"})
    summary = ma.fields.String(required=True, validate=ma.validate.Length(max=4000), metadata={"description": "变化内容"})
    basis = ma.fields.String(required=True, validate=ma.validate.Length(max=1000),
                             metadata={"description": "依据的法律法规或文件（名称、文号）"})
    effective_date = ma.fields.Date(required=True, metadata={"description": "变化生效日期；时限自登记日或生效日（较晚者）起算"})


class UpdateActionIn(ActionIn):
    items = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=64)), load_default=list,
                           validate=ma.validate.Length(max=500),
                           metadata={"description": "报告更新完成（complete / submit_county / submit_review）时：为此新建、修改或注销的条目代码"})


@blp.route("/catalog-updates")
class CatalogUpdates(MethodView):
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.arguments(RequestListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(RequestOut))
    @_errors(401, 404, 422)
    def get(self, page: int, per_page: int, state: str, stage: str | None, due: str | None, org: str | None):
        """目录更新事项：数据主管部门看全部，县（区）审核员看本县，编目人员看本单位；按办理期限排序。"""
        ctx = writer_context()
        query = request_query(ctx, duties.TYPE, duties.visible(ctx), state=state, due=due, org_id=_org_id(ctx, org), stage=stage)
        rows = list(ctx.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
        return page_body([request_out(ctx, r) for r in rows], count(ctx, query), page, per_page)

    @blp.arguments(DutyChangeIn)
    @blp.response(201, RequestOut)
    @_errors(401, 403, 404, 422)
    def post(self, data: dict[str, Any]):
        """登记法律法规或职责变化：为该部门开启目录更新，期限为本辖区的目录更新时限（工作日）。"""
        ctx = writer_context()
        try:
            organisation = get_org(ctx, data["organisation"])
        except NotFound as exc:
            raise ValidationError(FieldError("organisation", str(exc), "单位")) from None
        req = duties.record_duty_change(ctx, organisation, kind=data["kind"], summary=data["summary"], basis=data["basis"],
                                        effective_date=data["effective_date"])
        ctx.session.commit()
        return request_out(ctx, req)


@blp.route("/catalog-updates/<int:request_id>")
@blp.response(200, RequestOut)
@_errors(401, 404)
def get_update(request_id: int):
    """一个目录更新事项，含变化内容、各次更新报告与办理记录。"""
    ctx = writer_context()
    return request_out(ctx, visible_request(ctx, duties.TYPE, request_id, duties.visible(ctx)))


@blp.route("/catalog-updates/<int:request_id>/actions", methods=["POST"])
@blp.arguments(UpdateActionIn)
@blp.response(200, RequestOut)
@_errors(401, 403, 404, 409, 422)
def act(data: dict[str, Any], request_id: int):
    """办理：编目人员报告更新完成（列出条目），县（区）报送（forward），数据主管部门确认（confirm）或退回（return，须理由），撤销（cancel）。"""
    ctx = writer_context()
    req = visible_request(ctx, duties.TYPE, request_id, duties.visible(ctx))
    return carry_action(ctx, req, data["action"], data.get("reason"),
                        lambda: duties.act(ctx, req, data["action"], data.get("reason"), data["items"]))


# -- freshness ----------------------------------------------------------------------

class OrgFreshnessOut(ma.Schema):
    organisation = ma.fields.Dict(metadata={"description": "{id, code, name}"})
    monitored = ma.fields.Integer(metadata={"description": "监测的已发布条目数（不定期、不更新的除外，另有规定的辖区除外）"})
    stale = ma.fields.Integer(metadata={"description": "超过更新周期未更新的条目数"})


class StaleItemOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    provider = ma.fields.Dict(metadata={"description": "{id, name}"})
    update_cycle = ma.fields.String()
    update_cycle_label = ma.fields.String()
    max_days = ma.fields.Integer(metadata={"description": "该周期允许的最长间隔（天）"})
    last_refresh = Timestamp(metadata={"description": "最近一次数据更新（未登记则为发布时间）"})
    days_overdue = ma.fields.Integer()


class StaleArgs(ma.Schema):
    org = ma.fields.String(load_default=None, metadata={"description": "机构代码：只看该机构（及其下属）提供的条目"})


class RefreshIn(ma.Schema):
    at = ma.fields.DateTime(load_default=None, allow_none=True,
                            metadata={"description": "数据更新时间，不填为现在；不带时区按北京时间；不能晚于现在"})


class RefreshOut(ma.Schema):
    code = ma.fields.String()
    data_updated_at = Timestamp()


@blp.route("/freshness")
@blp.response(200, OrgFreshnessOut(many=True))
@_errors(401)
def freshness():
    """各单位数据更新情况：监测条目数与未按时更新数（编目人员只看本单位），未按时更新多的在前。"""
    ctx = writer_context()
    figures = staleness_by_org(ctx, org_ids=freshness_scope(ctx))
    codes = dict(ctx.session.execute(select(Organisation.id, Organisation.code).where(Organisation.id.in_(list(figures) or [-1]))).all())
    ordered = sorted(figures.values(), key=lambda f: (-f.stale, f.org_name))
    return [{"organisation": {"id": f.org_id, "code": codes.get(f.org_id), "name": f.org_name},
             "monitored": f.monitored, "stale": f.stale} for f in ordered]


@blp.route("/freshness/items")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.arguments(StaleArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(StaleItemOut))
@_errors(401, 404)
def freshness_items(page: int, per_page: int, org: str | None):
    """未按时更新的已发布条目，最久未更新的在前。"""
    ctx = writer_context()
    scope = freshness_scope(ctx)
    rows = stale_items(ctx, org_id=_org_id(ctx, org), limit=per_page, offset=(page - 1) * per_page, org_ids=scope)
    total = count_stale(ctx, org_id=_org_id(ctx, org), org_ids=scope)
    return page_body([{"code": r.code, "name": r.name, "provider": {"id": r.provider_id, "name": r.provider},
                       "update_cycle": r.cycle, "update_cycle_label": r.cycle_label, "max_days": r.max_days,
                       "last_refresh": r.last_refresh, "days_overdue": r.days_overdue} for r in rows], total, page, per_page)


@blp.route("/items/<path:code>/refreshes", methods=["POST"])
@blp.arguments(RefreshIn)
@blp.response(201, RefreshOut)
@_errors(401, 403, 404, 409, 422)
def refresh(data: dict[str, Any], code: str):
    """登记条目数据已更新（提供单位的编目人员或对接系统）：清除未按时更新标记，记入审计日志。"""
    ctx = writer_context()
    item = record_refresh(ctx, visible_item(ctx, code, public=False), data.get("at"))
    ctx.session.commit()
    return {"code": item.code, "data_updated_at": item.data_updated_at}
