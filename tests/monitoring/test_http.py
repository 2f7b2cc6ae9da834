"""Catalog updates and freshness over real HTTP: the back-office screens and the REST API, on one served office."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest
import requests
from client import Browser, signed_in, token_in
from databases import drop_postgres_database, is_postgres, new_postgres_database
from factories import entry
from live import seeded_office
from monitoring_world import PASSWORD, make_world, published

from registry.accounts.tokens import create_token
from registry.core.localtime import LOCAL_ZONE, local_today

TODAY = local_today()


def _seed(ctx) -> dict:
    world = make_world(ctx)
    dept, other = world.orgs.dept, world.orgs.other_dept
    items = {
        "stale": published(ctx, dept, "市场主体年报信息", "weekly", TODAY - timedelta(days=9)).code,
        "stale_api": published(ctx, dept, "食品经营许可信息", "monthly", TODAY - timedelta(days=40)).code,
        "fresh": published(ctx, dept, "企业登记信息", "weekly", TODAY - timedelta(days=2)).code,
        "theirs": published(ctx, other, "户籍人口信息", "daily", TODAY - timedelta(days=3)).code,
    }
    tokens = {name: create_token(ctx, user, "测试")[1] for name, user in world.users.items()}
    return {"items": items, "tokens": tokens, "orgs": {"dept": (dept.id, dept.code), "other": (other.id, other.code)}}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    url = new_postgres_database("mulu_monitoring") if is_postgres() else \
        f"sqlite:///{tmp_path_factory.mktemp('monitoringdb') / 'monitoring.db'}"
    with seeded_office(tmp_path_factory.mktemp("instance"), url, _seed, "nanyang") as (_runtime, base, seeded):
        yield base, seeded
    if is_postgres():
        drop_postgres_database(url)


def text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


class Api:
    def __init__(self, office, name: str | None):
        self.base = office[0] + "/api/v1"
        self.headers = {"Authorization": f"Bearer {office[1]['tokens'][name]}"} if name else {}

    def get(self, path: str, **params):
        return requests.get(self.base + path, params=params, headers=self.headers, timeout=30)

    def post(self, path: str, body: dict):
        return requests.post(self.base + path, json=body, headers=self.headers, timeout=30)


def _duty_change(office, **overrides) -> dict:
    return {"organisation": office[1]["orgs"]["dept"][1], "kind": "duties", "summary": "承接原工商部门个体工商户登记职责",
            "basis": "南编〔2026〕12号", "effective_date": TODAY.isoformat(), **overrides}


# -- the back office ------------------------------------------------------------------

def test_update_recorded_reported_and_confirmed_on_the_screens_and_a_refresh_recorded(office):
    base, seeded = office
    authority = signed_in(base, "authority", PASSWORD)
    status, page = authority.request("/admin/catalog-updates/new")
    assert status == 200 and "5个工作日（第二十二条）" in text(page)
    form = {"csrf_token": token_in(page), "organisation": str(seeded["orgs"]["dept"][0]), "kind": "law",
            "summary": "", "basis": "南阳市人大常委会公告〔2026〕3号", "effective_date": TODAY.isoformat()}
    status, page = authority.request("/admin/catalog-updates/new", form)
    assert status == 422 and "变化内容：请说明发生了什么变化" in text(page)
    status, _ = authority.request("/admin/catalog-updates/new", {**form, "summary": "条例修订，新增年报公示信息"})
    assert status == 302
    detail = authority.location
    request_id = int(detail.rstrip("/").split("/")[-1])

    compiler = signed_in(base, "compiler", PASSWORD)
    created = requests.post(base + "/api/v1/items", json=entry(seeded["orgs"]["dept"][1], name="年报公示信息"),
                            headers={"Authorization": f"Bearer {seeded['tokens']['compiler']}"}, timeout=30)
    assert created.status_code == 201, created.text
    code = created.json()["item"]["code"]
    status, page = compiler.request(detail)
    assert status == 200 and "条例修订，新增年报公示信息" in text(page) and f'value="{code}"' in page
    assert 'id="action-submit_review"' in page and 'id="action-complete"' not in page
    assert compiler.request(f"/admin/catalog-updates/{request_id}/act/confirm", {"csrf_token": token_in(page)})[0] == 403
    status, _ = compiler.request(f"/admin/catalog-updates/{request_id}/act/submit_review",
                                 [("csrf_token", token_in(page)), ("items", code), ("reason", "已新建")])
    assert status == 302
    assert "待数据主管部门审核" in text(compiler.follow()[1])
    assert signed_in(base, "other_compiler", PASSWORD).request(detail)[0] == 404
    status, page = compiler.request("/admin/catalog-updates/?state=all")
    assert status == 200 and f'data-request="{request_id}"' in page and "待数据主管部门审核" in text(page)

    status, page = authority.request(detail)
    assert "年报公示信息" in text(page) and 'id="action-confirm"' in page
    authority.request(f"/admin/catalog-updates/{request_id}/act/confirm", {"csrf_token": token_in(page), "reason": "同意"})
    assert "已完成" in text(authority.follow()[1])

    # freshness: the compiler sees their department, refreshes a stale entry, and it leaves the list
    status, page = compiler.request("/admin/freshness/")
    assert status == 200
    shown = text(page)
    assert "南阳市市场监督管理局" in shown and "南阳市公安局" not in shown
    assert seeded["items"]["stale"] in page and seeded["items"]["fresh"] not in page
    status, _ = compiler.request(f"/admin/freshness/items/{seeded['items']['stale']}/refresh",
                                 {"csrf_token": token_in(page), "at": datetime.now(LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M")})
    assert status == 302
    page = compiler.follow()[1]
    assert "已登记数据更新" in text(page) and f'data-item="{seeded["items"]["stale"]}"' not in page
    status, page = authority.request(f"/admin/freshness/?org={seeded['orgs']['other'][0]}")
    assert "户籍人口信息" in text(page) and "登记数据更新" not in text(page)  # the authority does not refresh others' data
    assert compiler.request(f"/admin/freshness/?org={seeded['orgs']['other'][0]}")[0] == 404
    assert signed_in(base, "system_admin", PASSWORD).request("/admin/freshness/")[0] == 403
    assert Browser(base).request("/admin/freshness/")[0] == 302  # to sign in


# -- the API --------------------------------------------------------------------------

def test_api_records_lists_and_acts_on_catalog_updates(office):
    authority, compiler, other = Api(office, "authority"), Api(office, "compiler"), Api(office, "other_compiler")
    assert compiler.post("/catalog-updates", _duty_change(office)).status_code == 403
    bad = authority.post("/catalog-updates", _duty_change(office, organisation="NOPE"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "organisation"
    assert Api(office, None).get("/catalog-updates").status_code == 401

    created = authority.post("/catalog-updates", _duty_change(office))
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["state"], body["stage"], body["data"]["kind"]) == ("open", "update", "duties")
    assert body["due_at"] is not None and body["data"]["deadline_days"] == 5
    request_id = body["id"]
    assert request_id in [r["id"] for r in compiler.get("/catalog-updates").json()["items"]]
    assert other.get("/catalog-updates").json()["total"] == 0
    assert other.get(f"/catalog-updates/{request_id}").status_code == 404

    empty = compiler.post(f"/catalog-updates/{request_id}/actions", {"action": "submit_review", "items": []})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "items"
    assert compiler.post(f"/catalog-updates/{request_id}/actions", {"action": "approve"}).status_code == 409
    made = requests.post(authority.base + "/items", json=entry(office[1]["orgs"]["dept"][1], name="个体工商户登记信息"),
                         headers=compiler.headers, timeout=30).json()["item"]["code"]
    reported = compiler.post(f"/catalog-updates/{request_id}/actions", {"action": "submit_review", "items": [made]})
    assert reported.status_code == 200, reported.text
    assert reported.json()["stage"] == "review" and reported.json()["data"]["reports"][0]["items"][0]["code"] == made
    assert compiler.post(f"/catalog-updates/{request_id}/actions", {"action": "confirm"}).status_code == 403
    returned = authority.post(f"/catalog-updates/{request_id}/actions", {"action": "return", "reason": "还缺年报条目"})
    assert returned.json()["stage"] == "update" and returned.json()["decision_reason"] == "还缺年报条目"
    listed = authority.get("/catalog-updates", stage="update", org=office[1]["orgs"]["dept"][1]).json()
    assert request_id in [r["id"] for r in listed["items"]]


def test_api_freshness_summary_items_and_refresh(office):
    authority, compiler, other = Api(office, "authority"), Api(office, "compiler"), Api(office, "other_compiler")
    dept_code, other_code = office[1]["orgs"]["dept"][1], office[1]["orgs"]["other"][1]
    stale = office[1]["items"]["stale_api"]

    summary = {row["organisation"]["code"]: row for row in authority.get("/freshness").json()}
    assert summary[other_code]["stale"] == 1 and summary[dept_code]["monitored"] >= 3
    assert [row["organisation"]["code"] for row in compiler.get("/freshness").json()] == [dept_code]
    page = authority.get("/freshness/items", org=dept_code).json()
    row = next(r for r in page["items"] if r["code"] == stale)
    assert (row["update_cycle_label"], row["max_days"], row["days_overdue"]) == ("每月", 31, 9)
    assert all(r["provider"]["name"] == "南阳市市场监督管理局" for r in page["items"])
    assert authority.get("/freshness/items", org="NOPE").status_code == 404
    assert [r["code"] for r in other.get("/freshness/items").json()["items"]] == [office[1]["items"]["theirs"]]

    future = (datetime.now(LOCAL_ZONE) + timedelta(days=1)).isoformat()
    refused = compiler.post(f"/items/{stale}/refreshes", {"at": future})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "at"
    assert other.post(f"/items/{stale}/refreshes", {}).status_code == 403
    assert compiler.post("/items/3/07/NOPE/refreshes", {}).status_code == 404
    done = compiler.post(f"/items/{stale}/refreshes", {})  # the code holds '/': the path converter takes it whole
    assert done.status_code == 201 and done.json()["code"] == stale
    assert stale not in [r["code"] for r in authority.get("/freshness/items", org=dept_code).json()["items"]]
