"""Who sees which demands, the unmatched ones, and the county's and the city's aggregates (汇总)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, false, func, or_, select

from registry.accounts.models import Role
from registry.accounts.permissions import county_of, subtree_ids
from registry.core.context import Context
from registry.core.localtime import local_today
from registry.lists.demands import TYPE, UNMATCHED_STATES
from registry.orgs.models import Organisation
from registry.requests.models import Request


def visible(ctx: Context) -> ColumnElement[bool] | None:
    """Demands the actor may see; ``None`` for all (the city, the authority, the system).

    A compiler sees their department's own demands and those that reached it
    as provider; a county reviewer their county's; the separated
    administrators none (三员分立: they do no catalog work).
    """
    actor = ctx.actor
    if actor is None or actor.role in (Role.AUTHORITY_ADMIN, Role.CITY_REVIEWER):
        return None
    if actor.role is Role.COMPILER:
        mine = subtree_ids(ctx.session, actor.organisation.department.id)
        return or_(Request.requester_id.in_(mine), Request.organisation_id.in_(mine))
    if actor.role is Role.COUNTY_REVIEWER:
        county = county_of(actor.organisation)
        return Request.requester_id.in_(subtree_ids(ctx.session, county.id)) if county is not None else false()
    return false()


def unmatched() -> ColumnElement[bool]:
    """Demands nobody will serve: marked unmatched or declined, or open with neither a suggestion nor a provider."""
    return or_(Request.state.in_(UNMATCHED_STATES),
               and_(Request.state == "open", Request.data["matched"].as_boolean().is_not(True)))


@dataclass
class Group:
    """A row of an aggregate: an organisation (a department, or a county) and its demands by state."""

    org: Organisation | None  # None: the city's own departments (市直部门)
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(v for k, v in self.counts.items() if k in STATE_KEYS)

    @property
    def unmatched(self) -> int:
        return sum(self.counts[s] for s in UNMATCHED_STATES) + self.counts["open_unmatched"]


STATE_KEYS = ("open", "returned", "unmatched", "declined", "fulfilled", "withdrawn")


def aggregate(ctx: Context, today: date | None = None) -> tuple[str, list[Group]]:
    """The aggregate the actor reads: a county reviewer their county's demands per department, the city
    every demand per county (the city's own departments as one group), a compiler their department's.

    Returns ``("department" | "county", groups)``.
    """
    where = visible(ctx)
    by_department = ctx.actor is not None and ctx.actor.role in (Role.COUNTY_REVIEWER, Role.COMPILER)
    today = today or local_today()
    base = select(Request.requester_id, Request.state, func.count()).where(Request.type == TYPE)
    if where is not None:
        base = base.where(where)
    rows = list(ctx.session.execute(base.group_by(Request.requester_id, Request.state)))
    extra = {
        "overdue": base.where(Request.state == "open", Request.due_at < today),
        "open_unmatched": base.where(Request.state == "open", Request.data["matched"].as_boolean().is_not(True)),
    }
    extras = {key: list(ctx.session.execute(query.group_by(Request.requester_id, Request.state)))
              for key, query in extra.items()}
    orgs = {o.id: o for o in ctx.session.scalars(select(Organisation).where(
        Organisation.id.in_({r[0] for r in rows if r[0] is not None})))}
    groups: dict[int | None, Group] = {}

    def group_of(requester_id: int | None) -> Group:
        org = orgs.get(requester_id)
        key_org = org if by_department or org is None else county_of(org)
        key = key_org.id if key_org is not None else None
        return groups.setdefault(key, Group(key_org))

    for requester_id, state, n in rows:
        group_of(requester_id).counts[state] += n
    for key, found in extras.items():
        for requester_id, _state, n in found:
            group_of(requester_id).counts[key] += n
    ordered = sorted(groups.values(), key=lambda g: (g.org is not None, g.org.code if g.org else ""))
    return ("department" if by_department else "county"), ordered
