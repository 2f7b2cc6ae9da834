"""The lists' test world: people of every role in two counties, and published items to derive and match from."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from factories import OrgTree, entry, make_org_tree, uscc

from registry.accounts.models import Role, User
from registry.accounts.operations import create_user, hash_password
from registry.catalog.models import CatalogItem, ItemStatus
from registry.catalog.operations import create_item
from registry.core.context import Context
from registry.orgs.models import Organisation
from registry.orgs.operations import create_org
from registry.review.operations import approve, current_step, submit_item

PASSWORD = "Xuqiu#2026x"

#: name → (role, which organisation): two city departments, a department in each of two counties.
ROLES = {
    "compiler": ("compiler", "dept"),
    "other_compiler": ("compiler", "other_dept"),
    "county_compiler": ("compiler", "county_dept"),
    "other_county_compiler": ("compiler", "other_county_dept"),
    "county_reviewer": ("county_reviewer", "county"),
    "other_county_reviewer": ("county_reviewer", "other_county"),
    "city_reviewer": ("city_reviewer", "city"),
    "authority": ("authority_admin", "city"),
    "audit_admin": ("audit_admin", "city"),
}


@dataclass
class People:
    orgs: OrgTree
    other_county: Organisation
    other_county_dept: Organisation
    users: dict[str, User]

    def as_(self, ctx: Context, name: str) -> Context:
        return Context(session=ctx.session, profile=ctx.profile, actor=self.users[name] if name != "system" else None)

    def org(self, key: str) -> Organisation:
        return {"other_county": self.other_county, "other_county_dept": self.other_county_dept}.get(key) or getattr(self.orgs, key)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def _user(ctx: Context, name: str, role: str, org: Organisation, real: bool) -> User:
    """A user of ``role`` who signs in with :data:`PASSWORD`. Through the accounts service when ``real``; else
    with one shared hash of the password, computed once (scrypt is slow on purpose, and most tests never sign in)."""
    if real:
        return create_user(ctx, name, role, org.code, PASSWORD)
    user = User(username=name, role=Role(role), organisation=org, password_hash=_password_hash())
    ctx.session.add(user)
    return user


def make_people(ctx: Context, real_users: bool = False) -> People:
    """The organisations and a user of each role in :data:`ROLES`; ``real_users`` to create them as an admin would."""
    orgs = make_org_tree(ctx)
    other_county = create_org(ctx, {"code": "411322", "name": "方城县", "level": "county", "parent": orgs.city})
    other_county_dept = create_org(ctx, {"code": uscc(5, "411322"), "name": "方城县市场监督管理局", "level": "department",
                                         "parent": other_county, "catalog_code": "0301"})
    people = People(orgs, other_county, other_county_dept, {})
    people.users = {name: _user(ctx, name, role, people.org(key), real_users) for name, (role, key) in ROLES.items()}
    ctx.session.flush()
    return people


@dataclass
class World:
    people: People
    licences: CatalogItem  # the market regulator's published 企业登记信息
    residents: CatalogItem  # the police's published 户籍人口信息 (公民身份号码, 姓名 …)
    draft: CatalogItem  # the police's draft 车辆违章信息, which no list may show

    def as_(self, ctx: Context, name: str) -> Context:
        return self.people.as_(ctx, name)


def publish(ctx: Context, item: CatalogItem) -> CatalogItem:
    """Submit and approve at every level as the system: the item is published."""
    system = Context(session=ctx.session, profile=ctx.profile)
    submit_item(system, item)
    while item.status is not ItemStatus.PUBLISHED:
        approve(system, current_step(system, item))
    return item


RESIDENT_FIELDS = [
    {"name": "公民身份号码", "technical_name": "GMSFHM", "data_type": "C", "length": 18},
    {"name": "姓名", "technical_name": "XM", "data_type": "C", "length": 50},
    {"name": "户籍地址", "technical_name": "HJDZ", "data_type": "C", "length": 200},
]


def make_world(ctx: Context, real_users: bool = False) -> World:
    people = make_people(ctx, real_users)
    orgs = people.orgs
    system = Context(session=ctx.session, profile=ctx.profile)
    orgs.dept.contact_name, orgs.dept.contact_phone, orgs.dept.contact_email = "张明", "0377-6312345", "zm@example.gov.cn"
    licences = publish(ctx, create_item(system, entry(orgs.dept, provider_unit=orgs.unit, source_system="企业登记系统",
                                                      update_cycle="daily")).item)
    residents = publish(ctx, create_item(system, entry(
        orgs.other_dept, name="户籍人口信息", category_code="412", summary="本市户籍人口的身份与住址信息。",
        subject="natural_person", share_type="conditional", share_condition="用于履行法定职责",
        share_basis="《中华人民共和国居民身份证法》", open_type="not_open", open_basis="涉及个人信息",
        update_cycle="monthly", source_system="人口信息管理系统", fields=RESIDENT_FIELDS)).item)
    draft = create_item(system, entry(orgs.other_dept, name="车辆违章信息", category_code="413",
                                      summary="机动车交通违法记录。")).item
    return World(people, licences, residents, draft)
