"""Users of every role across two counties and three departments, and contexts acting as them."""
from __future__ import annotations

from dataclasses import dataclass

from factories import make_org_tree, uscc

from registry.accounts.operations import create_user
from registry.core.context import Context
from registry.orgs.operations import create_org

PASSWORD = "Shenhe#2026x"


@dataclass
class People:
    orgs: object
    other_county: object
    other_county_dept: object
    users: dict

    def as_(self, ctx: Context, name: str) -> Context:
        return Context(session=ctx.session, profile=ctx.profile, actor=self.users[name] if name != "system" else None)


def make_people(ctx: Context) -> People:
    orgs = make_org_tree(ctx)
    other_county = create_org(ctx, {"code": "411322", "name": "方城县", "level": "county", "parent": orgs.city})
    other_county_dept = create_org(ctx, {"code": uscc(5, "411322"), "name": "方城县市场监督管理局", "level": "department",
                                         "parent": other_county, "catalog_code": "0301"})
    spec = {
        "compiler": ("compiler", orgs.dept),
        "other_compiler": ("compiler", orgs.other_dept),
        "county_compiler": ("compiler", orgs.county_dept),
        "county_reviewer": ("county_reviewer", orgs.county),
        "other_county_reviewer": ("county_reviewer", other_county),
        "city_reviewer": ("city_reviewer", orgs.city),
        "authority": ("authority_admin", orgs.city),
        "system_admin": ("system_admin", orgs.city),
        "security_admin": ("security_admin", orgs.city),
        "audit_admin": ("audit_admin", orgs.city),
    }
    users = {name: create_user(ctx, name, role, org.code, PASSWORD) for name, (role, org) in spec.items()}
    return People(orgs, other_county, other_county_dept, users)
