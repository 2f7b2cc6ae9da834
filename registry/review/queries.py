"""What reviewers and the authority look at: the queue, an entry's timeline, the dashboard figures."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from registry.accounts.models import Role, User
from registry.accounts.permissions import county_of, item_scope, subtree_ids
from registry.audit.models import AuditEvent
from registry.catalog.models import CatalogItem, ItemStatus, ShareType
from registry.core.context import Context
from registry.core.i18n import N_, translate
from registry.core.localtime import local_today
from registry.orgs.models import Organisation
from registry.requests.engine import due_soon_limit
from registry.requests.models import Request

PAGE_SIZE = 50
#: Audit tags the authority's dashboard shows as recent activity.
CATALOG_TAG_PREFIXES = ("item", "change", "review", "import", "export", "emergency_filing")


@dataclass
class QueueFilter:
    org_id: int | None = None
    class_code: str | None = None
    share_type: str | None = None
    status: str | None = None
    level: str | None = None
    due: str | None = None  # overdue | due_soon
    page: int = 1


def _reviewable(ctx: Context, query: Select) -> Select:
    """Restrict open review steps to those the actor decides: their level, their county."""
    actor = ctx.actor
    if actor is None:
        return query
    if actor.role is Role.COUNTY_REVIEWER:
        county = county_of(actor.organisation)
        ids = subtree_ids(ctx.session, county.id) if county is not None else set()
        return query.where(Request.level == "county", Request.organisation_id.in_(ids))
    if actor.role is Role.CITY_REVIEWER:
        return query.where(Request.level == "city")
    if actor.role is Role.AUTHORITY_ADMIN:
        return query.where(Request.level.in_(("city", "authority")))
    return query.where(False)


def visible_step(ctx: Context, step: Request) -> bool:
    """Who may read a review step (its comments, reasons, reviewers): those who decide it, and those who
    may see the entry's unpublished state — not every reader of the published entry."""
    from registry.review.operations import may_decide

    scope = item_scope(ctx.session, ctx.actor)
    return step.item is not None and (may_decide(ctx, step) or scope.all_items or step.item.provider_id in scope.own_provider_ids)


def item_steps(ctx: Context, item: CatalogItem) -> list[Request]:
    """The entry's review steps the actor may read, oldest first."""
    steps = ctx.session.scalars(select(Request).where(Request.item_id == item.id, Request.type == "review").order_by(Request.id))
    return [s for s in steps if visible_step(ctx, s)]


def review_queue(ctx: Context, flt: QueueFilter, per_page: int = PAGE_SIZE) -> tuple[list[Request], int]:
    """The actor's open review steps, most urgent first; with the total for paging."""
    query = select(Request).join(CatalogItem, Request.item_id == CatalogItem.id).where(
        Request.type == "review", Request.state == "open")
    query = _reviewable(ctx, query)
    if flt.org_id:
        query = query.where(Request.organisation_id.in_(subtree_ids(ctx.session, flt.org_id)))
    if flt.class_code:
        query = query.where(CatalogItem.class_code == flt.class_code)
    if flt.share_type:
        query = query.where(CatalogItem.share_type == ShareType(flt.share_type))
    if flt.status:
        query = query.where(CatalogItem.status == ItemStatus(flt.status))
    if flt.level:
        query = query.where(Request.level == flt.level)
    today = local_today()
    if flt.due == "overdue":
        query = query.where(Request.due_at < today)
    elif flt.due == "due_soon":
        query = query.where(Request.due_at >= today, Request.due_at <= due_soon_limit(ctx, today))
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = ctx.session.scalars(
        query.options(selectinload(Request.item).selectinload(CatalogItem.provider), selectinload(Request.change))
        .order_by(Request.due_at, Request.id).limit(per_page).offset(per_page * (max(flt.page, 1) - 1))
    )
    return list(rows), total


