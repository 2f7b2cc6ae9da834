"""Sensitive and secret fields (信息项) at every public boundary: the public never sees them, signed-in readers do.

One published item with a secret and a sensitive field among ordinary ones, served over HTTP and read as the
public and with a compiler's token: the public item page, the REST API, CKAN and search (page and API).
"""
from __future__ import annotations

import json
import re
import urllib.request
from urllib.parse import quote as quoted
from urllib.parse import urlencode

import pytest
from databases import drop_postgres_database, is_postgres, new_postgres_database
from factories import entry, make_org_tree
from live import get, seeded_office

from registry.accounts.operations import create_user
from registry.accounts.tokens import create_token
from registry.catalog import operations as ops

SECRET = {"name": "涉密字段戊号", "technical_name": "mimi_ziduan_wu", "data_type": "C", "length": 20, "is_secret": True,
          "description": "涉密说明戊号", "example_value": "涉密示例戊号"}
SENSITIVE = {"name": "敏感字段戊号", "technical_name": "mingan_ziduan_wu", "data_type": "C", "length": 20,
             "is_sensitive": True, "description": "敏感说明戊号"}
RESTRICTED = ("涉密字段戊号", "mimi_ziduan_wu", "涉密说明戊号", "涉密示例戊号", "敏感字段戊号", "mingan_ziduan_wu", "敏感说明戊号")


def _seed(ctx) -> tuple[str, str, str]:
    orgs = make_org_tree(ctx)
    ordinary = entry(orgs.dept)["fields"]
    # The restricted fields in the middle: the public numbering must show no gap either.
    item = ops.create_item(ctx, entry(orgs.dept, name="戊号登记信息",
                                      fields=[ordinary[0], SECRET, SENSITIVE, *ordinary[1:]])).item
    ops.publish_item(ctx, item)
    reader = create_user(ctx, "reader_wu", "compiler", orgs.other_dept.code, "Reader#2026x")
    return item.code, orgs.dept.code, create_token(ctx, reader, "读者")[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("disclosure")
    url = new_postgres_database("mulu_disclosure") if is_postgres() else f"sqlite:///{folder / 'site.db'}"
    try:
        with seeded_office(folder / "instance", url, _seed) as (_, base, seeded):
            yield base, *seeded
    finally:
        if is_postgres():
            drop_postgres_database(url)


def _read(url: str, token: str | None = None) -> str:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200, url
        text = response.read().decode()
    return json.dumps(json.loads(text), ensure_ascii=False) if text[:1] in "[{" else text


def _urls(base: str, code: str, org: str) -> list[str]:
    ckan = f"{base}/api/3/action"
    return [f"{base}/api/v1/items?per_page=100", f"{base}/api/v1/items/{code}", f"{base}/api/v1/items/{code}/fields",
            f"{ckan}/package_show?id={quoted(code)}", f"{ckan}/package_search?rows=100",
            f"{ckan}/organization_show?id={org}&include_datasets=true",
            *(f"{ckan}/package_search?q={quoted(probe)}" for probe in ("戊号", "涉密", "ziduan"))]


PROBES = ("戊号", "涉密", "敏感说明", "ziduan", "字段")


def test_the_public_never_sees_sensitive_or_secret_fields(site):
    base, code, org, _ = site
    urls = _urls(base, code, org) + [f"{base}/items/{code}"]
    urls += [f"{base}{path}?q={quoted(probe)}" for probe in PROBES for path in ("/", "/api/v1/search")]
    urls += [f"{base}/api/v1/search?field={quoted(probe)}&fuzzy=1" for probe in PROBES]
    for url in urls:
        text = _read(url)
        assert "戊号登记信息" in text or "search" in url or "?q=" in url or url.endswith("/fields"), url  # the item stays
        assert not [t for t in RESTRICTED if t in text], url
    for url in _urls(base, code, org)[1:4] + [f"{base}/items/{code}"]:
        assert "企业名称" in _read(url), url  # the ordinary fields stay


def test_the_public_page_counts_and_numbers_only_the_shown_fields(site):
    base, code, _, _ = site
    status, html = get(f"{base}/items/{code}")
    assert status == 200 and "信息项（3）" in html
    assert re.findall(r"<tr><td>(\d+)</td>", html) == ["1", "2", "3"]


def test_the_public_api_and_ckan_number_the_shown_fields_without_gaps_or_ids(site):
    base, code, org, _ = site
    ckan = f"{base}/api/3/action"
    item = json.loads(_read(f"{base}/api/v1/items/{code}"))
    package = json.loads(_read(f"{ckan}/package_show?id={quoted(code)}"))["result"]
    for fields in (item["fields"], json.loads(_read(f"{base}/api/v1/items/{code}/fields")), package["mulu_fields"]):
        assert [f["position"] for f in fields] == [1, 2, 3] and all("id" not in f for f in fields)


def test_public_search_hits_show_no_restricted_field_in_highlights(site):
    base, code, _, _ = site
    found = json.loads(_read(f"{base}/api/v1/search?q={quoted('企业名称')}"))
    hit = next(h for h in found["results"] if h["code"] == code)
    assert hit["matched_fields"] == ["企业名称"]  # ordinary fields still match and show
    found = json.loads(_read(f"{base}/api/v1/search?q={quoted('戊号')}"))  # in the name and in both restricted fields
    hit = next(h for h in found["results"] if h["code"] == code)
    assert not hit["matched_fields"] and "fields" not in hit["highlights"] and "戊号" in hit["highlights"]["name"]


def test_the_public_does_not_find_the_item_through_a_restricted_field(site):
    base, _, _, token = site
    for query in ({"q": "涉密字段戊号"}, {"field": "涉密字段戊号"}, {"field": "敏感字段", "fuzzy": "1"}, {"q": "敏感说明"}):
        url = f"{base}/api/v1/search?{urlencode(query)}"
        assert json.loads(_read(url))["total"] == 0, query
        assert json.loads(_read(url, token))["total"] == 1, query  # the control
    assert json.loads(_read(f"{base}/api/3/action/package_search?q={quoted('涉密字段戊号')}"))["result"]["count"] == 0


def test_signed_in_readers_see_every_field_of_what_they_read(site):
    base, code, org, token = site
    for url in _urls(base, code, org)[:5]:
        text = _read(url, token)
        assert all(t in text for t in RESTRICTED), url
    found = json.loads(_read(f"{base}/api/v1/search?q={quoted('字段戊号')}", token))
    hit = next(h for h in found["results"] if h["code"] == code)
    assert set(hit["matched_fields"]) == {"涉密字段戊号", "敏感字段戊号"}
