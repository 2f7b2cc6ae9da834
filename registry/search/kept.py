"""Public search results kept in a process's memory, under the token that says they are still good.

Both backends key them by a token that changes whenever a public item is written (a file beside
the Whoosh index, a row in PostgreSQL): a token seen again means the results are still right.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import datetime

from registry.search.plan import RawResult

#: Results kept per process: a few hundred common searches, each a page of stored documents.
ENTRIES = 512


class KeptResults:
    """One process's results under one token, the most recently used kept."""

    def __init__(self) -> None:
        self.key: object = None
        self.entries: OrderedDict[tuple, tuple[RawResult, datetime | None]] = OrderedDict()

    def get(self, key: object, search: tuple, not_before: datetime | None = None) -> RawResult | None:
        """A copy of the result kept for ``search`` (a :meth:`Plan.cache_key`) under ``key``, if made
        at ``not_before`` or later.

        A copy: the service replaces a result's documents with what its reader may see.
        """
        if key != self.key:
            self.key, self.entries = key, OrderedDict()
            return None
        found = self.entries.get(search)
        if found is None or (not_before is not None and found[1] < not_before):
            return None
        self.entries.move_to_end(search)
        return replace(found[0])

    def put(self, key: object, search: tuple, result: RawResult, made: datetime | None = None) -> None:
        if key != self.key:
            self.key, self.entries = key, OrderedDict()
        self.entries[search] = (replace(result), made)
        if len(self.entries) > ENTRIES:
            self.entries.popitem(last=False)
