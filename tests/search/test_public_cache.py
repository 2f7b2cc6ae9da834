"""PostgreSQL backend: public searches are cached, for every app server, until a public item is written."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from databases import is_postgres
from factories import commit_change, entry, make_org_tree, published_and_draft
from registry.accounts.models import User
from registry.accounts.operations import create_user
from registry.accounts.permissions import item_scope
from registry.app import Runtime
from registry.catalog import operations as ops
from registry.core.config import load_settings
from registry.core.migrate import upgrade
from registry.search import SearchRequest, search
from registry.search import pg_cache, pg_index
from registry.search.kept import KeptResults
from registry.search.models import SearchCache, SearchGeneration
from registry.search.plan import Plan, RawResult
from registry.search.query import parse_query
from registry.search.synonyms import load_synonyms

pytestmark = pytest.mark.skipif(not is_postgres(), reason="the cache is the PostgreSQL backend's")


@pytest.fixture()
def runtime(tmp_path, fresh_database_url, monkeypatch):
    monkeypatch.setenv("MULU_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("MULU_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("MULU_SEARCH_BACKEND", "postgres")
    runtime = Runtime(load_settings())
    upgrade(runtime.engine)
    yield runtime
    runtime.engine.dispose()


#: The statements of the last :func:`public_search`.
last_statements: list[str] = []


def public_search(runtime: Runtime, text: str, **options) -> tuple[list[str], int]:
    """The hits' names as the public sees them, and how many statements the search ran on the index."""
    last_statements.clear()

    def count(*args):
        last_statements.append(args[2])

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        with runtime.sessions() as session:
            names = [hit.name for hit in search(runtime, session, SearchRequest(text=text, **options), public=True).results]
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)
    return names, len([s for s in last_statements if "search_document" in s])


def token(runtime: Runtime) -> str:
    with runtime.sessions() as session:
        return session.scalar(select(SearchGeneration.token).where(SearchGeneration.name == "public"))




def test_public_results_are_reused_until_a_public_item_is_written(runtime, monkeypatch):
    codes = {}

    def first(ctx):
        orgs = make_org_tree(ctx)
        codes["orgs"] = orgs
        item = ops.create_item(ctx, entry(orgs.dept, name="缓存检验甲信息")).item
        ops.publish_item(ctx, item)

    commit_change(runtime, first)
    assert public_search(runtime, "缓存检验") == (["缓存检验甲信息"], 3)  # counted, ranked, documents read
    assert public_search(runtime, "缓存检验") == (["缓存检验甲信息"], 0)  # reused
    assert not any("search_cache" in s for s in last_statements)  # kept by this process: not even read back
    assert len(last_statements) == 1, last_statements  # the token; the response is kept too (no labels read)
    other_server = Runtime(load_settings())  # its own engine and pool, as another app server has
    try:
        with monkeypatch.context() as elsewhere:
            elsewhere.setattr(pg_cache, "_kept", KeptResults())  # and its own memory
            assert public_search(other_server, "缓存检验") == (["缓存检验甲信息"], 0)  # shared through the database
            assert any("search_cache" in s for s in last_statements)
    finally:
        other_server.engine.dispose()
    assert public_search(runtime, "缓存检验", page=2)[1] > 0  # another page is another search

    before = token(runtime)

    def draft(ctx):
        codes["draft"] = ops.create_item(ctx, entry(codes["orgs"].dept, name="缓存检验乙信息")).item.code

    commit_change(runtime, draft)
    assert token(runtime) == before  # a draft changes nothing the public sees
    assert public_search(runtime, "缓存检验") == (["缓存检验甲信息"], 0)

    commit_change(runtime, lambda ctx: ops.publish_item(ctx, ops.get_item(ctx, codes["draft"])))
    assert token(runtime) != before
    names, statements = public_search(runtime, "缓存检验")
    assert sorted(names) == ["缓存检验乙信息", "缓存检验甲信息"] and statements == 3

    renamed = token(runtime)
    commit_change(runtime, lambda ctx: ops.update_item(ctx, ops.get_item(ctx, codes["draft"]), {"summary": "改动已发布条目"}))
    assert token(runtime) != renamed  # a published item's pending change is public work too


def test_readers_who_see_drafts_are_never_served_from_the_cache(runtime):
    users = {}

    def build(ctx):
        orgs = make_org_tree(ctx)
        ops.publish_item(ctx, ops.create_item(ctx, entry(orgs.dept, name="缓存范围甲信息")).item)
        ops.create_item(ctx, entry(orgs.dept, name="缓存范围乙信息"))
        users["own"] = create_user(ctx, "cache_own", "compiler", orgs.dept.code, "Compile#2026").id
        users["other"] = create_user(ctx, "cache_other", "compiler", orgs.other_dept.code, "Compile#2026").id

    commit_change(runtime, build)

    def names_for(user: str) -> list[str]:
        with runtime.sessions() as session:
            actor = session.get(User, users[user])
            return sorted(hit.name for hit in search(runtime, session, SearchRequest(text="缓存范围"), actor=actor).results)

    assert public_search(runtime, "缓存范围")[0] == ["缓存范围甲信息"]
    assert names_for("own") == ["缓存范围乙信息", "缓存范围甲信息"]  # their own draft, not the public's answer
    assert names_for("other") == ["缓存范围甲信息"]  # and not the first compiler's answer either
    assert names_for("own") == ["缓存范围乙信息", "缓存范围甲信息"]


