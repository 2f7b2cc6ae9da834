"""Whoosh backend: each process reuses public search results until a write, in any process, touches a public item."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete
from whoosh import index as whoosh_index_files

from factories import commit_change, entry, make_org_tree, published_and_draft
from registry.accounts.models import User
from registry.accounts.operations import create_user
from registry.app import Runtime
from registry.catalog import operations as ops
from registry.catalog.models import CatalogItem
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from registry.core.migrate import upgrade
from registry.search import SearchRequest, search, whoosh_search
from registry.search.backends import backend_for
from registry.search.whoosh_cache import read_version, write_version
from registry.search.whoosh_index import WhooshHome

WRITER = Path(__file__).with_name("writer.py")


@pytest.fixture()
def runtime(tmp_path, fresh_database_url, monkeypatch):
    env = {"MULU_INSTANCE_PATH": str(tmp_path / "instance"), "MULU_DATABASE_URL": fresh_database_url,
           "MULU_SEARCH_BACKEND": "whoosh", "MULU_PROFILE": "national"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    runtime = Runtime(load_settings())
    upgrade(runtime.engine)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture()
def computed(monkeypatch) -> list[str]:
    """The searches this process worked out on the index (a reused result is not among them)."""
    searches: list[str] = []
    original = whoosh_search.execute

    def counted(view, plan):
        searches.append(plan.request.text)
        return original(view, plan)

    monkeypatch.setattr(whoosh_search, "execute", counted)
    return searches


def public_names(runtime: Runtime, text: str, **options) -> list[str]:
    with runtime.sessions() as session:
        return sorted(hit.name for hit in search(runtime, session, SearchRequest(text=text, **options), public=True).results)




def edit_in_another_process(runtime: Runtime, code: str) -> None:
    result = subprocess.run([sys.executable, str(WRITER), "另一进程", "1", code], env=os.environ.copy(),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_public_results_are_reused_until_a_public_item_is_written(runtime, computed):
    made = published_and_draft(runtime, "缓存检验")
    assert public_names(runtime, "缓存检验") == ["缓存检验甲信息"]
    assert public_names(runtime, "缓存检验") == ["缓存检验甲信息"] and len(computed) == 1
    assert public_names(runtime, "缓存检验", page=2) == [] and len(computed) == 2  # another page, another search

    commit_change(runtime, lambda ctx: ops.update_item(ctx, ops.get_item(ctx, made["draft"]), {"summary": "草稿改了摘要"}))
    edit_in_another_process(runtime, made["draft"])
    assert public_names(runtime, "缓存检验") == ["缓存检验甲信息"] and len(computed) == 2  # drafts void nothing

    commit_change(runtime, lambda ctx: ops.publish_item(ctx, ops.get_item(ctx, made["draft"])))
    assert public_names(runtime, "缓存检验") == ["缓存检验乙信息", "缓存检验甲信息"] and len(computed) == 3
    assert public_names(runtime, "缓存检验") == ["缓存检验乙信息", "缓存检验甲信息"] and len(computed) == 3

    edit_in_another_process(runtime, made["published"])  # a public item's pending change, by another process
    assert public_names(runtime, "缓存检验") == ["缓存检验乙信息", "缓存检验甲信息"] and len(computed) == 4

    def retire(ctx):  # public no more once approved
        ops.approve_change(ctx, ops.retire_item(ctx, ops.get_item(ctx, made["draft"]), "停止提供").change)

    commit_change(runtime, retire)
    assert public_names(runtime, "缓存检验") == ["缓存检验甲信息"] and len(computed) == 5


def test_signed_in_readers_never_share_results(runtime, computed):
    made = published_and_draft(runtime, "范围检验")
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        create_user(ctx, "compiler1", "compiler", made["orgs"].dept.code, "Compile#2026")
    assert public_names(runtime, "范围检验") == ["范围检验甲信息"]
    for _ in range(2):
        with runtime.sessions() as session:
            compiler = session.query(User).filter_by(username="compiler1").one()
            found = search(runtime, session, SearchRequest(text="范围检验"), actor=compiler)
            assert sorted(hit.name for hit in found.results) == ["范围检验乙信息", "范围检验甲信息"]
    assert public_names(runtime, "范围检验") == ["范围检验甲信息"] and len(computed) == 3


def test_a_version_ahead_of_the_index_keeps_nothing_until_its_commit(runtime, computed):
    """The file is written before the commit it announces: results read in between are not kept."""
    made = published_and_draft(runtime, "版本检验")
    live = WhooshHome(runtime.settings.instance_path).live_dir()
    generation = whoosh_index_files.open_dir(str(live)).latest_generation()
    write_version(live, generation + 1)  # as a writer does, just before committing
    assert public_names(runtime, "版本检验") == ["版本检验甲信息"]
    assert public_names(runtime, "版本检验") == ["版本检验甲信息"] and len(computed) == 2
    token = read_version(live)[0]
    commit_change(runtime, lambda ctx: ops.update_item(ctx, ops.get_item(ctx, made["draft"]), {"summary": "提交了这一代"}))
    assert read_version(live)[0] == token  # a draft's commit writes no version of its own
    assert public_names(runtime, "版本检验") == ["版本检验甲信息"]
    assert public_names(runtime, "版本检验") == ["版本检验甲信息"] and len(computed) == 3


def test_a_reindex_and_a_deleted_public_item_start_afresh(runtime, computed):
    made = published_and_draft(runtime, "重建检验")
    assert public_names(runtime, "重建检验") == public_names(runtime, "重建检验") == ["重建检验甲信息"]
    assert len(computed) == 1
    backend_for(runtime.settings, runtime.profile).reindex(runtime.engine)
    assert public_names(runtime, "重建检验") == public_names(runtime, "重建检验") == ["重建检验甲信息"]
    assert len(computed) == 2
    # An item gone from the database leaves the index through its code alone: its indexed copy was public.
    backend = backend_for(runtime.settings, runtime.profile)
    with runtime.sessions() as session:
        session.execute(delete(CatalogItem).where(CatalogItem.code == made["published"]))
        session.commit()
        backend.index_codes(session, [made["published"]])
    assert public_names(runtime, "重建检验") == [] and len(computed) == 3


def test_a_kept_result_is_served_without_reopening_the_index(runtime, computed, monkeypatch):
    """After a commit elsewhere a worker's next search reopens the index (milliseconds at 100,000 items);
    a kept result needs none of it."""
    from registry.search.whoosh_index import Handle

    made = published_and_draft(runtime, "重开检验")
    assert public_names(runtime, "重开检验") == ["重开检验甲信息"]
    commit_change(runtime, lambda ctx: ops.update_item(ctx, ops.get_item(ctx, made["draft"]), {"summary": "新一代索引"}))
    opened = []
    original = Handle._open_view
    monkeypatch.setattr(Handle, "_open_view", lambda self: opened.append(self) or original(self))
    assert public_names(runtime, "重开检验") == ["重开检验甲信息"] and len(computed) == 1 and not opened
    with runtime.sessions() as session:
        assert search(runtime, session, SearchRequest(text="重开检验")).total == 2 and len(opened) == 1


def test_a_publication_queued_behind_a_busy_index_voids_kept_results_when_written(runtime, computed, monkeypatch):
    """The publication waits in the queue; the draft edit that drains it writes a public item."""
    import threading

    from registry.search import whoosh_index

    made = published_and_draft(runtime, "排队检验")
    assert public_names(runtime, "排队检验") == public_names(runtime, "排队检验") == ["排队检验甲信息"]
    monkeypatch.setattr(whoosh_index, "LOCK_TIMEOUT", 0.2)
    with WhooshHome(runtime.settings.instance_path).write_lock():  # another process writes, longer than we wait
        publish = threading.Thread(target=commit_change, args=(runtime, lambda ctx: ops.publish_item(ctx, ops.get_item(ctx, made["draft"]))))
        publish.start()
        publish.join(timeout=10)
    assert public_names(runtime, "排队检验") == ["排队检验甲信息"] and len(computed) == 1  # not indexed yet
    commit_change(runtime, lambda ctx: ops.create_item(ctx, entry(made["orgs"].dept, name="无关的草稿")))
    assert public_names(runtime, "排队检验") == ["排队检验乙信息", "排队检验甲信息"] and len(computed) == 2
