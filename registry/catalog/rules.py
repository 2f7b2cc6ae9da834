"""The regulations' rules for a single catalog entry.

Each rule has an id; a profile lists the ids that its regulation imposes and
the article that imposes them (``rules:`` in the profile YAML), so the same
rule cites 南阳 §37 under one profile and 滨州 §21 under another. Messages say
what to fix and cite the article. Checks run on clean, canonical values (see
:mod:`registry.catalog.validation`), never on ORM objects, so an import can
check a whole workbook without writing anything.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from registry.catalog.identifiers import guess_identifier_kind, identifier_problem, is_valid_org_code, is_valid_region_code, is_valid_uscc
from registry.catalog.schema import FIELD_BY_KEY, ITEM_BY_KEY
from registry.core.errors import FieldError
from registry.core.i18n import N_
from registry.orgs.models import OrgLevel
from registry.profiles import Profile

Item = dict[str, Any]
Fields = list[dict[str, Any]]
Finding = tuple[str, str]  # (element key or fields[i].key, message)

RESTRICTED_SHARE = ("conditional", "not_shared")
SHARE_RANK = {"unconditional": 2, "conditional": 1, "not_shared": 0}
OPEN_RANK = {"unconditional": 2, "conditional": 1, "not_open": 0}


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    check: Callable[[Item, Fields, Profile], Iterator[Finding]]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, summary: str):
    def register(check: Callable[[Item, Fields, Profile], Iterator[Finding]]):
        RULES[rule_id] = Rule(rule_id, summary, check)
        return check

    return register


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_guess_kind = lru_cache(maxsize=8192)(guess_identifier_kind)  # field names repeat across a catalog


def field_identifier_kind(field: dict[str, Any]) -> str | None:
    """The identifier kind a field declares, or the one its name implies."""
    return field.get("identifier_kind") or _guess_kind(field.get("name") or "")


# -- sharing ---------------------------------------------------------------

@rule("share_basis_required", N_("有条件共享、不予共享须注明法律、法规或国家政策依据"))
def share_basis_required(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    if item.get("share_type") in RESTRICTED_SHARE and _blank(item.get("share_basis")):
        label = profile.vocab("share_type").label(item["share_type"])
        yield "share_basis", f"共享类型为“{label}”时须填写法律、法规或国家政策依据"


@rule("not_shared_basis_required", N_("不予共享须注明不予共享依据"))
def not_shared_basis_required(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    if item.get("share_type") == "not_shared" and _blank(item.get("share_basis")):
        label = profile.vocab("share_type").label("not_shared")
        yield "share_basis", f"共享类型为“{label}”时须填写不予共享依据"


@rule("share_condition_required", N_("有条件共享须写明共享条件"))
def share_condition_required(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    if item.get("share_type") == "conditional" and _blank(item.get("share_condition")):
        yield "share_condition", "有条件共享须写明共享条件（使用要求、申请条件）"


@rule("base_items_unconditional", N_("基础信息资源无条件共享"))
def base_items_unconditional(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    if item.get("class_code") == "1" and item.get("share_type") not in (None, "unconditional"):
        label = profile.vocab("share_type").label("unconditional")
        yield "share_type", f"基础信息资源库的基础信息项应“{label}”"


@rule("share_method_required", N_("无条件、有条件共享须注明共享方式"))
def share_method_required(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    if item.get("share_type") in ("unconditional", "conditional"):
        if _blank(item.get("share_method_class")):
            yield "share_method_class", "可共享的资源须填写共享方式分类"
        elif _blank(item.get("share_method_type")):
            yield "share_method_type", "可共享的资源须填写共享方式类型"


# Auditors' consistency rule (national-catalog.md §1.4d): what a format can be shared as.
_METHODS_FOR_FORMAT = {
    "database": {"database", "api", "cross_check", "batch_exchange"},
    "service_api": {"api", "cross_check"},
    "electronic_file": {"file", "batch_exchange"},
    "spreadsheet": {"file", "batch_exchange", "database"},
    "image": {"file", "batch_exchange"},
    "streaming_media": {"file", "batch_exchange"},
}


@rule("share_method_matches_format", N_("共享方式类型与资源格式一致"))
def share_method_matches_format(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    allowed = _METHODS_FOR_FORMAT.get(item.get("format_class") or "")
    method = item.get("share_method_type")
    if allowed and item.get("share_method_class") == "platform" and method and method not in allowed:
        types = profile.all_share_method_types()
        fmt = profile.vocab("format_class").label(item["format_class"])
        choices = "、".join(types.label(v) for v in types.values if v in allowed)
        yield "share_method_type", f"格式为“{fmt}”的资源不能以“{types.label(method)}”方式共享；应为：{choices}"


# -- opening ---------------------------------------------------------------

@rule("open_basis_required", N_("有条件开放、不予开放须注明依据"))
def open_basis_required(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    if item.get("open_type") in ("conditional", "not_open") and _blank(item.get("open_basis")):
        label = profile.vocab("open_type").label(item["open_type"])
        yield "open_basis", f"开放类型为“{label}”时须填写法律、法规或政策依据"


@rule("open_condition_required", N_("有条件开放须写明开放条件"))
def open_condition_required(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    if item.get("open_type") == "conditional" and _blank(item.get("open_condition")):
        yield "open_condition", "有条件开放须写明开放条件"
    for i, field in enumerate(fields):
        if field.get("open_type") == "conditional" and _blank(field.get("open_condition")):
            yield f"fields[{i}].open_condition", f"信息项“{field.get('name')}”有条件开放，须写明开放条件"


@rule("not_shared_not_open", N_("不予共享的资源不得向社会开放"))
def not_shared_not_open(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    if item.get("share_type") == "not_shared" and item.get("open_type") not in (None, "not_open"):
        yield "open_type", f"不予共享的资源只能“{profile.vocab('open_type').label('not_open')}”"


@rule("open_downgrade_needs_approval", N_("开放属性降级须经数据主管部门同意"))
def open_downgrade_needs_approval(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    # Not an input error: a downgrade is allowed but routed to the authority
    # (see is_open_downgrade); registered so profiles can declare and cite it.
    return iter(())


def is_open_downgrade(old: str | None, new: str | None) -> bool:
    """Whether changing the open type from ``old`` to ``new`` makes data less open (binzhou §25)."""
    return old is not None and new is not None and OPEN_RANK[new] < OPEN_RANK[old]


# -- fields and identifiers -------------------------------------------------

@rule("structured_format_needs_typed_fields", N_("数据库、电子表格类资源须列明信息项及数据类型"))
def structured_format_needs_typed_fields(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    term = profile.vocab("format_class").term(item.get("format_class") or "")
    if not term or not term.attrs.get("structured"):
        return
    if not fields:
        yield "fields", f"格式为“{term.label}”的资源须至少列出一个信息项"
    for i, field in enumerate(fields):
        if _blank(field.get("data_type")):
            yield f"fields[{i}].data_type", f"信息项“{field.get('name')}”须填写数据类型（C/N/Y/D/T/L/M/G/B/I/F）"


_KEY_FIELDS = {"natural_person": ("citizen_id", "公民身份号码"), "legal_person": ("uscc", "统一社会信用代码")}


@rule("identifier_key_fields", N_("自然人数据以公民身份号码、法人数据以统一社会信用代码为标识"))
def identifier_key_fields(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    wanted = _KEY_FIELDS.get(item.get("subject") or "")
    if wanted and not any(field_identifier_kind(f) == wanted[0] for f in fields):
        subject = profile.vocab("subject").label(item["subject"])
        yield "fields", f"数据主体为“{subject}”的资源须包含“{wanted[1]}”信息项作为标识"


@rule("identifier_values_valid", N_("标识信息项的示例值须通过国家标准校验"))
def identifier_values_valid(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    for i, field in enumerate(fields):
        kind = field_identifier_kind(field)
        if kind is None:
            continue
        if kind in ("citizen_id", "uscc") and field.get("data_type") not in (None, "C"):
            yield f"fields[{i}].data_type", f"信息项“{field.get('name')}”是18位代码，数据类型应为字符型（C）"
        if kind in ("citizen_id", "uscc") and field.get("length") is not None and field["length"] < 18:
            yield f"fields[{i}].length", f"信息项“{field.get('name')}”的数据长度应不小于18"
        if not _blank(field.get("example_value")):
            problem = identifier_problem(kind, field["example_value"])
            if problem:
                yield f"fields[{i}].example_value", problem


@rule("provider_code_valid", N_("提供方代码须为有效的统一社会信用代码、组织机构代码或行政区划代码"))
def provider_code_valid(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    provider = item.get("provider")
    if provider is not None and not is_valid_org_identifier(provider.code):
        yield "provider", f"提供方“{provider.name}”的代码“{provider.code}”不是有效的统一社会信用代码（GB 32100）、组织机构代码（GB 11714）或行政区划代码"


def is_valid_org_identifier(code: str) -> bool:
    return is_valid_uscc(code) or is_valid_org_code(code) or is_valid_region_code(code)


# -- freshness and provenance ------------------------------------------------

@rule("update_cycle_at_least_monthly", N_("数据至少每月更新一次"))
def update_cycle_at_least_monthly(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    term = profile.vocab("update_cycle").term(item.get("update_cycle") or "")
    if term is not None and (term.attrs.get("max_days") is None or term.attrs["max_days"] > 31):
        yield "update_cycle", f"更新周期“{term.label}”不符合要求：不能实时更新的，至少每月更新一次"


@rule("purchased_data_cataloged", N_("采购的第三方数据须编目并注明来源"))
def purchased_data_cataloged(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    if item.get("is_purchased") and _blank(item.get("purchase_source")):
        yield "purchase_source", "采购的第三方数据须注明数据来源单位"


# -- structure every profile needs ----------------------------------------------

def structural_findings(item: Item, fields: Fields, profile: Profile) -> Iterator[Finding]:
    """Checks that are not a regulation's choice: codes, trees, consistency, DB invariants."""
    node = profile.class_node(item.get("class_code") or "")
    if node is None:
        choices = "、".join(f"{c.code} {c.label}" for c in profile.classification)
        yield "class_code", f"“{item.get('class_code')}”不是有效的资源分类（类）；可选：{choices}"
    elif profile.class_node(node.code, item.get("item_code")) is None:
        choices = "、".join(f"{c.code} {c.label}" for c in node.children)
        yield "item_code", f"“{item.get('item_code')}”不是“{node.label}”下的项；可选：{choices}"
    if not _blank(item.get("category_code")) and not (item["category_code"].isdigit() and len(item["category_code"]) == 3):
        yield "category_code", "目应为三位数字"
    if not _blank(item.get("subcategory_code")) and not item["subcategory_code"].isdigit():
        yield "subcategory_code", "细目应为数字"
    method_class, method = item.get("share_method_class"), item.get("share_method_type")
    if method and method_class and profile.share_method_types(method_class).term(method) is None:
        yield "share_method_type", f"共享方式类型与共享方式分类“{profile.vocab('share_method').label(method_class)}”不匹配"
    provider, unit = item.get("provider"), item.get("provider_unit")
    if unit is not None and provider is not None and (unit.level is not OrgLevel.UNIT or unit.parent_id != provider.id):
        yield "provider_unit", f"“{unit.name}”不是“{provider.name}”的内设机构"
    if item.get("share_type") == "not_shared" and _blank(item.get("share_basis")):
        yield "share_basis", "不予共享须写明依据"
    if item.get("share_type") == "conditional" and _blank(item.get("share_condition")) and _blank(item.get("share_basis")):
        yield "share_condition", "有条件共享须写明共享条件或依据"
    if item.get("open_type") == "conditional" and _blank(item.get("open_condition")):
        yield "open_condition", "有条件开放须写明开放条件"
    yield from _field_structure(item, fields)


