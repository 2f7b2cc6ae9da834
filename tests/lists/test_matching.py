"""Suggestions: the search service and the field names (with synonyms) find the item that serves a demand."""
from __future__ import annotations

import pytest
from factories import entry
from lists_world import make_world, publish

from registry.app import Runtime
from registry.catalog.operations import create_item
from registry.core.config import load_settings
from registry.core.context import Context
from registry.core.errors import PermissionDenied
from registry.lists.demands import create_demand, refresh_suggestions
from registry.lists.matching import catalog_search, suggest
from registry.search.backends import backend_for


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


@pytest.fixture()
def search(ctx, world, tmp_path, database_url):
    """The real search service over an index of this test's items (built from the test's own session)."""
    runtime = Runtime(load_settings({"MULU_PROFILE": ctx.profile.name}, instance_path=tmp_path, database_url=database_url))
    backend_for(runtime.settings, runtime.profile).index_codes(
        ctx.session, [world.licences.code, world.residents.code, world.draft.code])
    return catalog_search(runtime, ctx.session)


def test_wanted_field_names_match_published_fields_through_synonyms(ctx, world):
    found = suggest(ctx, "", ["身份证号", "姓名", "血型"])
    assert [s["code"] for s in found] == [world.residents.code]
    assert found[0]["matched_fields"] == [{"wanted": "身份证号", "field": "公民身份号码"}, {"wanted": "姓名", "field": "姓名"}]
    assert found[0]["provider"] == {"code": world.people.orgs.other_dept.code, "name": "南阳市公安局"}


def test_the_requesters_own_items_and_drafts_are_never_suggested(ctx, world):
    assert suggest(ctx, "", ["企业名称"], requester=world.people.orgs.unit) == []  # its own department's item
    assert [s["code"] for s in suggest(ctx, "", ["企业名称"], requester=world.people.orgs.other_dept)] == [world.licences.code]
    # 车辆违章信息 is a draft: its fields are the factory's 企业名称 too, yet only the published item is offered.
    assert world.draft.code not in {s["code"] for s in suggest(ctx, "", ["企业名称", "成立日期"])}


def test_the_search_service_finds_items_by_the_description(ctx, world, search):
    found = suggest(ctx, "户籍人口 住址", [], requester=world.people.orgs.dept, search=search)
    assert found and found[0]["code"] == world.residents.code and found[0]["matched_fields"] == []
    assert world.draft.code not in {s["code"] for s in suggest(ctx, "车辆违章", [], search=search)}


def test_search_and_fields_together_rank_the_item_covering_most_fields_first(ctx, world, search):
    system = Context(session=ctx.session, profile=ctx.profile)
    other = publish(ctx, create_item(system, entry(world.people.orgs.other_dept, name="流动人口信息", category_code="416",
                                                   fields=[{"name": "姓名", "data_type": "C", "length": 50}])).item)
    found = suggest(ctx, "人口信息", ["居民身份证号码", "姓名"], requester=world.people.orgs.dept, search=search)
    assert found[0]["code"] == world.residents.code and len(found[0]["matched_fields"]) == 2
    assert other.code in {s["code"] for s in found}  # found by its field 姓名, though not yet in the index


def test_a_demand_keeps_its_suggestions_and_refreshes_them(ctx, world, search):
    compiler = world.as_(ctx, "compiler")
    demand = create_demand(compiler, world.people.orgs.dept, {"description": "需要户籍人口的住址信息", "purpose": "核验住所",
                                                               "fields": ["户籍地址"]}, search=search)
    assert [s["code"] for s in demand.data["suggestions"]] == [world.residents.code] and demand.data["matched"]
    system = Context(session=ctx.session, profile=ctx.profile)
    newer = publish(ctx, create_item(system, entry(world.people.orgs.other_dept, name="户籍迁移信息", category_code="417",
                                                   fields=[{"name": "户籍地址", "data_type": "C", "length": 200}])).item)
    refresh_suggestions(compiler, demand)
    assert {s["code"] for s in demand.data["suggestions"]} == {world.residents.code, newer.code}
    with pytest.raises(PermissionDenied):
        refresh_suggestions(world.as_(ctx, "other_compiler"), demand)



def test_a_sensitive_field_serves_a_demand_though_the_public_cannot_find_it(ctx, world, tmp_path, database_url):
    """Suggestions are for departments: a field flagged 敏感 still matches, through the search service too."""
    from registry.search import SearchRequest
    from registry.search import search as search_catalog

    next(f for f in world.residents.fields if f.name == "公民身份号码").is_sensitive = True
    ctx.session.flush()
    runtime = Runtime(load_settings({"MULU_PROFILE": ctx.profile.name}, instance_path=tmp_path, database_url=database_url))
    backend_for(runtime.settings, runtime.profile).index_codes(ctx.session, [world.residents.code, world.draft.code])
    found = suggest(ctx, "GMSFHM", [], requester=world.people.orgs.dept, search=catalog_search(runtime, ctx.session))
    assert [s["code"] for s in found] == [world.residents.code]
    public = search_catalog(runtime, ctx.session, SearchRequest(text="GMSFHM"), public=True)
    assert world.residents.code not in {hit.code for hit in public.results}
