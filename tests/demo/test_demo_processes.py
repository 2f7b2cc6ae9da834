"""The demo's processes: every process has requests at its stages, overdue where the profile sets the deadline,
the demo users find them on their screens, and the same seed gives the same requests."""
from __future__ import annotations

import html
import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from client import signed_in
from live import seeded_office
from sqlalchemy import select

from registry.catalog.models import CatalogItem, ItemStatus
from registry.core.localtime import aware
from registry.demo.generator import SEEDED_DUPLICATE_GROUPS, city_department_code
from registry.demo.loader import DEMO_PASSWORD, load_demo
from registry.demo.processes import API_BASE, DESIGNATED_GROUP
from registry.monitoring.freshness import count_stale, staleness_by_org
from registry.mounts.models import ResourceMount
from registry.requests.engine import due_status
from registry.requests.models import Request
from registry.sharing.models import ShareUse
from registry.sourcing.report import duplicate_report

ITEMS = 300
PROCESSES = ("share_request", "service_change", "demand", "open_request", "objection", "correction", "catalog_update")
#: The profile deadline that makes some of a process's requests overdue; where the profile has none, none are.
OVERDUE_BY = {"share_request": "share_request_answer", "demand": "demand_answer", "open_request": "open_request_answer",
              "correction": "correction_verify", "catalog_update": "catalog_update"}


@pytest.fixture(scope="module", params=("binzhou", "nanyang"))
def office(request, tmp_path_factory):
    path = tmp_path_factory.mktemp(f"demo-{request.param}")
    with seeded_office(path / "instance", f"sqlite:///{path / 'demo.db'}", lambda ctx: load_demo(ctx, items=ITEMS, seed=1),
                       profile=request.param) as (runtime, base, _):
        yield runtime, base


def _requests(session) -> list[Request]:
    return list(session.scalars(select(Request).where(Request.type != "review").order_by(Request.id)))


def test_every_process_has_requests_at_its_stages_overdue_where_the_profile_sets_the_deadline(office):
    runtime, _ = office
    with runtime.sessions() as session:
        ctx = runtime.context(session)
        requests = _requests(session)
        assert set(PROCESSES) <= {r.type for r in requests} and len(requests) <= 40
        overdue = Counter(r.type for r in requests if due_status(ctx, r) == "overdue")
        for type_name, key in OVERDUE_BY.items():
            assert (overdue[type_name] > 0) == (ctx.profile.deadline(key) is not None), type_name
        assert any(due_status(ctx, r) == "due_soon" for r in requests)

        def positions(type_name: str) -> set[str]:
            return {f"open:{r.stage}" if r.state == "open" and r.stage else r.state for r in requests if r.type == type_name}

        assert positions("share_request") == {"approved", "open:coordination", "open:provider"}
        assert positions("demand") >= {"open:county", "open:city", "open:answer", "open:deliver", "fulfilled", "unmatched"}
        assert positions("correction") == {"open:verify", "open:fix", "corrected"}
        assert positions("open_request") == {"open:answer", "granted", "refused"}
        assert positions("service_change") == {"open", "done"}
        extended = [r for r in requests if any(e.action == "extend" for e in r.events)]
        assert len(extended) == (1 if ctx.profile.deadline("open_request_extension") else 0)

        # Each step is dated the day it was taken: opened, then acted on, then closed, all in the past.
        now = datetime.now(UTC)
        for r in requests:
            moments = [aware(r.created_at), *(aware(e.created_at) for e in r.events)]
            assert moments == sorted(moments) and moments[-1] <= now, r.title
            if r.closed_at is not None:
                assert aware(r.closed_at) == moments[-1], r.title

        approved = next(r for r in requests if r.type == "share_request" and r.state == "approved")
        uses = session.scalars(select(ShareUse).where(ShareUse.request_id == approved.id)).all()
        assert len(uses) == 3 and all(aware(u.used_at) > aware(approved.closed_at) for u in uses)
        notice = next(r for r in requests if r.type == "service_change" and r.state == "open")
        assert [u["code"] for u in notice.data["users"]] == [city_department_code("scjg")]

        mounts = session.scalars(select(ResourceMount)).all()
        assert len(mounts) == 4 and all(m.url.startswith(API_BASE) and m.item.status is ItemStatus.PUBLISHED for m in mounts)
        assert sum(m.valid_to is not None for m in mounts) == 1
        refreshed = session.scalars(select(CatalogItem).where(CatalogItem.data_updated_at.is_not(None))).all()
        stale = count_stale(ctx)
        assert 10 <= len(refreshed) <= 16 and 0 < stale < len(refreshed)
        assert sum(f.monitored - f.stale for f in staleness_by_org(ctx).values()) > 0

        resolved = duplicate_report(ctx, "resolved")
        group = next(g for g in SEEDED_DUPLICATE_GROUPS if g.key == DESIGNATED_GROUP[0])
        assert [{(m.provider.code, m.name) for m in e.finding.members} for e in resolved] == [set(group.members)]
        assert resolved[0].designation.source.code == city_department_code(DESIGNATED_GROUP[1])
        assert len(duplicate_report(ctx, "open")) == len(SEEDED_DUPLICATE_GROUPS) - 1


_ROW = re.compile(r'<tr class="([^"]*)" data-request="(\d+)"')


def _rows(browser, path: str) -> dict[int, str]:
    """The requests listed on a screen: id → its row's class (table-danger when overdue)."""
    status, page = browser.request(path)
    assert status == 200, path
    return {int(i): cls.strip() for cls, i in _ROW.findall(page)}


