"""Where the Whoosh index lives and how processes share it safely.

Layout under ``<instance>/index/whoosh/``::

    CURRENT        name of the live index directory (swapped atomically by reindex)
    write.lock     held by whoever writes: one writer at a time across all processes
    pending/       item codes whose indexing could not run (lock timeout), drained by the next writer
    ix-…/          index directories (the live one, and a new one while a reindex builds)
    ix-…/PUBLIC    when public results last changed (:mod:`registry.search.whoosh_cache`)

Why a lock of our own in front of Whoosh's: a reindex swaps the live
directory, so a writer must decide *which* index to write while holding a
lock that outlives the swap. Whoosh's ``AsyncWriter`` was not an option: it
silently loses updates when the process exits right after commit (DESIGN.md).

Every write re-reads the items from the database *after* taking the lock, so
two processes changing the same item cannot leave the older version in the
index: whoever writes last writes what is committed last.
"""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from registry.accounts.permissions import PUBLIC_STATUSES
from registry.core.db import utcnow
from registry.core.errors import MuluError
from registry.profiles import Profile
from registry.search import whoosh_files
from registry.search.analysis import normalise
from registry.search.documents import SearchDoc, docs_for_codes
from registry.search.kept import KeptResults
from registry.search.plan import Plan, RawResult
from registry.search.whoosh_cache import read_version, write_version
from registry.search.whoosh_store import BulkWriter, doc_fields, make_schema, merge_small
from registry.search.whoosh_view import SegmentCache, View, segment_leaves

whoosh_files.install()

log = logging.getLogger(__name__)

#: How long a committing process waits for another writer before queueing its codes instead.
LOCK_TIMEOUT = 30.0


class IndexBusy(MuluError):
    """Another process held the index lock for longer than we could wait."""


class WhooshHome:
    """The index folder of one instance."""

    def __init__(self, instance_path: Path) -> None:
        self.root = Path(instance_path) / "index" / "whoosh"
        self.pointer = self.root / "CURRENT"
        self.pending = self.root / "pending"

    # -- which index is live ---------------------------------------------------------

    def live_dir(self) -> Path | None:
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return self.root / name if name else None

    def new_dir(self) -> Path:
        """An empty index under a ``build-`` name, which nobody else reads or removes."""
        path = self.root / f"build-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        path.mkdir(parents=True)
        whoosh_index.create_in(str(path), make_schema())
        return path

    def swap(self, path: Path) -> Path:
        """Make the index at ``path`` live (caller holds the write lock); returns its new path."""
        live = path.with_name("ix-" + path.name.removeprefix("build-"))
        os.replace(path, live)
        temporary = self.root / f"CURRENT.{uuid.uuid4().hex}"
        temporary.write_text(live.name, encoding="utf-8")
        os.replace(temporary, self.pointer)
        # Readers holding the old files open keep reading them until they notice
        # the swap: POSIX unlinks do not pull files from under them.
        for child in self.root.glob("ix-*"):
            if child != live and child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
        return live

    def remove_abandoned_builds(self, older_than: float = 86400.0) -> None:
        """Remove build directories left by reindexes that died (a day old by default)."""
        for child in self.root.glob("build-*"):
            if child.is_dir() and time.time() - child.stat().st_mtime > older_than:
                shutil.rmtree(child, ignore_errors=True)

    def open_live(self):
        """The live index, created empty on first use (caller holds the write lock)."""
        live = self.live_dir()
        if live is None or not whoosh_index.exists_in(str(live)):
            live = self.swap(self.new_dir())
        return whoosh_index.open_dir(str(live))

    # -- one writer at a time ------------------------------------------------------------

    @contextmanager
    def write_lock(self, timeout: float | None = None) -> Iterator[None]:
        timeout = LOCK_TIMEOUT if timeout is None else timeout
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / "write.lock", os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy(f"检索索引正被其他进程写入，等待 {timeout:.0f} 秒仍未释放") from None
                    time.sleep(0.02)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    # -- the durable queue of codes still to index --------------------------------------

    def add_pending(self, codes: Iterable[str]) -> None:
        self.pending.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        temporary = self.pending / f".{name}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write("\n".join(sorted(codes)))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.pending / f"{name}.codes")

    def read_pending(self) -> tuple[set[str], list[Path]]:
        if not self.pending.is_dir():
            return set(), []
        files = sorted(self.pending.glob("*.codes"))
        codes: set[str] = set()
        for path in files:
            codes.update(line for line in path.read_text(encoding="utf-8").splitlines() if line)
        return codes, files


