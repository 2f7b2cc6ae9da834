"""The monitoring tests' world: users of every role in two counties, published entries, contexts per profile."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from factories import OrgTree, entry, make_org_tree, uscc

from registry.accounts.operations import create_user
from registry.catalog.models import CatalogItem
from registry.catalog.operations import create_item, publish_item
from registry.core.context import Context
from registry.monitoring.freshness import record_refresh
from registry.orgs.models import Organisation
from registry.orgs.operations import create_org
from registry.profiles import load_profile

PASSWORD = "Gengxin#2026x"

#: name → (role, organisation of the tree)
ROLES = {
    "compiler": ("compiler", "dept"),
    "other_compiler": ("compiler", "other_dept"),
    "county_compiler": ("compiler", "county_dept"),
    "county_reviewer": ("county_reviewer", "county"),
    "other_county_reviewer": ("county_reviewer", "other_county"),
    "city_reviewer": ("city_reviewer", "city"),
    "authority": ("authority_admin", "city"),
    "system_admin": ("system_admin", "city"),
}


@dataclass
class World:
    orgs: OrgTree
    other_county: Organisation
    other_county_dept: Organisation
    users: dict

    def as_(self, ctx: Context, name: str, profile: str | None = None) -> Context:
        """``ctx``'s session acting as ``name`` (``system`` for none), under ``profile`` or ``ctx``'s."""
        return Context(session=ctx.session, profile=load_profile(profile) if profile else ctx.profile,
                       actor=None if name == "system" else self.users[name])


def make_world(ctx: Context, names=tuple(ROLES)) -> World:
    orgs = make_org_tree(ctx)
    other_county = create_org(ctx, {"code": "411322", "name": "方城县", "level": "county", "parent": orgs.city})
    other_county_dept = create_org(ctx, {"code": uscc(5, "411322"), "name": "方城县市场监督管理局", "level": "department",
                                         "parent": other_county, "catalog_code": "0301"})
    by_name = {"dept": orgs.dept, "other_dept": orgs.other_dept, "county_dept": orgs.county_dept, "county": orgs.county,
               "other_county": other_county, "city": orgs.city}
    users = {name: create_user(ctx, name, ROLES[name][0], by_name[ROLES[name][1]].code, PASSWORD) for name in names}
    return World(orgs, other_county, other_county_dept, users)


def published(ctx: Context, provider: Organisation, name: str, cycle: str = "daily",
              refreshed: date | datetime | None = None) -> CatalogItem:
    """A published entry created by the system (under ``ctx``'s profile), its data last refreshed at ``refreshed``."""
    system = Context(session=ctx.session, profile=ctx.profile)
    item = create_item(system, entry(provider, name=name, update_cycle=cycle)).item
    publish_item(system, item)
    if refreshed is not None:
        record_refresh(system, item, refreshed)
    return item
