"""共享申请 in the back office over real HTTP: ask from an item, approve with fields, mode and users, log a use."""
from __future__ import annotations

import html
import re

import client
import pytest
from client import token_in
from share_office import share_office
from share_world import PASSWORD
from sqlalchemy import select

from registry.core.db import unit_of_work
from registry.requests.models import Request


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with share_office(tmp_path_factory.mktemp("share-screens") / "instance", profile="binzhou") as served:
        yield served


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def post(browser, page_path: str, url: str, values: list[tuple[str, str]]):
    """Post a form of ``page_path`` to ``url`` with the page's CSRF token, as the browser would (names may repeat)."""
    _, page = browser.request(page_path)
    return browser.request(url, [("csrf_token", token_in(page)), *values])


def _request_id(office) -> int:
    with unit_of_work(office.runtime.sessions) as session:
        return session.scalar(select(Request.id).where(Request.type == "share_request").order_by(Request.id.desc()))


def test_ask_from_an_item_approve_and_log_a_use(office):
    code = office.codes["conditional"]
    requester = client.signed_in(office.base, "requester", PASSWORD)
    new = f"/admin/share-requests/new?item={code}"
    status, form = requester.request(new)
    assert status == 200 and "企业登记信息" in form and "仅限履行市场监管、公安等法定职责使用" in form
    assert re.search(r'value="法定代表人证件号码"[^>]*\bdisabled', form)  # a field not shared cannot be ticked

    status, page = post(requester, new, "/admin/share-requests/new",
                        [("item", code), ("fields", "企业名称"), ("fields", "成立日期"), ("purpose", ""),
                         ("scenario", "经侦案件办理"), ("legal_basis", "《刑事诉讼法》第五十四条"), ("use_until", "2099-12-31")])
    assert status == 422 and "用途：不能为空" in text(page)
    assert re.search(r'value="成立日期" id="field-3"\s+checked', page) and not re.search(r'id="field-1"\s+checked', page)
    status, _ = post(requester, new, "/admin/share-requests/new",
                     [("item", code), ("fields", "企业名称"), ("fields", "成立日期"), ("purpose", "核查涉案企业"),
                      ("scenario", "经侦案件办理"), ("legal_basis", "《刑事诉讼法》第五十四条"), ("use_until", "2099-12-31")])
    rid = _request_id(office)
    assert status == 302 and requester.location == f"/admin/share-requests/{rid}"
    status, page = requester.request(f"/admin/share-requests/{rid}")
    assert status == 200 and "核查涉案企业" in page and "待提供方答复" in text(page) and 'id="action-approve"' not in page

    assert client.signed_in(office.base, "county_compiler", PASSWORD).request(f"/admin/share-requests/{rid}")[0] == 404

    provider = client.signed_in(office.base, "provider", PASSWORD)
    status, listing = provider.request("/admin/share-requests/")
    assert status == 200 and f'data-request="{rid}"' in listing
    detail = f"/admin/share-requests/{rid}"
    status, page = provider.request(detail)
    assert 'id="action-approve"' in page and 'id="action-refuse"' in page and '<option value="platform:api" selected>' in page
    status, _ = post(provider, detail, f"{detail}/act/refuse", [("reason", " ")])
    assert status == 302 and "不同意必须填写理由" in text(provider.follow()[1])
    status, _ = post(provider, detail, f"{detail}/act/approve",
                     [("fields", "企业名称"), ("mode", "platform:api"), ("users", "张三\n李四"), ("reason", "同意")])
    assert status == 302
    page = text(provider.follow()[1])
    assert "已同意共享" in page and "使用人员：张三、李四" in page and "共享方式：大数据平台 · 接口" in page

    uses = f"/admin/share-requests/{rid}/uses"
    status, page = requester.request(uses)
    assert status == 200 and 'id="record-use"' in page
    status, _ = post(requester, uses, uses, [("purpose", "核验"), ("user_name", "王五"), ("fields", "企业名称"), ("medium", "网络传输")])
    assert status == 302 and "“王五”不在批准的使用人员中" in text(requester.follow()[1])
    status, _ = post(requester, uses, uses, [("purpose", "核验企业名称"), ("user_name", "李四"), ("fields", "企业名称"),
                                             ("medium", "网络传输"), ("content", "查询 3 条")])
    assert status == 302 and "使用记录已登记" in text(requester.follow()[1])
    assert "核验企业名称" in requester.request(f"/admin/share-requests/{rid}")[1]
    assert provider.request(uses)[0] == 200 and 'id="record-use"' not in provider.request(uses)[1]
    assert post(provider, uses, uses, [("purpose", "x")])[0] == 403

    status, log = provider.request(f"/admin/share-requests/uses?item={code}")
    assert status == 200 and "查询 3 条" in log and 'id="uses-csv"' in log
    status, csv_text = provider.request(f"/admin/share-requests/uses?item={code}&format=csv")
    assert status == 200 and provider.headers["Content-Type"].startswith("text/csv")
    assert "核验企业名称" in csv_text and "李四" in csv_text and "网络传输" in csv_text


def test_the_authority_asks_for_a_department_typing_code_and_positions(office):
    authority = client.signed_in(office.base, "authority", PASSWORD)
    status, form = authority.request("/admin/share-requests/new")
    assert status == 200 and 'id="share-item-code"' in form and 'id="share-requester"' in form
    county_dept = re.search(r'<option value="(\d+)"\s*>南召县市场监督管理局</option>', form).group(1)
    status, _ = post(authority, "/admin/share-requests/new", "/admin/share-requests/new",
                     [("item", office.codes["conditional"]), ("fields_text", "1，3"), ("requester", county_dept),
                      ("purpose", "窗口核验"), ("scenario", "企业开办"), ("legal_basis", "《优化营商环境条例》"),
                      ("use_until", "2099-01-01")])
    assert status == 302
    page = text(authority.follow()[1])
    assert "南召县市场监督管理局申请共享企业登记信息" in page and "统一社会信用代码 待答复 成立日期 待答复" in page
    assert client.signed_in(office.base, "county_reviewer", PASSWORD).request("/admin/share-requests/new")[0] == 403
