"""Catalog imports: plan everything first (the dry run), then commit through the catalog operations.

:func:`plan_import` reads the file, matches every entry to an existing item
(by resource code, else by provider and name), validates it against the
profile and works out what would happen — create, update, unchanged or
rejected — without writing anything. :func:`commit_import` carries out a
plan inside the caller's transaction: all entries or none, unless the user
asked for the valid ones only.
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from importers.layouts import Problem, RawEntry, read_entries
from importers.sources import open_source
from registry.accounts.permissions import item_scope
from registry.accounts.models import Role
from registry.catalog import operations as catalog_ops
from registry.catalog.bulk import bulk_create_items
from registry.catalog.diff import diff_entries
from registry.catalog.models import CatalogItem, ItemStatus
from registry.catalog.validation import OrgResolver, validate_entry
from registry.core.context import Context
from registry.core.errors import FieldError, ValidationError
from registry.imports.models import ImportBatch, ImportOutcome
from registry.orgs.models import Organisation

MAX_RECORDED_ERRORS = 1000
_KEPT_WHEN_BLANK = {"provider", "provider_code", "share_condition_or_basis", "code", "subcategory_code", "publish_date"}


@dataclass
class PlannedEntry:
    raw: RawEntry
    action: str  # create, update, unchanged, rejected
    data: dict[str, Any] = field(default_factory=dict)
    item: CatalogItem | None = None
    diff: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ImportPlan:
    filename: str
    file_hash: str
    layout: str
    entries: list[PlannedEntry]
    file_problems: list[Problem]
    scope_org: Organisation | None = None
    notes: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for e in self.entries if e.action == action)

    @property
    def fields(self) -> int:
        return sum(len(e.raw.fields) for e in self.entries if e.action != "rejected")

    @property
    def problems(self) -> list[Problem]:
        return self.file_problems + [p for e in self.entries for p in e.problems]

    @property
    def clean(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, Any]:
        return {
            "created": self.count("create"), "updated": self.count("update"), "unchanged": self.count("unchanged"),
            "rejected": self.count("rejected"), "fields": self.fields, "errors": [p.as_dict() for p in self.problems],
        }


def file_hash(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def plan_import(ctx: Context, path: str | Path, filename: str | None = None, org_code: str | None = None,
                create_orgs: bool = False) -> ImportPlan:
    """Read and check a whole upload; writes nothing (organisations to create are only noted)."""
    source = open_source(path, filename)
    layout, raw_entries, file_problems = read_entries(source)
    scope_org = _scope_org(ctx, org_code)
    planner = _Planner(ctx, scope_org, create_orgs)
    entries = [planner.plan(raw) for raw in raw_entries]
    if not raw_entries and not file_problems:
        file_problems.append(Problem(source.sheets[0].name if source.sheets else "", None, None, None, "文件中没有目录条目"))
    plan = ImportPlan(source.filename, file_hash(path), layout, entries, file_problems, scope_org)
    plan.notes += _template_notes(ctx, path)
    return plan


def _template_notes(ctx: Context, path: str | Path) -> list[str]:
    """Recognise Mulu's own template by its hidden marker, and say when it is old or for another profile."""
    from importers.sources import hidden_sheet_rows
    from importers.template import MARKER_SHEET, TEMPLATE_VERSION

    rows = hidden_sheet_rows(path, MARKER_SHEET)
    if not rows or not rows[0] or rows[0][0] != "mulu-template":
        return []
    marker = rows[0] + [None, None]
    notes = []
    if int(marker[1] or 0) < TEMPLATE_VERSION:
        notes.append(f"此文件使用旧版模板（版本 {int(marker[1] or 0)}），建议下载最新模板（版本 {TEMPLATE_VERSION}）")
    if marker[2] and marker[2] != ctx.profile.name:
        notes.append(f"此模板为“{marker[2]}”辖区配置生成，当前系统使用“{ctx.profile.name}”，下拉选项可能不同")
    return notes


def _scope_org(ctx: Context, org_code: str | None) -> Organisation | None:
    actor = ctx.actor
    if org_code:
        org = OrgResolver(ctx.session)(org_code)
        if org is None:
            raise ValidationError(FieldError("org", f"找不到机构“{org_code}”", "机构"))
        if actor is not None and actor.role is Role.COMPILER and not item_scope(ctx.session, actor).own_provider_ids >= {org.id}:
            raise ValidationError(FieldError("org", "编目员只能导入本单位的目录", "机构"))
        return org
    if actor is not None and actor.role is Role.COMPILER:
        return actor.organisation.department
    return None


