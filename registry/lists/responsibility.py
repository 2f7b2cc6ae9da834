"""责任清单: each department's collection duties, derived from the published catalog on every read.

Nanyang §21 has the data authority break the catalog down into each
department's responsibility list, and §22 has it updated together with the
catalog. Deriving the list when it is read keeps it in step by construction:
an item appears once published, shows its published version while a change
waits for review (the catalog keeps proposals apart, in ``item_change``), and
leaves when it is retired. ``as_of`` and ``version`` tell a reader it changed.

At provincial scale (100k items, millions of fields) every query here is a
Core select over columns, paged by item code (keyset), with fields loaded in
bulk per page: no object per row.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import aliased

from registry.accounts.permissions import PUBLIC_STATUSES, subtree_ids
from registry.catalog.models import (
    CatalogItem,
    ChangeState,
    Field,
    ItemChange,
    ItemStatus,
)
from registry.core.context import Context
from registry.core.errors import FieldError, ValidationError
from registry.core.localtime import aware
from registry.orgs.models import Organisation, OrgLevel

#: The statuses whose published version the list shows (a pending change shows what is in force).
LISTED_STATUSES = tuple(ItemStatus(s) for s in sorted(PUBLIC_STATUSES))
#: Items read per query when streaming a whole list (an export).
CHUNK = 2000
MAX_PAGE = 500


@dataclass(frozen=True)
class Contact:
    """A department and the contact the list names for it (数据管理员)."""

    id: int
    code: str
    name: str
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "contact_name": self.contact_name,
                "contact_phone": self.contact_phone, "contact_email": self.contact_email}


@dataclass
class DutyField:
    """An information item (信息项) the department must collect."""

    name: str
    technical_name: str | None
    data_type: str | None
    share_type: str
    open_type: str
    is_primary_key: bool
    identifier_kind: str | None


@dataclass
class Duty:
    """One catalog item of the list, with what the department must keep current."""

    item_id: int
    code: str
    name: str
    department_id: int
    unit: str | None
    update_cycle: str
    source_system: str | None
    share_type: str
    open_type: str
    version: int
    published_at: datetime | None
    fields: list[DutyField] = field(default_factory=list)


@dataclass
class ListScope:
    """Whose list: one organisation (and everything below it) or, with ``org`` ``None``, the whole city."""

    org: Organisation | None
    provider_ids: set[int] | None  # None: every provider

    @property
    def several(self) -> bool:
        """A county's or the city's list: several departments, shown with a summary per department."""
        return self.org is None or self.org.level in (OrgLevel.CITY, OrgLevel.COUNTY)

    def where(self, query: Select) -> Select:
        listed = query.where(CatalogItem.status.in_(LISTED_STATUSES))
        return listed if self.provider_ids is None else listed.where(CatalogItem.provider_id.in_(self.provider_ids))


@dataclass
class Stamp:
    """When the list last changed and a digest of what is in it: equal stamps, equal lists."""

    as_of: datetime | None
    version: str
    items: int


def scope_for(ctx: Context, org_code: str | None) -> ListScope:
    """The list of ``org_code`` (a unit stands for its department; a county or the city for all below), or the city's."""
    code = (org_code or "").strip().upper()
    if not code:
        return ListScope(None, None)
    org = ctx.session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise ValidationError(FieldError("org", f"没有代码为“{org_code}”的机构", "机构"))
    org = org.department
    if org.level is OrgLevel.CITY:
        return ListScope(org, None)
    return ListScope(org, subtree_ids(ctx.session, org.id))


# -- reading ---------------------------------------------------------------------------

_provider = aliased(Organisation)
#: The department an item's provider belongs to: internal units roll into their department.
_DEPARTMENT = case((_provider.level == OrgLevel.UNIT, _provider.parent_id), else_=_provider.id)
_unit = aliased(Organisation)


def _item_query(scope: ListScope) -> Select:
    query = (select(CatalogItem.id, CatalogItem.code, CatalogItem.name, _DEPARTMENT.label("department_id"),
                    _unit.name.label("unit"), CatalogItem.update_cycle, CatalogItem.source_system,
                    CatalogItem.share_type, CatalogItem.open_type, CatalogItem.version, CatalogItem.published_at)
             .join(_provider, _provider.id == CatalogItem.provider_id)
             .outerjoin(_unit, _unit.id == CatalogItem.provider_unit_id))
    return scope.where(query)


