"""An import or a reindex killed outright (SIGKILL) at chosen moments: the database holds all or nothing,
and ``mulu search check`` then ``mulu search reindex`` bring the index back in step."""
from __future__ import annotations

import pytest
from fault_kit import Instance, write_catalog_csv

from registry.catalog import operations as ops
from registry.core.db import unit_of_work
from registry.search import whoosh_index

#: Two insert batches of the import (2,000 items each): the first progress line comes with one batch flushed.
IMPORTED = 2500


def import_state(inst: Instance) -> dict:
    """What the import left: counts, items missing any of their two 信息项, and import records."""
    return {
        "items": inst.scalar("SELECT count(*) FROM catalog_item"),
        "fields": inst.scalar("SELECT count(*) FROM catalog_field"),
        "incomplete": inst.scalar("SELECT count(*) FROM catalog_item i WHERE "
                                  "(SELECT count(*) FROM catalog_field f WHERE f.item_id = i.id) <> 2"),
        "batches": inst.rows("SELECT outcome, created, fields FROM import_batch"),
        "import_events": inst.scalar("SELECT count(*) FROM audit_event WHERE tag LIKE 'import:%'"),
    }


NOTHING = {"items": 0, "fields": 0, "incomplete": 0, "batches": [], "import_events": 0}
EVERYTHING = {"items": IMPORTED, "fields": 2 * IMPORTED, "incomplete": 0, "batches": [("committed", IMPORTED, 2 * IMPORTED)],
              "import_events": 1}


@pytest.mark.parametrize("moment", ["one batch flushed", "every row flushed"])
def test_an_import_killed_before_its_commit_leaves_nothing_behind(instance, tmp_path, moment):
    inst = instance
    inst.add_department()
    path = write_catalog_csv(tmp_path / "目录.csv", IMPORTED)
    importing = inst.start("catalog", "import", str(path))
    if moment == "one batch flushed":  # 2,000 rows inserted in the open transaction, 500 to go
        line = importing.wait_for_line(lambda l: l.startswith("写入："))
        assert line.startswith("写入：2000/"), line
    else:  # every item and 信息项 inserted; the import record, audit event, ANALYZE and commit still to come
        importing.wait_for_line(lambda l: l.startswith(f"写入：{IMPORTED}/{IMPORTED}"))
    importing.kill()
    state = import_state(inst)
    if moment == "one batch flushed":
        assert state == NOTHING
    else:  # the kill may land on either side of the commit, never inside it
        assert state in (NOTHING, EVERYTHING), state
    code, report = inst.check()
    assert code == (0 if state == NOTHING else 1) and report["items"] == state["items"], report
    if moment == "one batch flushed":  # and the same file then imports cleanly and is searchable
        exit_code, output = inst.mulu("catalog", "import", str(path))
        assert exit_code == 0, output
        assert import_state(inst) == EVERYTHING
        assert inst.check() == (0, {**report, "clean": True, "items": IMPORTED, "indexed": IMPORTED})
        assert inst.total("企业登记信息") == IMPORTED


def test_an_import_killed_while_indexing_keeps_every_item_and_reindex_catches_up(instance, tmp_path, monkeypatch):
    inst = instance
    inst.add_department()
    path = write_catalog_csv(tmp_path / "目录.csv", 1500, word="食品经营许可信息")
    importing = inst.start("catalog", "import", str(path))
    # The import record becomes visible with the commit; the index is updated after it (for 1,500 items, ~2 s).
    importing.wait_until(lambda: inst.scalar("SELECT count(*) FROM import_batch") > 0)
    importing.kill()
    assert inst.scalar("SELECT count(*) FROM catalog_item") == 1500
    assert inst.scalar("SELECT count(*) FROM catalog_field") == 3000
    assert inst.rows("SELECT outcome, created FROM import_batch") == [("committed", 1500)]
    codes = sorted(c for (c,) in inst.rows("SELECT code FROM catalog_item"))
    code, report = inst.check()  # the items the killed writer had not indexed are missing, and check says so
    missing = report["missing"]
    assert code == 1 and not (report["stale"] or report["extra"] or report["duplicated"]), report
    if inst.backend == "whoosh":  # one index commit for the whole database commit: none of it made it
        assert missing == codes, report
    else:  # PostgreSQL indexes in batches of 500, each its own transaction: those before the kill stand
        assert missing and set(missing) <= set(codes) and report["indexed"] + len(missing) == len(codes), report
    exit_code, output = inst.mulu("search", "check")
    assert exit_code == 1 and "缺失" in output and "mulu search reindex" in output, output
    assert inst.total("食品经营许可信息") == len(codes) - len(missing)  # search answers from the index as it is
    # The killed writer left no lock behind: the next write is indexed at once, not queued.
    monkeypatch.setattr(whoosh_index, "LOCK_TIMEOUT", 1.0)
    with unit_of_work(inst.runtime.sessions) as session:
        ctx = inst.runtime.context(session)
        ops.update_item(ctx, ops.get_item(ctx, missing[0]), {"name": "改名后的许可信息"})
    assert inst.names("改名后的许可信息") == ["改名后的许可信息"]
    code, report = inst.check()
    assert code == 1 and report["missing"] == missing[1:] and report["pending"] == 0, report
    inst.reindex_until_clean()
    assert inst.total("食品经营许可信息") == 1499 and inst.names("改名后的许可信息") == ["改名后的许可信息"]


def test_a_reindex_killed_midway_leaves_search_working_and_the_next_reindex_repairs(instance, monkeypatch):
    inst = instance
    exit_code, output = inst.mulu("demo", "load", "--items", "800")
    assert exit_code == 0, output
    assert inst.check()[0] == 0
    # Drift for the reindex to repair: the last item changed behind the application's back.
    last, = inst.rows("SELECT id, code FROM catalog_item ORDER BY id DESC LIMIT 1")
    inst.execute("UPDATE catalog_item SET name = '库中直接修改的条目', version = version + 1 WHERE id = :id", id=last[0])
    assert inst.check()[1]["stale"] == [last[1]]
    reindexing = inst.start("search", "reindex", "--procs", "1")
    reindexing.wait_for_line(lambda l: l.startswith("重建索引："))  # writing has begun (PostgreSQL: a batch committed)
    reindexing.kill()
    assert inst.total("信息") > 0  # the index is readable, not corrupt
    code, report = inst.check()  # honest: the one stale item, and nothing else
    assert code == 1 and report["stale"] == [last[1]] and report["items"] == 800, report
    assert not (report["missing"] or report["extra"] or report["duplicated"] or report["pending"]), report
    # No lock left behind: an edit is indexed at once (a stale lock would queue it after one second).
    monkeypatch.setattr(whoosh_index, "LOCK_TIMEOUT", 1.0)
    draft, = inst.rows("SELECT code FROM catalog_item WHERE status = 'draft' ORDER BY id LIMIT 1")
    with unit_of_work(inst.runtime.sessions) as session:
        ctx = inst.runtime.context(session)
        ops.update_item(ctx, ops.get_item(ctx, draft[0]), {"name": "中断重建后编辑的条目"})
    assert inst.names("中断重建后编辑的条目") == ["中断重建后编辑的条目"]
    assert inst.check()[1]["stale"] == [last[1]]
    inst.reindex_until_clean()
    assert inst.names("库中直接修改的条目") == ["库中直接修改的条目"]
