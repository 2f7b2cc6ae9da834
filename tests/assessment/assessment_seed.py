"""A small catalog with a known assessment: published, draft and legacy entries, reviews passed and returned,
share requests answered on time, late, left overdue, still running and withdrawn — all dated in 2026.

Expected figures for 南阳市市场监督管理局 (``dept``) under the fuzhou profile, assessed for 2026 on 2026-12-31,
are in :data:`EXPECTED`; the other city department (``other_dept``) has compiled nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from factories import OrgTree, entry, make_org_tree, uscc
from sqlalchemy import update

from registry.accounts.models import Role, User
from registry.accounts.operations import hash_password
from registry.catalog.models import CatalogItem, Field
from registry.catalog.operations import create_item
from registry.core.context import Context
from registry.mounts.operations import add_api_mount
from registry.core.localtime import LOCAL_ZONE
from registry.orgs.models import Organisation
from registry.orgs.operations import create_org
from registry.profiles import load_profile
from registry.requests.engine import open_request, transition
from registry.requests.models import Request
from registry.review.operations import (
    approve,
    current_step,
    return_for_rework,
    submit_item,
)

#: The day the tests judge 2026 on.
TODAY = date(2026, 12, 31)

#: value of each indicator for ``dept`` (see the module docstring for why).
EXPECTED = {
    "catalog_compiled": 75.0,     # 3 of 4 entries published (the 4th is a returned draft)
    "catalog_fields": 66.7,       # 2 of 3 published structured entries type all their fields
    "requests_answered": 33.3,    # received in 2026: 1 on time, 1 late, 1 overdue (1 not yet due, 1 withdrawn)
    "open_items": 66.7,           # 2 of 3 published entries open to the public
    "kept_current": 50.0,         # 2 monitored (daily, monthly), the monthly one stale; 不定期 is not monitored
    "data_quality": 66.7,         # the legacy entry lacks the share basis fuzhou §16 asks for
    "review_pass": 75.0,          # 3 review steps passed, 1 returned
    "resources_mounted": 33.3,    # 1 of 3 published entries has its real resource mounted (weight 0: listed only)
    "deadlines_met": 50.0,        # due in 2026: 2 on time (one received in 2025), 1 late, 1 overdue
}


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A stored (UTC) time for a local clock time."""
    return datetime.combine(day, time(hour, minute), LOCAL_ZONE).astimezone(UTC)


PASSWORD = "Kaohe#2026x"

#: name → (role, organisation key): the users the tests act as.
ROLES = {
    "compiler": ("compiler", "dept"),
    "county_reviewer": ("county_reviewer", "county"),
    "city_reviewer": ("city_reviewer", "city"),
    "authority": ("authority_admin", "city"),
    "system_admin": ("system_admin", "city"),
}


@dataclass
class People:
    """Two counties (one with a department each), two city departments, and a user of each role in :data:`ROLES`."""

    orgs: OrgTree
    other_county: Organisation
    other_county_dept: Organisation
    users: dict[str, User]

    def as_(self, ctx: Context, name: str) -> Context:
        return Context(session=ctx.session, profile=ctx.profile, actor=self.users[name] if name != "system" else None)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # scrypt is slow on purpose: hash once for every user of the suite


def make_people(ctx: Context) -> People:
    orgs = make_org_tree(ctx)
    other_county = create_org(ctx, {"code": "411322", "name": "方城县", "level": "county", "parent": orgs.city})
    other_county_dept = create_org(ctx, {"code": uscc(5, "411322"), "name": "方城县市场监督管理局", "level": "department",
                                         "parent": other_county, "catalog_code": "0301"})
    users = {}
    for name, (role, key) in ROLES.items():
        users[name] = User(username=name, role=Role(role), organisation=getattr(orgs, key), password_hash=_password_hash())
        ctx.session.add(users[name])
    ctx.session.flush()
    return People(orgs, other_county, other_county_dept, users)


@dataclass
class World:
    people: People
    items: dict[str, CatalogItem]
    requests: dict[str, Request]


