"""The separated administrators' account screens over real HTTP: 用户管理 and 账号安全."""
from __future__ import annotations

import html
import re

import pytest
from client import Browser, token_in
from factories import make_org_tree
from live import migrated_runtime, serving
from sqlalchemy import select

from registry.accounts.models import Role, User
from registry.accounts.operations import create_user
from registry.audit.models import AuditEvent
from registry.core.config import load_settings
from registry.core.db import unit_of_work

PASSWORD = "Guanli#2026"


class Office:
    """The live server and a way to look into its database."""

    def __init__(self, runtime, base: str, org_codes: dict[str, str]):
        self.runtime, self.base, self.orgs = runtime, base, org_codes

    def add_user(self, username: str, role: str, org: str = "city") -> None:
        with unit_of_work(self.runtime.sessions) as session:
            create_user(self.runtime.context(session), username, role, self.orgs[org], PASSWORD)

    def user(self, username: str) -> User | None:
        with unit_of_work(self.runtime.sessions, write=False) as session:
            return session.scalar(select(User).where(User.username == username))

    def events(self, tag: str) -> list[AuditEvent]:
        with unit_of_work(self.runtime.sessions, write=False) as session:
            return list(session.scalars(select(AuditEvent).where(AuditEvent.tag == tag).order_by(AuditEvent.id)))

    def signed_in(self, username: str, password: str = PASSWORD) -> Browser:
        browser = Browser(self.base)
        assert browser.login(username, password)[0] == 302, f"{username} could not sign in"
        return browser


@pytest.fixture()
def office(tmp_path, fresh_database_url):
    settings = load_settings({}, instance_path=tmp_path / "instance", database_url=fresh_database_url)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:
            orgs = make_org_tree(runtime.context(session))
            codes = {"city": orgs.city.code, "county": orgs.county.code, "dept": orgs.dept.code}
        with serving(settings) as base:
            office = Office(runtime, base, codes)
            office.add_user("xitong", "system_admin")
            yield office


def error_for(page: str, name: str) -> str:
    found = re.search(rf'class="invalid-feedback d-block field-error" data-for="{name}">([^<]+)<', page)
    return html.unescape(found.group(1)) if found else ""


def edit_form(token: str, **values) -> dict:
    return {"csrf_token": token, "display_name": "", "role": "compiler", "org": "", **values}


def test_system_admin_creates_a_user_and_a_weak_password_writes_nothing(office):
    browser = office.signed_in("xitong")
    status, page = browser.request("/admin/users/new")
    assert status == 200 and '<option value="county_reviewer">县级审核员</option>' in page
    form = {"csrf_token": token_in(page), "username": "wangfang", "display_name": "王芳", "role": "compiler",
            "org": office.orgs["dept"]}

    status, page = browser.request("/admin/users/new", {**form, "password": "abcdefgh1"})
    assert status == 200
    assert error_for(page, "password") == "口令须包含大写字母、小写字母、数字、特殊字符中的至少三类"
    assert 'value="wangfang"' in page  # what was typed is kept
    assert office.user("wangfang") is None and not office.events("user:create")[1:]  # only xitong's own creation

    status, _ = browser.request("/admin/users/new", {**form, "password": "Bianmu#2026"})
    assert status == 302
    status, page = browser.request("/admin/users/?role=compiler")
    assert 'data-username="wangfang"' in page and "王芳" in page and 'data-username="xitong"' not in page
    created = office.events("user:create")[-1]
    assert created.actor_name == "xitong" and created.object_id == "wangfang" and created.data["role"] == "compiler"
    office.signed_in("wangfang", "Bianmu#2026")


def test_system_admin_changes_a_role_and_a_deactivated_user_cannot_sign_in(office):
    office.add_user("bianmu", "compiler", "dept")
    user_id = office.user("bianmu").id
    bianmu = office.signed_in("bianmu")
    browser = office.signed_in("xitong")
    token = token_in(browser.request(f"/admin/users/{user_id}/edit")[1])

    status, _ = browser.request(f"/admin/users/{user_id}/edit", edit_form(
        token, display_name="李军", role="county_reviewer", org=office.orgs["county"], is_active="1"))
    assert status == 302
    changed = office.user("bianmu")
    assert changed.role is Role.COUNTY_REVIEWER and changed.display_name == "李军" and changed.is_active
    update = office.events("user:update")[-1]
    assert update.actor_name == "xitong" and update.data["diff"] == {
        "display_name": [None, "李军"], "role": ["compiler", "county_reviewer"],
        "organisation": [office.orgs["dept"], office.orgs["county"]]}

    # No is_active in the form: the box was unticked.
    status, _ = browser.request(f"/admin/users/{user_id}/edit", edit_form(
        token, display_name="李军", role="county_reviewer", org=office.orgs["county"]))
    assert status == 302 and office.user("bianmu").is_active is False
    assert office.events("user:update")[-1].data["diff"] == {"is_active": [True, False]}
    assert Browser(office.base).login("bianmu", PASSWORD)[0] == 401
    assert bianmu.request("/admin/")[0] == 302  # the session they had ends too
    status, page = browser.request("/admin/users/?active=0")
    assert 'data-username="bianmu"' in page and 'data-username="xitong"' not in page


