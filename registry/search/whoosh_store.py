"""The Whoosh index on disk: schema, the fast segment writer, and how a document becomes terms.

Every searchable field is a plain *set of terms* (character bigrams, jieba
words, whole values, facet values): matching and ranking run over bitsets
built from these postings (:mod:`registry.search.whoosh_view`), so the
index needs neither positions nor frequencies.

Whoosh's stock writer spends most of its time per posting — a sorting pool
that spills pickled runs to disk, and checks per posting — and reached about
520 items/s here (DESIGN.md). :class:`BulkWriter` keeps the stock on-disk
format (readers, merges and deletions are Whoosh's own) but collects each
term's document numbers in an array and writes whole posting blocks at
once, which is what makes a full reindex keep up with jieba.
"""
from __future__ import annotations

from array import array
from collections import defaultdict
from datetime import date, datetime
from math import log10

from whoosh import fields, formats
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from registry.search import bitsets
from registry.search.analysis import bigrams, normalise, words
from registry.search.documents import HIDDEN, SearchDoc, utc
from registry.search.whoosh_view import PLANE_COLUMNS, complete_table, write_bitmaps

#: Term-set fields: bigram groups (matching), jieba words (ranking), whole values, codes, facets.
TERM_FIELDS = (
    "n_name", "n_fields", "n_meta", "n_body", "w_name", "w_text", "name_x", "fname", "code", "code_p",
    "f_provider", "f_unit", "f_class", "f_class_item", "f_share", "f_open", "f_cycle", "f_format",
    "f_status", "f_grade",
)

#: Facet name (as users and the API see it) → term field holding its values.
FACET_FIELDS = {
    "provider": "f_provider", "unit": "f_unit", "class_code": "f_class", "class_item": "f_class_item",
    "share_type": "f_share", "open_type": "f_open", "update_cycle": "f_cycle", "format_class": "f_format",
    "status": "f_status", "security_grade": "f_grade",
}

_EPOCH = date(1970, 1, 1)


class Terms(fields.FieldType):
    """A field given as a set of ready-made terms; existence only, nothing to score."""

    def __init__(self) -> None:
        super().__init__(formats.Existence(), analyzer=None, scorable=False, stored=False)

    def index(self, value, **kwargs):
        for term in set(value):
            yield term.encode("utf-8"), 1, 1.0, b""


def make_schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(unique=True),
        item_id=fields.COLUMN(NumericColumn("q")),
        pub=fields.COLUMN(NumericColumn("i")),
        upd=fields.COLUMN(NumericColumn("q")),
        stamp=fields.COLUMN(VarBytesColumn()),
        doc=fields.STORED(),
        **{name: Terms() for name in TERM_FIELDS},
    )


def pub_days(day: date | None) -> int:
    """Publish date as days since 1970 (0 when unpublished), for bit-sliced sorting."""
    return (day - _EPOCH).days if day else 0


def upd_millis(moment: datetime) -> int:
    """Last modification in milliseconds since 1970: edits seconds apart must still sort apart."""
    return int(utc(moment).timestamp() * 1000)


def _hidden(terms) -> set[str]:
    return {HIDDEN + term for term in terms}


def doc_fields(doc: SearchDoc) -> dict:
    """The keyword arguments for ``writer.add_document`` of one item."""
    names, fields_, meta, body = doc.name_texts(), doc.field_texts(), doc.meta_texts(), doc.body_texts()
    hidden_fields, hidden_body = doc.hidden_field_texts(), doc.hidden_body_texts()
    classification = doc.code.split("/", 1)[0].lower()
    facets = {
        "f_provider": str(doc.provider_id), "f_unit": str(doc.unit_id) if doc.unit_id else "",
        "f_class": doc.class_code, "f_class_item": doc.class_item, "f_share": doc.share_type,
        "f_open": doc.open_type, "f_cycle": doc.update_cycle, "f_format": doc.format_class,
        "f_status": doc.status, "f_grade": doc.security_grade or "",
    }
    return {
        "key": str(doc.item_id), "item_id": doc.item_id, "pub": pub_days(doc.publish_date),
        "upd": upd_millis(doc.updated_at), "stamp": doc.stamp.encode(), "doc": doc.stored(),
        "n_name": bigrams(names), "n_meta": bigrams(meta),
        # Sensitive and secret fields' terms are marked: only signed-in readers' searches look them up.
        "n_fields": bigrams(fields_) | _hidden(bigrams(hidden_fields)),
        "n_body": bigrams(body) | _hidden(bigrams(hidden_body)),
        "w_name": words(names), "w_text": words([*fields_, *meta, *body]) | _hidden(words([*hidden_fields, *hidden_body])),
        "name_x": {normalise(doc.name)},
        "fname": {normalise(n) for n in doc.field_names} | _hidden(normalise(n) for n in doc.hidden_names),
        "code": {normalise(doc.code)}, "code_p": {classification[:i] for i in range(1, len(classification) + 1)},
        **{name: {value} if value else set() for name, value in facets.items()},
    }