class _Planner:
    """Works out, entry by entry, what importing would do; remembers keys to catch duplicates in the file."""

    def __init__(self, ctx: Context, scope_org: Organisation | None, create_orgs: bool):
        self.ctx = ctx
        self.scope_org = scope_org
        self.create_orgs = create_orgs
        self.orgs = OrgResolver(ctx.session)
        self.allowed = None if ctx.actor is None else item_scope(ctx.session, ctx.actor)
        self.seen_codes: dict[str, int] = {}
        self.seen_names: dict[tuple[int, str], int] = {}

    def plan(self, raw: RawEntry) -> PlannedEntry:
        planned = PlannedEntry(raw, "rejected", problems=list(raw.problems))
        provider = self._provider(raw, planned)
        if provider is None:
            return planned
        data = self._data(raw, provider)
        existing = self._existing(raw, provider, planned)
        if planned.problems:
            return planned
        previous = catalog_ops.entry_values(existing) if existing is not None else None
        if previous is not None:
            data = self._merge_fields(data, previous, raw)
        entry = validate_entry(data, self.ctx.profile, self.orgs, previous)
        planned.problems += [self._locate(raw, e) for e in entry.errors]
        if planned.problems:
            return planned
        planned.data, planned.item = data, existing
        if existing is None:
            planned.action = "create"
        else:
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
            planned.problems.append(self._problem(raw, "provider_code" if raw.data.get("provider_code") else "provider", given,
                                                  f"找不到机构“{given}”：请填写已登记机构的全称或代码（管理员可用“自动登记机构”选项）"))
            return None
        if self.scope_org is not None and provider.department.id != self.scope_org.id and provider.id != self.scope_org.id:
            planned.problems.append(self._problem(raw, "provider", given, f"只能导入“{self.scope_org.name}”的目录"))
            return None
        if self.allowed is not None and not self.allowed.all_items and provider.id not in self.allowed.own_provider_ids:
            planned.problems.append(self._problem(raw, "provider", given, "您只能导入本单位的目录"))
            return None
        return provider

    def _org_to_create(self, raw: RawEntry, planned: PlannedEntry) -> Organisation | None:
        from registry.catalog.rules import is_valid_org_identifier

        code, name = raw.data.get("provider_code"), raw.data.get("provider")
        if not code or not name or not is_valid_org_identifier(str(code)):
            planned.problems.append(self._problem(raw, "provider", name or code, "自动登记机构需要同时填写提供方名称和有效的机构代码（统一社会信用代码）"))
            return None
        # Stands in for the organisation until commit creates it; never added to the session.
        return Organisation(code=str(code).upper(), name=str(name), level=None)

    def _existing(self, raw: RawEntry, provider: Organisation, planned: PlannedEntry) -> CatalogItem | None:
        session, code = self.ctx.session, raw.data.get("code")
        name_key = (id(provider), _fold(raw.name))
        if code:
            if str(code) in self.seen_codes:
                planned.problems.append(self._problem(raw, "code", code, f"资源代码与第{self.seen_codes[str(code)]}行重复"))
            self.seen_codes.setdefault(str(code), raw.row)
        if raw.name:
            if name_key in self.seen_names:
                planned.problems.append(self._problem(raw, "name", raw.name, f"同一提供方的资源名称与第{self.seen_names[name_key]}行重复"))
            self.seen_names.setdefault(name_key, raw.row)
        if provider.id is None:
            return None
        if code:
            item = session.scalar(select(CatalogItem).where(CatalogItem.code == str(code)))
            if item is not None and item.provider_id != provider.id:
                planned.problems.append(self._problem(raw, "code", code, f"资源代码“{code}”已属于“{item.provider.name}”的条目"))
                return None
            if item is not None:
                return self._live(raw, item, planned)
        item = session.scalar(select(CatalogItem).where(
            CatalogItem.provider_id == provider.id, CatalogItem.name == raw.name, CatalogItem.status != ItemStatus.RETIRED))
        return self._live(raw, item, planned) if item is not None else None

    def _live(self, raw: RawEntry, item: CatalogItem, planned: PlannedEntry) -> CatalogItem | None:
        if item.status in (ItemStatus.SUBMITTED, ItemStatus.IN_REVIEW, ItemStatus.RETIRED):
            planned.problems.append(self._problem(raw, "name", raw.name, f"已有同名条目处于“{item.status.label}”状态，不能通过导入修改"))
            return None
        return item

    # -- values -------------------------------------------------------------

    def _data(self, raw: RawEntry, provider: Organisation) -> dict[str, Any]:
        data = {k: v for k, v in raw.data.items() if k not in ("provider_code", "share_condition_or_basis")}
        # Columns the sheet has but left empty mean "clear this value"; columns it lacks keep the stored
        # value, and so do empty cells of values the system fills in itself (code, 细目, publish date).
        for key in raw.cells:
            if not key.startswith("fields[") and key not in data and key not in _KEPT_WHEN_BLANK:
                data[key] = None
        data["provider"] = provider
        combined = raw.data.get("share_condition_or_basis")
        if combined is not None:  # the national template's 共享条件/不予共享依据 column
            share = self.ctx.profile.vocab("share_type").resolve(raw.data.get("share_type"))
            target = "share_basis" if share == "not_shared" else "share_condition"
            if data.get(target) is None:
                data[target] = combined
        if raw.fields or any(k.startswith("fields[") for k in raw.cells):
            data["fields"] = [dict(f) for f in raw.fields]
        return data

    def _merge_fields(self, data: dict[str, Any], previous: dict[str, Any], raw: RawEntry) -> dict[str, Any]:
        """Keep the ids and the values of columns the sheet does not have, for fields matched by name."""
        if "fields" not in data:
            return data
        old = {f["name"]: f for f in previous["fields"]}
        present = {key.split(".", 1)[1] for key in raw.cells if key.startswith("fields[")}
        merged = []
        for new in data["fields"]:
            before = old.get(str(new.get("name") or "").strip())
            if before is None:
                merged.append(new)
                continue
            kept = {k: v for k, v in before.items() if k not in present and k != "position"}
            merged.append({**kept, **{k: new.get(k) for k in present}})
        return {**data, "fields": merged}

    # -- problems -------------------------------------------------------------

    def _locate(self, raw: RawEntry, error: FieldError) -> Problem:
        key = error.field
        cell = raw.cells.get(key) or raw.cells.get("share_condition_or_basis" if key in ("share_condition", "share_basis") else "")
        if cell is None and key.startswith("fields["):
            cell = raw.cells.get(f"{key.split('.', 1)[0]}.name")
        cell = cell or raw.cells.get("name")
        value = _raw_value(raw, key)
        label = error.label or raw.labels.get(key, key)
        return Problem(raw.sheet, cell.row if cell else raw.row, cell.letter if cell else None, value, f"{label}：{error.message}")

    def _problem(self, raw: RawEntry, key: str, value: object, message: str) -> Problem:
        cell = raw.cells.get(key) or raw.cells.get("name")
        return Problem(raw.sheet, cell.row if cell else raw.row, cell.letter if cell else None, value, message)


