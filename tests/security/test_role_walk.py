"""Walk every route of the back office, the REST API, the CKAN API and the exports as each role of two
organisations (and as the public): nothing leaks that the role may not see, and nothing changes that it may not change.

What each walker may see is computed from the rule in :mod:`role_world` (compiler: own department; county
reviewer: own county; city reviewer and authority: all; the three separated administrators: published only,
the audit administrator the audit log), not listed per route, so a route added later is walked and judged too.
A walker that may see a secret must find it somewhere on the walk: the absence of the others means something.
"""
from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from databases import drop_postgres_database, is_postgres, new_postgres_database
from live import migrated_runtime, serving
from role_world import (
    DEPTS,
    PROBES,
    Agent,
    World,
    build,
    ckan_calls,
    ckan_url,
    csrf_in,
    snapshot,
    walkers,
)
from sqlalchemy import func, select

from exports.service import load_formats
from registry.app import create_app
from registry.catalog.models import CatalogItem
from registry.core.config import load_settings
from registry.core.db import unit_of_work

WALKERS = walkers()
READERS = 3  # concurrent reads per walker
FORM = {"reason": "越权测试", "comment": "越权测试", "text": "越权测试", "note": "越权测试", "target": "",
        "share_type": "not_shared", "share_basis": "越权", "share_condition": "越权", "action": "approve",
        "name": "被篡改的名称", "expected_version": "1", "url": "https://x.example.gov.cn/",
        "role": "authority_admin", "is_active": "1", "password": "Tiquan#2026x"}  # a walker promoting themselves
DRAFT_STATES = "&".join(f"status={s}" for s in ("draft", "submitted", "in_review", "published", "change_pending", "returned"))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One world for the module: the walks that write are refused, and the walkers that may write only read."""
    folder = tmp_path_factory.mktemp("role-walk")
    url = new_postgres_database("mulu_walk") if is_postgres() else f"sqlite:///{folder / 'walk.db'}"
    settings = load_settings({"MULU_PROFILE": "binzhou", "MULU_API_RATE_LIMIT": "100000 per minute"},
                             instance_path=folder / "instance", database_url=url)
    try:
        with migrated_runtime(settings) as runtime:
            world = build(runtime)
            with serving(settings) as base:
                yield runtime, base, world, _routes(settings, world)
    finally:
        if is_postgres():
            drop_postgres_database(url)


def _routes(settings, world: World) -> list[tuple[str, str]]:
    """(method, url) for every route, its parameters filled with the world's codes and ids, plus the probes."""
    app = create_app(settings)
    values = {**world.values, "name": sorted(load_formats())}
    walk = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith("static") or rule.endpoint == "ckan.action" or rule.rule == "/logout":
            continue
        unknown = set(rule.arguments) - set(values)
        assert not unknown, f"the walk does not know how to fill {unknown} of {rule.rule}"
        fillings, choices = [{}], dict(values)
        screen = next((part for part in rule.rule.split("/") if part in values["request_of_screen"]), None)
        if "request_id" in rule.arguments and screen:  # the screen's own request, and another kind's (which 404s alike)
            own = values["request_of_screen"][screen]
            other = next(i for i in values["request_id"] if i != own)
            choices["request_id"] = [own] if "action" in rule.arguments else [own, other]
        for arg in sorted(rule.arguments):
            fillings = [{**f, arg: v} for f in fillings for v in choices[arg]]
        for filling in fillings:
            url = rule.rule
            for arg, value in filling.items():
                url = re.sub(rf"<(?:[a-z]+:)?{arg}>", str(value), url)
            walk += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    for code in world.values["code"]:  # forms that take an item from the query string
        walk += [("GET", f"/admin/{form}/new?item_code={quote(code)}") for form in ("corrections", "objections", "open-requests")]
        walk += [("GET", f"/admin/share-requests/new?item={quote(code)}")]
    walk += [("GET", f"/api/v1/exports/{name}?{DRAFT_STATES}") for name in values["name"]]
    walk += [("GET", f"/api/v1/exports/{name}?{DRAFT_STATES}&org={world.org_codes['B']}") for name in ("items-csv", "catalog-json")]
    walk += [("GET", f"/api/v1/items?{DRAFT_STATES}&per_page=100"), ("GET", "/api/v1/items?per_page=100")]
    for probe in PROBES:
        walk += [("GET", f"/?q={quote(probe)}"), ("GET", f"/api/v1/search?q={quote(probe)}&per_page=100"),
                 ("GET", f"/admin/items/?q={quote(probe)}"), ("GET", f"/api/v1/search?field={quote(probe)}&fuzzy=1")]
    walk += [("GET", ckan_url(action, args)) for action, args in ckan_calls(world)]
    walk += [("POST", ckan_url("package_search", {"q": "内部草稿"}))]
    return walk


