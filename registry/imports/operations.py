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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from importers.layouts import Problem, read_entries
from importers.sources import open_source
from registry.accounts.models import Role
from registry.accounts.permissions import item_scope
from registry.audit.operations import record_event
from registry.catalog import operations as catalog_ops
from registry.catalog.bulk import create_validated_items
from registry.catalog.validation import OrgResolver
from registry.core.context import Context
from registry.core.db import BULK_STATISTICS_THRESHOLD, refresh_statistics
from registry.core.errors import FieldError, ValidationError
from registry.imports.models import ImportBatch, ImportOutcome
from registry.imports.planner import PlannedEntry, Planner
from registry.orgs.models import Organisation

MAX_RECORDED_ERRORS = 1000


@dataclass
class ImportPlan:
    filename: str
    file_hash: str
    layout: str
    entries: list[PlannedEntry]
    file_problems: list[Problem]
    scope_org: Organisation | None = None
    notes: list[str] = field(default_factory=list)
    new_orgs: dict[str, Organisation] = field(default_factory=dict)

    def count(self, action: str) -> int:
        return sum(1 for e in self.entries if e.action == action)

    @property
    def fields(self) -> int:
        return sum(e.field_count for e in self.entries if e.action != "rejected")

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
                create_orgs: bool = False, progress: Callable[[int], None] | None = None) -> ImportPlan:
    """Read and check a whole upload; writes nothing (organisations to create are only noted)."""
    source = open_source(path, filename)
    layout, raw_entries, file_problems = read_entries(source)
    planner = Planner(ctx, _scope_org(ctx, org_code), create_orgs)
    entries = []
    for raw in raw_entries:  # streamed: only the compact plan of each entry is kept
        entries.append(planner.plan(raw))
        if progress and len(entries) % 1000 == 0:
            progress(len(entries))
    if not entries and not file_problems:
        file_problems.append(Problem(source.sheets[0].name if source.sheets else "", None, None, None, "文件中没有目录条目"))
    plan = ImportPlan(source.filename, file_hash(path), layout, entries, file_problems, planner.scope_org, new_orgs=planner.new_orgs)
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
    try:
        version = int(float(marker[1] or 0))
    except (TypeError, ValueError, OverflowError):  # a marker edited by hand is no marker
        return []
    notes = []
    if version < TEMPLATE_VERSION:
        notes.append(f"此文件使用旧版模板（版本 {version}），建议下载最新模板（版本 {TEMPLATE_VERSION}）")
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
        registered = _register_new_orgs(ctx, plan)
        creations = (_with_provider(e.clean_entry(), registered) for e in plan.entries if e.action == "create")
        created = create_validated_items(ctx, creations, progress=progress).items
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
    record_event(ctx, "import:commit" if writable else "import:reject", "import", batch.id,
                 {"file": plan.filename, "hash": plan.file_hash, "created": created, "updated": updated, "rejected": batch.rejected})
    if created + updated >= BULK_STATISTICS_THRESHOLD:
        refresh_statistics(ctx.session)
    return batch


def _register_new_orgs(ctx: Context, plan: ImportPlan) -> dict[str, Organisation]:
    """Register the providers the plan found unknown (only with --create-orgs) under the chosen parent."""
    from registry.orgs.operations import create_org

    # Only providers of entries that will be written: a --partial import skips the rejected ones' providers too.
    needed = {e.clean_item["provider"].code for e in plan.entries if e.action == "create" and e.clean_item["provider"].id is None}
    if not needed:
        return {}
    parent = plan.scope_org or ctx.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))
    return {code: create_org(ctx, {"code": code, "name": plan.new_orgs[code].name, "level": "department", "parent": parent})
            for code in sorted(needed)}


def _with_provider(entry, registered: dict[str, Organisation]):
    provider = entry.item["provider"]
    if provider.id is None:
        entry.item["provider"] = registered[provider.code]
    return entry


def list_imports(ctx: Context, limit: int = 50) -> list[ImportBatch]:
    query = select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)
    scope = None if ctx.actor is None else item_scope(ctx.session, ctx.actor)
    if scope is not None and not scope.all_items:
        query = query.where(ImportBatch.organisation_id.in_(scope.own_provider_ids))
    return list(ctx.session.scalars(query))
