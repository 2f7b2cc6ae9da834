"""Search this word, find this item: a fixed set of queries with their expected top results, on every backend."""
from __future__ import annotations

import pytest

# (query, options, the names expected first, in order) — one line per relevance rule.
TOP_RESULTS = [
    # jieba never emits these as tokens; substring matching finds them (DESIGN.md, recall of jieba tokens)
    ("建设工程", {}, ["建设工程规划许可信息"]),
    ("社会保障卡", {}, ["社会保障卡持卡人员信息"]),
    # the whole name first
    ("户籍人口基本信息", {}, ["户籍人口基本信息"]),
    # name > field names > summary
    ("营业执照", {}, ["营业执照电子证照", "企业年报公示信息", "食品经营许可信息"]),
    # synonyms: what was typed ranks above what a synonym found
    ("身份证号", {}, ["个体工商户名录"]),
    ("工商行政处罚", {}, ["市场监管行政处罚信息"]),
]


@pytest.mark.parametrize(("query", "options", "expected"), TOP_RESULTS, ids=[q for q, _, _ in TOP_RESULTS])
def test_expected_items_come_first(world, backend, query, options, expected):
    names = world.names(backend, query, **options)
    assert names[:len(expected)] == expected, names


def test_field_name_as_query_ranks_items_having_the_field(world, backend):
    names = world.names(backend, "公民身份号码")
    assert set(names[:2]) == {"社会保障卡持卡人员信息", "户籍人口基本信息"}  # equally relevant
    assert names[2] == "个体工商户名录"  # 身份证号, a synonym


def test_two_character_word_finds_every_item_using_it(world, backend):
    names = world.names(backend, "企业")
    assert set(names[:3]) == {"企业登记信息", "企业变更登记信息", "企业年报公示信息"}, names
    assert "个体工商户名录" in names  # 市场主体, a synonym of 企业, in its summary
    assert "内部草稿企业名录" not in names  # a draft: the public never sees it


def test_synonyms_find_items_that_never_use_the_typed_word(world, backend):
    names = world.names(backend, "身份证号")
    assert {"社会保障卡持卡人员信息", "户籍人口基本信息"} <= set(names)  # they say 公民身份号码


def test_substring_not_separate_words(world, backend):
    # 企业变更登记信息 has 企业 and 登记, but not 企业登记
    assert world.names(backend, "企业登记") == ["企业登记信息"]


def test_quoted_phrase_is_exact_without_synonyms(world, backend):
    assert world.names(backend, "工商行政处罚") == ["市场监管行政处罚信息"]
    response = world.search(backend, '"工商行政处罚"')
    assert response.total == 0 and not response.relaxed
    assert world.names(backend, "“社会保障卡”") == ["社会保障卡持卡人员信息"]


def test_every_word_must_match(world, backend):
    assert world.names(backend, "许可 食品") == ["食品经营许可信息"]


def test_no_full_match_falls_back_to_the_best_partial_matches(world, backend):
    response = world.search(backend, "社会保障卡 宇宙飞船")
    assert response.relaxed
    assert [h.name for h in response.results][:1] == ["社会保障卡持卡人员信息"]


def test_resource_code_and_its_prefix(world, backend):
    code = world.corpus.code("residents")
    assert world.names(backend, code)[0] == "户籍人口基本信息"
    classification = code.split("/")[0]
    response = world.search(backend, classification, per_page=50)
    assert response.results and all(h.code.startswith(classification) for h in response.results)
    assert world.names(backend, code[:-2])[0] in {world.corpus.names[k] for k in world.corpus.codes
                                                  if world.corpus.codes[k].startswith(code[:-2])}


def test_highlights_mark_the_matches(world, backend):
    hit = world.search(backend, "营业执照").results[0]
    assert hit.highlights["name"] == "<mark>营业执照</mark>电子证照"
    assert "<mark>营业执照</mark>" in hit.highlights["summary"]
    field_hit = world.search(backend, "营业执照注册号").results[0]
    assert field_hit.highlights["fields"] == ["<mark>营业执照注册号</mark>"]
    assert field_hit.matched_fields == ["营业执照注册号"]


def test_field_level_search_exact_and_fuzzy(world, backend):
    exact = world.names(backend, field_name="许可证编号", per_page=50)
    assert set(exact) == {"建设工程规划许可信息", "食品经营许可信息"}
    fuzzy = world.names(backend, field_name="编号", field_mode="fuzzy", per_page=50)
    assert set(fuzzy) == {"建设工程规划许可信息", "食品经营许可信息", "营业执照电子证照"}  # 证照编号; 案件编号 is a draft
    assert world.names(backend, field_name="编号", per_page=50) == []  # no field is named just 编号
    with_text = world.names(backend, "规划", field_name="许可证编号", per_page=50)
    assert with_text == ["建设工程规划许可信息"]


def test_field_search_with_synonyms_and_matched_fields(world, backend):
    response = world.search(backend, field_name="身份证号")
    assert {h.name for h in response.results} == {"个体工商户名录", "社会保障卡持卡人员信息", "户籍人口基本信息"}
    credit = world.names(backend, field_name="统一社会信用代码", per_page=50)
    assert set(credit) == {"企业登记信息", "企业年报公示信息", "食品经营许可信息"}  # 社会信用代码 is a synonym
    by_name = {h.name: h.matched_fields for h in response.results}
    assert by_name["户籍人口基本信息"] == ["公民身份号码"]


def test_sorting_and_pagination(world, backend):
    everything = world.search(backend, per_page=100)
    assert everything.total == 10  # the published ones
    dates = [h.publish_date for h in everything.results]
    assert dates == sorted(dates, reverse=True)
    pages = [world.search(backend, per_page=3, page=p).results for p in (1, 2, 3, 4)]
    codes = [h.code for page in pages for h in page]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert world.search(backend, per_page=3, page=4).pages == 4
    updated = world.search(backend, sort="updated", per_page=100).results
    assert [h.updated_at for h in updated] == sorted((h.updated_at for h in updated), reverse=True)