_AGENTS: dict[tuple[str, str], Agent] = {}


def _signed_in(base: str, world: World, walker) -> Agent:
    """The walker's client, signed in once per served world (a sign-in costs a scrypt)."""
    if (base, walker.name) not in _AGENTS:
        agent = Agent(base, world.tokens.get(walker.username))
        if walker.role is not None:
            agent.login(walker.username)
        _AGENTS[base, walker.name] = agent
    return _AGENTS[base, walker.name]


@pytest.mark.parametrize("walker", WALKERS, ids=lambda w: w.name)
def test_every_route_shows_each_role_only_what_it_may_see(served, walker):
    runtime, base, world, routes = served
    agent = _signed_in(base, world, walker)
    csrf = csrf_in(agent.call("GET", "/login" if walker.role is None else "/admin/tokens/")[1])
    before = snapshot(runtime, walker.username) if not walker.writes else None
    own_codes = [code for key, code in world.codes.items() if walker.sees_unpublished_of(key.rsplit("_", 1)[1])]
    # A role that may change the data reads it only (the walk would change the world), and so does anyone its own.
    writes = [(m, u) for m, u in routes if m != "GET" and not walker.writes and not any(code in u for code in own_codes)]
    reads = [(m, u) for m, u in routes if m == "GET"]

    def write(method: str, url: str) -> tuple[int, str]:
        if url.startswith("/api"):
            return agent.call(method, url, body={**FORM, "fields": [], "values": {}})
        status, text = agent.call(method, url, form={**FORM, "csrf_token": csrf, "step": str(world.values["step_id"][0])})
        if status in (302, 303) and agent.location and not agent.location.startswith("/login"):  # flashes show there
            status, text = agent.call("GET", agent.location)
        return status, text

    with ThreadPoolExecutor(READERS) as pool:  # reads overlap (the server is threaded); writes go one at a time
        answers = list(pool.map(lambda route: agent.call(*route), reads))
    answers += [write(*route) for route in writes]
    leaks, errors, seen = [], [], set()
    for (method, url), (status, text) in zip(reads + writes, answers, strict=True):
        if status >= 500:
            errors.append(f"{method} {url} → {status}")
        for secret in world.secrets:
            if secret.text in text:
                if walker.may_see(secret, url):
                    seen.add(secret.text)
                else:
                    leaks.append(f"{method} {url} shows {secret.text} ({secret.kind} of {'/'.join(secret.orgs) or '—'})")
    assert not errors, "\n".join(errors)
    if walker.role is not None:  # still signed in: a walk that lost its session would prove nothing
        assert agent.call("GET", "/admin/")[0] == 200 and agent.call("GET", "/api/v1/me")[0] == 200
    assert not leaks, f"{walker.name} sees what it may not ({len(leaks)}):\n" + "\n".join(sorted(set(leaks))[:40])
    if before is not None:
        changed = _changes(before, snapshot(runtime, walker.username))
        assert not changed, f"{walker.name} changed what it may not change (before, after): {changed}"
    # The control: whatever the rule lets this walker see, the walk shows it somewhere.
    expected = {s.text for s in world.secrets if walker.may_see(s, "/")}
    assert expected <= seen, f"{walker.name} never sees {sorted(expected - seen)}: the walk proves nothing for them"


def _changes(before: tuple, after: tuple) -> list[tuple[list[str], list[str]]]:
    """The rows of each part of the snapshot that went away and that came."""
    def rows(part) -> set[str]:
        return set(map(str, part)) if isinstance(part, (list, tuple)) else {str(part)}
    return [(sorted(rows(b) - rows(a)), sorted(rows(a) - rows(b))) for b, a in zip(before, after, strict=True) if b != a]


