"""The report in the back office, through a live server on the demo catalog: read, highlight, designate."""
from __future__ import annotations

import html
import re

import pytest
from client import signed_in, token_in
from live import seeded_office

from registry.demo.generator import SEEDED_DUPLICATE_GROUPS, city_department_code
from registry.demo.loader import DEMO_PASSWORD, load_demo
from registry.sourcing.report import current_findings


def _seed(ctx):
    load_demo(ctx, items=80, seed=3)
    groups = {frozenset(g.members): g.key for g in SEEDED_DUPLICATE_GROUPS}
    return {groups[frozenset((m.provider.code, m.name) for m in f.members)]: f.key for f in current_findings(ctx)}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    path = tmp_path_factory.mktemp("office")
    with seeded_office(path / "instance", f"sqlite:///{path / 'office.db'}", _seed) as (_, base, keys):
        yield base, keys


def _cards(page: str) -> list[str]:
    return re.findall(r'class="card finding[^"]*" id="finding-(\w+)"', page)


def test_reviewers_designate_the_source_compilers_see_their_own_findings_first(office):
    base, keys = office
    compiler = signed_in(base, "compiler", DEMO_PASSWORD)  # 市场监督管理局
    status, page = compiler.request("/admin/duplicates/")
    assert status == 200 and len(_cards(page)) == 4
    assert _cards(page)[0] == keys["enterprise_registration"]
    assert page.count("own-department") == 1 and "resolve-form" not in page
    csrf = token_in(page)  # the sign-out form carries one
    compiler.request(f"/admin/duplicates/{keys['household_population']}/resolve",
                     {"csrf_token": csrf, "source": city_department_code("ga")})
    assert "只有市级审核员或数据主管部门可以指定数据来源" in html.unescape(compiler.follow()[1])

    reviewer = signed_in(base, "reviewer", DEMO_PASSWORD)
    key = keys["household_population"]
    status, page = reviewer.request("/admin/duplicates/")
    assert status == 200 and page.count("resolve-form") == 4 and 'id="count-open">4<' in page
    status, _ = reviewer.request(f"/admin/duplicates/{key}/resolve", {"csrf_token": token_in(page), "source": city_department_code("cz")})
    assert status == 302 and "不是该发现所涉条目的提供部门" in html.unescape(reviewer.follow()[1])

    status, _ = reviewer.request(f"/admin/duplicates/{key}/resolve", {
        "csrf_token": token_in(page), "source": city_department_code("ga"), "note": "户籍登记由公安机关负责"})
    assert status == 302 and reviewer.location == f"/admin/duplicates/{key}"
    _, detail = reviewer.follow()
    detail = html.unescape(detail)
    assert "已指定数据来源：嵩原市公安局" in detail and "户籍登记由公安机关负责" in detail
    assert 'id="designations"' in detail and "reviewer" in detail

    _, resolved = reviewer.request("/admin/duplicates/?status=resolved")
    assert _cards(resolved) == [key] and 'data-status="resolved"' in resolved
    _, still_open = reviewer.request("/admin/duplicates/?status=open")
    assert key not in _cards(still_open) and len(_cards(still_open)) == 3
    _, mine = reviewer.request(f"/admin/duplicates/?org={city_department_code('mz')}")
    assert sorted(_cards(mine)) == sorted([keys["household_population"], keys["disabled_persons"]])

    assert reviewer.request("/admin/duplicates/d0000000000000000")[0] == 404
