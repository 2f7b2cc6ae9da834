"""Small catalogs for the one-data-one-source tests: a city and a county, their departments, published items."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from factories import entry, make_org_tree, uscc

from registry.accounts.models import Role, User
from registry.accounts.operations import hash_password
from registry.catalog.bulk import bulk_create_items
from registry.catalog.operations import create_item, get_item
from registry.core.context import Context
from registry.orgs.models import Organisation
from registry.orgs.operations import create_org

PASSWORD = "Yishu#2026yy"
#: Fields of household population data.
HOUSEHOLD = ("姓名", "性别", "出生日期", "户籍地址")
_SEQUENCE = iter(range(10_000))


@dataclass
class Town:
    """南阳市 with three departments (one has an internal unit) and 南召县 with two departments."""

    city: Organisation
    county: Organisation
    scjg: Organisation  # 市场监督管理局
    ga: Organisation  # 公安局
    mz: Organisation  # 民政局
    unit: Organisation  # 登记注册科 of scjg
    county_scjg: Organisation
    county_mz: Organisation
    users: dict[str, Any]

    def as_(self, ctx: Context, name: str) -> Context:
        return Context(session=ctx.session, profile=ctx.profile, actor=None if name == "system" else self.users[name])


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # scrypt is slow on purpose: hash once for every user of the suite


def make_town(ctx: Context, with_users: bool = False) -> Town:
    """The town; ``with_users`` adds a user of each role that matters here."""
    tree = make_org_tree(ctx)
    mz = create_org(ctx, {"code": uscc(11), "name": "南阳市民政局", "level": "department", "parent": tree.city,
                          "catalog_code": "0103"})
    county_mz = create_org(ctx, {"code": uscc(12, "411321"), "name": "南召县民政局", "level": "department",
                                 "parent": tree.county, "catalog_code": "0202"})
    roles = (
        ("compiler", "compiler", tree.dept),
        ("county_reviewer", "county_reviewer", tree.county),
        ("city_reviewer", "city_reviewer", tree.city),
        ("authority", "authority_admin", tree.city),
        ("audit_admin", "audit_admin", tree.city),
    )
    users = {name: User(username=name, role=Role(role), organisation=org, password_hash=_password_hash())
             for name, role, org in roles} if with_users else {}
    ctx.session.add_all(users.values())
    ctx.session.flush()
    return Town(tree.city, tree.county, tree.dept, tree.other_dept, mz, tree.unit, tree.county_dept, county_mz, users)


def field(name: str, identifier: str | None = None, primary: bool = False, data_type: str = "C", length: int = 50) -> dict:
    """A 信息项; an identifier is an 18-character code."""
    out: dict[str, Any] = {"name": name, "technical_name": f"F{next(_SEQUENCE)}", "data_type": data_type, "length": length}
    if identifier:
        out.update(identifier_kind=identifier, length=18)
    if primary:
        out["is_primary_key"] = True
    return out


def person(key: str = "公民身份号码", *names: str) -> list[dict]:
    """Fields of data about natural persons: ``key`` (the 公民身份号码) first."""
    return [field(key, "citizen_id", primary=True), *(field(n) for n in names)]


def company(*names: str) -> list[dict]:
    """Fields of data about legal persons: the 统一社会信用代码 first."""
    return [field("统一社会信用代码", "uscc", primary=True), *(field(n) for n in names)]


def published(ctx: Context, provider: Organisation, name: str, fields: list[dict], **values: Any) -> str:
    """Publish an item as the system (an authority loading a vetted catalog); returns its code."""
    subject = "natural_person" if fields[0].get("identifier_kind") == "citizen_id" else "legal_person"
    data = entry(provider, name=name, fields=fields, subject=values.pop("subject", subject), **values)
    return bulk_create_items(Context(session=ctx.session, profile=ctx.profile), [data], publish=True).codes[0]


def draft(ctx: Context, provider: Organisation, name: str, fields: list[dict]) -> str:
    subject = "natural_person" if fields[0].get("identifier_kind") == "citizen_id" else "legal_person"
    return create_item(Context(session=ctx.session, profile=ctx.profile),
                       entry(provider, name=name, fields=fields, subject=subject)).item.code


def item(ctx: Context, code: str):
    return get_item(ctx, code)
