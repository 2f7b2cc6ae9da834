"""The assessment through a live server: the back-office page, its workbook and annual report, and the REST API."""
from __future__ import annotations

import re
from io import BytesIO

import pytest
import requests
from assessment_seed import PASSWORD, seed_world
from client import signed_in
from live import seeded_office
from openpyxl import load_workbook

from registry.accounts.tokens import create_token


def _seed(ctx):
    world = seed_world(ctx)
    orgs = world.people.orgs
    tokens = {name: create_token(ctx, user, "测试")[1] for name, user in world.people.users.items()}
    return {"dept": orgs.dept.code, "other_dept": orgs.other_dept.code, "county_dept": orgs.county_dept.code,
            "tokens": tokens}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """One served office under the fuzhou profile, with the seeded catalog and a token for each user."""
    root = tmp_path_factory.mktemp("assessment_web")
    with seeded_office(root / "instance", f"sqlite:///{root / 'web.db'}", _seed, profile="fuzhou") as (_, base, seeded):
        yield base, seeded


def _api(office, name: str | None, path: str) -> requests.Response:
    base, seeded = office
    headers = {"Authorization": f"Bearer {seeded['tokens'][name]}"} if name else {}
    return requests.get(f"{base}/api/v1{path}", headers=headers, timeout=30)


# -- the back office ------------------------------------------------------------------

def test_the_authority_sees_every_department_with_charts_and_downloads_the_workbook(office):
    base, seeded = office
    browser = signed_in(base, "authority", PASSWORD)
    status, page = browser.request("/admin/assessment/?period=2026")
    assert status == 200
    rows = re.findall(r'<tr data-org="([^"]+)">', page)
    assert set(rows) == {seeded["dept"], seeded["other_dept"], seeded["county_dept"], "11411322000000050P"}
    dept_row = page.split(f'<tr data-org="{seeded["dept"]}">')[1].split("</tr>")[0]
    assert '<td class="score" data-indicator="catalog_compiled" title="3 / 4">75</td>' in dept_row
    for chart in ("chart-totals", "chart-grades", "chart-averages"):
        assert f'<svg xmlns="http://www.w3.org/2000/svg" class="assessment-chart" role="img" id="{chart}"' in page
    assert "<script src" not in page.split('id="assessment-charts"')[1].split("</div></div>")[0]
    assert "《福州市政务数据资源共享开放考核暂行办法》第十四条" in page and "基础保障（网络互通、系统部署）" in page

    status, _ = browser.request("/admin/assessment/report.xlsx?period=2026-Q4")
    assert status == 200 and browser.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    raw = browser.opener.open(base + "/admin/assessment/report.xlsx?period=2026-Q4").read()
    book = load_workbook(BytesIO(raw))
    assert "2026年第四季度" in book["汇总"]["A2"].value and book["汇总"]._charts


def test_a_compiler_sees_only_their_department_and_its_annual_report(office):
    base, seeded = office
    browser = signed_in(base, "compiler", PASSWORD)
    status, page = browser.request("/admin/assessment/?period=2026")
    assert status == 200 and re.findall(r'<tr data-org="([^"]+)">', page) == [seeded["dept"]]
    assert browser.request(f"/admin/assessment/?period=2026&org={seeded['other_dept']}")[0] == 403
    status, page = browser.request("/admin/assessment/annual?year=2026")
    assert status == 200 and "南阳市市场监督管理局2026年度政务数据管理情况报告" in page and "2027-01-31" in page
    assert browser.request("/admin/assessment/annual.xlsx?year=2026")[0] == 200


def test_a_bad_period_is_explained_and_the_separated_admins_are_kept_out(office):
    base, _ = office
    browser = signed_in(base, "authority", PASSWORD)
    assert browser.request("/admin/assessment/?period=2026-Q7")[0] == 302
    _, page = browser.follow()
    assert "季度只能是 Q1–Q4" in page
    assert signed_in(base, "system_admin", PASSWORD).request("/admin/assessment/")[0] == 403


# -- the REST API ------------------------------------------------------------------

def test_the_api_gives_indicators_weights_totals_and_grades(office):
    _, seeded = office
    response = _api(office, "city_reviewer", "/assessments?period=2026-09")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"] == {"key": "2026-09", "label": "2026年9月", "kind": "month", "start": "2026-09-01",
                              "end": "2026-09-30"}
    assert body["grades"]["excellent"] == 90 and body["grades"]["article"].endswith("第十四条")
    assert {i["key"]: i["weight"] for i in body["indicators"]}["catalog_compiled"] == 20
    assert any(n["article"].endswith("第九条") for n in body["not_measured"])
    dept = next(o for o in body["organisations"] if o["code"] == seeded["dept"])
    compiled = next(i for i in dept["indicators"] if i["key"] == "catalog_compiled")
    assert (compiled["value"], compiled["numerator"], compiled["denominator"], compiled["weight"]) == (75.0, 3, 4, 20)
    assert dept["grade"] in ("excellent", "good", "pass", "fail") and dept["grade_label"]
    assert len(body["organisations"]) == 4


def test_the_api_scopes_refuses_and_explains(office):
    _, seeded = office
    mine = _api(office, "compiler", "/assessments?period=2026").json()["organisations"]
    assert [o["code"] for o in mine] == [seeded["dept"]]
    county = _api(office, "county_reviewer", "/assessments?period=2026").json()["organisations"]
    assert [o["code"] for o in county] == [seeded["county_dept"]]
    assert _api(office, "compiler", f"/assessments?period=2026&org={seeded['other_dept']}").status_code == 403
    assert _api(office, "system_admin", "/assessments?period=2026").status_code == 403
    assert _api(office, None, "/assessments?period=2026").status_code == 401
    bad = _api(office, "authority", "/assessments?period=2026-13")
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "period", "label": "考核期间", "message": bad.json()["errors"][0]["message"]}]
    assert "月份只能是 1–12" in bad.json()["message"]
    assert _api(office, "authority", "/assessments?period=2026&org=000").status_code == 404


def test_the_api_exports_the_workbook_and_the_annual_report(office):
    response = _api(office, "authority", "/assessments/report.xlsx?period=2026")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["汇总", "指标", "等次分布", "说明"] and book["汇总"]._charts
    annual = _api(office, "authority", "/assessments/annual.xlsx?year=2026")
    assert annual.status_code == 200
    sheet = load_workbook(BytesIO(annual.content))["年度报告"]
    assert sheet["A1"].value == "福州市2026年度政务数据管理情况报告"
    assert _api(office, "county_reviewer", "/assessments/annual.xlsx?year=2026").status_code == 403
