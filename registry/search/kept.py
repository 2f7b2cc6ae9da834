"""Public search results kept in a process's memory, under the token that says they are still good.

Both backends key them by a token that changes whenever a public item is written (a file beside
the Whoosh index, a row in PostgreSQL): a token seen again means the results are still right.
Results also age out after :data:`LIFETIME`, so a writer that failed to change the token (a
server still on an older version during a rolling restart) cannot leave them standing for good.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from datetime import datetime, timedelta

from registry.search.plan import RawResult

LIFETIME = timedelta(hours=1)
#: Stored documents kept per process, over all results: a document takes about 6 KB in memory, its hit in
#: the kept response (highlights; the rest shares the document's strings) under 1 KB more, and a page
#: holds up to 100 of them (about 70 MB in all; the common searches are a few hundred pages of 20).
DOCUMENTS = 10_000


class KeptResults:
    """One process's results under one token, the most recently used kept; safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: object = None
        self._entries: OrderedDict[tuple, tuple[RawResult, datetime]] = OrderedDict()
        self._documents = 0

    def get(self, key: object, search: tuple, now: datetime) -> RawResult | None:
        """A copy of the result kept for ``search`` (a :meth:`Plan.cache_key`) under ``key``, made
        within :data:`LIFETIME` of ``now``.

        A copy: the service replaces a result's documents with what its reader may see. Its ``memo`` is
        the kept result's own.
        """
        with self._lock:
            if key != self._key:
                self._reset(key)
                return None
            found = self._entries.get(search)
            if found is None or found[1] < now - LIFETIME:
                return None
            self._entries.move_to_end(search)
            return replace(found[0])

    def put(self, key: object, search: tuple, result: RawResult, made: datetime) -> RawResult:
        """Keep ``result``; returns the copy to hand out, which shares the kept result's ``memo``."""
        with self._lock:
            if key != self._key:
                self._reset(key)
            old = self._entries.pop(search, None)
            if old is not None:
                self._documents -= len(old[0].docs)
            kept = replace(result, memo={})
            self._entries[search] = (kept, made)
            self._documents += len(result.docs)
            while self._documents > DOCUMENTS and len(self._entries) > 1:
                _, (dropped, _) = self._entries.popitem(last=False)
                self._documents -= len(dropped.docs)
            return replace(kept)

    def _reset(self, key: object) -> None:
        self._key, self._entries, self._documents = key, OrderedDict(), 0
