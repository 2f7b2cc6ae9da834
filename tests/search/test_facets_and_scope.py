"""Facet counts agree with the database, combine with keywords and filters, and respect who is asking."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.permissions import PUBLIC_STATUSES
from registry.catalog.models import CatalogItem
from registry.core.errors import ValidationError
from registry.orgs.models import Organisation


def _truth(world, backend: str, visible) -> dict[str, Counter]:
    """Facet counts computed straight from catalog_item for the items ``visible(item)`` accepts."""
    with Session(world.runtimes[backend].engine) as session:
        items = [i for i in session.scalars(select(CatalogItem)) if visible(i)]
        codes = dict(session.execute(select(Organisation.id, Organisation.code)).all())
        return {
            "provider": Counter(codes[i.provider_id] for i in items),
            "class_code": Counter(i.class_code for i in items),
            "class_item": Counter(f"{i.class_code}.{i.item_code}" for i in items),
            "share_type": Counter(i.share_type.value for i in items),
            "open_type": Counter(i.open_type.value for i in items),
            "update_cycle": Counter(i.update_cycle for i in items),
            "format_class": Counter(i.format_class for i in items),
            "status": Counter(i.status.value for i in items),
            "security_grade": Counter(i.security_grade for i in items if i.security_grade),
        }


def test_public_facets_count_published_items_only(world, backend):
    response = world.search(backend)
    truth = _truth(world, backend, lambda i: i.status.value in PUBLIC_STATUSES)
    assert response.total == 10
    for name, counts in truth.items():
        assert response.facets[name] == dict(counts), name
    assert response.facet_labels["share_type"]["conditional"] == "有条件共享"
    assert response.facet_labels["provider"][world.corpus.orgs.dept.code] == "南阳市市场监督管理局"
    assert response.facet_labels["class_item"]["3.07"].startswith("省(自治区")


def test_keyword_with_facets_and_disjunctive_counts(world, backend):
    plain = world.search(backend, "许可")
    assert plain.total == sum(plain.facets["share_type"].values())
    narrowed = world.search(backend, "许可", filters={"share_type": ("有条件共享",)})  # labels are accepted
    assert narrowed.total == plain.facets["share_type"]["conditional"] == 1
    assert [h.name for h in narrowed.results] == ["建设工程规划许可信息"]
    # the chosen facet still offers its other values; the other facets count the narrowed results
    assert narrowed.facets["share_type"] == plain.facets["share_type"]
    assert sum(narrowed.facets["open_type"].values()) == narrowed.total
    both = world.search(backend, "许可", filters={"share_type": ("conditional", "unconditional")})
    assert both.total == plain.total


def test_filters_combine_and_organisations_include_their_subtree(world, backend):
    orgs = world.corpus.orgs
    county = world.search(backend, filters={"provider": (orgs.county.code,)})
    assert {h.name for h in county.results} == {"企业年报公示信息", "食品经营许可信息"}
    combined = world.search(backend, filters={"provider": (orgs.county.code,), "security_grade": ("important",)})
    assert [h.name for h in combined.results] == ["食品经营许可信息"]
    assert world.search(backend, filters={"provider": ("nonexistent",)}).total == 0
    monthly = world.search(backend, filters={"update_cycle": ("monthly",), "class_code": ("3",)})
    assert {h.name for h in monthly.results} == {"户籍人口基本信息", "个体工商户名录"}
    assert [h.name for h in world.search(backend, "户籍", filters={"update_cycle": ("monthly",)}).results] == ["户籍人口基本信息"]


def test_unknown_filter_is_refused_in_chinese(world, backend):
    with pytest.raises(ValidationError, match="未知的筛选项"):
        world.search(backend, filters={"colour": ("red",)})


def test_compiler_sees_own_drafts_in_results_counts_and_facets(world, backend):
    corpus = world.corpus
    public = world.search(backend, "企业")
    mine = world.search(backend, "企业", actor=corpus.compiler, public=False)
    assert "内部草稿企业名录" not in [h.name for h in public.results]
    assert "内部草稿企业名录" in [h.name for h in mine.results]
    assert mine.total == public.total + 1
    assert mine.facets["status"].get("draft") == 1 and "draft" not in public.facets["status"]
    police = world.search(backend, "企业", actor=corpus.police_compiler, public=False)
    names = [h.name for h in police.results]
    assert "内部草稿企业名录" not in names and "公安内部草稿数据" in names  # its field 企业名称
    truth = _truth(world, backend, lambda i: i.status.value in PUBLIC_STATUSES or i.provider_id == corpus.orgs.dept.id)
    everything = world.search(backend, actor=corpus.compiler, public=False)
    assert everything.facets["status"] == dict(truth["status"])
    assert everything.facets["provider"] == dict(truth["provider"])


def test_the_public_gets_the_response_kept_and_readers_their_own(world, backend):
    """Both backends keep a public search's response with its result: made once, never handed to a reader who sees more."""
    first = world.search(backend, "许可")
    assert world.search(backend, "许可") is first  # kept, response and all
    assert world.search(backend, "许可", page=2, per_page=1) is not first
    corpus = world.corpus
    mine = world.search(backend, "许可", actor=corpus.compiler, public=False)
    assert mine is not first and world.search(backend, "许可", actor=corpus.compiler, public=False) is not mine


def test_field_search_respects_scope(world, backend):
    corpus = world.corpus
    public = {h.name for h in world.search(backend, field_name="企业名称").results}
    assert public == {"企业登记信息", "企业变更登记信息", "营业执照电子证照"}  # 市场主体名称: 企业 ≈ 市场主体
    police = {h.name for h in world.search(backend, field_name="企业名称", actor=corpus.police_compiler, public=False).results}
    assert police == public | {"公安内部草稿数据"}
