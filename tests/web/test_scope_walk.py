"""Walk every route of the app as a compiler of another department: another's drafts never leak or change.

The walk enumerates the URL map, so a route added later is walked too; a
route with a parameter the walk cannot fill fails the test until it learns it.
"""
from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import quote

import pytest
from client import Browser, token_in
from factories import entry, make_org_tree
from live import migrated_runtime, serving
from sqlalchemy import func, select

from registry.accounts.models import ApiToken, User
from registry.accounts.operations import create_user
from registry.accounts.tokens import create_token
from registry.app import create_app
from registry.catalog.models import CatalogItem
from registry.catalog.operations import create_item, publish_item
from registry.core.config import load_settings
from registry.core.context import Context
from registry.core.localtime import local_today
from registry.core.db import unit_of_work
from registry.feedback.operations import (
    file_correction,
    file_objection,
    file_open_request,
)
from registry.imports.models import ImportBatch, ImportOutcome
from registry.lists.demands import create_demand
from registry.monitoring.duties import record_duty_change
from registry.mounts.models import ResourceMount
from registry.mounts.operations import add_api_mount
from registry.notifications.models import Notification
from registry.requests.models import Request, RequestEvent
from registry.review.operations import adjust_share_in_emergency, approve, submit_item
from registry.sharing.models import ShareUse
from registry.sharing.operations import create_share_request
from registry.sharing.service_changes import announce_service_change
from registry.sourcing.models import SourceDesignation

PASSWORD = "Bianmu#2026x"
PROCESS_SECRETS = ("机密用途丙", "机密需求丁", "机密纠错戊", "机密开放申请己", "机密异议庚", "机密职责变化辛",
                   "https://secret-mount.example.gov.cn/api")
DRAFT_FIELD = "机密字段壬"  # a field only the draft has
SECRET_NAMES = ("公安内部草稿甲", "公安送审条目乙", *PROCESS_SECRETS, DRAFT_FIELD)


@pytest.fixture()
def world(tmp_path, fresh_database_url):
    settings = load_settings({"MULU_PROFILE": "binzhou"}, instance_path=tmp_path / "instance", database_url=fresh_database_url)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            orgs = make_org_tree(ctx)
            attacker = create_user(ctx, "attacker", "compiler", orgs.dept.code, PASSWORD)
            create_item(ctx, entry(orgs.dept, name="本局自己的草稿"))
            draft_fields = [*entry(orgs.other_dept)["fields"], {"name": DRAFT_FIELD, "data_type": "C", "length": 20}]
            draft = create_item(ctx, entry(orgs.other_dept, name=SECRET_NAMES[0], summary="内部：" + "尚未公开的摘要内容。",
                                           fields=draft_fields))
            submitted = create_item(ctx, entry(orgs.other_dept, name=SECRET_NAMES[1]))
            step = submit_item(ctx, submitted.item)
            published = create_item(ctx, entry(orgs.other_dept, name="公安已发布条目")).item
            approve(ctx, submit_item(ctx, published))
            filing = adjust_share_in_emergency(ctx, published, {"share_type": "conditional", "share_condition": "仅限应急",
                                                                "share_basis": "《突发事件应对法》"}, "演练")
            victim = create_user(ctx, "victim", "compiler", orgs.other_dept.code, PASSWORD)
            victims_token, _ = create_token(ctx, victim, "对接公安系统")
            processes = _victims_processes(Context(session=session, profile=ctx.profile, actor=victim), ctx, orgs, published)
            batch = ImportBatch(actor_id=victim.id, actor_name="victim", organisation_id=orgs.other_dept.id,
                                filename=f"{SECRET_NAMES[0]}.xlsx", file_hash="0" * 64, layout="national",
                                outcome=ImportOutcome.COMMITTED, created=1)
            session.add(batch)
            session.flush()
            values = {"code": [draft.item.code, submitted.item.code, published.code], "step_id": [step.id],
                      "filing_id": [filing.id], "sha": ["0" * 64], "user_id": [attacker.id],
                      "token_id": [victims_token.id], "filename": ["swagger-ui.css"],
                      "logic_function": ["package_search", "package_show", "package_list", "organization_list"],
                      "name": ["items-csv", "catalog-json"], "batch_id": [batch.id],
                      "request_id": processes["request_ids"], "demand_id": processes["demand_ids"],
                      "action": ["approve", "accept", "forward", "done", "extend"], "mount_id": processes["mount_ids"],
                      "key": ["d000000000000000"]}
        with unit_of_work(runtime.sessions) as session:  # notices are written after the world's commit
            values["notice_id"] = list(session.scalars(select(Notification.id).where(Notification.user_id == victim.id)
                                                       .order_by(Notification.id).limit(2))) or [1]
        with serving(settings) as base:
            yield runtime, settings, base, values


