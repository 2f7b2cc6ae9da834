"""The back-office screens through a live server under fuzhou: a correction (no deadline there: “未规定”)
and an open-data request taken to the data authority's review (fuzhou §24)."""
from __future__ import annotations

import re

import pytest
from client import signed_in, token_in
from feedback_world import PASSWORD, feedback_office


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with feedback_office(tmp_path_factory.mktemp("feedback-ui"), "fuzhou") as served:
        yield served


def _browser(office, name):
    return signed_in(office[1], name, PASSWORD)


def _act(browser, page_path: str, action: str, **fields):
    status, page = browser.request(page_path)
    assert status == 200 and f'id="action-{action}"' in page, page
    status, _ = browser.request(f"{page_path}/act/{action}", {"csrf_token": token_in(page), **fields})
    assert status == 302 and browser.location == page_path
    return browser.follow()[1]


def test_a_correction_is_reported_confirmed_and_fixed_on_screen(office):
    item = office[2]["item"]
    reporter = _browser(office, "county_compiler")
    status, form = reporter.request(f"/admin/corrections/new?item_code={item}")
    assert status == 200 and 'value="信息项:企业名称"' in form and f'value="{item}"' in form

    status, page = reporter.request("/admin/corrections/new", {
        "csrf_token": token_in(form), "item_code": item, "target": "信息项:企业名称", "description": "名称缺少“有限”二字"})
    assert status == 422 and "佐证材料：请附佐证材料（说明或链接）" in page
    status, _ = reporter.request("/admin/corrections/new", {
        "csrf_token": token_in(form), "item_code": item, "target": "信息项:企业名称", "description": "名称缺少“有限”二字",
        "evidence": "营业执照编号 2026-01"})
    assert status == 302 and re.fullmatch(r"/admin/corrections/\d+", reporter.location)
    path = reporter.location
    page = reporter.follow()[1]
    assert "办理中 · 待核实" in page and "未规定" in page and "信息项：企业名称" in page and "营业执照编号 2026-01" in page
    assert 'id="action-confirm"' not in page  # the reporter cannot verify their own report

    producer = _browser(office, "compiler")
    assert path in producer.request("/admin/corrections/")[1]
    page = _act(producer, path, "confirm", reason="核实属实")
    assert "办理中 · 待更正" in page
    status, page = producer.request(path)
    status, _ = producer.request(f"{path}/act/fix", {"csrf_token": token_in(page), "answer": ""})
    assert status == 302 and "须说明在数据源头更正了什么" in producer.follow()[1]
    page = _act(producer, path, "fix", answer="已在登记系统更正企业名称")
    assert 'id="request-state">已更正' in page and "已在登记系统更正企业名称" in page
    assert producer.request("/admin/corrections/1000000")[0] == 404


def test_an_open_request_is_refused_then_reviewed_by_the_authority(office):
    item = office[2]["item"]
    requester = _browser(office, "other_compiler")
    status, form = requester.request("/admin/open-requests/new")
    assert status == 200 and f'<option value="{item}">' in form
    status, _ = requester.request("/admin/open-requests/new", {
        "csrf_token": token_in(form), "item_code": item, "description": "请开放成立日期", "applicant_kind": "organisation"})
    assert status == 302
    path = requester.location
    page = requester.follow()[1]
    assert "办理中 · 待答复" in page and "答复期限：20个工作日" in page and "已逾期" not in page
    assert 'id="action-extend"' not in page  # fuzhou sets no extension

    page = _act(_browser(office, "compiler"), path, "refuse", reason="属授权开放类")
    assert 'id="request-state">不予开放' in page
    page = _act(requester, path, "request_review", reason="本单位符合授权条件")
    assert "办理中 · 复核中" in page and "本单位符合授权条件" in page
    page = _act(_browser(office, "authority"), path, "grant", answer="复核同意，已授权开放")
    assert 'id="request-state">同意开放' in page and "复核结果" in page and "复核同意，已授权开放" in page
