"""The public pages, served by a real WSGI server and read over HTTP."""
from __future__ import annotations

import pytest

from factories import entry, make_org_tree
from live import get, migrated_runtime, serving
from registry.catalog import operations as ops
from registry.core.config import load_settings
from registry.core.db import unit_of_work


@pytest.fixture()
def live_server(tmp_path, fresh_database_url):
    settings = load_settings({}, instance_path=tmp_path, database_url=fresh_database_url)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            orgs = make_org_tree(ctx)
            published = ops.create_item(ctx, entry(orgs.dept, name="企业登记信息")).item
            ops.publish_item(ctx, published)
            ops.create_item(ctx, entry(orgs.dept, name="内部草稿条目"))
            code = published.code
        with serving(settings) as base:
            yield base, code


def test_front_page_lists_published_items_only(live_server):
    base, code = live_server
    status, html = get(base + "/")
    assert status == 200
    assert "企业登记信息" in html and code in html
    assert "内部草稿条目" not in html


def test_item_page_shows_metadata_and_fields(live_server):
    base, code = live_server
    status, html = get(f"{base}/items/{code}")
    assert status == 200
    assert "统一社会信用代码" in html and "无条件共享" in html and "每日" in html


def test_drafts_and_unknown_codes_are_not_found(live_server):
    base, _ = live_server
    assert get(base + "/items/3074110101/000002")[0] == 404
    assert get(base + "/items/nonsense")[0] == 404
    assert get(base + "/healthz") == (200, '{"status":"ok"}\n')
