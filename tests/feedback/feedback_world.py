"""The feedback tests' world: two counties' organisations, users of the roles that file and answer,
and published catalog items of two departments."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import requests
from databases import drop_postgres_database, is_postgres, new_postgres_database
from factories import entry, make_org_tree
from live import seeded_office

from registry.accounts.models import Role, User
from registry.accounts.operations import hash_password
from registry.accounts.tokens import create_token
from registry.catalog.models import CatalogItem, ItemStatus
from registry.catalog.operations import create_item
from registry.core.context import Context
from registry.profiles import load_profile
from registry.review.operations import approve, current_step, submit_item

PASSWORD = "Jiucuo#2026x"

#: name → (role, organisation of the tree).
USERS = {
    "compiler": ("compiler", "dept"),
    "other_compiler": ("compiler", "other_dept"),
    "county_compiler": ("compiler", "county_dept"),
    "county_reviewer": ("county_reviewer", "county"),
    "authority": ("authority_admin", "city"),
    "system_admin": ("system_admin", "city"),
}


@dataclass
class World:
    orgs: object
    users: dict
    item: CatalogItem  # published, provided by orgs.dept
    other_item: CatalogItem  # published, provided by orgs.other_dept

    def as_(self, ctx: Context, name: str | None) -> Context:
        """``ctx`` acting as the named user (``None``: the system)."""
        return Context(session=ctx.session, profile=ctx.profile, actor=self.users[name] if name else None)


def under(ctx: Context, profile: str) -> Context:
    """The same session and actor under another jurisdiction's profile."""
    return Context(session=ctx.session, profile=load_profile(profile), actor=ctx.actor)


def publish(ctx: Context, data: dict) -> CatalogItem:
    """Create and publish an entry as the system, through every review level."""
    item = create_item(ctx, data).item
    submit_item(ctx, item)
    while item.status is not ItemStatus.PUBLISHED:
        approve(ctx, current_step(ctx, item))
    return item


@cache
def _password_hash() -> str:
    """One real scrypt hash of :data:`PASSWORD` per test process: hashing is slow on purpose."""
    return hash_password(PASSWORD)


def make_world(ctx: Context, users: tuple[str, ...] = tuple(USERS)) -> World:
    orgs = make_org_tree(ctx)
    people = {name: User(username=name, display_name=name, role=Role(USERS[name][0]),
                         organisation=getattr(orgs, USERS[name][1]), password_hash=_password_hash()) for name in users}
    ctx.session.add_all(people.values())
    system = Context(session=ctx.session, profile=ctx.profile)
    item = publish(system, entry(orgs.dept))
    other = publish(system, entry(orgs.other_dept, name="居民户籍信息", item_code="01"))
    return World(orgs, people, item, other)


# -- a served office, for the API and UI tests ------------------------------------------

@contextmanager
def feedback_office(instance: Path, profile: str) -> Iterator[tuple[object, str, dict]]:
    """A fresh database (SQLite, or PostgreSQL when the suite runs there) with the world and a token per
    user, served under ``profile``. Yields the runtime, the base URL and the world's codes and tokens."""
    url = new_postgres_database("mulu_feedback") if is_postgres() else f"sqlite:///{instance / 'feedback.db'}"
    try:
        with seeded_office(instance, url, _seed, profile) as served:
            yield served
    finally:
        if is_postgres():
            drop_postgres_database(url)


def _seed(ctx: Context) -> dict:
    world = make_world(ctx)
    return {"tokens": {name: create_token(ctx, user, "测试")[1] for name, user in world.users.items()},
            "item": world.item.code, "other_item": world.other_item.code,
            "orgs": {name: getattr(world.orgs, name).code for name in ("city", "dept", "other_dept", "county_dept")}}


class Api:
    """``/api/v1`` as one user (a Bearer token) or anonymously."""

    def __init__(self, base: str, token: str | None = None):
        self.base, self.http = base + "/api/v1", requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params) -> requests.Response:
        return self.http.get(self.base + path, params=params, timeout=30)

    def post(self, path: str, body: dict) -> requests.Response:
        return self.http.post(self.base + path, json=body, timeout=30)
