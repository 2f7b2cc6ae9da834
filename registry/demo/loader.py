"""``mulu demo load``: write the demo catalog through the service layer.

Organisations go through :func:`registry.orgs.operations.create_org`, entries
through :func:`registry.catalog.bulk.bulk_create_items` — so the demo passes
the same validation, rules, code assignment, history and audit as real data.
Then the demo users, drafts in review, and the regulations' processes under way
(:mod:`registry.demo.processes`), each done as the demo user whose work it is.
The loader flushes and never commits; the caller's unit of work does.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import select

from registry.catalog.bulk import bulk_create_items
from registry.core.context import Context
from registry.core.db import refresh_statistics
from registry.core.errors import ConflictError
from registry.demo import vocab
from registry.demo.generator import generate_entries, org_tree, published_count
from registry.demo.processes import load_demo_processes
from registry.orgs.models import Organisation
from registry.orgs.operations import create_org

#: Sign-ins for trying the demo (user name, role, where: None for the city, "county" for the first
#: county, "county:<domain>" for that domain's department in the first county, else a city
#: department's domain; display name).
#: Demo data only: a real deployment creates its users with `mulu user create`.
DEMO_PASSWORD = "Mulu#2026demo"
DEMO_USERS = (
    ("admin", "authority_admin", None, "数据主管部门管理员"),
    ("reviewer", "city_reviewer", None, "市级审核员"),
    ("county", "county_reviewer", "county", "县级审核员"),
    ("compiler", "compiler", "scjg", "市场监管局编目员"),
    # The other side of the demo's processes: the police answer the market regulator's share requests and
    # the demands the city passes on; a county bureau's compiler records the county's demands.
    ("police", "compiler", "ga", "公安局编目员"),
    ("county_compiler", "compiler", "county:mz", f"{vocab.COUNTIES[0][1]}民政局编目员"),
)
#: Drafts the demo sends to review, and how many of their steps it shows as overdue.
DEMO_SUBMISSIONS = 40
DEMO_OVERDUE = 4


@dataclass
class DemoStats:
    organisations: int
    items: int
    fields: int
    users: tuple[str, ...] = ()


def load_demo(ctx: Context, items: int, seed: int, progress: Callable[[int], None] | None = None) -> DemoStats:
    """Create the demo city's organisations and ``items`` entries; most published, the last tenth drafts.

    Refuses (:class:`ConflictError`) when the demo city is already registered,
    rather than creating a second copy beside it.
    """
    existing = ctx.session.scalar(select(Organisation).where(Organisation.code == vocab.CITY_CODE))
    if existing is not None:
        raise ConflictError(
            f"演示数据已载入：机构“{existing.name}”（{existing.code}）已存在，不能重复载入；如需重新载入，请使用新的空数据库"
        )
    orgs: dict[str, Organisation] = {}
    for spec in org_tree():
        data = spec.as_data()
        data["parent"] = orgs[spec.parent] if spec.parent else None
        orgs[spec.code] = create_org(ctx, data)

    entries = generate_entries(ctx.profile, items, seed, orgs)
    published = published_count(items)
    first = bulk_create_items(ctx, islice(entries, published), publish=True, progress=progress)
    rest = bulk_create_items(ctx, entries, publish=False,
                             progress=(lambda done: progress(published + done)) if progress else None)
    users = _demo_users(ctx, orgs)
    _demo_reviews(ctx)
    load_demo_processes(ctx)
    refresh_statistics(ctx.session)
    return DemoStats(organisations=len(orgs), items=first.items + rest.items, fields=first.fields + rest.fields, users=users)


def _demo_users(ctx: Context, orgs: dict[str, Organisation]) -> tuple[str, ...]:
    from registry.accounts.operations import create_user

    for username, role, where, display in DEMO_USERS:
        create_user(ctx, username, role, _demo_user_org(where), DEMO_PASSWORD, display_name=display)
    return tuple(u[0] for u in DEMO_USERS)


def _demo_user_org(where: str | None) -> str:
    """The code of the organisation a :data:`DEMO_USERS` row places its user in."""
    from registry.demo.generator import city_department_code

    county = vocab.COUNTIES[0][0]
    if where is None:
        return vocab.CITY_CODE
    if where == "county":
        return county
    if where.startswith("county:"):
        domain = where.split(":", 1)[1]
        return next(o.code for o in org_tree() if o.level == "department" and o.parent == county and o.domain == domain)
    return city_department_code(where)


def _demo_reviews(ctx: Context) -> None:
    """Send some drafts to review so the queues and the dashboard have work; a few shown overdue."""
    from datetime import timedelta

    from registry.catalog.models import CatalogItem, ItemStatus
    from registry.core.localtime import local_today
    from registry.review.operations import submit_item

    drafts = ctx.session.scalars(select(CatalogItem).where(CatalogItem.status == ItemStatus.DRAFT)
                                 .order_by(CatalogItem.id).limit(DEMO_SUBMISSIONS))
    steps = [submit_item(ctx, item) for item in drafts]
    for step in steps[:DEMO_OVERDUE]:  # as if submitted a while ago and left waiting
        step.due_at = local_today() - timedelta(days=3)
    ctx.session.flush()
