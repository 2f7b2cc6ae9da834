"""The API tests' world: users of every role with tokens, a served office, and shortcuts."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from api_client import ApiClient, Office
from factories import make_org_tree, uscc
from live import seeded_office
from sqlalchemy import select

from registry.accounts.operations import create_user
from registry.accounts.tokens import create_token
from registry.catalog.models import CatalogItem, ItemStatus
from registry.catalog.operations import get_item
from registry.core.db import unit_of_work
from registry.orgs.operations import create_org
from registry.review.operations import approve, current_step, submit_item

PASSWORD = "Jiekou#2026x"



#: name → (role, which organisation of the tree); two departments, two counties.
ROLES = {
    "compiler": ("compiler", "dept"),
    "other_compiler": ("compiler", "other_dept"),
    "county_compiler": ("compiler", "county_dept"),
    "county_reviewer": ("county_reviewer", "county"),
    "other_county_reviewer": ("county_reviewer", "other_county"),
    "city_reviewer": ("city_reviewer", "city"),
    "authority": ("authority_admin", "city"),
    "system_admin": ("system_admin", "city"),
    "security_admin": ("security_admin", "city"),
    "audit_admin": ("audit_admin", "city"),
}


def seed_people(ctx, names: tuple[str, ...]) -> dict[str, Any]:
    """The organisation tree (plus a second county), the named users, and a token for each."""
    tree = make_org_tree(ctx)
    other_county = create_org(ctx, {"code": "411322", "name": "方城县", "level": "county", "parent": tree.city})
    other_county_dept = create_org(ctx, {"code": uscc(5, "411322"), "name": "方城县市场监督管理局", "level": "department",
                                         "parent": other_county, "catalog_code": "0301"})
    orgs = {"city": tree.city, "county": tree.county, "dept": tree.dept, "other_dept": tree.other_dept, "unit": tree.unit,
            "county_dept": tree.county_dept, "other_county": other_county, "other_county_dept": other_county_dept}
    tokens = {}
    for name in names:
        role, org = ROLES[name]
        user = create_user(ctx, name, role, orgs[org].code, PASSWORD)
        tokens[name] = create_token(ctx, user, "测试")[1]
    return {"orgs": {k: v.code for k, v in orgs.items()}, "tokens": tokens}


@contextmanager
def api_office(instance: Path, database_url: str, seed: Callable, profile: str = "nanyang",
               env: dict[str, str] | None = None) -> Iterator[Office]:
    with seeded_office(instance, database_url, seed, profile, env) as (runtime, base, seeded):
        yield Office(runtime, base, seeded)


def as_(office: Office, name: str | None) -> ApiClient:
    return ApiClient(office.base, office.seeded["tokens"][name] if name else None)


def publish(office: Office, code: str) -> None:
    """Submit and approve ``code`` at every level as the system, so it is published."""
    with unit_of_work(office.runtime.sessions) as session:
        ctx = office.runtime.context(session)
        item = get_item(ctx, code)
        submit_item(ctx, item)
        while item.status is not ItemStatus.PUBLISHED:
            approve(ctx, current_step(ctx, item))


def item_row(office: Office, code: str) -> tuple:
    with unit_of_work(office.runtime.sessions, write=False) as session:
        item = session.scalar(select(CatalogItem).where(CatalogItem.code == code))
        return item.status.value, item.version, item.name, item.summary
