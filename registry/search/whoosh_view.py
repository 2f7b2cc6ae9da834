"""A searchable snapshot of the Whoosh index as bitsets, cached per process and per segment.

Why per segment: a commit by any process adds a small segment (and marks
older copies of changed items deleted); everything derived from an unchanged
segment — term bitsets, facet values, sort planes — stays valid, so after a
commit elsewhere a worker only reads the new segment, not the whole index.

Frequent terms are read from a bitmap file written beside each segment
(:func:`write_bitmaps`): turning 10⁵ postings into a bitset in Python costs
tens of milliseconds, loading its bitmap costs microseconds. A small segment
(one commit's, or a merge of a few) stores every term there: searches and
merges then read none of its postings through Whoosh, which costs ~45 µs a term.
"""
from __future__ import annotations

import pickle
from collections import OrderedDict
from collections.abc import Iterable

from whoosh.reading import SegmentReader, TermNotFound

from registry.search import bitsets

BITMAP_EXT = ".bits"
#: Postings count from which a term gets a precomputed bitmap (and the minimum share of the segment).
BITMAP_MIN_DOCS = 256
BITMAP_SHARE = 32
#: Sort keys kept as bit planes (see :class:`registry.search.bitsets.Sliced`).
PLANE_COLUMNS = ("pub", "upd", "item_id")
TERM_CACHE = 512
#: Segments with fewer documents keep every term in their bitmap file (see :func:`complete_table`).
COMPLETE_BELOW = 1000


