"""Signing in to the back office over HTTP: lockout, CSRF, cookies, redirects, who may import."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from client import Browser
from factories import make_org_tree
from live import migrated_runtime, serving
from registry.accounts.operations import create_user
from registry.audit.models import AuditEvent
from registry.core.config import load_settings
from registry.core.db import unit_of_work


@pytest.fixture()
def office(tmp_path, fresh_database_url):
    settings = load_settings({}, instance_path=tmp_path / "instance", database_url=fresh_database_url)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            orgs = make_org_tree(ctx)
            create_user(ctx, "compiler1", "compiler", orgs.dept.code, "Bianmu#2026")
            create_user(ctx, "reviewer1", "county_reviewer", orgs.county.code, "Shenhe#2026")
        with serving(settings) as base:
            yield runtime, base


def test_sign_in_sets_a_protected_session_cookie_and_reaches_imports(office):
    runtime, base = office
    browser = Browser(base)
    status, _ = browser.login("compiler1", "Bianmu#2026")
    assert status == 302 and browser.headers["Location"].endswith("/admin/")
    cookie = browser.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    status, page = browser.follow()
    assert status == 200 and "compiler1（编目员，南阳市市场监督管理局）" in page
    assert 'href="/imports/"' in page and "目录导入" in page and 'href="/admin/items/"' in page
    status, page = browser.request("/imports/")
    assert status == 200 and "下载填报模板" in page


def test_the_old_office_address_leads_to_the_admin(office):
    _, base = office
    browser = Browser(base)
    assert browser.request("/office/")[0] == 302 and browser.headers["Location"].endswith("/admin/")
    status, _ = browser.request("/admin/")
    assert status == 302 and "/login?next=/admin/" in browser.headers["Location"]


def test_anonymous_users_are_sent_to_sign_in(office):
    _, base = office
    status, _ = Browser(base).request("/imports/")
    assert status == 302


def test_five_failures_lock_the_account_and_are_audited(office):
    runtime, base = office
    browser = Browser(base)
    refusals = set()
    for _ in range(5):
        status, page = browser.login("compiler1", "wrong-password")
        assert status == 401
        refusals.add(re.search(r'class="[^"]*flash error">([^<]+)<', page).group(1))
    status, page = browser.login("compiler1", "Bianmu#2026")  # the right password, but locked now
    assert status == 401
    refusals.add(re.search(r'class="[^"]*flash error">([^<]+)<', page).group(1))
    status, page = browser.login("nobody", "whatever")
    refusals.add(re.search(r'class="[^"]*flash error">([^<]+)<', page).group(1))
    # One answer for a wrong password, a locked account and a user that does not exist.
    assert refusals == {"用户名或口令错误（连续失败5次，账号将锁定15分钟）"}
    with unit_of_work(runtime.sessions) as session:
        tags = session.scalars(select(AuditEvent.tag).where(AuditEvent.tag.like("auth:%"))).all()
    assert tags.count("auth:login_failed") == 6 and "auth:login_locked" in tags and "auth:login" not in tags


def test_forms_without_a_csrf_token_are_refused(office):
    _, base = office
    status, _ = Browser(base).request("/login", {"username": "compiler1", "password": "Bianmu#2026"})
    assert status == 400


def test_sign_in_never_redirects_off_site(office):
    _, base = office
    browser = Browser(base)
    status, _ = browser.login("compiler1", "Bianmu#2026", "?next=//evil.example/phish")
    assert status == 302 and browser.headers["Location"].endswith("/admin/")


def test_reviewers_do_not_get_the_import_screens(office):
    _, base = office
    browser = Browser(base)
    browser.login("reviewer1", "Shenhe#2026")
    assert browser.request("/imports/")[0] == 403
    assert browser.request("/imports/template.xlsx")[0] == 200  # the template is no secret
    status, page = browser.request("/admin/")
    assert status == 200 and "目录条目" in page and 'href="/imports/"' not in page  # no menu entry they cannot use