def duties(ctx: Context, scope: ListScope, *, after: str | None = None, limit: int = 100) -> list[Duty]:
    """A page of the list: items in code order after ``after`` (keyset), each with its fields."""
    query = _item_query(scope).order_by(CatalogItem.code).limit(limit)
    if after:
        query = query.where(CatalogItem.code > after)
    rows = [Duty(r.id, r.code, r.name, r.department_id, r.unit, r.update_cycle, r.source_system, r.share_type.value,
                 r.open_type.value, r.version, r.published_at) for r in ctx.session.execute(query)]
    _attach_fields(ctx, rows)
    return rows


def iter_duties(ctx: Context, scope: ListScope) -> Iterator[Duty]:
    """Every item of the list, in code order, read a chunk at a time (for exports)."""
    after = None
    while True:
        chunk = duties(ctx, scope, after=after, limit=CHUNK)
        yield from chunk
        if len(chunk) < CHUNK:
            return
        after = chunk[-1].code


def _attach_fields(ctx: Context, rows: list[Duty]) -> None:
    """Every field of the page's items in one query; a field without its own attributes takes its item's."""
    if not rows:
        return
    by_id = {d.item_id: d for d in rows}
    query = (select(Field.item_id, Field.name, Field.technical_name, Field.data_type, Field.share_type, Field.open_type,
                    Field.is_primary_key, Field.identifier_kind)
             .where(Field.item_id.in_(by_id)).order_by(Field.item_id, Field.position))
    for r in ctx.session.execute(query):
        duty = by_id[r.item_id]
        duty.fields.append(DutyField(
            r.name, r.technical_name, r.data_type, r.share_type.value if r.share_type else duty.share_type,
            r.open_type.value if r.open_type else duty.open_type, bool(r.is_primary_key),
            r.identifier_kind.value if r.identifier_kind else None))


def contacts(ctx: Context, department_ids: set[int] | None = None) -> dict[int, Contact]:
    """Departments (all of them, or those given) with their contact details."""
    query = select(Organisation.id, Organisation.code, Organisation.name, Organisation.contact_name,
                   Organisation.contact_phone, Organisation.contact_email)
    if department_ids is not None:
        if not department_ids:
            return {}
        query = query.where(Organisation.id.in_(department_ids))
    return {r.id: Contact(*r) for r in ctx.session.execute(query)}


@dataclass
class Tally:
    """One department's share of the list, aggregated in the database: no row of it reaches Python."""

    items: int = 0
    sums: tuple[int, ...] = (0, 0, 0, 0)  # Σid, Σversion, Σid², Σid·version
    latest: datetime | None = None  # newest first publication

    def add(self, items: int, sums: tuple[int, ...], latest: datetime | None) -> None:
        self.items += items
        self.sums = tuple(a + b for a, b in zip(self.sums, sums, strict=True))
        if latest is not None and (self.latest is None or aware(latest) > self.latest):
            self.latest = aware(latest)


def tallies(ctx: Context, scope: ListScope) -> dict[int, Tally]:
    """Per department of the scope: its items in the list, with the sums the version digest is made of.

    One grouped scan of the catalog by provider (the index on provider and
    status covers it); internal units are added to their department here.
    """
    query = (select(CatalogItem.provider_id, func.count(), func.sum(CatalogItem.id), func.sum(CatalogItem.version),
                    func.sum(CatalogItem.id * CatalogItem.id), func.sum(CatalogItem.id * CatalogItem.version),
                    func.max(CatalogItem.published_at))
             .group_by(CatalogItem.provider_id))
    rows = list(ctx.session.execute(scope.where(query)))
    departments = dict(ctx.session.execute(
        select(Organisation.id, case((Organisation.level == OrgLevel.UNIT, Organisation.parent_id), else_=Organisation.id))
        .where(Organisation.id.in_({r[0] for r in rows}))).all()) if rows else {}
    out: dict[int, Tally] = {}
    for provider_id, n, *rest in rows:
        out.setdefault(departments[provider_id], Tally()).add(n, tuple(int(v or 0) for v in rest[:4]), rest[4])
    return out


