"""Walk every route of the app as a compiler of another department: another's drafts never leak or change.

The walk enumerates the URL map, so a route added later is walked too; a
route with a parameter the walk cannot fill fails the test until it learns it.
"""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from client import Browser, token_in
from factories import entry, make_org_tree
from live import migrated_runtime, serving
from registry.accounts.models import ApiToken, User
from registry.accounts.operations import create_user
from registry.accounts.tokens import create_token
from registry.app import create_app
from registry.catalog.models import CatalogItem
from registry.catalog.operations import create_item
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from registry.imports.models import ImportBatch, ImportOutcome
from registry.requests.models import Request, RequestEvent
from registry.review.operations import adjust_share_in_emergency, approve, submit_item

PASSWORD = "Bianmu#2026x"
SECRET_NAMES = ("公安内部草稿甲", "公安送审条目乙")


@pytest.fixture()
def world(tmp_path, fresh_database_url):
    settings = load_settings({"MULU_PROFILE": "binzhou"}, instance_path=tmp_path / "instance", database_url=fresh_database_url)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            orgs = make_org_tree(ctx)
            attacker = create_user(ctx, "attacker", "compiler", orgs.dept.code, PASSWORD)
            create_item(ctx, entry(orgs.dept, name="本局自己的草稿"))
            draft = create_item(ctx, entry(orgs.other_dept, name=SECRET_NAMES[0], summary="内部：" + "尚未公开的摘要内容。"))
            submitted = create_item(ctx, entry(orgs.other_dept, name=SECRET_NAMES[1]))
            step = submit_item(ctx, submitted.item)
            published = create_item(ctx, entry(orgs.other_dept, name="公安已发布条目")).item
            approve(ctx, submit_item(ctx, published))
            filing = adjust_share_in_emergency(ctx, published, {"share_type": "conditional", "share_condition": "仅限应急",
                                                                "share_basis": "《突发事件应对法》"}, "演练")
            victim = create_user(ctx, "victim", "compiler", orgs.other_dept.code, PASSWORD)
            victims_token, _ = create_token(ctx, victim, "对接公安系统")
            batch = ImportBatch(actor_id=victim.id, actor_name="victim", organisation_id=orgs.other_dept.id,
                                filename=f"{SECRET_NAMES[0]}.xlsx", file_hash="0" * 64, layout="national",
                                outcome=ImportOutcome.COMMITTED, created=1)
            session.add(batch)
            session.flush()
            values = {"code": [draft.item.code, submitted.item.code, published.code], "step_id": [step.id],
                      "filing_id": [filing.id], "sha": ["0" * 64], "user_id": [attacker.id],
                      "token_id": [victims_token.id], "filename": ["swagger-ui.css"],
                      "logic_function": ["package_search", "package_show", "package_list", "organization_list"],
                      "name": ["items-csv", "catalog-json"], "batch_id": [batch.id]}
        with serving(settings) as base:
            yield runtime, settings, base, values


def _snapshot(runtime) -> tuple:
    with unit_of_work(runtime.sessions) as session:
        items = session.execute(select(CatalogItem.code, CatalogItem.status, CatalogItem.version, CatalogItem.name,
                                       CatalogItem.share_type).order_by(CatalogItem.id)).all()
        requests = session.execute(select(Request.id, Request.state).order_by(Request.id)).all()
        events = session.scalar(select(func.count()).select_from(RequestEvent))
        users = session.execute(select(User.username, User.role, User.is_active, User.password_hash).order_by(User.id)).all()
        # Others' tokens only: the attacker may create tokens of their own on the API 令牌 screen.
        users += session.execute(select(ApiToken.id, ApiToken.revoked_at).join(User).where(User.username != "attacker")
                                 .order_by(ApiToken.id)).all()
        return items, requests, events, users


def _urls(settings, values) -> list[tuple[str, str]]:
    """(method, url) for every route, its parameters filled with the victim's codes and ids."""
    app = create_app(settings)
    walk = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith("static"):
            continue
        unknown = set(rule.arguments) - set(values)
        assert not unknown, f"the walk does not know how to fill {unknown} of {rule.rule}"
        fillings = [{}]
        for arg in rule.arguments:
            fillings = [{**f, arg: v} for f in fillings for v in values[arg]]
        for filling in fillings:
            url = rule.rule
            for arg, value in filling.items():
                url = re.sub(rf"<(?:[a-z]+:)?{arg}>", str(value), url)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                walk.append((method, url))
    return walk


FORM = {"reason": "越权测试", "comment": "越权测试", "text": "越权测试", "note": "越权测试", "target": "",
        "share_type": "not_shared", "share_basis": "越权", "share_condition": "越权", "action": "approve",
        "name": "被篡改的名称", "expected_version": "1",
        "role": "authority_admin", "is_active": "1", "password": "Tiquan#2026x"}  # a compiler promoting themselves


def test_another_departments_drafts_never_leak_or_change_through_any_route(world):
    runtime, settings, base, values = world
    browser = Browser(base)
    assert browser.login("attacker", PASSWORD)[0] == 302
    before = _snapshot(runtime)
    walked = 0
    for method, url in _urls(settings, values):
        if url == "/logout":
            continue
        if method == "GET":
            status, page = browser.request(url)
            assert status < 500, (url, status)
        else:
            token = token_in(browser.request("/admin/")[1])
            form = {**FORM, "csrf_token": token, "step": str(values["step_id"][0])}
            status, page = browser.request(url, form)
            assert status < 500, (url, status)
            if status == 302:
                page = browser.follow()[1]
        for secret in SECRET_NAMES:
            assert secret not in page, f"{method} {url} shows {secret}"
        walked += 1
    assert walked > 25
    assert _snapshot(runtime) == before


def test_searches_and_counts_leave_out_another_departments_drafts(world):
    _, _, base, _ = world
    browser = Browser(base)
    browser.login("attacker", PASSWORD)
    for query in SECRET_NAMES + ("公安",):
        status, body = browser.request(f"/api/v1/search?q={quote(query)}")
        found = json.loads(body)
        assert status == 200 and all(secret not in body for secret in SECRET_NAMES)
        # Near matches may come back (results relax to the most words matched), but only visible items, counted as such.
        assert {r["name"] for r in found["results"]} <= {"公安已发布条目", "本局自己的草稿"}
        assert found["total"] == len(found["results"])
    status, page = browser.request("/admin/items/?q=" + quote("公安"))
    assert status == 200 and all(secret not in page for secret in SECRET_NAMES)
    _, page = browser.request("/admin/")
    assert "南阳市公安局" not in page.split('id="dashboard"')[1]
