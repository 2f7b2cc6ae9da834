"""What the review screens show of an entry: its elements, the rule checklist, the side-by-side diff."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from registry.catalog.models import CatalogItem
from registry.catalog.operations import entry_values
from registry.catalog.present import readable
from registry.catalog.rules import RULES, structural_findings
from registry.catalog.schema import FIELD_BY_KEY, ITEM_BY_KEY, ITEM_ELEMENTS
from registry.catalog.validation import OrgResolver, validate_entry
from registry.core.context import Context
from registry.core.i18n import N_, translate
from registry.requests.models import Request

#: Field columns the review screen shows in its fields table (the rest are in the diff and the detail page).
FIELD_COLUMNS = ("name", "technical_name", "data_type", "length", "share_type", "open_type", "is_sensitive",
                 "is_primary_key", "identifier_kind", "description")


@dataclass
class EntryView:
    values: dict[str, Any]
    fields: list[dict[str, Any]]
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # key, label, shown value
    field_rows: list[list[str]] = field(default_factory=list)


def entry_under_review(ctx: Context, step: Request) -> EntryView:
    """The proposal of a change under review, else the entry as it stands."""
    item: CatalogItem = step.item
    if step.change is not None and step.change.proposal:
        clean = validate_entry(step.change.proposal, ctx.profile, OrgResolver(ctx.session))
        values, fields = {**clean.item, "code": item.code}, clean.fields
    else:
        current = entry_values(item)
        values, fields = current, current["fields"]
    view = EntryView(values, fields)
    for spec in ITEM_ELEMENTS:
        view.rows.append((spec.key, spec.label, readable(ctx.profile, spec, values.get(spec.key))))
    for values_of_field in fields:
        view.field_rows.append([readable(ctx.profile, FIELD_BY_KEY[k], values_of_field.get(k)) for k in FIELD_COLUMNS])
    return view


def field_headers() -> list[str]:
    return [FIELD_BY_KEY[k].label for k in FIELD_COLUMNS]


FIELD_TARGET = "信息项:"


def target_label(target: str | None) -> str:
    """What a comment is about, as the reader knows it: 信息资源摘要, 信息项：姓名."""
    if not target:
        return ""
    if target.startswith(FIELD_TARGET):
        return translate(N_("信息项：%(name)s")) % {"name": target[len(FIELD_TARGET):]}
    spec = ITEM_BY_KEY.get(target)
    return translate(spec.label) if spec else target


def comment_targets(view: EntryView) -> list[tuple[str, str]]:
    """What a reviewer may comment on: the whole entry, each element, each field (信息项)."""
    targets = [("", N_("整体意见"))] + [(key, label) for key, label, _ in view.rows]
    return targets + [(f"{FIELD_TARGET}{f.get('name')}", target_label(f"{FIELD_TARGET}{f.get('name')}")) for f in view.fields]


@dataclass
class RuleCheck:
    summary: str
    citation: str
    findings: list[str]


def checklist(ctx: Context, view: EntryView) -> list[RuleCheck]:
    """Each rule of the profile with what it finds in the entry, then the structural checks."""
    checks = []
    for rule_id in ctx.profile.rules:
        rule = RULES.get(rule_id)
        if rule is None:
            continue
        findings = [message for _, message in rule.check(view.values, view.fields, ctx.profile)]
        checks.append(RuleCheck(rule.summary, ctx.profile.citation(rule_id), findings))
    structure = [message for _, message in structural_findings(view.values, view.fields, ctx.profile)]
    checks.append(RuleCheck(N_("编码、分类与数据一致性"), "1272号", structure))
    return checks


@dataclass
class DiffRow:
    label: str
    old: str
    new: str


def diff_rows(ctx: Context, diff: dict[str, Any]) -> tuple[list[DiffRow], list[dict[str, Any]]]:
    """Element changes as label / published / proposed, and field changes grouped per field."""
    profile = ctx.profile
    rows = [
        DiffRow(ITEM_BY_KEY[k].label if k in ITEM_BY_KEY else k,
                *(readable(profile, ITEM_BY_KEY[k], v) if k in ITEM_BY_KEY else str(v) for v in pair))
        for k, pair in (diff.get("item") or {}).items()
    ]
    fields = diff.get("fields") or {}

    def field_pairs(values: dict[str, Any], side: str) -> list[DiffRow]:
        shown = [(FIELD_BY_KEY[k].label, readable(profile, FIELD_BY_KEY[k], values.get(k))) for k in FIELD_BY_KEY if values.get(k) not in (None, "", False)]
        return [DiffRow(label, "" if side == "new" else v, v if side == "new" else "") for label, v in shown]

    groups = [{"name": f.get("name"), "kind": N_("新增"), "rows": field_pairs(f, "new")} for f in fields.get("added", [])]
    groups += [{"name": f.get("name"), "kind": N_("删除"), "rows": field_pairs(f, "old")} for f in fields.get("removed", [])]
    for changed in fields.get("changed", []):
        groups.append({"name": changed.get("name"), "kind": N_("修改"), "rows": [
            DiffRow(FIELD_BY_KEY[k].label if k in FIELD_BY_KEY else N_("序号"),
                    *(readable(profile, FIELD_BY_KEY[k], v) if k in FIELD_BY_KEY else str(v) for v in pair))
            for k, pair in changed["changes"].items()
        ]})
    return rows, groups

