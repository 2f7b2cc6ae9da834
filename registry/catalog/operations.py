"""Catalog operations: the only code that writes items, fields and their history.

Each operation validates against the active profile, writes through the
session, records the field-level diff as history (``item_change``) and as an
audit event, then flushes. It never commits: the caller's unit of work does.
Admin UI, REST API, CLI, importers and the demo loader all come through here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.permissions import require
from registry.audit.operations import record_event
from registry.catalog import codes
from registry.catalog.diff import creation_diff, diff_entries, jsonable
from registry.catalog.models import (
    CatalogItem,
    ChangeKind,
    ChangeState,
    Field,
    IdentifierKind,
    ItemChange,
    ItemStatus,
    OpenType,
    ShareType,
)
from registry.catalog.rules import is_open_downgrade
from registry.catalog.schema import FIELD_ELEMENTS, ITEM_COLUMNS
from registry.catalog.validation import CleanEntry, OrgResolver, validate_entry
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.signals import change_proposed, change_withdrawn, note_item_changed
from registry.core.errors import ConflictError, FieldError, NotFound, ValidationError

#: Elements that make up the resource code; they cannot change once an entry left draft.
CODE_ELEMENTS = ("class_code", "item_code", "category_code", "subcategory_code")
EDITABLE_STATES = (ItemStatus.DRAFT,)
PROPOSAL_STATES = (ItemStatus.PUBLISHED, ItemStatus.CHANGE_PENDING)

_ENUM_COLUMNS = {"share_type": ShareType, "open_type": OpenType, "identifier_kind": IdentifierKind}


@dataclass
class ItemResult:
    """What an operation did: the item, the diff it made, the history row, and whether it awaits approval."""

    item: CatalogItem
    diff: dict[str, Any]
    change: ItemChange | None = None

    @property
    def pending(self) -> bool:
        return self.change is not None and self.change.state is ChangeState.PENDING

    @property
    def changed(self) -> bool:
        return bool(self.diff)


# -- reading an entry back as clean values -----------------------------------

def item_values(item: CatalogItem) -> dict[str, Any]:
    """The item's elements in the same shape :func:`validate_entry` produces."""
    values = {key: _plain(getattr(item, key)) for key in ITEM_COLUMNS}
    values["provider"] = item.provider
    values["provider_unit"] = item.provider_unit
    values["code"] = item.code
    return values


def field_values(field: Field) -> dict[str, Any]:
    values = {spec.key: _plain(getattr(field, spec.key)) for spec in FIELD_ELEMENTS}
    values.update(id=field.id, position=field.position)
    return values


_FIELD_KEYS = tuple(spec.key for spec in FIELD_ELEMENTS)
#: The field columns read back as enums (the rest come as plain values already).
_FIELD_ENUM_KEYS = tuple(key for key in _FIELD_KEYS if getattr(Field.__table__.c[key].type, "enum_class", None))