# -- writing ---------------------------------------------------------------------------

class TermPool:
    """Postings of one new segment: field → term → ascending document numbers.

    Stands in for Whoosh's external-sort pool; every field of the schema has
    the Existence format, so a posting is fully described by its document.
    """

    def __init__(self) -> None:
        self.terms: dict[str, dict[bytes, array]] = defaultdict(lambda: defaultdict(lambda: array("I")))
        self.fieldnames: set[str] = set()
        self.columns: dict[str, list[int]] = {name: [] for name in PLANE_COLUMNS}

    def add(self, item) -> None:  # Whoosh's interface: (fieldname, tbytes, docnum, weight, vbytes)
        self.terms[item[0]][item[1]].append(item[2])

    def add_terms(self, docnum: int, field_terms: dict) -> None:
        for fieldname, terms in field_terms.items():
            table = self.terms[fieldname]
            for term in terms:
                table[term.encode("utf-8")].append(docnum)

    def write(self, fieldwriter, schema) -> None:
        for fieldname in sorted(self.terms):
            fieldwriter.start_field(fieldname, schema[fieldname])
            table = self.terms[fieldname]
            for tbytes in sorted(table):
                fieldwriter.start_term(tbytes)
                _write_postings(fieldwriter._postwriter, table[tbytes])
                fieldwriter.finish_term()
            fieldwriter.finish_field()

    def cleanup(self) -> None:
        self.terms.clear()


def _write_postings(postwriter, docnums: array) -> None:
    """Fill Whoosh's posting blocks a block at a time instead of a posting at a time.

    ``docnums`` is ascending without repeats: the writer numbers documents
    (added or merged) in increasing order and each document gives a term once.
    """
    limit = postwriter._blocklimit
    for start in range(0, len(docnums), limit):
        if start:
            postwriter._write_block()
        block = docnums[start:start + limit]
        postwriter._ids = block
        postwriter._weights = array("f", [1.0]) * len(block)
        postwriter._maxweight = 1.0


class BulkWriter(SegmentWriter):
    """A segment writer whose term fields bypass the per-posting pool (see the module note)."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.pool = TermPool()

    def add_document(self, **values) -> None:
        field_terms = {name: values.pop(name) for name in TERM_FIELDS if name in values}
        docnum = self.docnum
        super().add_document(**values)
        self.pool.add_terms(docnum, field_terms)
        for name, column in self.pool.columns.items():
            column.append(values.get(name, 0))

    def add_postings_to_pool(self, reader, startdoc: int, docmap: dict[int, int] | None) -> None:
        """A merged small segment's postings, from its complete bitmap table when it has one.

        Whoosh reads them term by term through a matcher each (~45 µs a term, ~900 terms an item),
        which made merging most of an edit's cost. ``docmap`` (old → new numbers) leaves out
        deleted documents; without it the segment has none and moves up by ``startdoc``.
        """
        table = complete_table(reader)
        if table is None:
            super().add_postings_to_pool(reader, startdoc, docmap)
            return
        for (fieldname, tbytes), raw in table.items():
            if fieldname not in self.schema:  # the sort keys' planes ("#upd"): columns, merged per document
                continue
            ids = bitsets.iter_ids(int.from_bytes(raw, "little"))
            moved = [startdoc + d for d in ids] if docmap is None else [docmap[d] for d in ids if d in docmap]
            if moved:  # a term whose documents were all deleted goes with them
                self.pool.terms[fieldname][tbytes].extend(moved)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        self.pool.write(self.fieldwriter, self.schema)
        self.fieldwriter.close()
        write_bitmaps(self.storage, self.newsegment, self.pool, self.docnum, self.pool.columns)


def merge_small(writer, segments):
    """Merge policy for small commits: drop empty segments and merge a size tier once it has five.

    Only segments under 1,000 documents are ever merged here, so a web request
    never pays for rewriting a large segment; ``mulu search reindex`` compacts.
    """
    live = [s for s in segments if s.doc_count() > 0]
    tiers: dict[int, list] = defaultdict(list)
    for segment in live:
        tiers[int(log10(max(segment.doc_count_all(), 1)))].append(segment)
    for tier in sorted(tiers):
        if tier < 3 and len(tiers[tier]) >= 5:
            merging = tiers[tier]
            for segment in merging:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                writer.add_reader(reader)
                reader.close()
            return [s for s in live if s not in merging]
    return live
