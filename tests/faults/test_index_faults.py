"""Index writes that really fail or wait, under writes made through the HTTP API: the database write is
never lost, ``mulu search check`` finds what the index missed, and a reindex or the next write repairs it."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from databases import is_postgres
from fault_kit import Instance, create_item, served_api
from sqlalchemy import create_engine, text

from registry.search import whoosh_index
from registry.search.whoosh_index import WhooshHome


@pytest.fixture()
def whoosh_instance(tmp_path, fresh_database_url, monkeypatch) -> Instance:
    inst = Instance.create(tmp_path / "instance", fresh_database_url, "whoosh", monkeypatch)
    yield inst
    inst.close()


@pytest.fixture()
def postgres_instance(tmp_path, fresh_database_url, monkeypatch) -> Instance:
    if not is_postgres():
        pytest.skip("the PostgreSQL search backend runs only when the suite runs on PostgreSQL")
    inst = Instance.create(tmp_path / "instance", fresh_database_url, "postgres", monkeypatch)
    yield inst
    inst.close()


@contextmanager
def unwritable(directory: Path) -> Iterator[None]:
    """Make ``directory`` refuse new files, for root too: ``chattr +i`` (chmod does not stop root)."""
    done = subprocess.run(["chattr", "+i", str(directory)], capture_output=True, text=True, check=False)
    undo = ["chattr", "-i", str(directory)]
    if done.returncode != 0:
        if os.geteuid() == 0:
            pytest.skip(f"cannot make a directory immutable here (chattr +i: {done.stderr.strip()}), and root ignores chmod")
        mode = directory.stat().st_mode
        directory.chmod(0o555)
        undo = None
    try:
        try:
            (directory / "probe").touch()
        except PermissionError:
            pass
        else:
            (directory / "probe").unlink()
            pytest.skip(f"{directory} stayed writable: this filesystem ignores the attribute")
        yield
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            directory.chmod(mode)


def db_name(inst: Instance, code: str) -> str | None:
    return inst.scalar("SELECT name FROM catalog_item WHERE code = :code", code=code)


def test_an_unwritable_index_never_loses_an_api_write_and_reindex_repairs_it(whoosh_instance, caplog):
    inst = whoosh_instance
    with served_api(inst) as (http, api, dept):
        before = create_item(http, api, dept, "故障前的条目")
        live = WhooshHome(inst.runtime.settings.instance_path).live_dir()
        with unwritable(live), caplog.at_level(logging.ERROR):
            code = create_item(http, api, dept, "索引写入失败的条目")  # 201: the write stands
        assert any("failed after commit" in r.getMessage() for r in caplog.records)  # and the failure is logged
        assert db_name(inst, code) == "索引写入失败的条目"
        exit_code, report = inst.check()
        # queued for the next writer, and reported as both missing and waiting
        assert exit_code == 1 and report["missing"] == [code] and report["pending"] == 1, report
        exit_code, output = inst.mulu("search", "check")
        assert exit_code == 1 and f"缺失：{code}" in output, output
        assert inst.names("索引写入失败") == [] and inst.names("故障前") == ["故障前的条目"]
        inst.reindex_until_clean()  # builds a new index beside the old one, so it does not need the old one's lock
        after = create_item(http, api, dept, "故障后的条目")
    assert inst.names("索引写入失败") == ["索引写入失败的条目"] and inst.names("故障后") == ["故障后的条目"]
    assert inst.check()[0] == 0 and {before, code, after} == {c for (c,) in inst.rows("SELECT code FROM catalog_item")}


def test_the_index_takes_writes_again_once_the_fault_is_gone_and_catches_up(whoosh_instance, monkeypatch):
    inst = whoosh_instance
    monkeypatch.setattr(whoosh_index, "LOCK_TIMEOUT", 1.0)  # a leaked lock would fail the next write in a second
    with served_api(inst) as (http, api, dept):
        create_item(http, api, dept, "故障前的条目")
        with unwritable(WhooshHome(inst.runtime.settings.instance_path).live_dir()):
            code = create_item(http, api, dept, "索引写入失败的条目")
        assert inst.check()[1]["missing"] == [code]
        started = time.monotonic()
        create_item(http, api, dept, "故障后的条目")
        assert time.monotonic() - started < 10  # no lock left behind by the failed writer
    # The failed write queued its code, so the next writer indexed it too: no reindex needed.
    assert inst.names("故障后") == ["故障后的条目"] and inst.names("索引写入失败") == ["索引写入失败的条目"]
    assert inst.check()[0] == 0


HOLD_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


def test_an_index_locked_by_another_process_queues_the_api_write_for_the_next_writer(whoosh_instance, monkeypatch):
    inst = whoosh_instance
    monkeypatch.setattr(whoosh_index, "LOCK_TIMEOUT", 0.5)  # a web request waits this long (30 s in production)
    home = WhooshHome(inst.runtime.settings.instance_path)
    with served_api(inst) as (http, api, dept):
        create_item(http, api, dept, "加锁前的条目")
        holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(home.root / "write.lock")],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "held"
            started = time.monotonic()
            code = create_item(http, api, dept, "排队等待索引的条目")
            assert time.monotonic() - started < 10
            assert db_name(inst, code) == "排队等待索引的条目"
            exit_code, output = inst.mulu("search", "check")
            assert exit_code == 1 and "待索引队列中还有 1 个条目" in output and code in output, output
        finally:
            holder.kill()  # the holder dies without unlocking: the kernel releases its lock
            holder.wait()
            holder.stdin.close()
            holder.stdout.close()
        create_item(http, api, dept, "解锁后的条目")  # the next writer drains the queue
    exit_code, report = inst.check()
    assert exit_code == 0 and report["clean"], report
    assert inst.names("排队等待索引") == ["排队等待索引的条目"] and inst.names("解锁后") == ["解锁后的条目"]


def test_a_search_table_locked_by_another_connection_holds_up_indexing_never_the_write(postgres_instance):
    """On PostgreSQL the index row is written after the commit, in a transaction of its own (pg_index.index_codes):
    a lock on ``search_document`` delays that transaction, and with it the response, but not the write."""
    inst = postgres_instance
    with served_api(inst) as (http, api, dept):
        create_item(http, api, dept, "加锁前的条目")
        locker = create_engine(inst.env["MULU_DATABASE_URL"])
        outcome: dict = {}
        with locker.connect() as conn:
            conn.execute(text("LOCK TABLE search_document IN SHARE MODE"))  # reads go on, writes wait

            def post() -> None:
                try:
                    outcome.update(code=create_item(http, api, dept, "索引被阻塞的条目"), at=time.monotonic())
                except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                    outcome["error"] = exc

            request = threading.Thread(target=post)
            request.start()
            # The index write comes to wait for the lock, and by then the item is committed, visible to all.
            deadline = time.monotonic() + 10
            while inst.scalar("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'search_document'::regclass") == 0:
                assert time.monotonic() < deadline and request.is_alive(), outcome
                time.sleep(0.02)
            assert inst.scalar("SELECT count(*) FROM catalog_item WHERE name = '索引被阻塞的条目'") == 1
            exit_code, report = inst.check()
            assert exit_code == 1 and len(report["missing"]) == 1, report
            assert request.is_alive()
            released = time.monotonic()
            conn.rollback()
        request.join(timeout=30)
        locker.dispose()
        assert "error" not in outcome and "at" in outcome, outcome
        assert outcome["at"] >= released  # the response waited for the lock (no lock_timeout on the index write)
    code = outcome["code"]
    assert inst.check()[1]["clean"] and inst.names("索引被阻塞") == ["索引被阻塞的条目"] and db_name(inst, code)
