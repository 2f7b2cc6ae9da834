"""``/api/v1/duplicates`` through a live server: the report, one finding, and the designation of the source."""
from __future__ import annotations

import pytest
import requests
from catalog import HOUSEHOLD, make_town, person, published
from live import seeded_office

from registry.accounts.tokens import create_token
from registry.core.db import unit_of_work
from registry.orgs.operations import get_org

USERS = ("compiler", "county_reviewer", "city_reviewer", "authority", "audit_admin")


def _seed(ctx):
    town = make_town(ctx, with_users=True)
    published(ctx, town.scjg, "户籍人口信息", person("公民身份号码", *HOUSEHOLD))
    published(ctx, town.ga, "户籍人口基本信息", person("身份证号", *HOUSEHOLD))
    published(ctx, town.county_scjg, "南召县户籍人口信息", person("公民身份号码", *HOUSEHOLD))
    published(ctx, town.county_mz, "南召县辖区户籍人口信息", person("身份证号码", *HOUSEHOLD))
    tokens = {name: create_token(ctx, town.users[name], "测试")[1] for name in USERS}
    return {"tokens": tokens, "orgs": {k: getattr(town, k).code for k in ("city", "county", "scjg", "ga", "mz", "county_mz")}}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    path = tmp_path_factory.mktemp("api")
    with seeded_office(path / "instance", f"sqlite:///{path / 'api.db'}", _seed) as served:
        yield served


class Api:
    def __init__(self, base: str, token: str | None):
        self.base, self.http = base + "/api/v1/duplicates", requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str = "", **params) -> requests.Response:
        return self.http.get(self.base + path, params=params, timeout=30)

    def post(self, path: str, body: dict) -> requests.Response:
        return self.http.post(self.base + path, json=body, timeout=30)


def as_(office, name: str | None) -> Api:
    _, base, seeded = office
    return Api(base, seeded["tokens"][name] if name else None)


def error(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status and body["message"] and set(body) == {"code", "status", "message", "message_en", "errors"}
    return body


def test_the_report_pages_and_filters_for_catalog_workers_only(office):
    orgs = office[2]["orgs"]
    error(as_(office, None).get(), 401)
    assert "一数一源" in error(as_(office, "audit_admin").get(), 403)["message"]

    compiler = as_(office, "compiler")
    body = compiler.get().json()
    assert body["total"] == 2 and {f["status"] for f in body["items"]} == {"open"}
    first = compiler.get(per_page=1).json()
    assert first["total"] == 2 and len(first["items"]) == 1 and first["links"]["next"].endswith("per_page=1&page=2")
    assert compiler.get(per_page=1, page=2).json()["items"][0]["key"] != first["items"][0]["key"]

    [county] = compiler.get(org=orgs["county"]).json()["items"]
    assert {m["provider"]["name"] for m in county["members"]} == {"南召县市场监督管理局", "南召县民政局"}
    assert {m["name"] for m in county["members"]} == {"南召县户籍人口信息", "南召县辖区户籍人口信息"}
    assert compiler.get(org=orgs["mz"]).json()["total"] == 0
    assert "没有代码为" in error(compiler.get(org="91410000000000000X"), 404)["message"]
    error(compiler.get(status="closed"), 422)


def test_one_finding_shows_members_matched_fields_and_reason(office):
    reviewer = as_(office, "city_reviewer")
    orgs = office[2]["orgs"]
    [listed] = reviewer.get(org=orgs["ga"]).json()["items"]
    finding = reviewer.get("/" + listed["key"]).json()
    assert finding == listed
    assert finding["name_match"] == "户籍人口" and finding["designation"] is None and not finding["changed"]
    identifier = finding["fields"][0]
    assert identifier["how"] == "identifier" and {n["name"] for n in identifier["names"]} == {"公民身份号码", "身份证号"}
    assert any(f["key"] == "户籍地址" and f["how"] == "same_name" for f in finding["fields"])
    assert "南阳市公安局" in finding["reason"]
    assert "没有键为" in error(reviewer.get("/d0000000000000000"), 404)["message"]


def test_the_city_review_designates_the_source_and_a_change_of_members_reopens_it(office):
    runtime, _, seeded = office
    orgs = seeded["orgs"]
    reviewer = as_(office, "city_reviewer")
    [finding] = reviewer.get(org=orgs["ga"]).json()["items"]
    path = f"/{finding['key']}/resolution"

    assert "只有市级审核员或数据主管部门" in error(as_(office, "compiler").post(path, {"source": orgs["ga"]}), 403)["message"]
    error(as_(office, "county_reviewer").post(path, {"source": orgs["ga"]}), 403)
    refused = error(reviewer.post(path, {"source": orgs["mz"]}), 422)
    assert refused["errors"][0]["field"] == "source" and refused["errors"][0]["label"] == "数据来源"
    error(reviewer.post(path, {"note": "没有来源"}), 422)
    error(reviewer.post("/d0000000000000000/resolution", {"source": orgs["ga"]}), 404)

    done = reviewer.post(path, {"source": orgs["ga"], "note": "户籍登记由公安机关负责"})
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["status"] == "resolved" and body["designation"]["source"] == {"code": orgs["ga"], "name": "南阳市公安局"}
    assert body["designation"]["resolved_by"] == "city_reviewer" and body["designation"]["note"] == "户籍登记由公安机关负责"
    assert [f["key"] for f in reviewer.get(status="resolved").json()["items"]] == [finding["key"]]
    assert reviewer.get(status="open").json()["total"] == 1

    with unit_of_work(runtime.sessions) as session:  # the 民政局 publishes the same data too
        ctx = runtime.context(session)
        published(ctx, get_org(ctx, orgs["mz"]), "辖区户籍人口基础信息", person("公民身份号码", *HOUSEHOLD))
    reopened = reviewer.get("/" + finding["key"]).json()
    assert reopened["status"] == "open" and reopened["changed"] and len(reopened["members"]) == 3
    assert sorted(reopened["designation"]["member_codes"]) == sorted(m["code"] for m in finding["members"])
    again = as_(office, "authority").post(path, {"source": orgs["ga"]})
    assert again.status_code == 201 and again.json()["status"] == "resolved"