def queue_counts(ctx: Context) -> dict[str, int]:
    """Open, overdue and nearly-due steps the actor decides."""
    today = local_today()
    base = _reviewable(ctx, select(func.count()).select_from(Request).where(Request.type == "review", Request.state == "open"))
    return {
        "open": ctx.session.scalar(base) or 0,
        "overdue": ctx.session.scalar(base.where(Request.due_at < today)) or 0,
        "due_soon": ctx.session.scalar(base.where(Request.due_at >= today, Request.due_at <= due_soon_limit(ctx, today))) or 0,
    }


# -- an entry's history ------------------------------------------------------------

@dataclass
class TimelineEntry:
    at: datetime
    actor: str
    what: str
    text: str | None = None
    target: str | None = None
    diff: dict[str, Any] | None = None
    kind: str = "action"


_ACTION_WORDS = {"open": N_("送审"), "approve": N_("审核通过"), "return": N_("退回"), "cancel": N_("撤销"),
                 "comment": N_("意见"), "acknowledge": N_("备案")}


def item_timeline(ctx: Context, item: CatalogItem) -> list[TimelineEntry]:
    """Changes, review steps and comments of one entry, oldest first (phrased in the request's language)."""
    users = _user_names(ctx, item)
    system = translate(N_("系统"))
    entries = [
        TimelineEntry(c.created_at, users.get(c.actor_id, system),
                      translate(N_("%(kind)s（%(state)s）")) % {"kind": translate(c.kind.label), "state": translate(c.state.label)},
                      c.reason, diff=c.diff, kind="change")
        for c in item.changes
    ]
    steps = ctx.session.scalars(select(Request).where(Request.item_id == item.id).options(selectinload(Request.events)).order_by(Request.id))
    for step in steps:
        label = translate(step.data.get("level_label")) or step.title
        opened = translate(N_("%(level)s：送审（第 %(round)s 次提交）")) % {"level": label, "round": step.round}
        entries.append(TimelineEntry(step.created_at, users.get(step.created_by_id, system), opened, kind="step"))
        for event in step.events:
            word = event.action or event.kind
            what = translate(N_("%(level)s：%(action)s")) % {"level": label, "action": translate(_ACTION_WORDS.get(word, word))}
            actor = event.actor_name if event.actor_name and event.actor_name != "系统" else system
            entries.append(TimelineEntry(event.created_at, actor, what, event.text, event.target, kind=event.kind))
    return sorted(entries, key=lambda e: _naive(e.at))


def _naive(at: datetime) -> datetime:
    return at.replace(tzinfo=None) if at.tzinfo is None else at.astimezone().replace(tzinfo=None)


