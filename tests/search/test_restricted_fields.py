"""Sensitive and secret fields in search: the public neither finds an item through them nor sees them in a hit.

An item of its own world (the shared corpus's counts stay as they are), indexed by every backend the test
database allows, searched as the public and as a signed-in reader.
"""
from __future__ import annotations

import pytest
from corpus import BACKENDS
from databases import drop_postgres_database, is_postgres, new_postgres_database
from factories import entry, make_org_tree
from sqlalchemy.orm import Session

from registry.app import Runtime
from registry.catalog import operations as ops
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from registry.core.migrate import upgrade
from registry.search import SearchRequest, search
from registry.search.backends import backend_for

SECRET = {"name": "涉密字段庚号", "technical_name": "mimi_geng", "data_type": "C", "length": 20, "is_secret": True,
          "description": "涉密说明庚号"}
SENSITIVE = {"name": "敏感字段庚号", "technical_name": "mingan_geng", "data_type": "C", "length": 20,
             "is_sensitive": True, "description": "敏感说明庚号"}


@pytest.fixture(scope="module")
def runtimes(tmp_path_factory):
    instance = tmp_path_factory.mktemp("restricted-search")
    url = new_postgres_database("mulu_restricted") if is_postgres() else f"sqlite:///{instance / 'search.db'}"
    runtimes = {name: Runtime(load_settings({}, instance_path=instance, database_url=url, search_backend=name))
                for name in BACKENDS}
    upgrade(runtimes["whoosh"].engine)
    with unit_of_work(runtimes["whoosh"].sessions) as session:  # the Whoosh subscriber indexes the commit
        ctx = runtimes["whoosh"].context(session)
        orgs = make_org_tree(ctx)
        ordinary = entry(orgs.dept)["fields"]
        item = ops.create_item(ctx, entry(orgs.dept, fields=[ordinary[0], SECRET, SENSITIVE, *ordinary[1:]])).item
        ops.publish_item(ctx, item)
    if "postgres" in runtimes:
        pg = runtimes["postgres"]
        backend_for(pg.settings, pg.profile).reindex(pg.engine)
    yield runtimes
    for runtime in runtimes.values():
        runtime.engine.dispose()
    if is_postgres():
        drop_postgres_database(url)


def _found(runtimes, backend: str, public: bool, text: str = "", **options):
    runtime = runtimes[backend]
    with Session(runtime.engine) as session:
        return search(runtime, session, SearchRequest(text=text, **options), public=public)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("query", [
    {"text": "涉密字段庚号"}, {"text": "敏感说明"}, {"text": "mimi_geng"}, {"text": "庚"}, {"text": "庚号"},
    {"text": '"涉密字段"'}, {"text": "!涉密字段庚号"},
    {"field_name": "涉密字段庚号"}, {"field_name": "!涉密字段庚号"}, {"field_name": "字段", "field_mode": "fuzzy"},
    {"field_name": "庚", "field_mode": "fuzzy"},
])
def test_the_public_finds_nothing_through_a_restricted_field(runtimes, backend, query):
    assert _found(runtimes, backend, public=True, **query).total == 0
    if "!" not in query.get("text", "") + query.get("field_name", ""):
        signed_in = _found(runtimes, backend, public=False, **query)
        assert signed_in.total == 1, query  # the control: the index does hold them


@pytest.mark.parametrize("backend", BACKENDS)
def test_ordinary_fields_still_match_and_show_for_the_public(runtimes, backend):
    found = _found(runtimes, backend, public=True, text="企业名称")
    assert found.total == 1 and found.results[0].matched_fields == ["企业名称"]
    assert _found(runtimes, backend, public=True, field_name="企业名称").total == 1
    assert _found(runtimes, backend, public=True, field_name="企业", field_mode="fuzzy").total == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_signed_in_readers_see_the_restricted_fields_matched(runtimes, backend):
    hit = _found(runtimes, backend, public=False, text="字段庚号").results[0]
    assert set(hit.matched_fields) == {"涉密字段庚号", "敏感字段庚号"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_index_is_current(runtimes, backend):
    runtime = runtimes[backend]
    with Session(runtime.engine) as session:
        assert backend_for(runtime.settings, runtime.profile).check(session).clean


@pytest.mark.parametrize("backend", BACKENDS)
def test_hits_from_an_index_built_before_restricted_fields_were_stored_apart_show_none_to_the_public(runtimes, backend):
    """Until the reindex ``mulu search check`` asks for, stored documents hold every field together."""
    from registry.search import service

    runtime = runtimes[backend]
    with Session(runtime.engine) as session:
        stored = dict(backend_for(runtime.settings, runtime.profile).execute(
            session, _plan(session, runtime, "涉密字段庚号")).docs[0])
        older = {key: value for key, value in stored.items() if not key.startswith("hidden_")}
        older["fields"] = stored["fields"] + stored["hidden_fields"]
        older["field_descriptions"] = stored["field_descriptions"] + stored["hidden_field_descriptions"]
        public = service._disclosed_docs(session, [older], public=True)[0]
        signed_in = service._disclosed_docs(session, [stored], public=False)[0]
    assert SECRET["name"] in older["fields"] and SECRET["name"] not in public["fields"]
    assert SENSITIVE["description"] not in public["field_descriptions"] and "企业名称" in public["fields"]
    assert {SECRET["name"], SENSITIVE["name"]} <= set(signed_in["fields"])


def _plan(session, runtime, text: str):
    from registry.accounts.permissions import item_scope
    from registry.search.plan import Plan
    from registry.search.query import parse_query
    from registry.search.synonyms import load_synonyms

    synonyms = load_synonyms(runtime.settings.instance_path)
    return Plan(SearchRequest(text=text), parse_query(text, synonyms), item_scope(session, None), {}, synonyms)
