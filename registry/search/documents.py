"""What the index knows about an item: one :class:`SearchDoc`, read straight from the database.

Both backends index the same documents, built here with set-based reads (a
reindex reads 10⁵ items and 2×10⁶ fields; per-object ORM loads would take
minutes). Sensitive and secret fields (:mod:`registry.catalog.disclosure`) are kept apart
(``hidden_…``): the backends index them as marked terms that only signed-in readers match.
A document carries a *stamp* — the item's version and last
modification time — so ``mulu search check`` can tell a stale entry from a
current one without comparing texts.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from registry.catalog.disclosure import is_restricted
from registry.catalog.models import CatalogItem, Field
from registry.orgs.models import Organisation
from registry.profiles import Profile

BATCH = 2000
#: Prefixes the index terms of sensitive and secret fields: never a character of a query's bigrams or words.
HIDDEN = "!"


@dataclass
class SearchDoc:
    """The searchable text, facet values and sort keys of one catalog item."""

    item_id: int
    code: str
    name: str
    summary: str
    status: str
    provider_id: int
    provider_name: str
    unit_id: int | None
    unit_name: str | None
    class_code: str
    item_code: str
    share_type: str
    open_type: str
    update_cycle: str
    format_class: str
    security_grade: str | None
    publish_date: date | None
    updated_at: datetime
    version: int
    tags: list[str] = field(default_factory=list)
    class_labels: list[str] = field(default_factory=list)
    extra_text: list[str] = field(default_factory=list)
    field_names: list[str] = field(default_factory=list)
    field_technical: list[str] = field(default_factory=list)
    field_descriptions: list[str] = field(default_factory=list)
    hidden_names: list[str] = field(default_factory=list)
    hidden_technical: list[str] = field(default_factory=list)
    hidden_descriptions: list[str] = field(default_factory=list)

    @property
    def stamp(self) -> str:
        return make_stamp(self.version, self.updated_at)

    @property
    def class_item(self) -> str:
        return f"{self.class_code}.{self.item_code}"

    # The four text groups, from the most to the least telling (see ranking weights).
    def name_texts(self) -> list[str]:
        return [self.name]

    def field_texts(self) -> list[str]:
        return self.field_names + self.field_technical

    def meta_texts(self) -> list[str]:
        return [*self.tags, self.provider_name, self.unit_name or "", *self.class_labels, *self.extra_text]

    def body_texts(self) -> list[str]:
        return [self.summary, *self.field_descriptions]

    # The restricted fields' texts, in the groups they would belong to.
    def hidden_field_texts(self) -> list[str]:
        return self.hidden_names + self.hidden_technical

    def hidden_body_texts(self) -> list[str]:
        return self.hidden_descriptions

    def stored(self) -> dict[str, Any]:
        """What a result shows without a database round trip (also used for highlighting)."""
        return {
            "id": self.item_id, "code": self.code, "name": self.name, "summary": self.summary,
            "provider_id": self.provider_id, "provider": self.provider_name, "unit": self.unit_name,
            "status": self.status, "share_type": self.share_type, "open_type": self.open_type,
            "update_cycle": self.update_cycle, "format_class": self.format_class,
            "security_grade": self.security_grade, "class_code": self.class_code, "item_code": self.item_code,
            "publish_date": self.publish_date.isoformat() if self.publish_date else None,
            "updated_at": utc(self.updated_at).isoformat(), "version": self.version, "tags": self.tags,
            "fields": self.field_names, "field_descriptions": self.field_descriptions,
            # Shown to signed-in readers only (registry.search.service).
            "hidden_fields": self.hidden_names, "hidden_field_descriptions": self.hidden_descriptions,
        }


def utc(moment: datetime) -> datetime:
    """Aware UTC; SQLite hands back naive datetimes, which Mulu always writes in UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


#: What a document holds, in its stamp: bumped when that changes, so ``mulu search check`` reports
#: older entries stale and ``mulu search reindex`` rewrites them (2: restricted fields kept apart;
#: 3: PostgreSQL lexemes name their group instead of carrying a weight).
DOC_FORMAT = 3


def make_stamp(version: int, updated_at: datetime) -> str:
    return f"{DOC_FORMAT}:{version}@{utc(updated_at).strftime('%Y%m%dT%H%M%S.%f')}"


# -- reading -------------------------------------------------------------------------

_ITEM_COLUMNS = (
    CatalogItem.id, CatalogItem.code, CatalogItem.name, CatalogItem.summary, CatalogItem.status,
    CatalogItem.provider_id, CatalogItem.provider_unit_id, CatalogItem.class_code, CatalogItem.item_code,
    CatalogItem.share_type, CatalogItem.open_type, CatalogItem.update_cycle, CatalogItem.format_class,
    CatalogItem.security_grade, CatalogItem.publish_date, CatalogItem.updated_at, CatalogItem.version,
    CatalogItem.tags, CatalogItem.format_type, CatalogItem.open_theme, CatalogItem.source_system,
    CatalogItem.related_business,
)


