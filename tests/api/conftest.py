"""A live API server per test module: a fresh database, organisations and users of every role with tokens.

Each module shares one served office; its tests create their own items, so they do not interfere.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from api_client import ApiClient, Office
from databases import TEST_DATABASE_URL, drop_postgres_database, new_postgres_database
from factories import make_org_tree, uscc
from live import migrated_runtime, serving
from sqlalchemy import select

from registry.accounts.operations import create_user
from registry.accounts.tokens import create_token
from registry.catalog.models import CatalogItem, ItemStatus
from registry.catalog.operations import get_item
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from registry.orgs.operations import create_org
from registry.review.operations import approve, current_step, submit_item

PASSWORD = "Jiekou#2026x"


def is_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")

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
    settings = load_settings({"MULU_PROFILE": profile, **(env or {})}, instance_path=instance, database_url=database_url)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:
            seeded = seed(runtime.context(session))
        with serving(settings) as base:
            yield Office(runtime, base, seeded)


@pytest.fixture(scope="module")
def module_database_url(tmp_path_factory) -> Iterator[str]:
    if not is_postgres():
        yield f"sqlite:///{tmp_path_factory.mktemp('apidb') / 'api.db'}"
        return
    url = new_postgres_database("mulu_api")
    yield url
    drop_postgres_database(url)


@pytest.fixture(scope="module")
def office(tmp_path_factory, module_database_url) -> Iterator[Office]:
    """Every role, served under the nanyang profile (department → county → city)."""
    with api_office(tmp_path_factory.mktemp("instance"), module_database_url, lambda ctx: seed_people(ctx, tuple(ROLES))) as office:
        yield office


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