def summary(ctx: Context, scope: ListScope, counted: dict[int, Tally] | None = None) -> list[dict[str, Any]]:
    """Per department of the scope: how many items it must keep current, its newest publication, its contact."""
    counted = tallies(ctx, scope) if counted is None else counted
    people = contacts(ctx, set(counted))
    rows = [{"department": people[d], "items": t.items, "latest": t.latest} for d, t in counted.items() if d in people]
    return sorted(rows, key=lambda r: r["department"].code)


# -- when it changed -------------------------------------------------------------------

def stamp(ctx: Context, scope: ListScope, counted: dict[int, Tally] | None = None) -> Stamp:
    """The list's ``as_of`` (its newest publication or applied change, retirements included) and ``version``.

    The digest covers, per department, the count and sums of its listed items'
    ids and versions (order-free, so the database aggregates them) and its
    contact: any publication, applied change or retirement (versions only
    grow, ids are never reused) or a new contact gives a new version; a
    proposal still under review does not.
    """
    counted = tallies(ctx, scope) if counted is None else counted
    people = contacts(ctx, set(counted))
    digest = hashlib.sha256()
    for department_id in sorted(counted):
        tally, who = counted[department_id], people.get(department_id)
        digest.update(repr((department_id, tally.items, tally.sums)).encode())
        if who is not None:
            digest.update(repr((who.code, who.name, who.contact_name, who.contact_phone, who.contact_email)).encode())
    return Stamp(_as_of(ctx, scope, counted), digest.hexdigest()[:16], sum(t.items for t in counted.values()))


def _as_of(ctx: Context, scope: ListScope, counted: dict[int, Tally]) -> datetime | None:
    """The newest first publication of a listed item (from the tallies), or the newest change applied to an
    item after it was published: an edit, an emergency change, a retirement (which took an item off the list)."""
    ever_listed = CatalogItem.published_at.is_not(None)
    if scope.provider_ids is not None:
        ever_listed = and_(ever_listed, CatalogItem.provider_id.in_(scope.provider_ids))
    applied_at = func.coalesce(ItemChange.decided_at, ItemChange.created_at)
    changed = ctx.session.scalar(
        select(func.max(applied_at)).join(CatalogItem, CatalogItem.id == ItemChange.item_id)
        .where(ever_listed, ItemChange.state == ChangeState.APPLIED, applied_at >= CatalogItem.published_at))
    times = [t.latest for t in counted.values() if t.latest is not None] + ([aware(changed)] if changed else [])
    return max(times) if times else None


# -- labels ------------------------------------------------------------------------------

def labels(ctx: Context) -> dict[str, Any]:
    """Label lookups for the profile's vocabularies, as the list's readers see them."""
    vocab = ctx.profile.vocab
    return {"update_cycle": vocab("update_cycle").label, "share_type": vocab("share_type").label,
            "open_type": vocab("open_type").label}


def duty_body(ctx: Context, duty: Duty, people: dict[int, Contact], label=None) -> dict[str, Any]:
    """One item of the list as JSON (the API, ``--json``)."""
    label = label or labels(ctx)
    contact = people.get(duty.department_id)
    return {
        "code": duty.code, "name": duty.name, "department": contact.as_dict() if contact else None, "unit": duty.unit,
        "update_cycle": duty.update_cycle, "update_cycle_label": label["update_cycle"](duty.update_cycle),
        "source_system": duty.source_system,
        "share_type": duty.share_type, "share_type_label": label["share_type"](duty.share_type),
        "open_type": duty.open_type, "open_type_label": label["open_type"](duty.open_type),
        "version": duty.version, "published_at": duty.published_at.isoformat() if duty.published_at else None,
        "fields": [{"name": f.name, "technical_name": f.technical_name, "data_type": f.data_type,
                    "share_type": f.share_type, "share_type_label": label["share_type"](f.share_type),
                    "open_type": f.open_type, "open_type_label": label["open_type"](f.open_type),
                    "is_primary_key": f.is_primary_key, "identifier_kind": f.identifier_kind} for f in duty.fields],
    }