def _user_names(ctx: Context, item: CatalogItem) -> dict[int, str]:
    ids = {c.actor_id for c in item.changes} | set(ctx.session.scalars(select(Request.created_by_id).where(Request.item_id == item.id)))
    ids.discard(None)
    return {u.id: u.display_name or u.username for u in ctx.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def last_return(ctx: Context, item: CatalogItem) -> Request | None:
    """The step that last sent this entry back, for the compiler to read why."""
    return ctx.session.scalar(
        select(Request).where(Request.type == "review", Request.item_id == item.id, Request.state == "returned")
        .order_by(Request.id.desc()).limit(1)
    )


def step_comments(step: Request) -> dict[str, list]:
    """A step's per-element comments, by target ("" for remarks on the whole entry)."""
    grouped: dict[str, list] = {}
    for event in step.events:
        if event.kind == "comment":
            grouped.setdefault(event.target or "", []).append(event)
    return grouped


# -- dashboard ----------------------------------------------------------------------

@dataclass
class Dashboard:
    by_status: list[tuple[str, int]]
    by_share: list[tuple[str, int]]
    by_class: list[tuple[str, int]]
    per_org: list[dict[str, Any]]
    overdue: int
    due_soon: int
    open_steps: int
    recent: list[AuditEvent] = field(default_factory=list)


def dashboard(ctx: Context) -> Dashboard:
    """Figures over the items the actor may see (the authority sees the whole city).

    One grouped scan of the catalog feeds every chart and the per-organisation
    table; at provincial scale a scan per chart would be the page's whole cost.
    """
    scope = item_scope(ctx.session, ctx.actor)
    columns = (CatalogItem.provider_id, CatalogItem.status, CatalogItem.share_type, CatalogItem.class_code)
    groups = select(*columns, func.count()).group_by(*columns)
    steps = select(Request).where(Request.type == "review", Request.state == "open")
    if not scope.all_items:
        mine = CatalogItem.provider_id.in_(scope.own_provider_ids or {-1})
        groups = groups.where(mine)
        steps = steps.where(Request.organisation_id.in_(scope.own_provider_ids or {-1}))
    by_status: Counter = Counter()
    by_share: Counter = Counter()
    by_class: Counter = Counter()
    per_org: dict[int, dict[str, Any]] = {}
    for provider_id, status, share_type, class_code, n in ctx.session.execute(groups):
        by_status[status] += n
        by_share[share_type] += n
        by_class[class_code] += n
        row = per_org.setdefault(provider_id, {"total": 0, "overdue": 0})
        row[status.value] = row.get(status.value, 0) + n
        row["total"] += n
    today, soon = local_today(), due_soon_limit(ctx)
    overdue = steps.where(Request.due_at < today).subquery()
    for org_id, n in ctx.session.execute(select(overdue.c.organisation_id, func.count()).group_by(overdue.c.organisation_id)):
        per_org.setdefault(org_id, {"total": 0, "overdue": 0})["overdue"] = n
    recent: list[AuditEvent] = []
    if ctx.actor is None or ctx.actor.role is Role.AUTHORITY_ADMIN:
        # Catalog work only: sign-ins, accounts and the audit log itself are the audit administrator's (三员分立).
        catalog_work = or_(*(AuditEvent.tag.like(f"{prefix}:%") for prefix in CATALOG_TAG_PREFIXES))
        recent = list(ctx.session.scalars(select(AuditEvent).where(catalog_work).order_by(AuditEvent.id.desc()).limit(15)))
    count = lambda q: ctx.session.scalar(select(func.count()).select_from(q.subquery())) or 0  # noqa: E731
    class_labels = {node.code: node.label for node in ctx.profile.classification}
    share_vocab = ctx.profile.vocab("share_type")
    return Dashboard(
        by_status=[(s.label, by_status[s]) for s in ItemStatus if by_status[s]],
        by_share=[(share_vocab.label(s.value), n) for s, n in sorted(by_share.items(), key=lambda kv: kv[0].value)],
        by_class=[(class_labels.get(c, c), n) for c, n in sorted(by_class.items())],
        per_org=_named(ctx, per_org),
        overdue=count(steps.where(Request.due_at < today)),
        due_soon=count(steps.where(Request.due_at >= today, Request.due_at <= soon)),
        open_steps=count(steps),
        recent=recent,
    )


def _named(ctx: Context, per_org: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per-organisation rows with names, the most overdue and the largest first."""
    names = dict(ctx.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(per_org))).all()) if per_org else {}
    return sorted(({"org": names.get(k, k), "org_id": k, **v} for k, v in per_org.items()),
                  key=lambda r: (-r["overdue"], -r["total"]))


def returned_to_me(ctx: Context, limit: int = 20) -> list[Request]:
    """Drafts of the actor's organisations whose last review step sent them back, newest first."""
    scope = item_scope(ctx.session, ctx.actor)
    if scope.all_items or not scope.own_provider_ids:
        return []
    latest = (select(func.max(Request.id)).where(Request.type == "review")
              .group_by(Request.item_id).scalar_subquery())
    return list(ctx.session.scalars(
        select(Request).join(CatalogItem, Request.item_id == CatalogItem.id)
        .where(Request.id.in_(latest), Request.state == "returned", CatalogItem.status == ItemStatus.DRAFT,
               CatalogItem.provider_id.in_(scope.own_provider_ids))
        .order_by(Request.id.desc()).limit(limit)
    ))