def _field_structure(item: Item, fields: Fields) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    item_rank = SHARE_RANK.get(item.get("share_type") or "", 2)
    for i, field in enumerate(fields):
        name = field.get("name")
        if name in seen:
            yield f"fields[{i}].name", f"信息项名称“{name}”与第{seen[name] + 1}个信息项重复"
        seen.setdefault(name, i)
        share = field.get("share_type")
        if share and SHARE_RANK[share] > item_rank:
            yield f"fields[{i}].share_type", f"信息项“{name}”的共享类型不能比所属资源更宽"
        if field.get("open_type") == "conditional" and _blank(field.get("open_condition")):
            yield f"fields[{i}].open_condition", f"信息项“{name}”有条件开放，须写明开放条件"


def check_entry(item: Item, fields: Fields, profile: Profile) -> list[FieldError]:
    """All findings for one entry under ``profile``: its regulation's rules first, then structure.

    A structural finding on an element a rule already reported is dropped, so
    the user reads one message per problem, the one citing the article.
    """
    errors: list[FieldError] = []
    for rule_id in profile.rules:
        found = RULES.get(rule_id)
        if found is None:
            continue
        for where, message in found.check(item, fields, profile):
            errors.append(FieldError(where, f"{message}（依据：{profile.citation(rule_id)}）", _label(where), rule=rule_id))
    reported = {e.field for e in errors}
    errors += [FieldError(w, m, _label(w)) for w, m in structural_findings(item, fields, profile) if w not in reported]
    return errors


def _label(where: str) -> str:
    if where.startswith("fields["):
        index, _, key = where[len("fields["):].partition("].")
        spec = FIELD_BY_KEY.get(key)
        return f"第{int(index) + 1}个信息项的{spec.label if spec else key}"
    spec = ITEM_BY_KEY.get(where)
    return spec.label if spec else ("信息项" if where == "fields" else where)
