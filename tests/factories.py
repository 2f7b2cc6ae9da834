"""Builders for test data: valid organisations and entries, overridable per test."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from registry.catalog.identifiers import uscc_check_char
from registry.core.context import Context
from registry.orgs.models import Organisation
from registry.orgs.operations import create_org


def uscc(serial: int, region: str = "411300") -> str:
    """A valid 统一社会信用代码 for a government body (登记管理部门 1, 机构类别 1)."""
    body = f"11{region}{serial:08d}0"
    return body + uscc_check_char(body)


@dataclass
class OrgTree:
    city: Organisation
    county: Organisation
    dept: Organisation
    other_dept: Organisation
    unit: Organisation
    county_dept: Organisation


def make_org_tree(ctx: Context) -> OrgTree:
    city = create_org(ctx, {"code": "411300", "name": "南阳市", "level": "city"})
    county = create_org(ctx, {"code": "411321", "name": "南召县", "level": "county", "parent": city})
    dept = create_org(ctx, {"code": uscc(1), "name": "南阳市市场监督管理局", "level": "department", "parent": city, "catalog_code": "0101"})
    other = create_org(ctx, {"code": uscc(2), "name": "南阳市公安局", "level": "department", "parent": city, "catalog_code": "0102"})
    unit = create_org(ctx, {"code": uscc(3), "name": "登记注册科", "level": "unit", "parent": dept})
    county_dept = create_org(ctx, {"code": uscc(4, "411321"), "name": "南召县市场监督管理局", "level": "department", "parent": county, "catalog_code": "0201"})
    return OrgTree(city, county, dept, other, unit, county_dept)


def entry(provider: Organisation | str, **overrides: Any) -> dict[str, Any]:
    """A complete, valid entry under every profile: an unconditionally shared database with typed fields."""
    data: dict[str, Any] = {
        "class_code": "3",
        "item_code": "07",
        "category_code": "411",
        "name": "企业登记信息",
        "provider": provider,
        "summary": "本市登记注册的各类企业的基本信息，包括名称、统一社会信用代码、法定代表人、住所等。",
        "format_class": "database",
        "format_type": "oracle",
        "share_type": "unconditional",
        "share_method_class": "platform",
        "share_method_type": "api",
        "open_type": "unconditional",
        "update_cycle": "daily",
        "security_grade": "general",
        "subject": "legal_person",
        "fields": [
            {"name": "统一社会信用代码", "technical_name": "TYSHXYDM", "data_type": "C", "length": 18,
             "is_primary_key": True, "identifier_kind": "uscc", "example_value": "91350100M000100Y43"},
            {"name": "企业名称", "technical_name": "QYMC", "data_type": "C", "length": 200},
            {"name": "成立日期", "technical_name": "CLRQ", "data_type": "D", "length": 8},
        ],
    }
    data.update(overrides)
    return data


def commit_change(runtime, change) -> None:
    """Run ``change(ctx)`` in a transaction of its own through ``runtime`` and commit it (its subscribers index it)."""
    from registry.core.db import unit_of_work

    with unit_of_work(runtime.sessions) as session:
        change(runtime.context(session))


def published_and_draft(runtime, word: str) -> dict[str, Any]:
    """A published “{word}甲信息” and a draft “{word}乙信息” of one new department: their codes and the org tree."""
    from registry.catalog import operations as ops

    made: dict[str, Any] = {}

    def build(ctx: Context) -> None:
        made["orgs"] = make_org_tree(ctx)
        made["published"] = ops.publish_item(ctx, ops.create_item(ctx, entry(made["orgs"].dept, name=f"{word}甲信息")).item).item.code
        made["draft"] = ops.create_item(ctx, entry(made["orgs"].dept, name=f"{word}乙信息")).item.code

    commit_change(runtime, build)
    return made
