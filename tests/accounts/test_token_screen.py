"""The API 令牌 screen over real HTTP: create a token (shown once), use it, revoke it."""
from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.request

import pytest
from client import Browser, signed_in, token_in
from factories import make_org_tree
from live import seeded_office

from registry.accounts.operations import create_user

PASSWORD = "Lingpai#2026"


def _seed(ctx) -> None:
    orgs = make_org_tree(ctx)
    create_user(ctx, "bianmu", "compiler", orgs.dept.code, PASSWORD)
    create_user(ctx, "shenji", "audit_admin", orgs.city.code, PASSWORD)


@pytest.fixture()
def office(tmp_path, fresh_database_url):
    with seeded_office(tmp_path / "instance", fresh_database_url, _seed) as (_, base, _seeded):
        yield base


def me(base: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(base + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def shown_token(page: str) -> str | None:
    found = re.search(r'id="token-value" value="(mulu_[^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def test_create_use_and_revoke_a_token(office):
    browser = signed_in(office, "bianmu", PASSWORD)
    status, page = browser.request("/admin/tokens/")
    assert status == 200 and "您还没有 API 令牌" in page and 'id="token-form"' in page

    status, page = browser.request("/admin/tokens/", {"csrf_token": token_in(page), "name": "共享平台同步", "days": "30"})
    token = shown_token(page)
    assert status == 200 and token is not None and "只显示这一次" in page and 'id="copy-token"' in page
    assert browser.headers.get("Cache-Control") == "no-store"
    row = page[page.index('class="token-row"'):]
    assert "共享平台同步" in row and token[:12] in row and "从未使用" in row

    status, page = browser.request("/admin/tokens/")  # shown once: the list has only its first characters
    assert status == 200 and shown_token(page) is None and token not in page and token[:12] in page

    status, body = me(office, token)
    assert status == 200 and body["username"] == "bianmu"
    status, page = browser.request("/admin/tokens/")
    assert "从未使用" not in page  # its use is recorded

    revoke = re.search(r'action="(/admin/tokens/\d+/revoke)"', page).group(1)
    status, _ = browser.request(revoke, {"csrf_token": token_in(page)})
    assert status == 302 and browser.location == "/admin/tokens/"
    status, page = browser.follow()
    assert "已吊销令牌“共享平台同步”" in page and "已吊销（" in page and revoke not in page
    status, body = me(office, token)
    assert status == 401 and body["code"] == "unauthorized"


def test_a_bad_form_creates_nothing_and_says_why(office):
    browser = signed_in(office, "bianmu", PASSWORD)
    csrf = browser.csrf("/admin/tokens/")
    status, page = browser.request("/admin/tokens/", {"csrf_token": csrf, "name": "", "days": ""})
    assert status == 200 and "请填写令牌用途" in page and shown_token(page) is None
    status, page = browser.request("/admin/tokens/", {"csrf_token": csrf, "name": "脚本", "days": "十天"})
    assert status == 200 and "有效期须为整数天数" in page and 'value="脚本"' in page and shown_token(page) is None
    status, page = browser.request("/admin/tokens/", {"csrf_token": csrf, "name": "脚本", "days": "9999"})
    assert status == 200 and "有效期为 1–3650 天" in page
    assert "您还没有 API 令牌" in browser.request("/admin/tokens/")[1]


def test_every_role_has_the_screen_and_sees_only_its_own_tokens(office):
    owner = signed_in(office, "bianmu", PASSWORD)
    page = owner.request("/admin/tokens/", {"csrf_token": owner.csrf("/admin/tokens/"), "name": "编目脚本"})[1]
    token = shown_token(page)
    revoke = re.search(r'action="(/admin/tokens/\d+/revoke)"', page).group(1)

    auditor = signed_in(office, "shenji", PASSWORD)
    status, page = auditor.request("/admin/")
    assert status == 200 and 'href="/admin/tokens/"' in page  # in every signed-in user's menu
    status, page = auditor.request("/admin/tokens/")
    assert status == 200 and "编目脚本" not in page
    status, _ = auditor.request(revoke, {"csrf_token": token_in(page)})  # someone else's token
    assert status == 302 and "没有这个 API 令牌" in auditor.follow()[1]
    assert me(office, token)[0] == 200
    anonymous = Browser(office)
    assert anonymous.request("/admin/tokens/")[0] == 302 and "/login" in anonymous.location
