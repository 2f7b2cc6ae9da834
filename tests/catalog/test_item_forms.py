"""Compilers write catalog items through the back-office forms, over real HTTP."""
from __future__ import annotations

import html
import re

import client
import pytest
from client import Browser, token_in
from factories import make_org_tree
from live import seeded_office
from sqlalchemy import func, select

from registry.accounts.operations import create_user
from registry.catalog.models import CatalogItem, Field, ItemStatus
from registry.core.db import unit_of_work

PASSWORD = "Bianmu#2026"


def _seed(ctx) -> str:
    orgs = make_org_tree(ctx)
    create_user(ctx, "wangfang", "compiler", orgs.dept.code, PASSWORD, display_name="王芳")
    create_user(ctx, "lijun", "compiler", orgs.other_dept.code, PASSWORD)
    create_user(ctx, "county1", "county_reviewer", orgs.county.code, PASSWORD)
    return orgs.dept.code


@pytest.fixture()
def office(tmp_path, fresh_database_url):
    with seeded_office(tmp_path / "instance", fresh_database_url, _seed) as served:
        yield served


def signed_in(base: str, username: str) -> Browser:
    return client.signed_in(base, username, PASSWORD)


def item_form(provider: str, **overrides) -> dict:
    """What a compiler types into the item form: two fields, everything else valid."""
    values = {
        "class_code": "3", "item_code": "07", "category_code": "411", "name": "行政处罚信息",
        "provider": provider, "summary": "本局作出的行政处罚决定。", "format_class": "database", "format_type": "oracle",
        "share_type": "unconditional", "share_method_class": "platform", "share_method_type": "api",
        "open_type": "not_open", "open_basis": "涉及当事人权益", "update_cycle": "monthly",
    }
    values.update(overrides)
    return values


def posted(token: str, values: dict, fields: list[dict]) -> list[tuple[str, str]]:
    pairs = [("csrf_token", token)] + [(k, v) for k, v in values.items() if v is not None]
    for row, field in enumerate(fields):
        pairs += [(f"fields-{field.get('token', row)}-{k}", v) for k, v in field.items() if k != "token"]
    return pairs


TWO_FIELDS = [
    {"name": "处罚决定书文号", "technical_name": "CFJDSWH", "data_type": "C", "length": "50"},
    {"name": "处罚种类", "data_type": "C", "length": "20", "is_sensitive": "1"},
]


def create(browser: Browser, dept_code: str, **overrides) -> tuple[int, str]:
    token = token_in(browser.request("/admin/items/new")[1])
    return browser.request("/admin/items/new", posted(token, item_form(dept_code, **overrides), TWO_FIELDS))


def error_next_to(page: str, element: str) -> str:
    found = re.search(rf'class="invalid-feedback d-block element-error" data-for="{re.escape(element)}">([^<]+)<', page)
    return html.unescape(found.group(1)) if found else ""


def count(runtime, model) -> int:
    with unit_of_work(runtime.sessions) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_compiler_creates_an_item_with_two_fields_and_sees_it(office):
    _, base, dept = office
    browser = signed_in(base, "wangfang")
    status, page = browser.request("/admin/items/new")
    assert status == 200 and "添加信息项" in page and "信息资源名称" in page
    assert '<option value="conditional">有条件共享</option>' in page  # vocabulary labels from the profile
    status, _ = create(browser, dept)
    assert status == 302 and "/admin/items/" in browser.headers["Location"]
    status, page = browser.follow()
    assert status == 200 and "已保存" in page
    assert "行政处罚信息" in page and "无条件共享" in page and "南阳市市场监督管理局" in page
    assert "处罚决定书文号" in page and "处罚种类" in page and "字符型" in page
    status, page = browser.request("/admin/items/")
    assert status == 200 and "行政处罚信息" in page and "共 1 条" in page and "草稿" in page


def test_validation_errors_are_shown_next_to_their_elements_and_nothing_is_written(office):
    runtime, base, dept = office
    browser = signed_in(base, "wangfang")
    status, page = create(browser, dept, name="", share_type="conditional")
    assert status == 200 and 'id="form-errors"' in page
    assert error_next_to(page, "name") == "必填，不能为空"
    assert "有条件共享须写明共享条件" in error_next_to(page, "share_condition")
    assert 'value="本局作出的行政处罚决定。' in page or "本局作出的行政处罚决定。</textarea>" in page  # input kept
    assert 'value="处罚决定书文号"' in page
    assert count(runtime, CatalogItem) == 0


