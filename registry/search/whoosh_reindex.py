"""Rebuilding the Whoosh index aside and swapping it in, and checking it against the database.

A reindex never takes search offline: it builds a new index directory from
the database (in parallel processes, each writing its own segment) while
the live index keeps answering and keeps receiving updates. Then, holding
the write lock for a moment, it repairs whatever changed during the build
(by comparing stamps with the database), drains queued codes, and swaps the
``CURRENT`` pointer. Readers pick the new index up on their next query.
"""
from __future__ import annotations

import json
import pickle
import queue as queue_module
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index

from registry.core.db import make_engine
from registry.profiles import Profile
from registry.search.analysis import warm_up
from registry.search.documents import current_stamps, iter_docs, split_ids
from registry.search.drift import Drift, compare
from registry.search.whoosh_cache import write_version
from registry.search.whoosh_index import WhooshHome, write_items
from registry.search.whoosh_store import BulkWriter, doc_fields
from registry.search.whoosh_view import segment_leaves

#: Below this many items a second process costs more (start-up, jieba load) than it saves.
PARALLEL_FROM = 5000
PROGRESS_EVERY = 250
SWAP_LOCK_TIMEOUT = 300.0


@dataclass
class ReindexStats:
    items: int
    repaired: int
    path: Path


def _write_part(path: str, url: str, profile: Profile, id_range: tuple[int, int] | None,
                report: Callable[[int], None]):
    """Index the items of ``id_range`` into one new segment of the index at ``path``; returns the segment."""
    engine = make_engine(url)
    ix = whoosh_index.open_dir(path)
    writer = BulkWriter(ix, _lk=False)
    try:
        with Session(engine) as session:
            for n, doc in enumerate(iter_docs(session, profile, id_range), start=1):
                writer.add_document(**doc_fields(doc))
                if n % PROGRESS_EVERY == 0:
                    report(PROGRESS_EVERY)
        report(writer.docnum % PROGRESS_EVERY)
        if writer.docnum == 0:
            writer.cancel()
            return None
        segment = writer._finalize_segment()
        writer._finish()
        return segment
    finally:
        engine.dispose()


def build(path: Path, engine: Engine, profile: Profile, procs: int, progress: Callable[[int], None]) -> None:
    """Fill the empty index at ``path`` from the database, with ``procs`` processes."""
    url = engine.url.render_as_string(hide_password=False)
    with Session(engine) as session:
        ranges = split_ids(session, procs)
    if procs <= 1 or len(ranges) <= 1:
        warm_up()
        segments = [_write_part(str(path), url, profile, None, progress)]
    else:
        segments = _build_parallel(path, url, profile.name, ranges, progress)
    ix = whoosh_index.open_dir(str(path))
    writer = BulkWriter(ix)
    writer._close_segment()
    writer._commit_toc([s for s in segments if s is not None])
    writer._finish()


def _build_parallel(path: Path, url: str, profile_name: str, ranges, progress) -> list:
    """One worker process per id range, each writing its own segment (see :mod:`registry.search.reindex_worker`).

    Workers are fresh interpreters (not forks), so they share no database
    connections, locks or threads with this process; the database URL goes
    through stdin, not the command line where ``ps`` would show its password.
    """
    workers = []
    for low, high in ranges:
        job = {"path": str(path), "url": url, "profile": profile_name, "range": [low, high]}
        proc = subprocess.Popen([sys.executable, "-m", "registry.search.reindex_worker"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        proc.stdin.write(json.dumps(job))
        proc.stdin.close()
        workers.append(proc)
    results: "queue_module.Queue[tuple[str, object]]" = queue_module.Queue()
    readers = [threading.Thread(target=_read_worker, args=(w, results), daemon=True) for w in workers]
    for reader in readers:
        reader.start()
    segments, errors = [], []
    while len(segments) + len(errors) < len(workers):
        kind, value = results.get()
        if kind == "done":
            progress(int(value))
        elif kind == "segment":
            segments.append(value)
        else:
            errors.append(str(value))
    for proc in workers:
        proc.wait()
    if errors:
        raise RuntimeError("重建索引失败：" + "；".join(errors))
    return segments


def _read_worker(proc: subprocess.Popen, results) -> None:
    """Relay a worker's report lines: ``done N``, ``segment <hex pickle>``, ``error <message>``."""
    finished = False
    for line in proc.stdout:
        kind, _, value = line.rstrip("\n").partition(" ")
        if kind == "segment":
            results.put(("segment", pickle.loads(bytes.fromhex(value))))
            finished = True
        elif kind in ("done", "error"):
            results.put((kind, value))
            finished = finished or kind == "error"
    if not finished:
        results.put(("error", f"索引进程意外退出（退出码 {proc.wait()}）"))


def index_stamps(ix) -> dict[int, list[str]]:
    """item id → stamps of its live entries, read from the index's columns."""
    out: dict[int, list[str]] = {}
    with ix.searcher() as searcher:
        for leaf, _ in segment_leaves(searcher.reader()):
            ids, stamps = list(leaf.column_reader("item_id")), list(leaf.column_reader("stamp"))
            for docnum in leaf.all_doc_ids():
                out.setdefault(ids[docnum], []).append(stamps[docnum].decode())
    return out


def check(home: WhooshHome, session: Session) -> Drift:
    live = home.live_dir()
    index = index_stamps(whoosh_index.open_dir(str(live))) if live and whoosh_index.exists_in(str(live)) else {}
    drift = compare(current_stamps(session), index)
    drift.pending = len(home.read_pending()[0])
    return drift


def repair(ix, session: Session, profile: Profile, drift: Drift, extra_codes: set[str]) -> int:
    """Write what the drift names (and ``extra_codes``), drop entries of items that no longer exist."""
    written = write_items(ix, session, profile, drift.codes_to_write | extra_codes)
    if drift.extra:
        writer = BulkWriter(ix, _lk=False)  # under write.lock, like every live write
        write_version(Path(ix.storage.folder), writer.generation)  # the items may have been public
        for item_id in drift.extra:
            writer.delete_by_term("key", item_id)
        writer.commit()
    return written


def reindex(home: WhooshHome, engine: Engine, profile: Profile, procs: int = 2,
            progress: Callable[[int], None] | None = None) -> ReindexStats:
    """Build a fresh index aside, catch up with changes made meanwhile, and swap it in."""
    home.remove_abandoned_builds()
    path = home.new_dir()
    try:
        with Session(engine) as session:
            items = len(current_stamps(session))
        build(path, engine, profile, procs if items >= PARALLEL_FROM else 1, progress or (lambda n: None))
        with home.write_lock(SWAP_LOCK_TIMEOUT), Session(engine) as session:
            ix = whoosh_index.open_dir(str(path))
            drift = compare(current_stamps(session), index_stamps(ix))
            queued, files = home.read_pending()
            repaired = repair(ix, session, profile, drift, queued)
            live = home.swap(path)
            for pending_file in files:
                pending_file.unlink(missing_ok=True)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    return ReindexStats(items=items, repaired=repaired, path=live)