def write_items(ix, session: Session, profile: Profile, codes: set[str]) -> int:
    """Replace the index entries of ``codes`` with what the database holds now; returns docs written."""
    docs, missing = docs_for_codes(session, profile, codes)
    # Without Whoosh's own lock: write.lock already lets one writer in, and Whoosh's lock stayed taken
    # for good when its writer failed to start (a read-only index), blocking every later write.
    # Uncompressed posting blocks: a commit's segment is small, and setting up zlib for each of its
    # ~900 one-document blocks was a sixth of an edit's CPU. Segments that commits merge (up to a few
    # thousand items) stay uncompressed too, until a reindex; a rebuild's segments are compressed.
    writer = BulkWriter(ix, _lk=False, codec=W3Codec(compression=0))
    try:
        if _touches_public(writer.searcher(), docs, missing):
            write_version(Path(ix.storage.folder), writer.generation)
        for doc in docs:
            writer.update_document(**doc_fields(doc))
        for code in missing:
            writer.delete_by_term("code", normalise(code))
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=merge_small)
    return len(docs)


def _touches_public(searcher, docs: list[SearchDoc], missing: set[str]) -> bool:
    """Whether any of these items is public now, or its indexed copy is (a deleted item's included)."""
    if any(doc.status in PUBLIC_STATUSES for doc in docs):
        return True
    indexed = [searcher.document_number(key=str(doc.item_id)) for doc in docs]
    indexed += [searcher.document_number(code=normalise(code)) for code in missing]
    return any(searcher.stored_fields(n)["doc"]["status"] in PUBLIC_STATUSES for n in indexed if n is not None)


def index_codes(home: WhooshHome, session: Session, profile: Profile, codes: Iterable[str],
                timeout: float | None = None) -> int:
    """Bring the given items (and any queued ones) up to date in the live index.

    When the lock cannot be had in time the codes are queued on disk, so the
    next writer (or ``mulu search reindex``) indexes them; nothing is lost.
    """
    codes = set(codes)
    try:
        with home.write_lock(timeout):
            queued, files = home.read_pending()
            try:
                written = write_items(home.open_live(), session, profile, codes | queued)
            except Exception:
                _queue_for_next_writer(home, codes)  # whatever broke, the next writer retries them
                raise
            for path in files:
                path.unlink(missing_ok=True)
            return written
    except IndexBusy:
        home.add_pending(codes)
        log.warning("index busy; queued %d item codes for the next writer", len(codes))
        return 0


def _queue_for_next_writer(home: WhooshHome, codes: set[str]) -> None:
    try:
        home.add_pending(codes)
    except OSError:  # the disk that failed the write may fail this too: then only a reindex repairs them
        log.exception("could not queue %d item codes after a failed index write", len(codes))


# -- reading: one cached view per index per process ----------------------------------------

class Handle:
    """The process's reader of one instance's index, refreshed when the index changes."""

    def __init__(self, home: WhooshHome) -> None:
        self.home = home
        self.lock = threading.RLock()
        self._dir: Path | None = None
        self._ix = None
        self._view: View | None = None
        self._generation = -1
        self._caches: dict[str, SegmentCache] = {}
        self._public = KeptResults()

    def search(self, plan: Plan, execute: Callable[[View], RawResult]) -> RawResult:
        """``execute(view)`` on the current view (call with :attr:`lock` held); a public reader's result may
        come from an equal search since the last write touching a public item (:mod:`~registry.search.whoosh_cache`)."""
        live = self.home.live_dir()
        version = read_version(live) if live is not None and plan.public_only else None  # before the view
        if version is not None:
            key, search = (live.name, version[0]), plan.cache_key()
            if (found := self._public.get(key, search, utcnow())) is not None:
                return found  # without reopening the index: after a commit elsewhere that costs milliseconds
        view = self.view()
        if view is None:
            return RawResult(0, [], {})
        result = execute(view)
        if version is not None and self._dir == live and self._generation >= version[1]:
            return self._public.put(key, search, result, utcnow())
        return result

    def view(self) -> View | None:
        """The current view (call with :attr:`lock` held); ``None`` before anything was indexed."""
        live = self.home.live_dir()
        if live is None or not live.is_dir():
            return None
        if live != self._dir:
            self._close()
            self._dir, self._ix, self._caches = live, whoosh_index.open_dir(str(live)), {}
        generation = self._ix.latest_generation()
        if self._view is None or self._generation != generation:
            self._open_view()
            self._generation = generation
        return self._view

    def _open_view(self) -> None:
        searcher = self._ix.searcher()
        leaves = segment_leaves(searcher.reader())
        ids = {leaf.segment().segment_id() for leaf, _ in leaves}
        self._caches = {segid: cache for segid, cache in self._caches.items() if segid in ids}
        for leaf, _ in leaves:
            segid = leaf.segment().segment_id()
            if segid not in self._caches:  # not setdefault: building a cache loads the segment's bitmaps
                self._caches[segid] = SegmentCache(leaf)
        old, self._view = self._view, View(searcher, self._caches)
        if old is not None:
            old.searcher.close()

    def _close(self) -> None:
        if self._view is not None:
            self._view.searcher.close()
        self._view = None


_handles: dict[Path, Handle] = {}
_handles_lock = threading.Lock()


def handle_for(home: WhooshHome) -> Handle:
    with _handles_lock:
        if home.root not in _handles:
            _handles[home.root] = Handle(home)
        return _handles[home.root]
