"""Deciding, entry by entry, what an import would do — without writing anything.

Each entry is matched to an existing item (by resource code, else by
provider and name), validated against the profile, and classified create,
update, unchanged or rejected. Valid new entries keep their clean values in
a compact form so the commit needs neither the file nor a second validation.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from importers.layouts import Problem, RawEntry
from registry.accounts.permissions import item_scope
from registry.catalog import codes as catalog_codes
from registry.catalog import operations as catalog_ops
from registry.catalog.diff import diff_entries
from registry.catalog.models import CatalogItem, ItemStatus
from registry.catalog.rules import is_valid_org_identifier
from registry.catalog.schema import FIELD_ELEMENTS
from registry.catalog.validation import CleanEntry, OrgResolver, validate_entry
from registry.core.context import Context
from registry.core.errors import FieldError
from registry.orgs.models import Organisation

#: Empty cells of these keep what is stored: the system fills them in (code, 细目, publish date) or
#: they only point at the provider.
KEPT_WHEN_BLANK = {"provider", "provider_code", "share_condition_or_basis", "code", "subcategory_code", "publish_date"}
_FIELD_KEYS = ("position", *(spec.key for spec in FIELD_ELEMENTS))
_LOCKED_STATES = (ItemStatus.SUBMITTED, ItemStatus.IN_REVIEW, ItemStatus.RETIRED)


@dataclass
class PlannedEntry:
    sheet: str
    row: int
    name: str
    action: str  # create, update, unchanged, rejected
    field_count: int = 0
    data: dict[str, Any] = field(default_factory=dict)  # for updates: the elements to change
    item: CatalogItem | None = None
    clean_item: dict[str, Any] | None = None  # for creations: validated values …
    clean_fields: list[tuple] = field(default_factory=list)  # … and fields as tuples in _FIELD_KEYS order
    diff: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def clean_entry(self) -> CleanEntry:
        return CleanEntry(dict(self.clean_item or {}), [dict(zip(_FIELD_KEYS, f)) for f in self.clean_fields])


class _ExistingItems:
    """Every live item's code and (provider, name), read once: an import matches thousands of entries."""

    def __init__(self, ctx: Context):
        rows = ctx.session.execute(select(CatalogItem.id, CatalogItem.code, CatalogItem.provider_id, CatalogItem.name, CatalogItem.status)).all()
        self.by_code = {r.code: r for r in rows}
        self.by_name = {(r.provider_id, r.name): r for r in rows if r.status is not ItemStatus.RETIRED}
        self.session = ctx.session

    def load(self, item_id: int) -> CatalogItem:
        return self.session.scalars(
            select(CatalogItem).where(CatalogItem.id == item_id).options(selectinload(CatalogItem.fields))).one()