def _fold(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")


def _raw_value(raw: RawEntry, key: str) -> object:
    if key.startswith("fields["):
        index, _, sub = key[len("fields["):].partition("].")
        fields = raw.fields
        return fields[int(index)].get(sub) if int(index) < len(fields) else None
    return raw.data.get(key)


# -- commit -------------------------------------------------------------------

def commit_import(ctx: Context, plan: ImportPlan, partial: bool = False,
                  progress: Callable[[int], None] | None = None) -> ImportBatch:
    """Carry out a plan. Without ``partial`` a plan with any problem writes no entry at all.

    Published items are never overwritten: their updates become pending
    changes for review (see :func:`registry.catalog.operations.update_item`).
    """
    writable = plan.clean or partial
    created = updated = 0
    if writable:
        _create_planned_orgs(ctx, plan)
        creations = [e for e in plan.entries if e.action == "create"]
        result = bulk_create_items(ctx, (e.data for e in creations), progress=progress)
        created = result.items
        for entry in (e for e in plan.entries if e.action == "update"):
            catalog_ops.update_item(ctx, entry.item, entry.data, reason=f"导入 {plan.filename}")
            updated += 1
    outcome = ImportOutcome.COMMITTED if plan.clean else ImportOutcome.PARTIAL if writable else ImportOutcome.REJECTED
    batch = ImportBatch(
        actor_id=ctx.actor.id if ctx.actor else None, actor_name=ctx.actor.username if ctx.actor else "system",
        organisation_id=plan.scope_org.id if plan.scope_org is not None else None, filename=plan.filename[:255],
        file_hash=plan.file_hash, layout=plan.layout, outcome=outcome, dry_run=False, created=created, updated=updated,
        unchanged=plan.count("unchanged"), rejected=plan.count("rejected"), fields=plan.fields if writable else 0,
        errors=[p.as_dict() for p in plan.problems[:MAX_RECORDED_ERRORS]],
    )
    ctx.session.add(batch)
    ctx.session.flush()
    from registry.audit.operations import record_event

    record_event(ctx, "import:commit" if writable else "import:reject", "import", batch.id,
                 {"file": plan.filename, "hash": plan.file_hash, "created": created, "updated": updated, "rejected": batch.rejected})
    return batch


def _create_planned_orgs(ctx: Context, plan: ImportPlan) -> None:
    from registry.orgs.operations import create_org

    parent = plan.scope_org or ctx.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))
    made: dict[str, Organisation] = {}
    for entry in plan.entries:
        provider = entry.data.get("provider")
        if entry.action == "create" and isinstance(provider, Organisation) and provider.id is None:
            if provider.code not in made:
                made[provider.code] = create_org(ctx, {"code": provider.code, "name": provider.name, "level": "department", "parent": parent})
            entry.data["provider"] = made[provider.code]


def list_imports(ctx: Context, limit: int = 50) -> list[ImportBatch]:
    query = select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)
    scope = None if ctx.actor is None else item_scope(ctx.session, ctx.actor)
    if scope is not None and not scope.all_items:
        query = query.where(ImportBatch.organisation_id.in_(scope.own_provider_ids))
    return list(ctx.session.scalars(query))
