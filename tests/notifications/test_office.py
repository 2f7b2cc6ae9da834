"""Notices through a live server: a submission through the API reaches the county reviewers in the back
office, in the API and in their organisation's mailbox; reading and marking them read, as each user."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from client import signed_in, token_in
from databases import drop_postgres_database, is_postgres, new_postgres_database
from factories import entry
from live import seeded_office
from review.people import PASSWORD, make_people
from world import TEST_TYPE, Mailbox, smtp_env, smtp_server

from registry.accounts.tokens import create_token
from registry.core.db import unit_of_work
from registry.orgs.models import Organisation
from registry.requests.engine import open_request

COUNTY_MAILBOX = "shenhe@nanzhao.example.gov.cn"
NAMES = ("county_compiler", "county_reviewer", "other_county_reviewer", "compiler", "other_compiler", "system_admin")


@dataclass
class Office:
    runtime: Any
    base: str
    seeded: dict
    mailbox: Mailbox

    def api(self, name: str | None) -> requests.Session:
        http = requests.Session()
        if name:
            http.headers["Authorization"] = f"Bearer {self.seeded['tokens'][name]}"
        return http

    def url(self, path: str) -> str:
        return f"{self.base}/api/v1{path}"


def _seed(ctx) -> dict:
    people = make_people(ctx)
    people.orgs.county.contact_email = COUNTY_MAILBOX  # the county reviewers' office
    tokens = {name: create_token(ctx, people.users[name], "测试")[1] for name in NAMES}
    return {"tokens": tokens, "orgs": {"dept": people.orgs.dept.code, "county_dept": people.orgs.county_dept.code}}


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Iterator[Office]:
    url = new_postgres_database("mulu_notices") if is_postgres() else f"sqlite:///{tmp_path_factory.mktemp('db') / 'notices.db'}"
    try:
        with smtp_server() as mailbox, seeded_office(tmp_path_factory.mktemp("instance"), url, _seed, "binzhou",
                                                     smtp_env(mailbox.port)) as (runtime, base, seeded):
            yield Office(runtime, base, seeded, mailbox)
    finally:
        if is_postgres():
            drop_postgres_database(url)


def _open_for_dept(office: Office, title: str) -> int:
    """A request the city department's compilers must act on, opened by a job (no mail settings known there)."""
    with unit_of_work(office.runtime.sessions) as session:
        ctx = office.runtime.context(session)
        dept = session.query(Organisation).filter_by(code=office.seeded["orgs"]["dept"]).one()
        return open_request(ctx, TEST_TYPE, organisation=dept, title=title).id


def _notices(office: Office, name: str, **params) -> dict:
    response = office.api(name).get(office.url("/notifications"), params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_submission_through_the_api_reaches_the_county_reviewers_and_their_mailbox(office):
    compiler = office.api("county_compiler")
    created = compiler.post(office.url("/items"), json=entry(office.seeded["orgs"]["county_dept"]), timeout=30)
    assert created.status_code == 201, created.text
    code = created.json()["item"]["code"]
    step = compiler.post(office.url(f"/items/{code}/submit"), json={}, timeout=30)
    assert step.status_code == 201, step.text
    step_id = step.json()["id"]

    page = _notices(office, "county_reviewer")
    assert page["total"] == 1
    [notice] = page["items"]
    assert notice["kind"] == "new" and notice["kind_label"] == "新事项" and notice["request_id"] == step_id
    assert notice["request_type"] == "review" and notice["read_at"] is None
    assert notice["link"] == f"{office.base}/admin/review/{step_id}"
    for outsider in ("other_county_reviewer", "system_admin", "county_compiler"):
        assert _notices(office, outsider)["total"] == 0

    [message] = office.mailbox.to(COUNTY_MAILBOX, wait=10)  # sent by the web process, off the request thread
    assert message["Subject"] == "【政务数据资源目录】1 条待办提醒"
    body = message.get_content()
    assert body.startswith("南召县：") and "【新事项】新的目录审核“企业登记信息" in body and "（县级）待您办理" in body


def test_the_back_office_lists_notices_and_marks_them_read(office):
    first = _open_for_dept(office, "第一件共享申请")
    second = _open_for_dept(office, "第二件共享申请")
    browser = signed_in(office.base, "compiler", PASSWORD)
    status, page = browser.request("/admin/notifications/")
    assert status == 200
    assert 'id="unread-notices">2<' in page  # the menu's badge
    rows = re.findall(r'<tr class="notice ([a-z -]+)" data-notice="(\d+)">', page)
    assert [kind.split()[0] for kind, _ in rows] == ["unread", "unread"]
    assert page.index("第二件共享申请") < page.index("第一件共享申请")  # newest first
    newest = int(rows[0][1])

    # A request type with no screen registered is listed without a link; marking read needs the form's token.
    assert 'class="notice-link"' not in page and first and second
    assert browser.request(f"/admin/notifications/{newest}/read", {})[0] == 400
    status, _ = browser.request(f"/admin/notifications/{newest}/read", {"csrf_token": token_in(page)})
    assert status == 302 and browser.location.startswith("/admin/notifications/")
    _, page = browser.follow()
    assert "已标为已读" in page and 'id="unread-notices">1<' in page
    assert re.search(rf'<tr class="notice read" data-notice="{newest}">', page)

    _, unread_page = browser.request("/admin/notifications/?unread=1")
    assert "第一件共享申请" in unread_page and "第二件共享申请" not in unread_page

    other = signed_in(office.base, "other_compiler", PASSWORD)  # someone else's notice is not there for them
    assert other.request(f"/admin/notifications/{newest}/read", {"csrf_token": other.csrf("/admin/notifications/")})[0] == 404

    status, _ = browser.request("/admin/notifications/read-all", {"csrf_token": token_in(page)})
    assert status == 302
    _, page = browser.follow()
    assert "已将 1 条通知标为已读" in page and "unread-notices" not in page and 'class="notice unread' not in page


def test_the_api_lists_and_marks_the_callers_own_notices(office):
    before = _notices(office, "compiler")["total"]
    request_id = _open_for_dept(office, "接口测试申请")
    unread = _notices(office, "compiler", unread=1)
    assert unread["total"] == 1 and unread["items"][0]["request_id"] == request_id
    assert unread["items"][0]["link"] is None  # no back-office screen shows the test's own type
    assert _notices(office, "compiler")["total"] == before + 1
    notice_id = unread["items"][0]["id"]

    assert office.api(None).get(office.url("/notifications"), timeout=10).status_code == 401
    missing = office.api("other_compiler").post(office.url(f"/notifications/{notice_id}/read"), json={}, timeout=10)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"

    read = office.api("compiler").post(office.url(f"/notifications/{notice_id}/read"), json={}, timeout=10)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert _notices(office, "compiler", unread=1)["total"] == 0

    _open_for_dept(office, "再一件申请")
    marked = office.api("compiler").post(office.url("/notifications/read-all"), json={}, timeout=10)
    assert marked.status_code == 200 and marked.json() == {"marked": 1}
    assert _notices(office, "compiler", unread=1)["total"] == 0