def test_an_index_write_that_fails_still_voids_the_cached_results(runtime, monkeypatch):
    draft = published_and_draft(runtime, "失败检验")["draft"]
    assert public_search(runtime, "失败检验")[0] == ["失败检验甲信息"]

    def broken(session, docs):
        raise OSError("disk full")

    with monkeypatch.context() as failing:
        failing.setattr(pg_index, "upsert", broken)
        commit_change(runtime, lambda ctx: ops.publish_item(ctx, ops.get_item(ctx, draft)))
    names, statements = public_search(runtime, "失败检验")
    assert sorted(names) == ["失败检验乙信息", "失败检验甲信息"] and statements == 3  # the catalog, not the cache


def test_cached_results_are_read_for_an_hour_only(runtime, monkeypatch):
    commit_change(runtime, lambda ctx: ops.publish_item(ctx, ops.create_item(ctx, entry(make_org_tree(ctx).dept,
                                                                                 name="时限检验信息")).item))
    assert public_search(runtime, "时限检验")[1] == 3 and public_search(runtime, "时限检验")[1] == 0
    now = pg_cache.utcnow
    monkeypatch.setattr(pg_cache, "utcnow", lambda: now() + timedelta(hours=1, minutes=1))
    assert public_search(runtime, "时限检验") == (["时限检验信息"], 3)  # neither this process's copy nor the table's
    with runtime.sessions() as session:  # the expired entry made way for the new one
        assert session.scalar(select(func.min(SearchCache.created_at))) > now() + timedelta(minutes=59)


def test_a_transaction_that_changed_items_searches_around_the_cache(runtime):
    draft = published_and_draft(runtime, "事务检验")["draft"]
    assert public_search(runtime, "事务检验")[0] == ["事务检验甲信息"]
    with runtime.sessions() as session:
        ctx = runtime.context(session)
        ops.publish_item(ctx, ops.get_item(ctx, draft))
        session.flush()
        seen = [hit.name for hit in search(runtime, session, SearchRequest(text="事务检验"), public=True).results]
        assert sorted(seen) == ["事务检验乙信息", "事务检验甲信息"]  # its own uncommitted publication
        session.rollback()
    assert public_search(runtime, "事务检验") == (["事务检验甲信息"], 0)  # nobody else was given it


def public_plan(runtime: Runtime, session, text: str) -> Plan:
    synonyms = load_synonyms(runtime.settings.instance_path)
    return Plan(SearchRequest(text=text), parse_query(text, synonyms), item_scope(session, None, True), {}, synonyms,
                public=True)


class Racing:
    """Two app servers missing the same public search at once: the first computes slowly, until released."""

    def __init__(self, runtime: Runtime, text: str) -> None:
        self.runtime, self.text = runtime, text
        self.computing, self.release = threading.Event(), threading.Event()
        self.computed: list[str] = []
        self.results: dict[str, RawResult] = {}

    def compute(self, name: str) -> RawResult:
        if name == "first":
            self.computing.set()
            assert self.release.wait(10)
        self.computed.append(name)
        return RawResult(total=len(self.computed), docs=[], terms=[name])

    def search(self, name: str) -> threading.Thread:
        def run() -> None:
            with self.runtime.sessions() as session:
                self.results[name] = pg_cache.public_result(session, public_plan(self.runtime, session, self.text),
                                                            lambda: self.compute(name))

        thread = threading.Thread(target=run)
        thread.start()
        if name == "first":
            assert self.computing.wait(10)
        return thread


def test_a_search_another_server_is_computing_waits_for_its_result(runtime):
    published_and_draft(runtime, "并发检验")
    race = Racing(runtime, "并发检验")
    first, second = race.search("first"), race.search("second")
    try:
        second.join(0.3)
        assert second.is_alive()  # waiting, not computing
    finally:
        race.release.set()
        first.join(10), second.join(10)
    assert race.computed == ["first"]
    assert race.results["second"].terms == ["first"]


def test_the_wait_is_bounded(runtime, monkeypatch):
    published_and_draft(runtime, "限时检验")
    monkeypatch.setattr(pg_cache, "COMPUTING_WAIT_MS", 100)
    race = Racing(runtime, "限时检验")
    first, second = race.search("first"), race.search("second")
    try:
        second.join(10)
    finally:
        race.release.set()
        first.join(10)
    assert race.computed == ["second", "first"]  # the second computed its own rather than wait on
    assert race.results["second"].terms == ["second"]


def test_a_computation_that_fails_leaves_nobody_waiting(runtime, monkeypatch):
    published_and_draft(runtime, "失败计算")
    monkeypatch.setattr(pg_cache, "COMPUTING_WAIT_MS", 5_000)

    def broken() -> RawResult:
        raise RuntimeError("ranking failed")

    with runtime.sessions() as session, pytest.raises(RuntimeError):
        pg_cache.public_result(session, public_plan(runtime, session, "失败计算"), broken)
    started = time.monotonic()
    with runtime.sessions() as session:
        answer = pg_cache.public_result(session, public_plan(runtime, session, "失败计算"),
                                        lambda: RawResult(total=1, docs=[], terms=["next"]))
    assert answer.terms == ["next"] and time.monotonic() - started < 2  # the lock went with the failure


def test_without_a_second_connection_a_search_loses_only_the_sharing(runtime, monkeypatch):
    published_and_draft(runtime, "连接检验")

    def refused(*args, **kwargs):
        raise OperationalError("connect", {}, Exception("too many connections"))

    with runtime.sessions() as session:
        plan = public_plan(runtime, session, "连接检验")
        session.execute(select(1))  # the request has its own connection already
        monkeypatch.setattr(runtime.engine, "connect", refused)
        answer = pg_cache.public_result(session, plan, lambda: RawResult(total=1, docs=[], terms=["alone"]))
    assert answer.terms == ["alone"]
