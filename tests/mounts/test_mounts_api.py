"""``/api/v1/items/<code>/mounts`` and ``/api/v1/mounts/…`` on a live server, with tokens of real users."""
from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime

import pytest
import requests
from mountkit import (
    GatedFiles,
    assert_catalog_writable,
    live_office,
    office_database,
    run_in_thread,
    run_sql,
)

NAMES = ("compiler", "other_compiler", "authority", "county_reviewer")


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    for url in office_database(tmp_path_factory, "mounts_api"):
        with live_office(tmp_path_factory.mktemp("instance") / "instance", url, NAMES) as served:
            yield served


def call(office, who: str | None, method: str, path: str, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {office.tokens[who]}"} if who else {}
    return requests.request(method, f"{office.base}/api/v1{path}", headers=headers, timeout=30, **kwargs)


def error(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "status", "message", "message_en", "errors"}
    return body


def test_a_compiler_mounts_a_table_and_lists_it(office):
    code = office.codes["person"]
    created = call(office, "compiler", "POST", f"/items/{code}/mounts",
                   json={"kind": "table", "connection": "hr", "table": "person", "timestamp_column": "gxsj", "note": "生产库"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["kind"], body["connection"], body["table"], body["status"], body["differences"]) == ("table", "hr", "person", "ok", [])
    assert body["item_code"] == code
    assert datetime.fromisoformat(body["source_updated_at"]) == datetime(2026, 6, 2, 1, 30, tzinfo=UTC)  # max(gxsj), local time
    assert "sqlite" not in created.text  # the connection's URL is not in the catalog
    listed = call(office, "compiler", "GET", f"/items/{code}/mounts")
    assert listed.status_code == 200 and [m["id"] for m in listed.json()] == [body["id"]]


def test_mounts_are_for_insiders_and_writes_for_the_provider(office):
    draft, published = office.codes["person"], office.codes["published"]
    error(call(office, None, "GET", f"/items/{draft}/mounts"), 401)
    error(call(office, "other_compiler", "GET", f"/items/{draft}/mounts"), 404)  # a draft of another department
    assert "无权查看" in error(call(office, "other_compiler", "GET", f"/items/{published}/mounts"), 403)["message"]
    refused = call(office, "other_compiler", "POST", f"/items/{published}/mounts", json={"kind": "api", "url": "https://api.example.gov.cn/x"})
    assert error(refused, 403)["message"] == "您只能为本单位的目录挂接或移除资源"
    assert call(office, "authority", "GET", f"/items/{published}/mounts").status_code == 200


def test_an_api_mount_is_validated_checked_and_removed(office):
    code = office.codes["published"]
    bad = call(office, "compiler", "POST", f"/items/{code}/mounts",
               json={"kind": "api", "url": "https://api.example.gov.cn/x", "valid_from": "2026-05-01", "valid_to": "2026-04-01"})
    assert error(bad, 422)["errors"] == [{"field": "valid_to", "label": "有效期止", "message": "有效期止不能早于有效期起"}]
    created = call(office, "compiler", "POST", f"/items/{code}/mounts",
                   json={"kind": "api", "url": "https://api.example.gov.cn/x", "method": "POST", "valid_to": "2020-01-01"})
    assert created.status_code == 201, created.text
    mount_id = created.json()["id"]
    checked = call(office, "compiler", "POST", f"/items/{code}/mounts/{mount_id}/check")
    assert checked.status_code == 200 and checked.json()["status"] == "drift"
    assert checked.json()["differences"][0]["kind_label"] == "已过有效期"
    error(call(office, "compiler", "DELETE", f"/items/{code}/mounts/999999"), 404)
    assert call(office, "compiler", "DELETE", f"/items/{code}/mounts/{mount_id}").status_code == 204
    assert mount_id not in [m["id"] for m in call(office, "compiler", "GET", f"/items/{code}/mounts").json()]


def test_a_file_is_uploaded_and_mounted(office):
    code = office.codes["published"]
    uploaded = requests.post(f"{office.base}/api/v1/items/{code}/mounts/files", timeout=30,
                             headers={"Authorization": f"Bearer {office.tokens['compiler']}"},
                             files={"file": ("名录.xlsx", b"PK workbook")}, data={"note": "月度名录"})
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert (body["kind"], body["file_name"], body["file_size"], body["uploaded"], body["note"]) == ("file", "名录.xlsx", 11, True, "月度名录")
    assert body["status"] == "drift"  # a database entry with nothing but a file behind it (the table was mounted on the draft)
    assert body["differences"][0]["kind"] == "format"


def test_the_report_and_check_after_the_table_changed(office):
    code = office.codes["person"]
    mounts = call(office, "compiler", "GET", f"/items/{code}/mounts").json()
    table = next(m for m in mounts if m["kind"] == "table")
    run_sql(office.source, "ALTER TABLE person ADD COLUMN dh VARCHAR(20)")
    checked = call(office, "compiler", "POST", f"/items/{code}/mounts/{table['id']}/check").json()
    assert checked["status"] == "drift" and [d["column"] for d in checked["differences"]] == ["dh"]
    report = call(office, "authority", "GET", f"/mounts/report?org={office.codes['dept']}")
    assert report.status_code == 200, report.text
    [line] = report.json()["organisations"]
    assert (line["org_code"], line["published"], line["drift"]) == (office.codes["dept"], 1, 2)
    assert table["id"] in [m["id"] for m in report.json()["problems"]]
    outsider = call(office, "county_reviewer", "GET", "/mounts/report").json()
    assert outsider == {"organisations": [], "problems": []}
    error(call(office, "authority", "GET", "/mounts/report?org=NOPE"), 404)


def test_connections_and_a_proposal_from_a_table(office):
    listed = call(office, "compiler", "GET", "/mounts/connections")
    assert listed.json() == [{"name": "hr", "label": "人事库", "dialect": "sqlite"}]
    preview = call(office, "compiler", "POST", "/mounts/proposals", json={"connection": "hr", "table": "person"})
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["saved"] is None and body["entry"]["provider"] == office.codes["dept"] and body["entry"]["name"] == "人口基本信息"
    assert "sqlite:///" in body["source"]
    missing = call(office, "compiler", "POST", "/mounts/proposals", json={"connection": "hr", "table": "ghost"})
    assert error(missing, 422)["errors"][0]["message"].startswith("表“ghost”不存在")
    saved = call(office, "compiler", "POST", "/mounts/proposals",
                 json={"connection": "hr", "table": "person", "save": True, "values": {"name": "人口基本信息（接口反编目）"}})
    assert saved.status_code == 200, saved.text
    new_code = saved.json()["saved"]
    item = call(office, "compiler", "GET", f"/items/{new_code}").json()
    assert (item["name"], item["status"]) == ("人口基本信息（接口反编目）", "draft")
    assert [m["table"] for m in call(office, "compiler", "GET", f"/items/{new_code}/mounts").json()] == ["person"]
    other = call(office, "other_compiler", "POST", "/mounts/proposals",
                 json={"connection": "hr", "table": "person", "org": office.codes["dept"]})
    error(other, 403)


def test_a_connection_serves_only_the_departments_it_names(office):
    """``hr`` names the department ``dept``: another department's compilers neither see nor read it."""
    assert call(office, "other_compiler", "GET", "/mounts/connections").json() == []
    for name in ("hr", "ghost"):  # one answer for another department's connection and for none at all
        refused = call(office, "other_compiler", "POST", "/mounts/proposals", json={"connection": name, "table": "person"})
        assert error(refused, 422)["errors"][0]["message"] == f"连接“{name}”未配置，或不供“南阳市公安局”使用"
    assert [c["name"] for c in call(office, "authority", "GET", "/mounts/connections").json()] == ["hr"]
    preview = call(office, "authority", "POST", "/mounts/proposals", json={"connection": "hr", "table": "person"})
    assert preview.status_code == 200, preview.text  # the authority may read any connection
    mounting = call(office, "authority", "POST", "/mounts/proposals",
                    json={"connection": "hr", "table": "person", "org": office.codes["other_dept"], "save": True})
    assert error(mounting, 422)["errors"][0]["message"] == "连接“hr”未配置，或不供“南阳市公安局”使用"  # not for that provider


def test_another_departments_mounts_are_not_found_whether_they_exist_or_not(office):
    code = office.codes["published"]
    created = call(office, "compiler", "POST", f"/items/{code}/mounts", json={"kind": "api", "url": "https://api.example.gov.cn/o"})
    existing = created.json()["id"]
    for method, suffix in (("POST", "/check"), ("DELETE", "")):
        there = error(call(office, "other_compiler", method, f"/items/{code}/mounts/{existing}{suffix}"), 404)
        missing = error(call(office, "other_compiler", method, f"/items/{code}/mounts/{existing + 100000}{suffix}"), 404)
        assert there["message"] == f"条目“{code}”没有编号为 {existing} 的挂接"
        assert missing["message"] == f"条目“{code}”没有编号为 {existing + 100000} 的挂接"
        assert {**there, "message": ""} == {**missing, "message": ""}
    assert call(office, "compiler", "DELETE", f"/items/{code}/mounts/{existing}").status_code == 204


@pytest.fixture()
def slow_files(monkeypatch):
    files = GatedFiles()
    monkeypatch.setenv("MULU_MOUNT_ALLOWED_HOSTS", "127.0.0.1")  # read by the served app at each request
    yield files
    files.close()


def test_a_slow_file_source_does_not_hold_the_catalogs_write_lock(office, slow_files):
    code, database = office.codes["person"], office.runtime.settings.database_url
    slow_files.hold()
    adding = run_in_thread(lambda: call(office, "compiler", "POST", f"/items/{code}/mounts", json={"kind": "file", "url": slow_files.url}))
    assert slow_files.arrived.wait(10)  # the download has begun and is held
    assert_catalog_writable(database)
    slow_files.let_go()
    created = adding()
    assert created.status_code == 201, created.text
    assert created.json()["file_size"] == len(GatedFiles.CONTENT)
    slow_files.hold()
    checking = run_in_thread(lambda: call(office, "compiler", "POST", f"/items/{code}/mounts/{created.json()['id']}/check"))
    assert slow_files.arrived.wait(10)  # the HEAD request is held
    assert_catalog_writable(database)
    slow_files.let_go()
    checked = checking()
    assert checked.status_code == 200 and checked.json()["status"] == "ok", checked.text
    assert call(office, "compiler", "DELETE", f"/items/{code}/mounts/{created.json()['id']}").status_code == 204


def test_a_slow_database_source_does_not_hold_the_catalogs_write_lock(office):
    code = office.codes["person"]
    table = next(m for m in call(office, "compiler", "GET", f"/items/{code}/mounts").json() if m["kind"] == "table")
    lock = sqlite3.connect(office.source, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # the source cannot be read until this ends (hr's timeout is 10 s)
    try:
        checking = run_in_thread(lambda: call(office, "compiler", "POST", f"/items/{code}/mounts/{table['id']}/check"))
        time.sleep(1)  # the check is waiting for the source
        assert_catalog_writable(office.runtime.settings.database_url)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    checked = checking()
    assert checked.status_code == 200 and checked.json()["error"] is None, checked.text
