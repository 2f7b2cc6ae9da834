"""The index follows the database: after each commit, across processes, through failures and reindexes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from corpus import BACKENDS
from factories import entry, make_org_tree
from registry.app import Runtime
from registry.catalog import operations as ops
from registry.catalog.models import CatalogItem, ItemStatus
from registry.cli import main as mulu_main
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from registry.core.migrate import upgrade
from registry.search import SearchRequest, search
from registry.search.backends import backend_for

WRITER = Path(__file__).with_name("writer.py")


@pytest.fixture(params=BACKENDS)
def instance(request, tmp_path, fresh_database_url, monkeypatch):
    """A migrated, empty instance using one backend, with the environment the ``mulu`` command reads."""
    env = {"MULU_INSTANCE_PATH": str(tmp_path / "instance"), "MULU_DATABASE_URL": fresh_database_url,
           "MULU_SEARCH_BACKEND": request.param, "MULU_PROFILE": "national"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    runtime = Runtime(load_settings())
    upgrade(runtime.engine)
    yield runtime, env
    runtime.engine.dispose()


def names(runtime: Runtime, text: str, **options) -> list[str]:
    with runtime.sessions() as session:
        return [h.name for h in search(runtime, session, SearchRequest(text=text, **options)).results]


def check(runtime: Runtime):
    with runtime.sessions() as session:
        return backend_for(runtime.settings, runtime.profile).check(session)


def test_each_commit_is_searchable_at_once(instance):
    runtime, _ = instance
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        orgs = make_org_tree(ctx)
        code = ops.create_item(ctx, entry(orgs.dept, name="危险化学品经营许可信息")).item.code
    assert names(runtime, "危险化学品") == ["危险化学品经营许可信息"]
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        ops.update_item(ctx, ops.get_item(ctx, code), {"name": "烟花爆竹经营许可信息"})
    assert names(runtime, "危险化学品") == [] and names(runtime, "烟花爆竹") == ["烟花爆竹经营许可信息"]
    try:
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            ops.update_item(ctx, ops.get_item(ctx, code), {"name": "回滚的名称"})
            raise RuntimeError("the job dies before committing")
    except RuntimeError:
        pass
    assert names(runtime, "回滚") == [] and check(runtime).clean


def test_a_failing_index_never_loses_the_write_and_check_finds_it(instance, monkeypatch):
    runtime, _ = instance
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        code = ops.create_item(ctx, entry(make_org_tree(ctx).dept, name="原始名称信息")).item.code

    def broken(self, session, codes):
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(type(backend_for(runtime.settings, runtime.profile)), "index_codes", broken)
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            ops.update_item(ctx, ops.get_item(ctx, code), {"name": "索引失败时的名称"})
    with runtime.sessions() as session:
        assert session.scalar(select(CatalogItem.name).where(CatalogItem.code == code)) == "索引失败时的名称"
    drift = check(runtime)
    assert drift.stale == [code] and not drift.clean
    result = CliRunner().invoke(mulu_main, ["search", "check"])
    assert result.exit_code == 1 and code in result.output and "不一致" in result.output
    assert CliRunner().invoke(mulu_main, ["search", "reindex"]).exit_code == 0
    assert check(runtime).clean and names(runtime, "索引失败") == ["索引失败时的名称"]


@pytest.fixture()
def whoosh_runtime(instance):
    """The instance's runtime, for tests of the Whoosh backend's own mechanics (its queue, its segments)."""
    runtime, _ = instance
    if runtime.settings.search_backend != "whoosh":
        pytest.skip("Whoosh's own mechanics; PostgreSQL writes rows under row locks")
    return runtime


def test_busy_index_queues_codes_for_the_next_writer(whoosh_runtime, monkeypatch):
    from registry.search import whoosh_index

    runtime = whoosh_runtime
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        orgs = make_org_tree(ctx)
        first = ops.create_item(ctx, entry(orgs.dept, name="排队条目甲")).item.code
    monkeypatch.setattr(whoosh_index, "LOCK_TIMEOUT", 0.2)
    home = whoosh_index.WhooshHome(runtime.settings.instance_path)
    with home.write_lock():  # another process is writing, for longer than we wait
        done = threading.Event()

        def commit() -> None:
            with unit_of_work(runtime.sessions) as session:
                ctx = runtime.context(session)
                ops.update_item(ctx, ops.get_item(ctx, first), {"name": "排队条目乙"})
            done.set()

        worker = threading.Thread(target=commit)
        worker.start()
        worker.join(timeout=10)
        assert done.is_set()
    drift = check(runtime)
    assert drift.pending == 1 and not drift.clean
    with unit_of_work(runtime.sessions) as session:  # the next writer drains the queue
        ctx = runtime.context(session)
        ops.create_item(ctx, entry(orgs.dept, name="后来的条目"))
    assert check(runtime).clean and names(runtime, "排队条目") == ["排队条目乙"]


def _run(env: dict[str, str], *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_concurrent_writers_and_a_reindex_while_searching_leave_no_drift(instance):
    runtime, env = instance
    mulu = [sys.executable, "-m", "registry"]
    assert subprocess.run([*mulu, "demo", "load", "--items", "240"], env={**os.environ, **env},
                          capture_output=True).returncode == 0
    with runtime.sessions() as session:
        drafts = list(session.scalars(select(CatalogItem.code).where(CatalogItem.status == ItemStatus.DRAFT)))
        published = list(session.scalars(select(CatalogItem.code).where(CatalogItem.status == ItemStatus.PUBLISHED).limit(6)))
    shared = drafts[:4]  # edited by every writer: the last commit must win in the index too
    writers = [_run(env, str(WRITER), f"写入者{n}", "3", ",".join(shared + drafts[4 + 3 * n:7 + 3 * n] + published[2 * n:2 * n + 2]))
               for n in range(3)]
    reindex = _run(env, "-m", "registry", "search", "reindex")
    searched, errors = 0, []
    while any(p.poll() is None for p in [*writers, reindex]):
        try:
            with runtime.sessions() as session:
                response = search(runtime, session, SearchRequest(text="信息"))
            assert response.total > 0
            searched += 1
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(repr(exc))
        time.sleep(0.05)
    for proc in [*writers, reindex]:
        out, err = proc.communicate()
        assert proc.returncode == 0, err
    assert not errors and searched > 0
    result = subprocess.run([*mulu, "search", "check", "--json"], env={**os.environ, **env}, capture_output=True, text=True)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["clean"] and report["items"] == 240, report
    # drafts change at once; published items only gain a pending change (and a new status)
    assert len(names(runtime, "写入者", per_page=100)) == len(set(shared + drafts[4:13]))


def test_a_reader_reopening_after_a_commit_reads_only_the_new_segments(whoosh_runtime, monkeypatch):
    from registry.search import whoosh_index

    runtime = whoosh_runtime
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        orgs = make_org_tree(ctx)
        for n in range(3):
            ops.create_item(ctx, entry(orgs.dept, name=f"分段条目{n}"))
    handle = whoosh_index.handle_for(whoosh_index.WhooshHome(runtime.settings.instance_path))
    with handle.lock:
        assert handle.view() is not None
        before = set(handle._caches)
    built = []  # segments whose cache is built: building one reads its bitmaps (~25 ms per 50,000 items)

    class Counted(whoosh_index.SegmentCache):
        def __init__(self, reader) -> None:
            built.append(reader.segment().segment_id())
            super().__init__(reader)

    monkeypatch.setattr(whoosh_index, "SegmentCache", Counted)
    with unit_of_work(runtime.sessions) as session:  # a commit adds a segment
        ctx = runtime.context(session)
        ops.create_item(ctx, entry(orgs.dept, name="后加的分段条目"))
    with handle.lock:
        handle.view()
        after = set(handle._caches)
    assert before & after and built and not set(built) & before
    assert names(runtime, "分段条目") and names(runtime, "后加的") == ["后加的分段条目"]


def _terms_by_item(home) -> tuple[dict[int, set], int]:
    """Every live item's (field, term) pairs as Whoosh's postings hold them, and how many segments hold them.

    Small segments also keep every term in their bitmap table; for those the table must say the same.
    """
    from whoosh import index as whoosh_index

    from registry.search import bitsets
    from registry.search.whoosh_view import complete_table, segment_leaves

    found: dict[int, set] = {}
    with whoosh_index.open_dir(str(home.live_dir())).searcher() as searcher:
        leaves = segment_leaves(searcher.reader())
        for leaf, _ in leaves:
            ids = list(leaf.column_reader("item_id"))
            postings = {(field, term): set(leaf.postings(field, term).all_ids()) for field, term in leaf.all_terms()}
            postings = {key: docs for key, docs in postings.items() if docs}
            table = complete_table(leaf)
            assert table is not None, "a small segment without its complete table"
            deleted = set(leaf.segment().deleted_docs())
            live = {key: set(bitsets.iter_ids(int.from_bytes(raw, "little"))) - deleted
                    for key, raw in table.items() if not key[0].startswith("#")}  # "#upd": sort-key planes
            assert {key: docs for key, docs in live.items() if docs} == postings
            for (field, term), docs in postings.items():
                for docnum in docs:
                    found.setdefault(ids[docnum], set()).add((field, term))
    return found, len(leaves)


def test_merged_small_segments_hold_the_terms_a_rebuild_would(whoosh_runtime, monkeypatch):
    """A commit merges small segments from their complete bitmap tables, not term by term through Whoosh
    (which made merging most of an edit's cost): what the merges leave is what a rebuild writes."""
    from whoosh.writing import SegmentWriter

    from registry.search import whoosh_index

    runtime = whoosh_runtime
    home = whoosh_index.WhooshHome(runtime.settings.instance_path)
    slow_merges = []
    original = SegmentWriter.add_postings_to_pool
    monkeypatch.setattr(SegmentWriter, "add_postings_to_pool",
                        lambda *args: slow_merges.append(args[1]) or original(*args))
    with unit_of_work(runtime.sessions) as session:
        orgs = make_org_tree(runtime.context(session))
    codes: list[str] = []
    edited: dict[int, str] = {}
    for n in range(64):  # a commit each: the smallest tier merges every few commits, the next one twice
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            if n % 4 == 3:  # an edit leaves a deleted copy in an older segment, for a merge to drop
                item = ops.get_item(ctx, codes[n // 2])
                ops.update_item(ctx, item, {"summary": f"第{n}次修改后的摘要，含义不同"})
                edited[n] = item.name
            else:
                codes.append(ops.create_item(ctx, entry(orgs.dept, name=f"合并测试条目{n}",
                                                        summary=f"第{n}个条目的摘要{n * 7}")).item.code)
    incremental, segments = _terms_by_item(home)
    assert not slow_merges and segments < 10  # merged, and every merge read tables
    backend_for(runtime.settings, runtime.profile).reindex(runtime.engine)
    rebuilt, _ = _terms_by_item(home)
    assert len(rebuilt) == len(codes) == 48 and incremental == rebuilt
    assert names(runtime, "第7次修改后") == [edited[7]]


def test_a_commit_of_more_codes_than_a_statement_may_bind_is_indexed(instance):
    """A bulk load commits 100,000 codes at once; PostgreSQL binds at most 65,535 parameters per statement."""
    runtime, _ = instance
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        code = ops.create_item(ctx, entry(make_org_tree(ctx).dept, name="批量提交的条目")).item.code
    vanished = [f"999999/{n:06d}" for n in range(70_000)]  # codes of items deleted since: only removed from the index
    with Session(runtime.engine) as session:
        backend_for(runtime.settings, runtime.profile).index_codes(session, [code, *vanished])
        session.commit()
    assert check(runtime).clean and names(runtime, "批量提交") == ["批量提交的条目"]


def test_an_index_in_an_older_format_is_reported_and_rebuilt_by_db_upgrade(instance, monkeypatch):
    """Documents written by an older version (their stamps say so) may hold what this one hides from the public."""
    runtime, _ = instance
    from registry.search import documents

    with monkeypatch.context() as older:
        older.setattr(documents, "DOC_FORMAT", documents.DOC_FORMAT - 1)
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            ops.create_item(ctx, entry(make_org_tree(ctx).dept, name="旧版写入的条目"))
    report = json.loads(CliRunner().invoke(mulu_main, ["search", "check", "--json"]).output)
    assert report["outdated"] == 1 and len(report["stale"]) == 1
    result = CliRunner().invoke(mulu_main, ["search", "check"])
    assert result.exit_code == 1 and "旧版程序写入的索引格式" in result.output
    result = CliRunner().invoke(mulu_main, ["db", "upgrade"])
    assert result.exit_code == 0 and "正在重建" in result.output, result.output
    assert check(runtime).clean and check(runtime).outdated == 0 and names(runtime, "旧版写入") == ["旧版写入的条目"]
    assert "正在重建" not in CliRunner().invoke(mulu_main, ["db", "upgrade"]).output  # once only


def test_db_upgrade_builds_an_empty_index_of_a_catalog_that_has_items(instance, monkeypatch):
    """A migration that changes the index's format drops its rows (0013 on PostgreSQL); the upgrade rebuilds."""
    runtime, _ = instance
    with monkeypatch.context() as unindexed:
        unindexed.setattr(type(backend_for(runtime.settings, runtime.profile)), "index_codes", lambda *args: 0)
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            ops.create_item(ctx, entry(make_org_tree(ctx).dept, name="升级前写入的条目"))
    assert check(runtime).indexed == 0 and names(runtime, "升级前写入") == []
    result = CliRunner().invoke(mulu_main, ["db", "upgrade"])
    assert result.exit_code == 0 and "检索索引为空（1 个条目），正在重建" in result.output, result.output
    assert check(runtime).clean and names(runtime, "升级前写入") == ["升级前写入的条目"]
    assert "正在重建" not in CliRunner().invoke(mulu_main, ["db", "upgrade"]).output
