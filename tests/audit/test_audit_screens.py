"""审计日志 over real HTTP: the audit administrator searches, exports and checks the chain; nobody else gets in."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import client
import pytest
from client import Browser, token_in
from factories import make_org_tree
from live import seeded_office
from sqlalchemy import select, update

from registry.accounts.models import Role
from registry.accounts.operations import create_user
from registry.audit.models import AuditEvent
from registry.audit.operations import record_event
from registry.core.db import unit_of_work, utcnow
from registry.core.localtime import local_time
from registry.orgs.models import Organisation

PASSWORD = "Shenji#2026"


def _seed(ctx) -> str:
    orgs = make_org_tree(ctx)
    create_user(ctx, "shenji", "audit_admin", orgs.city.code, PASSWORD)
    return orgs.city.code


@pytest.fixture()
def office(tmp_path, fresh_database_url):
    with seeded_office(tmp_path / "instance", fresh_database_url, _seed) as served:
        yield served


def events(runtime, tag: str) -> list[AuditEvent]:
    with unit_of_work(runtime.sessions, write=False) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.tag == tag).order_by(AuditEvent.id)))


def shown_ids(page: str) -> list[str]:
    return re.findall(r'class="audit-event" data-id="(\d+)"', page)


def signed_in(base: str, username: str = "shenji") -> Browser:
    return client.signed_in(base, username, PASSWORD)


def test_audit_admin_searches_by_tag_actor_object_and_time(office):
    runtime, base, _ = office
    browser = signed_in(base)
    status, page = browser.request("/admin/audit/")
    assert status == 200 and "org:create" in page and "校验哈希链" in page
    assert not events(runtime, "audit:search")  # browsing without criteria is not a search

    status, page = browser.request("/admin/audit/?tag=user:create")
    assert status == 200 and len(shown_ids(page)) == 1 and "role</span>：audit_admin" in page
    assert len(shown_ids(browser.request("/admin/audit/?tag=org:")[1])) == 6  # a prefix finds every org action
    assert len(shown_ids(browser.request("/admin/audit/?actor=shenji&tag=auth:login")[1])) == 1
    assert len(shown_ids(browser.request("/admin/audit/?object_id=411321")[1])) == 1

    today = local_time(utcnow()).date()
    assert len(shown_ids(browser.request(f"/admin/audit/?since={today}&until={today}&tag=org:create")[1])) == 6
    assert not shown_ids(browser.request(f"/admin/audit/?until={today - timedelta(days=1)}")[1])
    assert not shown_ids(browser.request(f"/admin/audit/?since={today + timedelta(days=1)}")[1])

    searches = events(runtime, "audit:search")
    assert searches[0].actor_name == "shenji" and searches[0].data["filter"] == {"tag": "user:create"}
    assert searches[0].data["found"] == 1 and len(searches) == 7


def test_the_log_pages_by_fifty_and_shows_a_diff_as_old_and_new(office):
    runtime, base, _ = office
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        for n in range(60):
            record_event(ctx, "user:update", "user", f"user{n}", {"diff": {"display_name": [None, f"姓名{n}"]}})
    browser = signed_in(base)
    status, page = browser.request("/admin/audit/?tag=user:update")
    assert status == 200 and len(shown_ids(page)) == 50 and "第 1 / 2 页" in page
    assert "diff.display_name</span>：（空） → 姓名59" in page  # newest first
    status, page = browser.request("/admin/audit/?tag=user:update&page=2")
    assert len(shown_ids(page)) == 10 and "姓名0" in page


def test_export_streams_the_filtered_events_as_csv_with_formulas_neutralised(office):
    runtime, base, _ = office
    # Someone tries to sign in with a name a spreadsheet would run: it lands in the audit trail.
    assert Browser(base).login('=HYPERLINK("http://evil.example","x")', "whatever")[0] == 401
    browser = signed_in(base)
    status, text = browser.request("/admin/audit/export.csv?tag=auth:login_failed")
    assert status == 200 and browser.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in browser.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["编号", "时间", "操作人", "机构编号", "动作"]
    assert len(rows) == 2 and rows[1][4] == "auth:login_failed"
    assert rows[1][6] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    export = events(runtime, "audit:export")
    assert len(export) == 1 and export[0].actor_name == "shenji" and export[0].data["filter"] == {"tag": "auth:login_failed"}


def test_verifying_the_chain_reports_intact_then_finds_tampering(office):
    runtime, base, _ = office
    browser = signed_in(base)
    token = token_in(browser.request("/admin/audit/")[1])
    assert browser.request("/admin/audit/verify", {"csrf_token": token})[0] == 302
    assert "哈希链完整" in browser.follow()[1]
    with unit_of_work(runtime.sessions) as session:  # someone edits the table behind the application's back
        session.execute(update(AuditEvent).where(AuditEvent.id == 2).values(data={"name": "篡改"}))
    assert browser.request("/admin/audit/verify", {"csrf_token": token})[0] == 302
    page = browser.follow()[1]
    assert "哈希链校验发现 1 处问题" in page and "事件 2 的内容被篡改" in page
    checks = events(runtime, "audit:verify")
    assert [(e.actor_name, e.data["intact"]) for e in checks] == [("shenji", True), ("shenji", False)]


def test_only_the_audit_admin_gets_the_audit_log(office):
    runtime, base, city = office
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        codes = {o.level.value: o.code for o in session.scalars(select(Organisation))}
        org = {"compiler": codes["department"], "county_reviewer": codes["county"]}
        for role in Role:
            if role is not Role.AUDIT_ADMIN:
                create_user(ctx, f"u_{role.value}", role.value, org.get(role.value, city), PASSWORD)
    before = len(events(runtime, "audit:verify"))
    for role in Role:
        if role is Role.AUDIT_ADMIN:
            continue
        browser = signed_in(base, f"u_{role.value}")
        token = token_in(browser.request("/admin/")[1])
        assert browser.request("/admin/audit/")[0] == 403, role
        assert browser.request("/admin/audit/?tag=auth:login")[0] == 403, role
        assert browser.request("/admin/audit/export.csv")[0] == 403, role
        assert browser.request("/admin/audit/verify", {"csrf_token": token})[0] == 403, role
    assert len(events(runtime, "audit:verify")) == before and not events(runtime, "audit:export")
    assert Browser(base).request("/admin/audit/")[0] == 302  # anonymous: sign in first
