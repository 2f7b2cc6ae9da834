"""The share tests' world: two departments and two counties with users of every role, and published items
that are shared on conditions, without conditions, and not at all."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from factories import entry, make_org_tree

from registry.accounts.models import Role, User
from registry.accounts.operations import hash_password
from registry.catalog.models import CatalogItem
from registry.catalog.operations import create_item, publish_item
from registry.core.context import Context
from registry.orgs.operations import create_org
from registry.profiles import load_profile

PASSWORD = "Gongxiang#2026x"

#: name → (role, organisation key): the provider is 市场监督管理局 (dept), the requester 公安局 (other_dept).
ROLES = {
    "provider": ("compiler", "dept"),
    "requester": ("compiler", "other_dept"),
    "county_compiler": ("compiler", "county_dept"),
    "county_reviewer": ("county_reviewer", "county"),
    "city_reviewer": ("city_reviewer", "city"),
    "authority": ("authority_admin", "city"),
    "system_admin": ("system_admin", "city"),
}

CONDITIONAL_FIELDS = [
    {"name": "统一社会信用代码", "technical_name": "TYSHXYDM", "data_type": "C", "length": 18, "is_primary_key": True,
     "identifier_kind": "uscc", "example_value": "91350100M000100Y43"},
    {"name": "企业名称", "technical_name": "QYMC", "data_type": "C", "length": 200},
    {"name": "成立日期", "technical_name": "CLRQ", "data_type": "D", "length": 8},
    {"name": "法定代表人证件号码", "technical_name": "FDDBRZJHM", "data_type": "C", "length": 18, "share_type": "not_shared"},
]


@dataclass
class World:
    orgs: dict
    users: dict
    conditional: CatalogItem
    unconditional: CatalogItem
    not_shared: CatalogItem

    def as_(self, ctx: Context, name: str | None, profile: str | None = None) -> Context:
        """A context acting as ``name`` (``None``: the system), under ``profile`` or the test's own."""
        return Context(session=ctx.session, profile=load_profile(profile) if profile else ctx.profile,
                       actor=self.users[name] if name else None)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # scrypt is slow on purpose: hash once, sign in with PASSWORD everywhere


def _user(ctx: Context, username: str, role: str, org) -> User:
    user = User(username=username, role=Role(role), organisation=org, password_hash=_password_hash())
    ctx.session.add(user)
    ctx.session.flush()
    return user


def published(ctx: Context, provider, **overrides) -> CatalogItem:
    item = create_item(ctx, entry(provider, **overrides)).item
    publish_item(ctx, item)
    return item


def make_world(ctx: Context) -> World:
    """Built as the system under the national profile (the items' codes are canonical, valid under every profile)."""
    system = Context(session=ctx.session, profile=load_profile("national"))
    tree = make_org_tree(system)
    other_county = create_org(system, {"code": "411322", "name": "方城县", "level": "county", "parent": tree.city})
    orgs = {"city": tree.city, "county": tree.county, "dept": tree.dept, "other_dept": tree.other_dept,
            "unit": tree.unit, "county_dept": tree.county_dept, "other_county": other_county}
    users = {name: _user(system, name, role, orgs[org]) for name, (role, org) in ROLES.items()}
    conditional = published(system, tree.dept, name="企业登记信息", share_type="conditional",
                            share_condition="仅限履行市场监管、公安等法定职责使用",
                            share_basis="《南阳市政务数据共享管理办法》第三十七条", fields=CONDITIONAL_FIELDS)
    unconditional = published(system, tree.dept, name="企业名录")
    not_shared = published(system, tree.dept, name="企业内部账册", share_type="not_shared", open_type="not_open",
                           share_basis="《中华人民共和国统计法》第九条")
    return World(orgs, users, conditional, unconditional, not_shared)


def ask(world: World, ctx: Context, who: str = "requester", item: CatalogItem | None = None, **values):
    """A valid request for two fields of the conditional item, overridable."""
    from registry.sharing.operations import create_share_request

    data = {"fields": ["统一社会信用代码", "企业名称"], "purpose": "核查涉案企业登记状态",
            "scenario": "经侦案件办理中的企业身份核验", "legal_basis": "《中华人民共和国刑事诉讼法》第五十四条",
            "use_until": "2027-12-31", **values}
    today = data.pop("today", None)
    return create_share_request(world.as_(ctx, who), item or world.conditional, data, today=today)