def _victims_processes(victim, system, orgs, published) -> dict[str, list[int]]:
    """Every kind of request the other department is party to, with text the attacker must never see."""
    conditional = create_item(system, entry(orgs.county_dept, name="县局有条件共享条目", share_type="conditional",
                                            share_condition="仅限执法使用", share_basis="《中华人民共和国数据安全法》")).item
    publish_item(system, conditional)
    share = create_share_request(victim, conditional, {
        "fields": [conditional.fields[0].name], "purpose": PROCESS_SECRETS[0], "scenario": "核验",
        "legal_basis": "《刑事诉讼法》", "use_until": "2099-12-31"})
    demand = create_demand(victim, orgs.other_dept, {"description": PROCESS_SECRETS[1], "purpose": "办案"})
    correction = file_correction(victim, {"item_code": published.code, "description": PROCESS_SECRETS[2], "evidence": "见附件"})
    opening = file_open_request(victim, {"item_code": published.code, "description": PROCESS_SECRETS[3], "purpose": "研究"})
    objection = file_objection(victim, {"item_code": published.code, "description": PROCESS_SECRETS[4], "evidence": "见附件"})
    duty = record_duty_change(system, orgs.other_dept, kind="duties", summary=PROCESS_SECRETS[5], basis="机构改革方案",
                              effective_date=local_today())
    # A service-change notice is for every catalog user by design: it carries no secret, but only its provider acts on it.
    notice = announce_service_change(victim, published, {"kind": "upgrade", "description": "接口升级",
                                                         "effective_on": date(2099, 1, 4)})
    mount = add_api_mount(victim, published, url=PROCESS_SECRETS[6])
    requests = [share, demand, correction, opening, objection, duty, notice]
    return {"request_ids": [r.id for r in requests], "demand_ids": [demand.id], "mount_ids": [mount.id]}


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
        processes = (
            session.execute(select(Notification.id, Notification.read_at).order_by(Notification.id)).all(),
            session.execute(select(ResourceMount.id, ResourceMount.url, ResourceMount.status).order_by(ResourceMount.id)).all(),
            session.scalar(select(func.count()).select_from(SourceDesignation)),
            session.scalar(select(func.count()).select_from(ShareUse)),
            session.execute(select(Request.id, Request.stage, Request.due_at, Request.organisation_id).order_by(Request.id)).all(),
        )
        return items, requests, events, users, processes


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
    # Forms that take an item from the query string must not show a draft they may not read.
    for code in values["code"]:
        walk += [("GET", f"/admin/{form}/new?item_code={quote(code)}") for form in ("corrections", "objections", "open-requests")]
        walk += [("GET", f"/admin/share-requests/new?item={quote(code)}")]
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
    # The control: the same pages do show the secrets to their own department, so their absence above means something.
    owner = Browser(base)
    assert owner.login("victim", PASSWORD)[0] == 302
    share, demand, correction = values["request_id"][:3]
    for path, secret in ((f"/admin/share-requests/{share}", PROCESS_SECRETS[0]), (f"/admin/demands/{demand}", PROCESS_SECRETS[1]),
                         (f"/admin/corrections/{correction}", PROCESS_SECRETS[2])):
        status, page = owner.request(path)
        assert status == 200 and secret in page, path


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