def _items_query() -> Select:
    provider, unit = aliased(Organisation), aliased(Organisation)
    return (
        select(*_ITEM_COLUMNS, provider.name.label("provider_name"), unit.name.label("unit_name"))
        .join(provider, provider.id == CatalogItem.provider_id)
        .outerjoin(unit, unit.id == CatalogItem.provider_unit_id)
        .order_by(CatalogItem.id)
    )


def _value(enum_or_text: Any) -> Any:
    return getattr(enum_or_text, "value", enum_or_text)


def _doc(row: Any, profile: Profile) -> SearchDoc:
    class_node = profile.class_node(row.class_code)
    item_node = profile.class_node(row.class_code, row.item_code)
    return SearchDoc(
        item_id=row.id, code=row.code, name=row.name, summary=row.summary or "", status=_value(row.status),
        provider_id=row.provider_id, provider_name=row.provider_name, unit_id=row.provider_unit_id,
        unit_name=row.unit_name, class_code=row.class_code, item_code=row.item_code,
        share_type=_value(row.share_type), open_type=_value(row.open_type), update_cycle=row.update_cycle,
        format_class=row.format_class, security_grade=row.security_grade, publish_date=row.publish_date,
        updated_at=row.updated_at, version=row.version, tags=[str(t) for t in row.tags or ()],
        class_labels=[n.label for n in (class_node, item_node) if n is not None],
        extra_text=[t for t in (row.format_type, row.open_theme, row.source_system, row.related_business) if t],
    )


def _attach_fields(session: Session, docs: dict[int, SearchDoc]) -> None:
    if not docs:
        return
    rows = session.execute(
        select(Field.item_id, Field.name, Field.technical_name, Field.description, Field.is_sensitive, Field.is_secret)
        .where(Field.item_id.in_(list(docs)))
        .order_by(Field.item_id, Field.position)
    )
    for row in rows:
        doc = docs[row.item_id]
        hidden = is_restricted(row)
        (doc.hidden_names if hidden else doc.field_names).append(row.name)
        if row.technical_name:
            (doc.hidden_technical if hidden else doc.field_technical).append(row.technical_name)
        if row.description:
            (doc.hidden_descriptions if hidden else doc.field_descriptions).append(row.description)


def docs_for_codes(session: Session, profile: Profile, codes: Iterable[str]) -> tuple[list[SearchDoc], set[str]]:
    """The documents of the given items, and the codes that no longer exist."""
    wanted = sorted(set(codes))
    docs: list[SearchDoc] = []
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start:start + BATCH]
        batch = {row.id: _doc(row, profile) for row in session.execute(_items_query().where(CatalogItem.code.in_(chunk)))}
        _attach_fields(session, batch)
        docs.extend(batch.values())
    found = {d.code for d in docs}
    return docs, set(wanted) - found


def iter_docs(session: Session, profile: Profile, id_range: tuple[int, int] | None = None,
              batch: int = BATCH) -> Iterator[SearchDoc]:
    """Every item (or those with ``low <= id < high``) in id order, read in batches."""
    last = id_range[0] - 1 if id_range else -1
    high = id_range[1] if id_range else None
    while True:
        query = _items_query().where(CatalogItem.id > last)
        if high is not None:
            query = query.where(CatalogItem.id < high)
        docs = {row.id: _doc(row, profile) for row in session.execute(query.limit(batch))}
        if not docs:
            return
        _attach_fields(session, docs)
        yield from docs.values()
        last = max(docs)


def current_stamps(session: Session) -> dict[int, tuple[str, str]]:
    """item id → (code, stamp) for every item in the database."""
    rows = session.execute(select(CatalogItem.id, CatalogItem.code, CatalogItem.version, CatalogItem.updated_at))
    return {item_id: (code, make_stamp(version, updated)) for item_id, code, version, updated in rows}


def split_ids(session: Session, parts: int) -> list[tuple[int, int]]:
    """Id ranges holding about the same number of items each, for parallel indexing."""
    count, low, high = session.execute(select(func.count(), func.min(CatalogItem.id), func.max(CatalogItem.id))).one()
    if not count or parts <= 1:
        return [(0, (high or 0) + 1)]
    bounds = [low]
    step = count // parts
    for k in range(1, parts):
        bounds.append(session.scalar(select(CatalogItem.id).order_by(CatalogItem.id).offset(k * step).limit(1)))
    bounds.append(high + 1)
    return [(bounds[i], bounds[i + 1]) for i in range(parts)]