def _publish(ctx: Context, people, item: CatalogItem, on: date) -> CatalogItem:
    submit_item(people.as_(ctx, "compiler"), item)
    step = current_step(ctx, item)
    approve(people.as_(ctx, "city_reviewer"), step)
    item.created_at, item.published_at, step.closed_at = local(on, 9), local(on, 11), local(on, 11)
    return item


def _share_request(ctx: Context, people, item: CatalogItem, received: date, *, closed: datetime | None = None,
                   action: str = "approve") -> Request:
    orgs = people.orgs
    req = open_request(ctx, "share_request", organisation=orgs.dept, requester=orgs.other_dept, item=item,
                       title=f"申请共享{item.name}", data={"purpose": "测试"}, today=received)
    req.created_at = local(received)
    if closed is not None or action == "withdraw":
        transition(ctx, req, action)
        req.closed_at = closed or local(received, 15)
    return req


def seed_world(ctx: Context) -> World:
    """The catalog and requests described in the module docstring; ``ctx`` runs under the fuzhou profile."""
    people = make_people(ctx)
    orgs, compiler = people.orgs, people.as_(ctx, "compiler")
    items = {
        "daily": create_item(compiler, entry(orgs.dept, name="企业登记信息", update_cycle="daily")).item,
        "monthly": create_item(compiler, entry(orgs.dept, name="食品经营许可", format_class="spreadsheet", format_type="xlsx",
                                               share_method_type="file", open_type="not_open", update_cycle="monthly")).item,
        "draft": create_item(compiler, entry(orgs.dept, name="抽检不合格名单")).item,
    }
    # An entry compiled under the national guide, before the city's rules: conditional sharing without a basis.
    national = Context(session=ctx.session, profile=load_profile("national"), actor=compiler.actor)
    items["legacy"] = create_item(national, entry(orgs.dept, name="特种设备登记", update_cycle="irregular", share_type="conditional",
                                                  share_condition="仅限市场监管执法使用")).item
    for key, day in (("daily", date(2026, 3, 2)), ("monthly", date(2026, 3, 2)), ("legacy", date(2026, 3, 3))):
        _publish(ctx if key != "legacy" else national, people, items[key], day)
    items["daily"].data_updated_at = local(date(2026, 12, 30))
    add_api_mount(compiler, items["daily"], url="https://data.example.gov.cn/api/enterprise")  # 1 of 3 mounted
    # A field loaded without its data type (legacy data, before the typed-fields rule).
    ctx.session.execute(update(Field).where(Field.item_id == items["legacy"].id, Field.position == 2).values(data_type=None))
    step = submit_item(compiler, items["draft"])
    return_for_rework(people.as_(ctx, "city_reviewer"), step, "信息项描述不完整")
    items["draft"].created_at, step.closed_at = local(date(2026, 3, 20)), local(date(2026, 4, 1))

    def due_day(received: date) -> date:
        return ctx.calendar.add_workdays(received, ctx.profile.deadline("share_request_answer").days)

    requests = {
        "last_year": _share_request(ctx, people, items["daily"], date(2025, 12, 15),
                                    closed=local(due_day(date(2025, 12, 15)), 9)),
        # Answered at 23:30 local time on the due day: on time, though it is the next day in UTC.
        "on_time": _share_request(ctx, people, items["daily"], date(2026, 9, 30),
                                  closed=local(due_day(date(2026, 9, 30)), 23, 30)),
        # Answered half an hour after midnight following the due day: late.
        "late": _share_request(ctx, people, items["daily"], date(2026, 9, 30),
                               closed=local(due_day(date(2026, 9, 30)) + timedelta(days=1), 0, 30)),
        "overdue": _share_request(ctx, people, items["monthly"], date(2026, 11, 2)),
        "not_yet_due": _share_request(ctx, people, items["monthly"], date(2026, 12, 28)),
        "withdrawn": _share_request(ctx, people, items["monthly"], date(2026, 10, 12), action="withdraw"),
    }
    ctx.session.flush()
    return World(people, items, requests)
