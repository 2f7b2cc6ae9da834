"""The back office through a real browser session: 反编目 a table, see it mounted, find drift, read the report."""
from __future__ import annotations

import html
import re

import pytest
from client import signed_in, token_in
from mountkit import (
    PASSWORD,
    GatedFiles,
    assert_catalog_writable,
    live_office,
    office_database,
    run_in_thread,
    run_sql,
)

from registry.catalog.operations import get_item, publish_item
from registry.core.db import unit_of_work
from registry.mounts.queries import mount_rate_by_org


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    for url in office_database(tmp_path_factory, "mounts_ui"):
        with live_office(tmp_path_factory.mktemp("instance") / "instance", url, ("compiler", "other_compiler")) as served:
            yield served


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_a_compiler_compiles_a_table_mounts_it_and_sees_drift(office):
    browser = signed_in(office.base, "compiler", PASSWORD)
    status, page = browser.request("/admin/mounts/compile?connection=hr")
    assert status == 200 and "人口基本信息" in page and 'href="/admin/mounts/compile?connection=hr&amp;table=person' in page
    status, page = browser.request(f"/admin/mounts/compile?connection=hr&table=person&org={office.codes['dept']}")
    assert status == 200
    fields = text_of(page[page.index('id="proposed-fields"'):])
    assert "公民身份号码 sfzh C 18" in " ".join(fields.split())
    status, _ = browser.request("/admin/mounts/compile", {
        "csrf_token": token_in(page), "connection": "hr", "schema": "", "table": "person", "org": office.codes["dept"],
        "name": "人口信息（后台反编目）", "summary": "本单位户籍人口的基本信息。", "share_type": "unconditional",
        "open_type": "not_open", "update_cycle": "monthly"})
    assert status == 302 and browser.location.startswith("/admin/items/")
    code = browser.location.removeprefix("/admin/items/")
    status, page = browser.follow()
    assert status == 200 and "人口信息（后台反编目）" in page and "已保存为草稿" in page

    status, page = browser.request(f"/admin/mounts/items/{code}")
    assert status == 200 and 'data-status="ok"' in page and "反编目时自动挂接" in page
    run_sql(office.source, "ALTER TABLE person DROP COLUMN bz")
    mount_id = re.search(r'data-mount="(\d+)"', page).group(1)
    status, _ = browser.request(f"/admin/mounts/items/{code}/{mount_id}/check", {"csrf_token": token_in(page)})
    assert status == 302
    status, page = browser.follow()
    assert "检查完成：不一致" in page and 'data-status="drift"' in page
    assert "信息项“备注”声明的列 bz 在表中不存在" in html.unescape(page)

    status, page = browser.request("/admin/mounts/")
    assert status == 200
    report = text_of(page[page.index('id="mount-report"'):page.index('id="mount-problems"')])
    assert "南阳市市场监督管理局" in report
    assert f'href="/admin/mounts/items/{code}"' in page  # listed among the problem mounts

    outsider = signed_in(office.base, "other_compiler", PASSWORD)
    assert outsider.request(f"/admin/mounts/items/{code}")[0] == 404  # another department's draft and its tables
    assert code not in outsider.request("/admin/mounts/")[1]

    # Once published, the entry counts in the department's mount rate on the home page.
    with unit_of_work(office.runtime.sessions) as session:
        ctx = office.runtime.context(session)
        item = get_item(ctx, code)
        publish_item(ctx, item)
        session.flush()
        published, mounted = mount_rate_by_org(ctx)[item.provider_id]
    assert mounted >= 1
    status, page = browser.request("/admin/")
    row = next(r for r in page.split("<tr") if "南阳市市场监督管理局" in r and "mount-rate" in r)
    assert status == 200 and f"{round(100 * mounted / published)}% <span class=\"muted\">({mounted}/{published})</span>" in row


def test_the_forms_explain_refusals_in_chinese(office):
    browser = signed_in(office.base, "compiler", PASSWORD)
    code = office.codes["published"]
    status, page = browser.request(f"/admin/mounts/items/{code}")
    assert status == 200 and 'id="add-table"' in page
    status, _ = browser.request(f"/admin/mounts/items/{code}/add", {
        "csrf_token": token_in(page), "kind": "table", "connection": "hr", "table": "ghost"})
    assert status == 302
    _, page = browser.follow()
    assert "表名：表“ghost”不存在（或当前账号无权读取）" in html.unescape(page)
    status, _ = browser.request(f"/admin/mounts/items/{code}/add", {
        "csrf_token": token_in(page), "kind": "api", "url": "https://api.example.gov.cn/rk", "method": "GET",
        "valid_from": "2026-01-01", "valid_to": ""})
    _, page = browser.follow()
    assert "已挂接" in page and "https://api.example.gov.cn/rk" in page


def test_another_department_neither_lists_nor_reads_a_connection_that_does_not_serve_it(office):
    outsider = signed_in(office.base, "other_compiler", PASSWORD)
    status, page = outsider.request("/admin/mounts/compile?connection=hr&table=person")
    assert status == 200 and 'id="no-connections"' in page and 'id="tables"' not in page and "proposed-fields" not in page


def test_check_all_reads_sources_without_the_write_lock_and_checks_a_few_at_a_time(office, monkeypatch):
    from registry.mounts import views

    monkeypatch.setenv("MULU_MOUNT_ALLOWED_HOSTS", "127.0.0.1")
    slow = GatedFiles()
    browser = signed_in(office.base, "compiler", PASSWORD)
    code, database = office.codes["published"], office.runtime.settings.database_url
    try:
        _, page = browser.request(f"/admin/mounts/items/{code}")
        slow.hold()
        adding = run_in_thread(lambda: browser.request(f"/admin/mounts/items/{code}/add", {
            "csrf_token": token_in(page), "kind": "file", "url": slow.url}))
        assert slow.arrived.wait(10)
        assert_catalog_writable(database)  # the download runs with no transaction open
        slow.let_go()
        assert adding()[0] == 302
        assert "已挂接" in browser.follow()[1]

        _, page = browser.request("/admin/mounts/")
        slow.hold()
        checking = run_in_thread(lambda: browser.request("/admin/mounts/check", {"csrf_token": token_in(page)}))
        assert slow.arrived.wait(10)
        assert_catalog_writable(database)  # so does the check of them all
        slow.let_go()
        assert checking()[0] == 302
        _, page = browser.follow()
        assert re.search(r"已检查 \d+ 项：一致", page) and "后台一次至多检查" not in page

        monkeypatch.setattr(views, "CHECK_ALL_LIMIT", 1)
        browser.request("/admin/mounts/check", {"csrf_token": token_in(page)})
        _, page = browser.follow()
        assert "已检查 1 项" in page and "后台一次至多检查 1 项（最久未检查的优先），其余" in page
        assert "由定时任务 mulu mounts check 检查" in page
    finally:
        slow.close()