class Planner:
    """Plans entries one at a time, remembering keys to catch duplicates inside the file."""

    def __init__(self, ctx: Context, scope_org: Organisation | None, create_orgs: bool):
        self.ctx = ctx
        self.scope_org = scope_org
        self.create_orgs = create_orgs
        self.orgs = OrgResolver(ctx.session)
        self.allowed = None if ctx.actor is None else item_scope(ctx.session, ctx.actor)
        self.existing = _ExistingItems(ctx)
        self.seen_codes: dict[str, tuple[str, int]] = {}
        self.seen_names: dict[tuple[object, str], tuple[str, int]] = {}
        self.new_orgs: dict[str, Organisation] = {}

    def plan(self, raw: RawEntry) -> PlannedEntry:
        planned = PlannedEntry(raw.sheet, raw.row, raw.name, "rejected", len(raw.fields), problems=list(raw.problems))
        provider = self._provider(raw, planned)
        if provider is None:
            return planned
        data = self._data(raw, provider)
        existing = self._existing(raw, provider, planned)
        if planned.problems:
            return planned
        previous = catalog_ops.entry_values(existing) if existing is not None else None
        if previous is not None and "fields" in data:
            data = _merge_fields(data, previous, raw)
        entry = validate_entry(data, self.ctx.profile, self.orgs, previous)
        planned.problems += [self._locate(raw, e) for e in entry.errors]
        if planned.problems:
            return planned
        if existing is None:
            planned.problems += [self._locate(raw, e) for e in _code_errors(entry.item)]
            if planned.problems:
                return planned
            planned.action = "create"
            planned.clean_item = entry.item
            planned.clean_fields = [tuple(f.get(k) for k in _FIELD_KEYS) for f in entry.fields]
        else:
            planned.item, planned.data = existing, data
            planned.diff = diff_entries(previous, previous["fields"], entry.item, entry.fields)
            planned.action = "update" if planned.diff else "unchanged"
        return planned

    # -- provider and identity -------------------------------------------------

    def _provider(self, raw: RawEntry, planned: PlannedEntry) -> Organisation | None:
        given = raw.data.get("provider_code") or raw.data.get("provider")
        if given is None:
            if self.scope_org is not None:
                return self.scope_org
            planned.problems.append(self._problem(raw, "provider", None, "必填：请填写信息资源提供方（机构名称或代码），或导入时指定机构"))
            return None
        provider = self.orgs(_fold(given)) or (self.orgs(_fold(raw.data["provider"])) if raw.data.get("provider") else None)
        if provider is None and self.create_orgs:
            return self._org_to_create(raw, planned)
        if provider is None:
            key = "provider_code" if raw.data.get("provider_code") else "provider"
            planned.problems.append(self._problem(raw, key, given, f"找不到机构“{given}”：请填写已登记机构的全称或代码（管理员可用“自动登记机构”选项）"))
            return None
        if self.scope_org is not None and provider.department.id != self.scope_org.id and provider.id != self.scope_org.id:
            planned.problems.append(self._problem(raw, "provider", given, f"只能导入“{self.scope_org.name}”的目录"))
            return None
        if self.allowed is not None and not self.allowed.all_items and provider.id not in self.allowed.own_provider_ids:
            planned.problems.append(self._problem(raw, "provider", given, "您只能导入本单位的目录"))
            return None
        return provider

    def _org_to_create(self, raw: RawEntry, planned: PlannedEntry) -> Organisation | None:
        code, name = raw.data.get("provider_code"), raw.data.get("provider")
        if not code or not name or not is_valid_org_identifier(str(code)):
            planned.problems.append(self._problem(raw, "provider", name or code, "自动登记机构需要同时填写提供方名称和有效的机构代码（统一社会信用代码）"))
            return None
        code = str(code).upper()
        # A stand-in until the commit registers it; never added to the session.
        return self.new_orgs.setdefault(code, Organisation(code=code, name=str(name), level=None))

    def _existing(self, raw: RawEntry, provider: Organisation, planned: PlannedEntry) -> CatalogItem | None:
        code, here = raw.data.get("code"), (raw.sheet, raw.row)
        if code:
            first = self.seen_codes.setdefault(str(code), here)
            if first != here:
                planned.problems.append(self._problem(raw, "code", code, f"资源代码与{_where(first, here)}重复"))
        if raw.name:
            first = self.seen_names.setdefault((provider.code, _fold(raw.name)), here)
            if first != here:
                planned.problems.append(self._problem(raw, "name", raw.name, f"同一提供方的资源名称与{_where(first, here)}重复"))
        if provider.id is None:
            return None
        found = self.existing.by_code.get(str(code)) if code else None
        if found is not None and found.provider_id != provider.id:
            planned.problems.append(self._problem(raw, "code", code, "该资源代码已属于其他单位的条目"))
            return None
        found = found or self.existing.by_name.get((provider.id, raw.name))
        if found is None:
            return None
        if found.status in _LOCKED_STATES:
            planned.problems.append(self._problem(raw, "name", raw.name, f"已有同名条目处于“{found.status.label}”状态，不能通过导入修改"))
            return None
        return self.existing.load(found.id)

    # -- values -------------------------------------------------------------

    def _data(self, raw: RawEntry, provider: Organisation) -> dict[str, Any]:
        data = {k: v for k, v in raw.data.items() if k not in ("provider_code", "share_condition_or_basis")}
        # A column the sheet has but left empty means "clear this value"; a column it lacks keeps the stored one.
        for key in raw.item_keys - data.keys() - KEPT_WHEN_BLANK:
            data[key] = None
        data["provider"] = provider
        combined = raw.data.get("share_condition_or_basis")
        if combined is not None:  # the national template's 共享条件/不予共享依据 column
            share = self.ctx.profile.vocab("share_type").resolve(raw.data.get("share_type"))
            target = "share_basis" if share == "not_shared" else "share_condition"
            if data.get(target) is None:
                data[target] = combined
        if raw.fields or raw.field_keys:
            data["fields"] = [dict(f) for f in raw.fields]
        return data

    # -- problems -------------------------------------------------------------

    def _locate(self, raw: RawEntry, error: FieldError) -> Problem:
        key = error.field
        cell = raw.cell(key)
        if cell is None and key in ("share_condition", "share_basis"):
            cell = raw.cell("share_condition_or_basis")
        cell = cell or raw.cell("name")
        label = error.label or raw.label(key)
        return Problem(raw.sheet if cell is None else cell.sheet, cell.row if cell else raw.row,
                       cell.letter if cell else None, _raw_value(raw, key), f"{label}：{error.message}")

    def _problem(self, raw: RawEntry, key: str, value: object, message: str) -> Problem:
        cell = raw.cell(key) or raw.cell("name")
        return Problem(raw.sheet, cell.row if cell else raw.row, cell.letter if cell else None, value, message)


def _merge_fields(data: dict[str, Any], previous: dict[str, Any], raw: RawEntry) -> dict[str, Any]:
    """Keep the ids, and the values of columns the sheet does not have, for fields matched by name."""
    old = {f["name"]: f for f in previous["fields"]}
    present = raw.field_keys
    merged = []
    for new in data["fields"]:
        before = old.get(str(new.get("name") or "").strip())
        if before is None:
            merged.append(new)
            continue
        kept = {k: v for k, v in before.items() if k not in present and k != "position"}
        merged.append({**kept, **{k: new.get(k) for k in present}})
    return {**data, "fields": merged}


def _code_errors(item: dict[str, Any]) -> list[FieldError]:
    """The check the commit makes on a given code (registry.catalog.bulk), made while planning: a plan
    said "clean" and the commit then refused the whole file (found by tests/fuzz: a 序号 column read as 代码)."""
    code = item.get("code")
    if not code:
        return []
    wanted = catalog_codes.classification_code(item["class_code"], item["item_code"], item.get("category_code"), item.get("subcategory_code"))
    parsed = catalog_codes.parse_code(str(code))
    if parsed is None or parsed.classification_code != wanted:
        return [FieldError("code", f"代码“{code}”不符合编码规则或与所填分类（{wanted}）不一致", "信息资源代码")]
    return []


def _where(first: tuple[str, int], here: tuple[str, int]) -> str:
    return f"第{first[1]}行" if first[0] == here[0] else f"工作表“{first[0]}”第{first[1]}行"


def _fold(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")


def _raw_value(raw: RawEntry, key: str) -> object:
    if key.startswith("fields["):
        index, _, sub = key[len("fields["):].partition("].")
        return raw.fields[int(index)].get(sub) if int(index) < len(raw.fields) else None
    return raw.data.get(key)
