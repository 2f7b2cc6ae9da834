"""The one-data-one-source report: the findings of the published catalog, with their designations.

Rows are read with three Core queries (organisations, published items, their
fields, streamed) and never as ORM objects: at provincial scale that is 100k
items and 1.5M fields. Detection runs once per state of the published catalog;
the result is kept per database until an item is published, changed or retired,
or an organisation is added (:func:`catalog_state`).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from registry.accounts.permissions import PUBLIC_STATUSES, subtree_ids
from registry.catalog.models import CatalogItem, Field
from registry.core.context import Context
from registry.core.errors import NotFound
from registry.orgs.models import Organisation
from registry.sourcing.duplicates import FieldRow, Finding, ItemRow, OrgRow, detect
from registry.sourcing.models import SourceDesignation

_ITEMS = CatalogItem.__table__.c
_FIELDS = Field.__table__.c
_ORGS = Organisation.__table__.c
_PUBLISHED = sorted(PUBLIC_STATUSES)


# -- reading the catalog ---------------------------------------------------------------------


def _orgs(session: Session) -> list[OrgRow]:
    rows = session.execute(select(_ORGS.id, _ORGS.code, _ORGS.name, type_coerce(_ORGS.level, String), _ORGS.parent_id))
    return [OrgRow(*row) for row in rows]


def _items(session: Session) -> list[ItemRow]:
    rows = session.execute(select(_ITEMS.id, _ITEMS.code, _ITEMS.name, _ITEMS.provider_id, _ITEMS.subject)
                           .where(type_coerce(_ITEMS.status, String).in_(_PUBLISHED)))
    return [ItemRow(*row) for row in rows]


def _fields(session: Session) -> Iterator[FieldRow]:
    """The published items' fields, streamed; the result rows carry :class:`FieldRow`'s names, so they
    are used as they come (building 1.5M objects would cost as much as reading them)."""
    query = (select(_FIELDS.item_id, _FIELDS.name, type_coerce(_FIELDS.identifier_kind, String).label("identifier_kind"),
                    _FIELDS.is_primary_key, _FIELDS.position)
             .join(CatalogItem.__table__, _ITEMS.id == _FIELDS.item_id)
             .where(type_coerce(_ITEMS.status, String).in_(_PUBLISHED)))
    return iter(session.execute(query.execution_options(yield_per=20_000)))  # type: ignore[return-value]


def catalog_state(session: Session) -> tuple:
    """What detection depends on: any publication, change or retirement changes it."""
    return tuple(session.execute(
        select(func.count(), func.max(_ITEMS.updated_at), func.sum(_ITEMS.id), func.sum(_ITEMS.version))
        .where(type_coerce(_ITEMS.status, String).in_(_PUBLISHED))
    ).one())


_cache: dict[str, tuple[tuple, list[Finding]]] = {}
_cache_lock = threading.Lock()


def current_findings(ctx: Context) -> list[Finding]:
    """The findings of the published catalog, strongest first; computed again only when it changed."""
    session = ctx.session
    bind = session.get_bind()
    where = str(getattr(bind, "engine", bind).url)
    state = (catalog_state(session), session.scalar(select(func.count(Organisation.id))))
    with _cache_lock:
        cached = _cache.get(where)
        if cached and cached[0] == state:
            return list(cached[1])
    findings = detect(_orgs(session), _items(session), _fields(session))
    with _cache_lock:
        _cache[where] = (state, findings)
    return list(findings)


# -- findings with their designation ------------------------------------------------------------


@dataclass(frozen=True)
class ReportEntry:
    """A finding as the report shows it: open, or resolved with its designated source."""

    finding: Finding
    designation: SourceDesignation | None  # the latest for the finding's key

    @property
    def resolved(self) -> bool:
        """Resolved while the members are those the reviewer saw; a changed group is open again."""
        return self.designation is not None and not self.changed

    @property
    def changed(self) -> bool:
        """Designated once, but the members have changed since."""
        return self.designation is not None and sorted(self.designation.member_codes) != sorted(self.finding.member_codes)

    @property
    def status(self) -> str:
        return "resolved" if self.resolved else "open"


def _latest_designations(session: Session, keys: list[str]) -> dict[str, SourceDesignation]:
    latest: dict[str, SourceDesignation] = {}
    for start in range(0, len(keys), 500):
        rows = session.scalars(select(SourceDesignation).where(SourceDesignation.finding_key.in_(keys[start:start + 500]))
                               .order_by(SourceDesignation.resolved_at, SourceDesignation.id))
        for row in rows:
            latest[row.finding_key] = row
    return latest


def duplicate_report(ctx: Context, status: str | None = None, org: Organisation | None = None) -> list[ReportEntry]:
    """The report, strongest first: all findings, or those ``status`` (open/resolved), or those involving
    ``org`` (a department, or every department under a county or the city)."""
    findings = current_findings(ctx)
    if org is not None:
        within = subtree_ids(ctx.session, org.department.id)
        findings = [f for f in findings if any(p.id in within for p in f.providers)]
    designations = _latest_designations(ctx.session, [f.key for f in findings])
    entries = [ReportEntry(f, designations.get(f.key)) for f in findings]
    return [e for e in entries if status is None or e.status == status]


def designation_history(ctx: Context, key: str) -> list[SourceDesignation]:
    """Every designation made for the finding ``key``, latest first."""
    return list(ctx.session.scalars(select(SourceDesignation).where(SourceDesignation.finding_key == key)
                                    .order_by(SourceDesignation.resolved_at.desc(), SourceDesignation.id.desc())))


def report_entry(ctx: Context, key: str) -> ReportEntry:
    finding = next((f for f in current_findings(ctx) if f.key == key), None)
    if finding is None:
        raise NotFound(f"没有键为“{key}”的重复采集发现（可能已因目录变化而消失）")
    return ReportEntry(finding, _latest_designations(ctx.session, [key]).get(key))