def fields_values_of(session: Session, item_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Item id → its fields as :func:`field_values` gives them, in order, read as plain rows: a page of
    50 items holds about 1,000 fields, and building ORM objects for them was a third of an API list's time."""
    found: dict[int, list[dict[str, Any]]] = {item_id: [] for item_id in item_ids}
    rows = session.execute(select(Field.item_id, Field.id, Field.position, *[getattr(Field, key) for key in _FIELD_KEYS])
                           .where(Field.item_id.in_(item_ids)).order_by(Field.item_id, Field.position))
    for item_id, field_id, position, *values in rows:
        field = dict(zip(_FIELD_KEYS, values))
        for key in _FIELD_ENUM_KEYS:
            field[key] = _plain(field[key])
        field.update(id=field_id, position=position)
        found[item_id].append(field)
    return found


def entry_values(item: CatalogItem, fields: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The item's elements and fields (``fields``: already read by :func:`fields_values_of`)."""
    return {**item_values(item), "fields": fields if fields is not None else [field_values(f) for f in item.fields]}


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") and not isinstance(value, (int, float, str)) else value


def _enum(key: str, value: Any) -> Any:
    enum_cls = _ENUM_COLUMNS.get(key)
    return enum_cls(value) if enum_cls and value is not None else value


def _log(ctx: Context, tag: str, item: CatalogItem, data: dict[str, Any]) -> None:
    """Audit the action and note the item for the after-commit subscribers (search index…)."""
    record_event(ctx, tag, "item", item.code, data)
    note_item_changed(ctx.session, item.code)


# -- lookups ----------------------------------------------------------------

def get_item(ctx: Context, code: str, for_update: bool = False) -> CatalogItem:
    """The item with this code; ``for_update`` locks its row (PostgreSQL) so a concurrent writer waits,
    then sees the new version — SQLite's writers are already serialised by ``BEGIN IMMEDIATE``."""
    query = select(CatalogItem).where(CatalogItem.code == code.strip())
    item = ctx.session.scalar(query.with_for_update().execution_options(populate_existing=True) if for_update else query)
    if item is None:
        raise NotFound(f"没有代码为“{code}”的目录条目")
    return item


def _validated(ctx: Context, data: dict[str, Any], previous: dict[str, Any] | None = None) -> CleanEntry:
    entry = validate_entry(data, ctx.profile, OrgResolver(ctx.session), previous)
    if entry.errors:
        raise ValidationError(entry.errors)
    return entry


# -- create -----------------------------------------------------------------

def create_item(ctx: Context, data: dict[str, Any], reason: str | None = None) -> ItemResult:
    """Create a draft entry with its fields; the code is generated unless a valid unused one is given."""
    entry = _validated(ctx, data)
    provider = entry.item["provider"]
    require(ctx.actor, "item:create", provider)
    values = _with_default_subcategory(dict(entry.item))
    item = CatalogItem(status=ItemStatus.DRAFT, version=1, created_by_id=ctx.actor.id if ctx.actor else None)
    _assign_code(ctx, item, values)
    _apply_item_values(item, values)
    item.fields = [_new_field(f) for f in entry.fields]
    ctx.session.add(item)
    ctx.session.flush()
    diff = creation_diff(item.code, values, entry.fields)
    change = _record_change(ctx, item, ChangeKind.CREATE, ChangeState.APPLIED, diff, reason, base_version=0)
    _log(ctx, "item:create", item, {"diff": diff})
    return ItemResult(item, diff, change)


def _with_default_subcategory(values: dict[str, Any]) -> dict[str, Any]:
    """部门目录: an empty 细目 is the provider's code segment, on creation and on every later edit alike
    (so an edit that leaves it out does not re-classify the draft under a new code)."""
    provider = values.get("provider")
    if values.get("class_code") == "3" and not values.get("subcategory_code") and provider is not None and provider.catalog_code:
        values["subcategory_code"] = provider.catalog_code
    return values


def _assign_code(ctx: Context, item: CatalogItem, values: dict[str, Any]) -> None:
    prefix = codes.classification_code(values["class_code"], values["item_code"], values.get("category_code"), values.get("subcategory_code"))
    given = values.get("code")
    if given:
        parsed = codes.parse_code(given)
        if parsed is None:
            raise ValidationError(FieldError("code", f"“{given}”不符合“分类码/顺序码”的编码规则，如 307001001/000001", "信息资源代码"))
        if parsed.classification_code != prefix:
            raise ValidationError(FieldError("code", f"代码“{given}”的分类码与所填分类（{prefix}）不一致", "信息资源代码"))
        if ctx.session.scalar(select(CatalogItem.id).where(CatalogItem.code == str(parsed))) is not None:
            raise ValidationError(FieldError("code", f"代码“{parsed}”已被使用；资源代码唯一且不得复用", "信息资源代码"))
        codes.reserve_sequence(ctx.session, prefix, parsed.sequence)
        sequence = parsed.sequence
    else:
        sequence = codes.next_sequence(ctx.session, prefix)
    item.classification_code, item.sequence = prefix, sequence
    item.code = f"{prefix}/{sequence:0{codes.SEQUENCE_WIDTH}d}"


def _apply_item_values(item: CatalogItem, values: dict[str, Any]) -> None:
    for key in ITEM_COLUMNS:
        if key in values:
            setattr(item, key, _enum(key, values[key]))
    item.provider = values["provider"]
    item.provider_unit = values.get("provider_unit")


def _new_field(values: dict[str, Any]) -> Field:
    field = Field()
    _apply_field_values(field, values)
    return field


def _apply_field_values(field: Field, values: dict[str, Any]) -> None:
    field.position = values["position"]
    for spec in FIELD_ELEMENTS:
        setattr(field, spec.key, _enum(spec.key, values.get(spec.key)))


def _record_change(ctx: Context, item: CatalogItem, kind: ChangeKind, state: ChangeState, diff: dict[str, Any],
                   reason: str | None, base_version: int, proposal: dict[str, Any] | None = None,
                   requires_authority: bool = False) -> ItemChange:
    change = ItemChange(
        item=item, kind=kind, state=state, diff=diff, reason=reason, base_version=base_version,
        proposal=proposal, requires_authority=requires_authority,
        actor_id=ctx.actor.id if ctx.actor else None, created_at=utcnow(),
    )
    ctx.session.add(change)
    ctx.session.flush()
    return change


# -- update -----------------------------------------------------------------

def update_item(ctx: Context, item: CatalogItem, data: dict[str, Any], reason: str | None = None,
                expected_version: int | None = None) -> ItemResult:
    """Change an entry. Drafts change at once; published entries get a pending change for review.

    ``data`` holds only the elements to change; ``fields``, when given, is the
    complete new list (entries keep their ``id`` to be matched, else by name).
    Returns an empty diff and writes nothing when the data changes nothing.
    """
    if expected_version is not None and expected_version != item.version:
        raise ConflictError(f"条目已被他人修改（当前版本 {item.version}，您编辑的是版本 {expected_version}），请刷新后重试")
    if item.status not in EDITABLE_STATES + PROPOSAL_STATES:
        raise ConflictError(f"“{item.status.label}”状态的条目不能修改")
    require(ctx.actor, "item:update", item.provider)
    published = entry_values(item)
    base, proposal = editable_values(ctx, item)
    entry = _validated(ctx, data, base)
    _with_default_subcategory(entry.item)
    require(ctx.actor, "item:update", entry.item["provider"])
    _check_code_elements(item, entry.item)
    if proposal is not None:
        proposed = _validated(ctx, {}, base)
        if not diff_entries(proposed.item, proposed.fields, entry.item, entry.fields):
            return ItemResult(item, {})
    diff = diff_entries(published, published["fields"], entry.item, entry.fields)
    if not diff and proposal is None:
        return ItemResult(item, {})  # nothing changes (a pending retirement stays pending)
    if item.status is ItemStatus.CHANGE_PENDING:
        _withdraw_pending(ctx, item)  # the new edit supersedes the proposal still waiting
        if not diff:  # edited back to the published version: the change is simply withdrawn
            _log(ctx, "item:withdraw_change", item, {"reason": reason})
            change_withdrawn.send(ctx, item=item)
            return ItemResult(item, {})
    if item.status in PROPOSAL_STATES:
        return _propose_change(ctx, item, entry, diff, reason)
    change = _apply_entry(ctx, item, entry, diff, ChangeKind.UPDATE, reason)
    _log(ctx, "item:update", item, {"diff": diff, "version": item.version})
    return ItemResult(item, diff, change)


def editable_values(ctx: Context, item: CatalogItem) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """What an edit starts from, and the pending proposal if there is one.

    An edit while a change is under review refines that change: it starts from
    the proposal, so a partial edit keeps the rest of what was proposed.
    """
    published = entry_values(item)
    proposal = next((c.proposal for c in pending_changes(ctx, item) if c.kind is ChangeKind.UPDATE and c.proposal), None)
    return (published if proposal is None else {**published, **proposal}), proposal


def _check_code_elements(item: CatalogItem, values: dict[str, Any]) -> None:
    changed = [k for k in CODE_ELEMENTS if (getattr(item, k) or None) != (values.get(k) or None)]
    if values.get("code") and values["code"] != item.code:
        changed.append("code")
    if changed and item.status is not ItemStatus.DRAFT:
        raise ValidationError([
            FieldError(k, "已发布条目的资源分类和代码不能修改；如需调整，请注销后重新编目", k) for k in changed
        ])


def _apply_entry(ctx: Context, item: CatalogItem, entry: CleanEntry, diff: dict[str, Any], kind: ChangeKind,
                 reason: str | None, base_version: int | None = None) -> ItemChange:
    base = item.version if base_version is None else base_version
    values = dict(entry.item)
    if any(values.get(k) != getattr(item, k) for k in CODE_ELEMENTS):
        _assign_code(ctx, item, {**values, "code": None})  # a draft re-classified gets a fresh code
    _apply_item_values(item, values)
    _sync_fields(ctx, item, entry.fields)
    item.version += 1
    return _record_change(ctx, item, kind, ChangeState.APPLIED, diff, reason, base_version=base)


def _sync_fields(ctx: Context, item: CatalogItem, new_fields: list[dict[str, Any]]) -> None:
    """Update fields in place (keeping their ids), add new ones, delete dropped ones."""
    by_id = {f.id: f for f in item.fields}
    by_name = {f.name: f for f in item.fields}
    keep: list[tuple[Field, dict[str, Any]]] = []
    used: set[int] = set()
    for values in new_fields:
        existing = by_id.get(values.get("id")) if values.get("id") is not None else by_name.get(values.get("name"))
        if existing is not None and existing.id not in used:
            used.add(existing.id)
            keep.append((existing, values))
        else:
            keep.append((Field(), values))
    dropped = [field for field in item.fields if field.id not in used]
    for field in dropped:
        item.fields.remove(field)
    # Park kept fields on free positions first, so reordering never trips the unique (item, position) key.
    # Not when every field keeps its place (most edits touch no field): parking rewrote each row twice.
    if dropped or any(field.position != values["position"] for field, values in keep if field.id is not None):
        for offset, (field, _) in enumerate(keep):
            if field.id is not None:
                field.position = -(offset + 1)
        ctx.session.flush()
    for field, values in keep:
        _apply_field_values(field, values)
    item.fields = [field for field, _ in keep]  # same objects, new order; dropped ones are already gone
    ctx.session.flush()


def _propose_change(ctx: Context, item: CatalogItem, entry: CleanEntry, diff: dict[str, Any], reason: str | None) -> ItemResult:
    old_open = item.open_type.value
    downgrade = ctx.profile.applies("open_downgrade_needs_approval") and (
        is_open_downgrade(old_open, entry.item.get("open_type")) or _field_open_downgrade(item, entry.fields)
    )
    needs_authority = downgrade or ctx.profile.workflow.get("change_needs_authority_consent", False)
    proposal = jsonable({**entry.item, "fields": entry.fields})
    change = _record_change(ctx, item, ChangeKind.UPDATE, ChangeState.PENDING, diff, reason, item.version,
                            proposal=proposal, requires_authority=needs_authority)
    item.status = ItemStatus.CHANGE_PENDING
    _log(ctx, "item:propose_change", item, {"diff": diff, "change": change.id, "requires_authority": needs_authority})
    change_proposed.send(ctx, change=change)
    return ItemResult(item, diff, change)


def _field_open_downgrade(item: CatalogItem, new_fields: list[dict[str, Any]]) -> bool:
    old = {f.id: (f.open_type or item.open_type).value for f in item.fields}
    return any(is_open_downgrade(old.get(f.get("id")), f.get("open_type")) for f in new_fields if f.get("open_type"))


def _withdraw_pending(ctx: Context, item: CatalogItem) -> None:
    for change in pending_changes(ctx, item):
        change.state = ChangeState.WITHDRAWN
        change.decided_at = utcnow()
    item.status = ItemStatus.PUBLISHED
    ctx.session.flush()


def pending_changes(ctx: Context, item: CatalogItem) -> list[ItemChange]:
    return list(ctx.session.scalars(
        select(ItemChange).where(ItemChange.item_id == item.id, ItemChange.state == ChangeState.PENDING).order_by(ItemChange.id)
    ))


# -- decisions on pending changes -----------------------------------------------

def approve_change(ctx: Context, change: ItemChange, comment: str | None = None) -> ItemResult:
    """Apply a pending change (an edit or a retirement of a published entry)."""
    if change.state is not ChangeState.PENDING:
        raise ConflictError(f"该变更已处理（{change.state.label}）")
    item = change.item
    require(ctx.actor, "change:decide_authority" if change.requires_authority else "change:approve", item.provider)
    if change.base_version != item.version:  # e.g. an emergency share change was applied meanwhile
        raise ConflictError(f"条目在此变更提出后已被修改（版本 {change.base_version} → {item.version}），"
                            "批准会覆盖其后的修改；请退回，由编目人员在当前版本上重新提出变更")
    change.state, change.decided_at, change.decision_reason = ChangeState.APPLIED, utcnow(), comment
    change.decided_by_id = ctx.actor.id if ctx.actor else None
    if change.kind is ChangeKind.RETIRE:
        _retire_now(item)
    else:
        entry = _validated(ctx, change.proposal or {})
        _apply_item_values(item, dict(entry.item))
        _sync_fields(ctx, item, entry.fields)
        item.version += 1
        item.status = ItemStatus.PUBLISHED
    ctx.session.flush()
    _log(ctx, "change:approve", item, {"change": change.id, "diff": change.diff, "version": item.version})
    return ItemResult(item, change.diff, change)


def reject_change(ctx: Context, change: ItemChange, reason: str) -> ItemResult:
    """Refuse a pending change with a reason; the published version stays as it was."""
    if not reason or not reason.strip():
        raise ValidationError(FieldError("reason", "驳回必须说明理由", "驳回理由"))
    if change.state is not ChangeState.PENDING:
        raise ConflictError(f"该变更已处理（{change.state.label}）")
    item = change.item
    require(ctx.actor, "change:reject", item.provider)
    change.state, change.decided_at, change.decision_reason = ChangeState.REJECTED, utcnow(), reason.strip()
    change.decided_by_id = ctx.actor.id if ctx.actor else None
    item.status = ItemStatus.PUBLISHED
    ctx.session.flush()
    _log(ctx, "change:reject", item, {"change": change.id, "reason": reason.strip()})
    return ItemResult(item, {}, change)


# -- lifecycle --------------------------------------------------------------

def retire_item(ctx: Context, item: CatalogItem, reason: str) -> ItemResult:
    """Retire (注销) an entry. Drafts go at once; published entries need approval.

    Entries are never deleted, so their codes are never reused.
    """
    if not reason or not reason.strip():
        raise ValidationError(FieldError("reason", "注销必须说明理由", "注销理由"))
    if item.status is ItemStatus.RETIRED:
        raise ConflictError("条目已注销")
    require(ctx.actor, "item:retire", item.provider)
    diff = {"item": {"status": [item.status.value, ItemStatus.RETIRED.value]}}
    if item.status in PROPOSAL_STATES:
        if item.status is ItemStatus.CHANGE_PENDING:
            _withdraw_pending(ctx, item)
        change = _record_change(ctx, item, ChangeKind.RETIRE, ChangeState.PENDING, diff, reason.strip(), item.version,
                                requires_authority=ctx.profile.workflow.get("change_needs_authority_consent", False))
        item.status = ItemStatus.CHANGE_PENDING
        _log(ctx, "item:propose_retire", item, {"change": change.id, "reason": reason.strip()})
        change_proposed.send(ctx, change=change)
        return ItemResult(item, diff, change)
    change = _record_change(ctx, item, ChangeKind.RETIRE, ChangeState.APPLIED, diff, reason.strip(), item.version)
    _retire_now(item)
    ctx.session.flush()
    _log(ctx, "item:retire", item, {"reason": reason.strip()})
    return ItemResult(item, diff, change)


def _retire_now(item: CatalogItem) -> None:
    item.status, item.retired_at = ItemStatus.RETIRED, utcnow()
    item.version += 1


def publish_item(ctx: Context, item: CatalogItem) -> ItemResult:
    """Mark an entry published: the last review level approved it (or an authority loads a vetted catalog)."""
    if item.status in (ItemStatus.PUBLISHED, ItemStatus.CHANGE_PENDING, ItemStatus.RETIRED):
        raise ConflictError(f"“{item.status.label}”状态的条目不能发布")
    require(ctx.actor, "item:publish", item.provider)
    diff = {"item": {"status": [item.status.value, ItemStatus.PUBLISHED.value]}}
    item.status = ItemStatus.PUBLISHED
    item.published_at = item.published_at or utcnow()
    item.publish_date = item.publish_date or item.published_at.date()
    ctx.session.flush()
    _log(ctx, "item:publish", item, {"version": item.version})
    return ItemResult(item, diff)


# -- emergencies (binzhou §21) ------------------------------------------------------

SHARE_ELEMENTS = ("share_type", "share_condition", "share_basis")
_EMERGENCY_KEY = "emergency_share"


def emergency_share_change(ctx: Context, item: CatalogItem, values: dict[str, Any], reason: str) -> ItemResult:
    """Change a published entry's share attributes at once, during a public emergency.

    Binzhou §21 lets the provider adjust sharing temporarily without waiting for
    review; the attributes in force before are kept in ``extras`` so that
    :func:`end_emergency_share` restores them, and the change is in the history.
    """
    if not ctx.profile.workflow.get("emergency_share_change"):
        raise ConflictError(f"《{ctx.profile.regulation or ctx.profile.label}》未规定应急临时调整共享属性")
    if not reason or not reason.strip():
        raise ValidationError(FieldError("reason", "应急调整必须说明所涉突发公共事件和调整理由", "调整理由"))
    if item.status not in PROPOSAL_STATES:
        raise ConflictError("只有已发布的条目可以应急调整共享属性")
    require(ctx.actor, "item:emergency_share", item.provider)
    previous = (item.extras or {}).get(_EMERGENCY_KEY, {}).get("previous") or {k: _plain(getattr(item, k)) for k in SHARE_ELEMENTS}
    result = _replace_share(ctx, item, {k: values.get(k) for k in SHARE_ELEMENTS}, f"应急临时调整：{reason.strip()}")
    item.extras = {**(item.extras or {}), _EMERGENCY_KEY: {
        "previous": previous, "reason": reason.strip(), "since": utcnow().isoformat(timespec="seconds"),
        "by": ctx.actor.username if ctx.actor else None,
    }}
    ctx.session.flush()
    _log(ctx, "item:emergency_share", item, {"diff": result.diff, "reason": reason.strip()})
    return result


def end_emergency_share(ctx: Context, item: CatalogItem, reason: str | None = None) -> ItemResult:
    """Restore the share attributes that were in force before the emergency change."""
    state = (item.extras or {}).get(_EMERGENCY_KEY)
    if not state:
        raise ConflictError("该条目没有生效中的应急调整")
    require(ctx.actor, "item:emergency_share", item.provider)
    result = _replace_share(ctx, item, state["previous"], f"结束应急调整{('：' + reason.strip()) if reason and reason.strip() else ''}")
    item.extras = {k: v for k, v in (item.extras or {}).items() if k != _EMERGENCY_KEY}
    ctx.session.flush()
    _log(ctx, "item:emergency_share_end", item, {"diff": result.diff})
    return result


def emergency_share_state(item: CatalogItem) -> dict[str, Any] | None:
    return (item.extras or {}).get(_EMERGENCY_KEY)


def _replace_share(ctx: Context, item: CatalogItem, values: dict[str, Any], reason: str) -> ItemResult:
    published = entry_values(item)
    entry = _validated(ctx, values, published)
    diff = diff_entries(published, published["fields"], entry.item, entry.fields)
    if not diff:
        raise ValidationError(FieldError("share_type", "共享属性没有变化", "共享类型"))
    _apply_item_values(item, dict(entry.item))
    item.version += 1
    change = _record_change(ctx, item, ChangeKind.UPDATE, ChangeState.APPLIED, diff, reason, base_version=item.version - 1)
    return ItemResult(item, diff, change)
