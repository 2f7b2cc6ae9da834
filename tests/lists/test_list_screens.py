"""The lists in the back office over real HTTP: a compiler records a demand, it travels to the provider, the data
is delivered; the responsibility list is read and downloaded."""
from __future__ import annotations

import html
import io
import re

import client
from client import Browser, token_in
from lists_world import PASSWORD
from openpyxl import load_workbook

from registry.core.db import unit_of_work
from registry.requests.models import Request


def signed_in(office, username: str) -> Browser:
    return client.signed_in(office.base, username, PASSWORD)


def text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def post(browser: Browser, page_path: str, url: str, values: dict | list):
    """Post a form found on ``page_path`` to ``url`` with the page's CSRF token, as the browser would."""
    _, page = browser.request(page_path)
    pairs = list(values.items()) if isinstance(values, dict) else list(values)
    return browser.request(url, [("csrf_token", token_in(page))] + pairs)


def _demand_state(office, demand_id: int) -> tuple:
    with unit_of_work(office.runtime.sessions, write=False) as session:
        demand = session.get(Request, demand_id)
        return demand.state, demand.stage, demand.organisation.code, demand.due_at


def test_a_demand_is_recorded_matched_forwarded_accepted_and_delivered(office):
    compiler = signed_in(office, "county_compiler")
    status, form = compiler.request("/admin/demands/new")
    assert status == 200 and 'name="description"' in form and 'name="emergency"' in form
    status, page = post(compiler, "/admin/demands/new", "/admin/demands/new", {
        "description": "需要户籍人口身份信息，用于企业开办核验", "fields": "身份证号、姓名", "purpose": "核验法定代表人身份",
        "legal_basis": "《优化营商环境条例》", "scenario": "企业开办", "provider": ""})
    assert status == 302, text(page)
    detail = compiler.location
    demand_id = int(detail.rstrip("/").split("/")[-1])
    _, page = compiler.follow()
    shown = text(page)
    assert "县级汇总" in shown and "户籍人口信息" in shown and "身份证号 → 公民身份号码" in shown  # the suggestion, found
    _, listing = compiler.request("/admin/demands/")
    assert f'data-request="{demand_id}"' in listing and "需要户籍人口身份信息" in text(listing)

    other_county = signed_in(office, "other_county_reviewer")
    assert other_county.request(detail)[0] == 404
    assert post(other_county, "/admin/demands/", f"/admin/demands/{demand_id}/act/forward", {"reason": ""})[0] == 404

    county = signed_in(office, "county_reviewer")
    assert post(county, detail, f"/admin/demands/{demand_id}/act/forward", {"reason": "已汇总"})[0] == 302
    assert _demand_state(office, demand_id)[:3] == ("open", "city", office.orgs["city"])

    city = signed_in(office, "city_reviewer")
    _, page = city.request(detail)
    assert 'id="action-assign"' in page and 'id="action-unmatch"' in page and 'id="action-assign_emergency"' not in page
    post(city, detail, f"/admin/demands/{demand_id}/pick", {"item": office.items["residents"]})
    assert post(city, detail, f"/admin/demands/{demand_id}/act/assign", {"provider": "", "reason": "请按期答复"})[0] == 302
    state, stage, org, due = _demand_state(office, demand_id)
    assert (state, stage, org) == ("open", "answer", office.orgs["other_dept"]) and due is not None

    provider = signed_in(office, "other_compiler")
    _, listing = provider.request("/admin/demands/")
    assert f'data-request="{demand_id}"' in listing
    post(provider, detail, f"/admin/demands/{demand_id}/act/decline", {"reason": " "})
    _, page = provider.follow()
    assert "必须填写理由" in text(page) and _demand_state(office, demand_id)[0] == "open"
    assert post(provider, detail, f"/admin/demands/{demand_id}/act/accept", {"reason": ""})[0] == 302
    _, page = provider.request(detail)
    assert "待提供数据" in text(page) and f'value="{office.items["residents"]}"' in page
    assert post(provider, detail, f"/admin/demands/{demand_id}/act/fulfil",
                {"items": office.items["residents"], "items_extra": "", "reason": "已汇聚至平台"})[0] == 302
    _, page = provider.request(detail)
    assert "已满足" in text(page) and 'id="fulfilled-items"' in page

    _, summary = city.request("/admin/demands/summary")
    assert "南召县" in text(summary)


def test_a_demand_without_a_match_is_listed_for_the_authority(office):
    compiler = signed_in(office, "compiler")
    status, _ = post(compiler, "/admin/demands/new", "/admin/demands/new", {
        "description": "需要全市桥梁健康监测数据", "fields": "桥梁编号，挠度", "purpose": "桥梁安全评估"})
    assert status == 302
    _, page = compiler.follow()
    assert 'id="no-suggestions"' in page
    authority = signed_in(office, "authority")
    _, page = authority.request("/admin/demands/unmatched")
    assert "需要全市桥梁健康监测数据" in text(page)
    status, page = post(compiler, "/admin/demands/new", "/admin/demands/new", {"description": "", "purpose": ""})
    assert status == 422 and 'data-field="description"' in page and 'data-field="purpose"' in page


def test_the_responsibility_list_is_read_per_department_and_downloaded(office):
    compiler = signed_in(office, "compiler")
    status, page = compiler.request("/admin/responsibility/")
    shown = text(page)
    assert status == 200 and "南阳市市场监督管理局" in shown and "企业登记信息" in shown and "0377-6312345" in shown
    assert office.items["draft"] not in page and office.items["residents"] not in page  # their own list by default
    _, page = compiler.request(f"/admin/responsibility/?org={office.orgs['other_dept']}")  # the published list is not secret
    assert office.items["residents"] in page and office.items["draft"] not in page
    _, page = compiler.request("/admin/responsibility/?org=")
    assert 'id="list-summary"' in page and "南阳市公安局" in text(page)

    status, _ = compiler.request("/admin/responsibility/export?format=xlsx&org=")
    assert status == 200 and "spreadsheetml" in compiler.headers["Content-Type"]
    response = compiler.opener.open(office.base + "/admin/responsibility/export?format=xlsx&org=")
    book = load_workbook(io.BytesIO(response.read()), read_only=True)
    codes = {row[3] for row in book["责任清单"].iter_rows(min_row=2, values_only=True)}
    assert codes == {office.items["licences"], office.items["residents"]}

    auditor = signed_in(office, "audit_admin")
    assert auditor.request("/admin/responsibility/")[0] == 403