def test_system_admin_cannot_deactivate_or_demote_themselves(office):
    me = office.user("xitong")
    browser = office.signed_in("xitong")
    token = token_in(browser.request(f"/admin/users/{me.id}/edit")[1])
    status, page = browser.request(f"/admin/users/{me.id}/edit", edit_form(token, role="system_admin", org=office.orgs["city"]))
    assert status == 200 and error_for(page, "is_active") == "不能停用自己的账号"
    status, page = browser.request(f"/admin/users/{me.id}/edit", edit_form(token, role="audit_admin", org=office.orgs["city"], is_active="1"))
    assert status == 200 and error_for(page, "role") == "不能取消自己的系统管理员角色"
    after = office.user("xitong")
    assert after.is_active and after.role is Role.SYSTEM_ADMIN and not office.events("user:update")


def test_system_admin_resets_a_password_but_only_the_security_admin_lifts_a_lockout(office):
    office.add_user("bianmu", "compiler", "dept")
    for _ in range(5):
        assert Browser(office.base).login("bianmu", "wrong")[0] == 401
    user_id = office.user("bianmu").id
    browser = office.signed_in("xitong")
    token = token_in(browser.request(f"/admin/users/{user_id}/edit")[1])
    status, page = browser.request(f"/admin/users/{user_id}/password", {"csrf_token": token, "password": "short"})
    assert status == 200 and error_for(page, "new_password") == "口令长度至少8位"
    assert browser.request(f"/admin/users/{user_id}/password", {"csrf_token": token, "password": "Xinmima#2026"})[0] == 302
    assert Browser(office.base).login("bianmu", "Xinmima#2026")[0] == 401  # still locked: 三员分立
    reset = office.events("user:reset_password")
    assert [(e.actor_name, e.object_id, e.data) for e in reset] == [("xitong", "bianmu", {"locked": True})]


def test_security_admin_unlocks_an_account_locked_by_failed_sign_ins(office):
    office.add_user("bianmu", "compiler", "dept")
    office.add_user("anquan", "security_admin")
    for _ in range(5):
        assert Browser(office.base).login("bianmu", "wrong")[0] == 401
    assert Browser(office.base).login("bianmu", PASSWORD)[0] == 401  # locked
    browser = office.signed_in("anquan")
    status, page = browser.request("/admin/security/")
    assert status == 200
    assert 'data-username="bianmu"' in page and "解锁" in page
    assert page.count('class="failure-row"') == 6 and "账号已锁定时尝试登录" in page
    assert "连续失败 5 次，锁定 15 分钟" in page and "至少 8 位" in page
    user_id = office.user("bianmu").id

    assert browser.request(f"/admin/security/{user_id}/unlock", {"csrf_token": token_in(page)})[0] == 302
    status, page = browser.follow()
    assert "已解锁账号 bianmu" in page and 'data-username="bianmu"' not in page
    office.signed_in("bianmu")
    unlock = office.events("user:unlock")
    assert len(unlock) == 1 and unlock[0].actor_name == "anquan" and unlock[0].object_id == "bianmu"


ALL_ROLES = [r.value for r in Role]


def test_each_account_screen_refuses_every_other_role(office):
    for role in ALL_ROLES:
        if role != "system_admin":
            office.add_user(f"u_{role}", role, "dept" if role == "compiler" else "county" if role == "county_reviewer" else "city")
    target = office.user("xitong").id
    for role in ALL_ROLES:
        browser = office.signed_in("xitong" if role == "system_admin" else f"u_{role}")
        status, home = browser.request("/admin/")
        assert status == 200
        token = token_in(home)
        users_ok = role == "system_admin"
        security_ok = role == "security_admin"
        for path, data in (("/admin/users/", None), ("/admin/users/new", None), (f"/admin/users/{target}/edit", None),
                           ("/admin/users/new", {"csrf_token": token, "username": "x", "role": "compiler", "org": "", "password": "x"}),
                           (f"/admin/users/{target}/edit", edit_form(token, org=office.orgs["city"])),
                           (f"/admin/users/{target}/password", {"csrf_token": token, "password": "Xinmima#2026"})):
            status, _ = browser.request(path, data)
            assert (status == 403) is not users_ok, (role, path, status)
        for path, data in (("/admin/security/", None), (f"/admin/security/{target}/unlock", {"csrf_token": token})):
            status, _ = browser.request(path, data)
            assert (status == 403) is not security_ok, (role, path, status)
        # Menus: each role sees its own screens only; the separated administrators see no catalog work.
        assert ('href="/admin/users/"' in home) is users_ok
        assert ('href="/admin/security/"' in home) is security_ok
        assert ('href="/admin/audit/"' in home) is (role == "audit_admin")
        separated = role in ("system_admin", "security_admin", "audit_admin")
        for catalog_screen in ('href="/admin/items/"', 'href="/imports/"', 'href="/admin/review/"'):
            if separated:
                assert catalog_screen not in home, (role, catalog_screen)
        if separated:
            assert browser.request("/admin/items/")[0] == 403
    # Only the system administrator's own requests got through.
    writes = office.events("user:update") + office.events("user:reset_password") + office.events("user:unlock")
    assert {e.actor_name for e in writes} == {"xitong"}