# -- counts -------------------------------------------------------------------------------------------

def _true_counts(runtime, world: World) -> dict[str, tuple[int, int]]:
    """Per department: (items that are not public, all items)."""
    with unit_of_work(runtime.sessions) as session:
        rows = session.execute(select(CatalogItem.provider_id, CatalogItem.status, func.count())
                               .group_by(CatalogItem.provider_id, CatalogItem.status)).all()
        ids = {key: session.scalar(select(CatalogItem.provider_id).where(CatalogItem.code == world.codes[f"draft_{key}"]))
               for key in DEPTS}
    counts = {}
    for key, org_id in ids.items():
        total = sum(n for provider, _, n in rows if provider == org_id)
        public = sum(n for provider, status, n in rows if provider == org_id and status.value in ("published", "change_pending"))
        counts[key] = (total - public, total)
    return counts


def _visible_count(walker, key: str, counts) -> int:
    unpublished, total = counts[key]
    return total if walker.sees_unpublished_of(key) else total - unpublished


@pytest.mark.parametrize("walker", WALKERS, ids=lambda w: w.name)
def test_counts_per_organisation_leave_out_what_the_role_may_not_see(served, walker):
    runtime, base, world, _ = served
    agent = _signed_in(base, world, walker)
    counts = _true_counts(runtime, world)
    assert all(unpublished for unpublished, _ in counts.values())  # every department has something to hide
    if walker.role is not None:
        status, page = agent.call("GET", "/admin/")
        assert status == 200
        rows = {m[0]: (int(m[1]), int(m[2]), int(m[3]))
                for m in re.findall(r"<tr[^>]*><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td>\s*<td>(\d+)</td>", page)}
        for key in DEPTS:
            name = world.org_names[key]
            if walker.sees_unpublished_of(key):
                assert rows[name][0] == counts[key][1], (walker.name, key, rows.get(name))
            else:  # another's row, if shown at all, counts nothing the walker may not see
                assert name not in rows or rows[name][0] == _visible_count(walker, key, counts), (walker.name, key, rows[name])
    # The open catalog lists the conditionally open item, without its secret and sensitive fields.
    _, text = agent.call("GET", "/api/v1/exports/open-catalog-json")
    assert "县局有条件共享条目" in text and "企业名称" in text
    assert not [s.text for s in world.secrets if s.text in text], "the open catalog shows what is not open"
    # CKAN: the organisation facet and the organisations' package counts.
    _, text = agent.call("GET", ckan_url("package_search", {"rows": 0, "facet.field": json.dumps(["organization"])}))
    facet = {item["name"]: item["count"] for item in json.loads(text)["result"]["search_facets"]["organization"]["items"]}
    _, text = agent.call("GET", ckan_url("organization_list", {"all_fields": True}))
    listed = {org["name"]: org["package_count"] for org in json.loads(text)["result"]}
    for key in DEPTS:
        expected = _visible_count(walker, key, counts)
        code = world.org_codes[key].lower()  # CKAN names are lower case
        assert facet.get(code, 0) == expected, ("ckan facet", walker.name, key, facet)
        assert listed.get(code, 0) == expected, ("ckan organization_list", walker.name, key, listed)
    # REST: the search's provider facet.
    _, text = agent.call("GET", "/api/v1/search?per_page=1")
    found = json.loads(text)
    providers = _facet_counts(found, "provider")
    for key in DEPTS:
        expected = _visible_count(walker, key, counts)
        name, code = world.org_names[key], world.org_codes[key]
        assert providers.get(code, providers.get(name, 0)) == expected, ("api facet", walker.name, key, providers)
    assert found["total"] == sum(_visible_count(walker, key, counts) for key in DEPTS)  # the world's only providers


def _facet_counts(found: dict, facet: str) -> dict[str, int]:
    raw = found["facets"][facet]
    items = raw.get("values", raw) if isinstance(raw, dict) else raw
    return {str(v.get("value")): v["count"] for v in items} if isinstance(items, list) else dict(items)
