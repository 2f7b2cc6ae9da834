"""``GET /api/v1/search`` as part of the REST API: documented, scoped by token, errors in the common shape."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from corpus import BACKENDS
from factories import entry, make_org_tree
from live import seeded_office

from registry.accounts.operations import create_user
from registry.accounts.tokens import create_token
from registry.catalog import operations as ops

PASSWORD = "Jiansuo#2026"


def _seed(ctx) -> dict[str, str]:
    orgs = make_org_tree(ctx)
    for n in range(3):
        ops.publish_item(ctx, ops.create_item(ctx, entry(orgs.dept, name=f"企业登记信息第{n + 1}批")).item)
    ops.publish_item(ctx, ops.create_item(ctx, entry(orgs.other_dept, name="企业涉案信息", share_type="conditional",
                                                     share_condition="办案需要")).item)
    ops.create_item(ctx, entry(orgs.dept, name="企业内部草稿"))
    compiler = create_user(ctx, "bianmu", "compiler", orgs.dept.code, PASSWORD)
    outsider = create_user(ctx, "waibu", "compiler", orgs.other_dept.code, PASSWORD)
    return {"bianmu": create_token(ctx, compiler, "检索")[1], "waibu": create_token(ctx, outsider, "检索")[1]}


@pytest.fixture()
def site(tmp_path, fresh_database_url):
    with seeded_office(tmp_path / "instance", fresh_database_url, _seed) as (_, base, tokens):
        yield base, tokens


def api(base: str, token: str | None = None, **params) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = base + "/api/v1/search?" + urllib.parse.urlencode(params, doseq=True)
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_anonymous_callers_search_the_published_catalog(site):
    base, _ = site
    status, body = api(base, q="企业", per_page=2)
    assert status == 200 and body["total"] == 4 and len(body["results"]) == 2
    hit = body["results"][0]
    assert {"code", "name", "provider", "share_type", "highlights"} <= set(hit) and "<mark>企业</mark>" in json.dumps(hit["highlights"], ensure_ascii=False)
    assert body["facets"]["share_type"] == {"unconditional": 3, "conditional": 1}
    status, body = api(base, q="企业", share_type=["conditional", "有条件共享"])
    assert status == 200 and [r["name"] for r in body["results"]] == ["企业涉案信息"]


def test_a_token_searches_with_its_users_scope(site):
    base, tokens = site
    assert "企业内部草稿" in [r["name"] for r in api(base, tokens["bianmu"], q="企业内部草稿")[1]["results"]]
    assert "企业内部草稿" not in [r["name"] for r in api(base, tokens["waibu"], q="企业内部草稿")[1]["results"]]
    status, body = api(base, "mulu_revoked-or-made-up", q="企业")
    assert status == 401 and body["code"] == "unauthorized"


def test_bad_parameters_answer_422_in_the_common_error_shape(site):
    base, _ = site
    status, body = api(base, q="企业", per_page="多少")
    assert status == 422 and set(body) == {"code", "status", "message", "message_en", "errors"}
    assert body["errors"][0]["field"] == "per_page" and body["status"] == 422
    status, body = api(base, q="企业", per_page=500)
    assert status == 422 and "每页" in body["message"]
    status, body = api(base, q="企业", page=900, per_page=100)
    assert status == 422 and "最多翻到" in body["message"]


def test_the_parameters_and_the_answer_are_documented(site):
    base, _ = site
    with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=10) as response:
        spec = json.loads(response.read())
    operation = spec["paths"]["/api/v1/search"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert {"q", "share_type", "provider", "field", "fuzzy", "sort", "page", "per_page"} <= set(params)
    assert params["share_type"]["schema"]["type"] == "array" and params["sort"]["schema"]["enum"][0] == "relevance"
    answer = spec["components"]["schemas"][operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert {"total", "results", "facets"} <= set(answer["properties"])
    hit = spec["components"]["schemas"][answer["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert {"code", "name", "provider", "highlights"} <= set(hit["properties"])
    assert "422" in operation["responses"]



@pytest.fixture(params=BACKENDS)
def site_on(request, tmp_path, fresh_database_url):
    """The same site on each search backend: both keep public results, and the responses made of them."""
    with seeded_office(tmp_path / "instance", fresh_database_url, _seed,
                       env={"MULU_SEARCH_BACKEND": request.param}) as (_, base, tokens):
        yield base, tokens


def test_a_repeated_search_answers_as_the_first_time(site_on):
    base, tokens = site_on
    first = [api(base, q="企业", per_page=2, page=page) for page in (1, 2)]
    assert first[0][1]["total"] == 4 and first[0][1]["results"][0]["highlights"]["name"].count("<mark>") == 1
    assert [api(base, q="企业", per_page=2, page=page) for page in (1, 2)] == first
    _, signed_in = api(base, tokens["bianmu"], q="企业")
    assert signed_in["total"] == 5  # their own draft: not the public's answer
    assert api(base, q="企业", per_page=2) == first[0]