def test_the_demo_users_find_the_requests_on_their_screens(office):
    runtime, base = office
    with runtime.sessions() as session:
        ctx = runtime.context(session)
        requests = _requests(session)
        market, police = city_department_code("scjg"), city_department_code("ga")

        def ids(type_name: str, **where) -> set[int]:
            found = set()
            for r in requests:
                values = {"state": r.state, "stage": r.stage, "at": r.organisation.code,
                          "by": r.requester.code if r.requester else None}
                if r.type == type_name and all(values[k] == v for k, v in where.items()):
                    found.add(r.id)
            assert found, (type_name, where)
            return found

        overdue = {r.id for r in requests if due_status(ctx, r) == "overdue"}
        county_bureau = next(r.requester.code for r in requests if r.type == "demand" and r.stage == "county")
        approved = next(iter(ids("share_request", state="approved")))
        mounted = session.scalars(select(ResourceMount)).first().item.code

    users = {name: signed_in(base, name, DEMO_PASSWORD)
             for name in ("admin", "reviewer", "county", "compiler", "police", "county_compiler")}
    screens = [
        # The regulator's compiler: the police's requests to answer, its own request taken to the authority.
        ("compiler", "/admin/share-requests/", ids("share_request", state="open", at=market)
         | ids("share_request", state="open", by=market)),
        ("compiler", "/admin/share-requests/?state=approved", {approved}),
        ("compiler", "/admin/corrections/", ids("correction", state="open", at=market)),
        ("compiler", "/admin/open-requests/", ids("open_request", state="open", at=market)),
        ("compiler", "/admin/objections/", ids("objection", state="open", at=market)),
        ("compiler", "/admin/catalog-updates/", ids("catalog_update", state="open", at=market)),
        # The police: demands to answer and to deliver, the open-data request, its notice of a coming change.
        ("police", "/admin/demands/", ids("demand", state="open", at=police)),
        ("police", "/admin/open-requests/", ids("open_request", state="open", at=police)),
        ("police", "/admin/service-changes/", ids("service_change", state="open")),
        ("police", "/admin/catalog-updates/", ids("catalog_update", state="open", at=police)),
        # The county gathers its bureaus' demands, the city reviews them, the authority coordinates and follows up.
        ("county", "/admin/demands/", ids("demand", stage="county")),
        ("county_compiler", "/admin/demands/?state=all", ids("demand", by=county_bureau)),
        ("reviewer", "/admin/demands/?stage=city", ids("demand", state="open", stage="city")),
        ("admin", "/admin/share-requests/", ids("share_request", state="open", stage="coordination")),
        ("admin", "/admin/catalog-updates/", ids("catalog_update", state="open")),
    ]
    for user, path, expected in screens:
        rows = _rows(users[user], path)
        assert expected <= set(rows), (user, path)
        for request_id in expected & set(rows):
            assert (rows[request_id] == "table-danger") == (request_id in overdue), (user, path, request_id)
    assert overdue & set().union(*(set(_rows(users[u], p)) for u, p, _ in screens))

    _, unmatched = users["admin"].request("/admin/demands/unmatched")
    assert all(f'data-request="{i}"' in unmatched for i in ids("demand", state="unmatched"))
    _, uses = users["compiler"].request("/admin/share-requests/uses")
    assert uses.count("data-use=") == 3
    _, notices = users["police"].request("/admin/notifications/")
    assert "data-notice=" in notices  # written after the demo's commit
    _, freshness = users["compiler"].request("/admin/freshness/")
    assert 'data-item="' in freshness[freshness.index('id="stale-items"'):]
    _, item_mounts = users["compiler"].request(f"/admin/mounts/items/{mounted}")
    assert API_BASE in html.unescape(item_mounts)
    _, duplicates = users["reviewer"].request("/admin/duplicates/?status=resolved")
    assert len(re.findall(r'class="card finding[^"]*" id="finding-', duplicates)) == 1


def _signature(session) -> list:
    """The requests as a user reads them, without the moments they were written or the row ids they got
    (PostgreSQL's sequences do not roll back with the first load's savepoint)."""
    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if k not in ("at", "suggested_at", "id", "about_request")}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    requests = [(r.type, r.state, r.stage, r.title, r.item.code if r.item else None, r.organisation.code,
                 r.requester.code if r.requester else None, r.due_at, plain(r.data),
                 [(e.kind, e.action, e.text, e.actor_name) for e in r.events]) for r in _requests(session)]
    uses = [(u.request.title, u.user_name, u.purpose, u.fields) for u in session.scalars(select(ShareUse).order_by(ShareUse.id))]
    mounts = [(m.item.code, m.url, m.valid_to) for m in session.scalars(select(ResourceMount).order_by(ResourceMount.id))]
    refreshed = list(session.execute(select(CatalogItem.code, CatalogItem.data_updated_at)
                                     .where(CatalogItem.data_updated_at.is_not(None)).order_by(CatalogItem.code)))
    return [requests, uses, mounts, refreshed]


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_the_same_seed_gives_the_same_requests(ctx):
    loads = []
    for _ in range(2):
        savepoint = ctx.session.begin_nested()
        load_demo(ctx, items=ITEMS, seed=4)
        loads.append(_signature(ctx.session))
        savepoint.rollback()
    assert loads[0] == loads[1] and len(loads[0][0]) >= len(PROCESSES)
