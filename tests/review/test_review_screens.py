"""Reviewing over real HTTP: queue, step page, per-element comments, return with reason, bulk approval, diff."""
from __future__ import annotations

import html
import re

import client
import pytest
from client import Browser, token_in
from factories import entry, make_org_tree
from live import seeded_office
from sqlalchemy import select

from registry.accounts.operations import create_user
from registry.catalog.models import CatalogItem, ItemStatus
from registry.catalog.operations import create_item, get_item, update_item
from registry.core.db import unit_of_work
from registry.requests.models import Request

PASSWORD = "Shenhe#2026x"


def _seed(ctx) -> str:
    orgs = make_org_tree(ctx)
    for name, role, org in (("bianmu", "compiler", orgs.county_dept), ("other", "compiler", orgs.dept),
                            ("xianji", "county_reviewer", orgs.county), ("shiji", "city_reviewer", orgs.city),
                            ("zhuguan", "authority_admin", orgs.city)):
        create_user(ctx, name, role, org.code, PASSWORD)
    return create_item(ctx, entry(orgs.county_dept, name="市场主体登记信息")).item.code


@pytest.fixture()
def office(tmp_path, fresh_database_url):
    with seeded_office(tmp_path / "instance", fresh_database_url, _seed, "binzhou") as served:
        yield served


def signed_in(base: str, username: str) -> Browser:
    return client.signed_in(base, username, PASSWORD)


def post(browser: Browser, page_path: str, url: str, **values):
    """Post a form of ``page_path`` to ``url``, with the page's CSRF token, as the browser would."""
    _, page = browser.request(page_path)
    return browser.request(url, {"csrf_token": token_in(page), **values})


def text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _step_id(runtime, code: str) -> int:
    with unit_of_work(runtime.sessions) as session:
        item = session.scalar(select(CatalogItem).where(CatalogItem.code == code))
        return session.scalar(select(Request.id).where(Request.item_id == item.id, Request.state == "open"))


def _status(runtime, code: str) -> ItemStatus:
    with unit_of_work(runtime.sessions) as session:
        return session.scalar(select(CatalogItem.status).where(CatalogItem.code == code))


def test_return_with_comments_then_resubmit_and_approve_through_the_queue(office):
    runtime, base, code = office
    item_page = f"/admin/items/{code}"
    compiler = signed_in(base, "bianmu")
    status, _ = post(compiler, item_page, f"/admin/review/items/{code}/submit", note="首次报送")
    assert status == 302 and _status(runtime, code) is ItemStatus.SUBMITTED

    county = signed_in(base, "xianji")
    status, queue = county.request("/admin/review/")
    assert status == 200 and "市场主体登记信息" in queue and 'id="count-open">1<' in queue
    step = _step_id(runtime, code)
    status, page = county.request(f"/admin/review/{step}")
    assert status == 200 and "规则检查" in page and "办理期限" in page and "首次报送" in page

    post(county, f"/admin/review/{step}", f"/admin/review/{step}/comment", target="summary", text="摘要请写明数据范围")
    status, _ = post(county, f"/admin/review/{step}", f"/admin/review/{step}/return", reason="")
    assert status == 302 and "退回必须填写理由" in text(county.follow()[1])
    assert _status(runtime, code) is ItemStatus.SUBMITTED
    post(county, f"/admin/review/{step}", f"/admin/review/{step}/return", reason="摘要不完整")
    assert _status(runtime, code) is ItemStatus.DRAFT

    page = compiler.request(item_page)[1]
    returned = text(page[page.index('id="returned"'):page.index("</div>", page.index('id="returned"') + 400)])
    assert "已被退回" in returned and "摘要不完整" in returned and "摘要请写明数据范围" in returned
    assert "信息资源摘要" in returned and "summary" not in returned  # the element by its name
    assert "首次报送" not in returned  # the compiler's own note is not a reason for the return
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        item = get_item(ctx, code)
        update_item(ctx, item, {"summary": item.summary + "数据范围：全县。"})
    post(compiler, item_page, f"/admin/review/items/{code}/submit")
    step = _step_id(runtime, code)
    status, _ = post(county, "/admin/review/", "/admin/review/bulk", step=str(step), action="approve", reason="")
    assert status == 302 and _status(runtime, code) is ItemStatus.IN_REVIEW

    city = signed_in(base, "shiji")
    assert "市场主体登记信息" in city.request("/admin/review/")[1]
    step = _step_id(runtime, code)
    post(city, f"/admin/review/{step}", f"/admin/review/{step}/approve", comment="同意发布")
    assert _status(runtime, code) is ItemStatus.PUBLISHED
    history = text(compiler.request(item_page)[1])
    assert "市级审核：审核通过" in history and "县级审核：退回" in history


def test_a_change_is_shown_side_by_side_and_steps_are_hidden_from_other_departments(office):
    runtime, base, code = office
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        item = get_item(ctx, code)
        item.status = ItemStatus.PUBLISHED  # as if reviewed; the workflow itself is tested above
        session.flush()
        update_item(ctx, item, {"name": "市场主体登记信息（2026版）", "share_type": "conditional",
                                "share_condition": "仅限行政审批使用", "share_basis": "《市场主体登记管理条例》"})
    step = _step_id(runtime, code)
    form = signed_in(base, "bianmu").request(f"/admin/items/{code}/edit")[1]
    assert 'value="市场主体登记信息（2026版）"' in form and "待审变更" in text(form)  # refining the change, not restarting it
    county = signed_in(base, "xianji")
    page = text(county.request(f"/admin/review/{step}")[1])
    assert "变更对比" in page and "市场主体登记信息（2026版）" in page and "有条件共享" in page and "无条件共享" in page
    assert signed_in(base, "other").request(f"/admin/review/{step}")[0] == 404
    city = signed_in(base, "shiji")
    assert city.request(f"/admin/review/{step}")[0] == 200  # a city reviewer reads every step …
    post(city, f"/admin/review/{step}", f"/admin/review/{step}/approve")
    assert "此条目不在您所在县" in text(city.follow()[1])  # … but decides only at the city level
    assert _status(runtime, code) is ItemStatus.CHANGE_PENDING


def test_compilers_have_no_queue(office):
    _, base, _ = office
    assert signed_in(base, "bianmu").request("/admin/review/")[0] == 403