def test_field_errors_land_in_their_row(office):
    runtime, base, dept = office
    browser = signed_in(base, "wangfang")
    token = token_in(browser.request("/admin/items/new")[1])
    fields = [{"token": "a", "name": "处罚决定书文号", "data_type": "C"},
              {"token": "b", "name": "", "data_type": "C", "remove": "1"},  # ticked for removal: not sent
              {"token": "c", "name": "处罚种类", "length": "很长"}]
    status, page = browser.request("/admin/items/new", posted(token, item_form(dept), fields))
    assert status == 200
    assert "整数" in error_next_to(page, "fields-c-length")
    assert not error_next_to(page, "fields-a-length")
    assert count(runtime, CatalogItem) == 0


def test_editing_keeps_field_ids_and_a_stale_version_is_refused(office):
    runtime, base, dept = office
    browser = signed_in(base, "wangfang")
    create(browser, dept)
    detail = browser.location
    with unit_of_work(runtime.sessions) as session:
        item = session.scalar(select(CatalogItem))
        ids = {f.name: f.id for f in item.fields}
        version = item.version
    status, page = browser.request(detail + "/edit")
    assert status == 200 and f'name="expected_version" value="{version}"' in page
    assert all(f'value="{field_id}"' in page for field_id in ids.values())

    fields = [{"id": str(ids["处罚决定书文号"]), "name": "处罚决定书文号", "data_type": "C", "length": "60"},
              {"id": str(ids["处罚种类"]), "name": "处罚种类名称", "data_type": "C", "length": "20"},
              {"name": "处罚日期", "data_type": "D"}]
    # As the edit form shows it: 细目 was filled in from the provider's catalog segment at creation.
    edit = item_form(dept, subcategory_code="0101", expected_version=str(version), summary="本局作出的全部行政处罚决定。")
    status, _ = browser.request(detail + "/edit", posted(token_in(page), edit, fields))
    assert status == 302
    assert "已保存" in browser.follow()[1]
    with unit_of_work(runtime.sessions) as session:
        item = session.scalar(select(CatalogItem))
        after = {f.name: f.id for f in item.fields}
        assert item.summary == "本局作出的全部行政处罚决定。" and item.version == version + 1
    assert after["处罚决定书文号"] == ids["处罚决定书文号"] and after["处罚种类名称"] == ids["处罚种类"]
    assert [f for f in after if f not in ("处罚决定书文号", "处罚种类名称")] == ["处罚日期"]

    stale = item_form(dept, subcategory_code="0101", expected_version=str(version), summary="又改了一次。")  # the version before the last save
    status, page = browser.request(detail + "/edit", posted(token_in(page), stale, fields))
    assert status == 200 and "条目已被他人修改" in html.unescape(page)
    with unit_of_work(runtime.sessions) as session:
        assert session.scalar(select(CatalogItem.summary)) == "本局作出的全部行政处罚决定。"
        assert session.scalar(select(func.count()).select_from(Field)) == 3


def test_another_department_neither_sees_nor_opens_a_draft(office):
    runtime, base, dept = office
    create(signed_in(base, "wangfang"), dept)
    with unit_of_work(runtime.sessions) as session:
        code = session.scalar(select(CatalogItem.code))
    other = signed_in(base, "lijun")
    assert other.request(f"/admin/items/{code}")[0] == 404
    assert other.request(f"/admin/items/{code}/edit")[0] == 404
    status, page = other.request("/admin/items/")
    assert status == 200 and "行政处罚信息" not in page and "共 0 条" in page


def test_a_county_reviewer_cannot_open_the_create_form(office):
    _, base, _ = office
    reviewer = signed_in(base, "county1")
    assert reviewer.request("/admin/items/new")[0] == 403
    status, page = reviewer.request("/admin/items/")
    assert status == 200 and 'id="new-item"' not in page


def test_forms_need_a_signed_in_user(office):
    _, base, _ = office
    browser = Browser(base)
    assert browser.request("/admin/items/new")[0] == 302 and "/login" in browser.headers["Location"]


def test_editing_a_published_item_submits_a_change_for_review(office):
    runtime, base, dept = office
    browser = signed_in(base, "wangfang")
    create(browser, dept)
    detail = browser.location
    with unit_of_work(runtime.sessions) as session:
        session.scalar(select(CatalogItem)).status = ItemStatus.PUBLISHED  # as if review had approved it
    status, page = browser.request(detail + "/edit")
    assert status == 200 and "保存后作为变更提交审核" in page
    edit = item_form(dept, subcategory_code="0101", expected_version="1", summary="新的摘要。")
    fields = [{"id": field_id, **values} for field_id, values in zip(re.findall(r'name="fields-\d+-id" value="(\d+)"', page), TWO_FIELDS)]
    status, _ = browser.request(detail + "/edit", posted(token_in(page), edit, fields))
    assert status == 302 and "已提交变更，待审核" in browser.follow()[1]
    with unit_of_work(runtime.sessions) as session:
        item = session.scalar(select(CatalogItem))
        assert item.status is ItemStatus.CHANGE_PENDING and item.summary == "本局作出的行政处罚决定。"
