"""The public search page, served by a real WSGI server and read over HTTP."""
from __future__ import annotations

import json
import urllib.parse

import pytest

from factories import entry, make_org_tree
from live import get, migrated_runtime, serving
from registry.catalog import operations as ops
from registry.core.config import load_settings
from registry.core.db import unit_of_work


@pytest.fixture()
def site(tmp_path, fresh_database_url):
    settings = load_settings({}, instance_path=tmp_path, database_url=fresh_database_url)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:  # indexed after this commit, by the subscriber
            ctx = runtime.context(session)
            orgs = make_org_tree(ctx)
            for n in range(23):
                item = ops.create_item(ctx, entry(orgs.dept, name=f"企业登记信息第{n + 1}批",
                                                  summary="本市登记注册的各类<企业>的基本信息。")).item
                ops.publish_item(ctx, item)
            shared = ops.create_item(ctx, entry(orgs.other_dept, name="企业涉案信息", share_type="conditional",
                                                share_condition="办案需要")).item
            ops.publish_item(ctx, shared)
            ops.create_item(ctx, entry(orgs.dept, name="企业内部草稿"))
        with serving(settings) as base:
            yield base


def query(base: str, **params) -> tuple[int, str]:
    return get(base + "/?" + urllib.parse.urlencode(params, doseq=True))


def test_results_are_highlighted_with_facets_and_pages(site):
    status, html = query(site, q="企业")
    assert status == 200
    assert "共 <b>24</b> 个信息资源" in html
    assert "<mark>企业</mark>登记信息第" in html
    assert "&lt;<mark>企业</mark>&gt;" in html  # the item's own text is escaped, only the marks are markup
    assert 'id="facets"' in html and "共享类型" in html and "有条件共享" in html and "南阳市公安局" in html
    assert "企业内部草稿" not in html  # drafts stay out of results and counts
    assert 'id="pager"' in html and "下一页" in html
    status, second = query(site, q="企业", page=2)
    assert status == 200 and second.count('class="hit"') == 4


def test_facet_links_narrow_the_results(site):
    status, html = query(site, q="企业", share_type="conditional")
    assert status == 200
    assert "共 <b>1</b> 个信息资源" in html and "<mark>企业</mark>涉案信息" in html
    assert 'class="on"' in html  # the chosen value is shown as chosen, with a link to drop it
    assert 'href="/?q=%E4%BC%81%E4%B8%9A"' in html


def test_field_search_and_sorting_from_the_form(site):
    status, html = query(site, field="统一社会信用代码", sort="published")
    assert status == 200 and "共 <b>24</b> 个信息资源" in html
    assert "信息项：<mark>统一社会信用代码</mark>" in html


def test_bad_input_is_explained_not_crashed(site):
    status, html = query(site, q="企业", page="900")
    assert status == 400 and "最多翻到" in html
    status, html = query(site, q="<script>alert(1)</script>")
    assert status == 200 and "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    status, html = query(site, q="不存在的词语组合")
    assert status == 200 and "没有找到符合条件的信息资源" in html


def api(base: str, **params) -> tuple[int, dict]:
    status, text = get(base + "/api/v1/search?" + urllib.parse.urlencode(params, doseq=True))
    return status, json.loads(text)


def test_the_json_api_answers_like_the_cli(site):
    status, body = api(site, q="企业", share_type="有条件共享", per_page=5)
    assert status == 200 and set(body) >= {"total", "results", "facets"}
    assert body["total"] == 1 and body["results"][0]["name"] == "企业涉案信息"
    assert body["results"][0]["highlights"]
    status, body = api(site, q="企业", per_page=0)
    assert body["total"] == 24 and body["results"] == []  # published only: the draft is not public
    assert sum(body["facets"]["share_type"].values()) == 24


def test_the_json_api_explains_bad_parameters(site):
    status, body = api(site, q="企业", page="第二页")
    assert status == 422 and body["code"] == "validation_error" and [e["field"] for e in body["errors"]] == ["page"]
    status, body = api(site, q="企业", sort="随便")
    assert status == 422 and "排序方式" in body["message"]