def write_bitmaps(storage, segment, pool, doccount: int, columns: dict[str, list[int]]) -> None:
    """Store bitmaps of the segment's frequent terms (all its terms when it is small) and the bit planes
    of its sort keys."""
    complete = doccount < COMPLETE_BELOW
    threshold = 1 if complete else max(BITMAP_MIN_DOCS, doccount // BITMAP_SHARE)
    table: dict[tuple[str, bytes], bytes] = {}
    for fieldname, terms in pool.terms.items():
        for tbytes, docnums in terms.items():
            if len(docnums) >= threshold:
                table[fieldname, tbytes] = bitsets.to_bytes(bitsets.from_ids(docnums, doccount))
    for name, values in columns.items():
        if len(values) == doccount:
            for j, plane in enumerate(value_planes(values)):
                table["#" + name, str(j).encode()] = bitsets.to_bytes(plane)
    with segment.create_file(storage, BITMAP_EXT) as handle:
        handle.write(pickle.dumps({"version": 1, "doccount": doccount, "table": table, "complete": complete},
                                  protocol=5))


def value_planes(values: list[int]) -> list[int]:
    """Bit planes of non-negative integers, least significant first."""
    width = max(values, default=0).bit_length()
    size = len(values)
    return [bitsets.from_ids((d for d, v in enumerate(values) if v >> j & 1), size) for j in range(width)]


def segment_leaves(reader) -> list[tuple[SegmentReader, int]]:
    """The segment readers under a reader, with their document offsets (none for an empty index)."""
    return [(leaf, offset) for leaf, offset in reader.leaf_readers() if isinstance(leaf, SegmentReader)]


class SegmentCache:
    """What one segment yields, computed once per process: postings never change for a segment id."""

    def __init__(self, reader) -> None:
        self.doccount = reader.doc_count_all()
        self.terms: OrderedDict[tuple[str, bytes], int] = OrderedDict()
        self.values: dict[str, dict[bytes, int]] = {}
        self.planes: dict[str, list[int]] = {}
        self.columns: dict[str, list[int]] = {}
        self.bitmaps, self.complete = _load_bitmaps(reader)

    def term(self, reader, fieldname: str, tbytes: bytes) -> int:
        key = (fieldname, tbytes)
        bits = self.terms.get(key)
        if bits is not None:
            self.terms.move_to_end(key)
            return bits
        raw = self.bitmaps.get(key)
        if raw is not None:
            bits = int.from_bytes(raw, "little")
        elif self.complete:
            bits = 0
        else:
            try:
                bits = bitsets.from_ids(reader.postings(fieldname, tbytes).all_ids(), self.doccount)
            except TermNotFound:
                bits = 0
        self.terms[key] = bits
        if len(self.terms) > TERM_CACHE:
            self.terms.popitem(last=False)
        return bits

    def field_values(self, reader, fieldname: str) -> dict[bytes, int]:
        if fieldname not in self.values:
            self.values[fieldname] = {t: self.term(reader, fieldname, t) for t in reader.lexicon(fieldname)}
        return self.values[fieldname]

    def column(self, reader, name: str) -> list[int]:
        if name not in self.columns:
            self.columns[name] = list(reader.column_reader(name)) if self.doccount else []
        return self.columns[name]

    def value_planes(self, reader, name: str) -> list[int]:
        if name not in self.planes:
            stored = []
            while ("#" + name, str(len(stored)).encode()) in self.bitmaps:
                stored.append(int.from_bytes(self.bitmaps["#" + name, str(len(stored)).encode()], "little"))
            self.planes[name] = stored or value_planes(self.column(reader, name))
        return self.planes[name]


def _load_bitmaps(reader) -> tuple[dict[tuple[str, bytes], bytes], bool]:
    """The segment's bitmap table, and whether it holds every term (segments written before it could did not)."""
    storage, name = reader.storage(), reader.segment().make_filename(BITMAP_EXT)
    if not storage.file_exists(name):
        return {}, False
    with storage.open_file(name) as handle:
        stored = pickle.loads(handle.read())
    return stored["table"], stored.get("complete", False)


def complete_table(reader) -> dict[tuple[str, bytes], bytes] | None:
    """Every (field, term) of a small segment with its documents as bitset bytes; None if not stored."""
    table, complete = _load_bitmaps(reader)
    return table if complete else None


class View:
    """One generation of the index, read as global bitsets over all its segments."""

    def __init__(self, searcher, caches: dict[str, SegmentCache]) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        self.leaves = [(leaf, offset, caches[leaf.segment().segment_id()]) for leaf, offset in segment_leaves(reader)]
        self.size = reader.doc_count_all()
        self.doc_count = reader.doc_count()
        self.live = self._live()
        self._terms: OrderedDict[tuple[str, bytes], int] = OrderedDict()
        self._values: dict[str, dict[str, int]] = {}
        self._planes: dict[str, list[int]] = {}
        self._lexicons: dict[str, list[str]] = {}

    def _live(self) -> int:
        live = 0
        for leaf, offset, cache in self.leaves:
            bits = (1 << cache.doccount) - 1
            if leaf.has_deletions():
                bits &= ~bitsets.from_ids(leaf.segment().deleted_docs(), cache.doccount)
            live |= bits << offset
        return live

    def term(self, fieldname: str, text: str) -> int:
        key = (fieldname, text.encode("utf-8"))
        bits = self._terms.get(key)
        if bits is None:
            bits = 0
            for leaf, offset, cache in self.leaves:
                bits |= cache.term(leaf, fieldname, key[1]) << offset
            self._terms[key] = bits
            if len(self._terms) > TERM_CACHE:
                self._terms.popitem(last=False)
        return bits

    def any_term(self, fieldname: str, texts: Iterable[str]) -> int:
        return bitsets.union(self.term(fieldname, t) for t in texts)

    def prefix(self, fieldname: str, prefix: str, limit: int = 2000) -> int:
        """Documents with a term starting with ``prefix`` (at most ``limit`` terms are read)."""
        terms: set[bytes] = set()
        for leaf, _, _ in self.leaves:
            for tbytes in leaf.expand_prefix(fieldname, prefix):
                terms.add(tbytes)
                if len(terms) >= limit:
                    break
        return self.any_term(fieldname, (t.decode("utf-8") for t in terms))

    def lexicon(self, fieldname: str) -> list[str]:
        if fieldname not in self._lexicons:
            found: set[bytes] = set()
            for leaf, _, _ in self.leaves:
                found.update(leaf.lexicon(fieldname))
            self._lexicons[fieldname] = sorted(t.decode("utf-8") for t in found)
        return self._lexicons[fieldname]

    def values(self, fieldname: str) -> dict[str, int]:
        """Every value of a facet field with its documents."""
        if fieldname not in self._values:
            merged: dict[str, int] = {}
            for leaf, offset, cache in self.leaves:
                for tbytes, bits in cache.field_values(leaf, fieldname).items():
                    value = tbytes.decode("utf-8")
                    merged[value] = merged.get(value, 0) | (bits << offset)
            self._values[fieldname] = merged
        return self._values[fieldname]

    def planes(self, name: str) -> list[int]:
        """Bit planes of a sort column over all segments, most significant first."""
        if name not in self._planes:
            per_leaf = [(cache.value_planes(leaf, name), offset) for leaf, offset, cache in self.leaves]
            width = max((len(p) for p, _ in per_leaf), default=0)
            planes = [0] * width
            for leaf_planes, offset in per_leaf:
                for j, plane in enumerate(leaf_planes):
                    planes[j] |= plane << offset
            self._planes[name] = planes[::-1]
        return self._planes[name]

    def column(self, name: str, docnum: int) -> int:
        for leaf, offset, cache in reversed(self.leaves):
            if docnum >= offset:
                return cache.column(leaf, name)[docnum - offset]
        raise IndexError(docnum)

    def stored(self, docnum: int) -> dict:
        return self.searcher.stored_fields(docnum)["doc"]

    def live_item_stamps(self) -> Iterable[tuple[int, int, bytes]]:
        """(docnum, item id, stamp) of every live document."""
        for leaf, offset, cache in self.leaves:
            ids, stamps = cache.column(leaf, "item_id"), list(leaf.column_reader("stamp"))
            for docnum in leaf.all_doc_ids():
                yield docnum + offset, ids[docnum], stamps[docnum]
