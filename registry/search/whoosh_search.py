"""Answering a :class:`Plan` from a Whoosh :class:`View`: match, rank, count and page with bitsets.

A chunk matches an item when all its character bigrams occur in one text
group of the item (name, field names, other metadata, summary and field
descriptions) — substring matching, so 建设工程 and 社会保障卡 are found
though jieba never emits them. The score adds, per chunk, the weight of the
best groups it matched in plus bonuses (whole jieba word, exact name or
field name, resource code); ties go to the most recently published.
Sensitive and secret fields' terms carry a mark (:data:`~registry.search.documents.HIDDEN`)
and are looked up only for signed-in readers (:meth:`Plan.terms`).
"""
from __future__ import annotations

from collections.abc import Callable

from registry.accounts.permissions import PUBLIC_STATUSES
from registry.search import bitsets
from registry.search.analysis import query_bigrams
from registry.search.documents import HIDDEN
from registry.search.plan import BONUS, GROUP_WEIGHTS, HIDDEN_GROUPS, Plan, RawResult
from registry.search.query import Chunk
from registry.search.whoosh_store import FACET_FIELDS
from registry.search.whoosh_view import View

GROUP_FIELDS = {"name": "n_name", "fields": "n_fields", "meta": "n_meta", "body": "n_body"}
#: Facets counted for results (``unit`` is only a filter).
COUNTED = tuple(name for name in FACET_FIELDS if name != "unit")


def substring_bits(view: View, fieldname: str, text: str, terms: Callable[[list[str]], list[str]] = list) -> int:
    """Documents whose ``fieldname`` group holds every bigram of ``text``; ``terms`` gives the index terms of one."""
    bits = -1
    for grams in query_bigrams(text):
        for gram in sorted(grams):
            if len(gram) == 1:
                found = bitsets.union(view.prefix(fieldname, g) for g in terms([gram]))
            else:
                found = view.any_term(fieldname, terms([gram]))
            bits = found if bits < 0 else bits & found
            if not bits:
                return 0
    return max(bits, 0)


def code_bits(view: View, text: str) -> int:
    if "/" in text:
        return view.prefix("code", text)
    return view.term("code_p", text)


def chunk_features(view: View, chunk: Chunk, plan: Plan) -> tuple[int, list[tuple[int, int]]]:
    """What a chunk matches, and the (documents, weight) pairs it adds to the score."""
    features: list[tuple[int, int]] = []
    matched = 0
    for group, fieldname in GROUP_FIELDS.items():
        terms = plan.terms if group in HIDDEN_GROUPS else list
        # What the user typed counts fully; a synonym found instead counts half.
        typed = substring_bits(view, fieldname, chunk.alternatives[0], terms)
        other = bitsets.union(substring_bits(view, fieldname, alt, terms) for alt in chunk.alternatives[1:]) & ~typed
        features += [(typed, GROUP_WEIGHTS[group]), (other, GROUP_WEIGHTS[group] // 2)]
        matched |= typed | other
    features.append((view.any_term("name_x", chunk.alternatives), BONUS["name_exact"]))
    features.append((view.any_term("fname", plan.terms(chunk.alternatives)), BONUS["field_exact"]))
    features.append((view.any_term("w_name", chunk.alternatives), BONUS["name_word"]))
    features.append((view.any_term("w_text", plan.terms(chunk.alternatives)), BONUS["text_word"]))
    if chunk.code_like:
        code = code_bits(view, chunk.text)
        features.append((code, BONUS["code"]))
        matched |= code
    return matched, features


def field_bits(view: View, plan: Plan) -> tuple[int, list[tuple[int, int]]]:
    """Items having a field named as asked (exactly, or containing the name when fuzzy), synonyms included."""
    wanted = plan.synonyms.expand(plan.field_name or "")
    exact = view.any_term("fname", plan.terms(wanted))
    if plan.field_mode == "exact":
        return exact, []
    names = [n for n in view.lexicon("fname") if any(w in n for w in wanted) and not (plan.public and n.startswith(HIDDEN))]
    return view.any_term("fname", names), [(exact, BONUS["field_filter"])]


def scope_bits(view: View, plan: Plan) -> int:
    if plan.scope.all_items:
        return view.live
    public = view.any_term("f_status", PUBLIC_STATUSES)
    own = view.any_term("f_provider", (str(i) for i in plan.scope.own_provider_ids))
    return (public | own) & view.live


def filter_bits(view: View, plan: Plan) -> dict[str, int]:
    return {name: view.any_term(FACET_FIELDS[name], values) for name, values in plan.filters.items()}


def match(view: View, chunks: list[Chunk], plan: Plan, any_chunk: bool = False) -> tuple[int, list[tuple[int, int]]]:
    """Documents matching every chunk (or any, when relaxed) and the score features."""
    features: list[tuple[int, int]] = []
    matched = 0 if any_chunk else -1
    for chunk in chunks:
        bits, chunk_feats = chunk_features(view, chunk, plan)
        features += chunk_feats
        matched = matched | bits if any_chunk else (bits if matched < 0 else matched & bits)
    return (view.live if matched < 0 else matched), features


def execute(view: View, plan: Plan) -> RawResult:
    allowed = scope_bits(view, plan)
    filters = filter_bits(view, plan)
    narrowed = allowed
    for bits in filters.values():
        narrowed &= bits
    fields, field_features = field_bits(view, plan) if plan.field_name else (-1, [])
    matched, features = match(view, plan.chunks, plan)
    matched &= fields
    features += field_features
    chunks, relaxed = plan.chunks, False
    if plan.has_text and not matched & narrowed and (words := plan.relaxed_chunks()):
        matched, features, relaxed = relax(view, plan, words, fields, narrowed)
        chunks = [c for c in plan.chunks if c.phrase] + words
    results = matched & narrowed
    facets = count_facets(view, matched & allowed, filters) if plan.want_facets else {}
    docs = page(view, plan, results, features)
    terms = [alt for chunk in chunks for alt in chunk.alternatives]
    return RawResult(results.bit_count(), docs, facets, relaxed, terms)


def relax(view: View, plan: Plan, words: list[Chunk], fields: int, narrowed: int):
    """Nothing matched every chunk: show the items matching the most words of the query."""
    phrases, _ = match(view, [c for c in plan.chunks if c.phrase], plan)
    counts = bitsets.Sliced()
    features: list[tuple[int, int]] = []
    for word in words:
        bits, word_features = chunk_features(view, word, plan)
        counts.add(bits, 1)
        features += word_features
    matched = 0
    for wanted in range(len(words), 0, -1):
        matched = bitsets.at_least(counts.planes, wanted, view.live) & phrases & fields
        if matched & narrowed:
            break
    return matched, features, True


def count_facets(view: View, base: int, filters: dict[str, int]) -> dict[str, dict[str, int]]:
    """Counts per facet value; a facet's own filter is left out, so its other values stay visible."""
    counts: dict[str, dict[str, int]] = {}
    for name in COUNTED:
        scope = base
        for other, bits in filters.items():
            if other != name:
                scope &= bits
        values = {}
        for value, bits in view.values(FACET_FIELDS[name]).items():
            n = (scope & bits).bit_count()
            if n:
                values[value] = n
        counts[name] = dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))
    return counts


def sort_keys(view: View, plan: Plan, features: list[tuple[int, int]]) -> tuple[list[int], bitsets.Sliced | None]:
    """Bit planes to rank by, most significant first; ties end with the lowest item id, as in SQL."""
    lowest_id = [view.live & ~plane for plane in view.planes("item_id")]
    recency = view.planes("pub") + view.planes("upd") + lowest_id
    if plan.sort == "updated":
        return view.planes("upd") + lowest_id, None
    if plan.sort == "published" or not features:
        return recency, None
    score = bitsets.Sliced()
    for bits, weight in features:
        if bits:
            score.add(bits, weight)
    return score.planes[::-1] + recency, score


def page(view: View, plan: Plan, results: int, features: list[tuple[int, int]]) -> list[dict]:
    if plan.limit <= 0 or not results:
        return []
    keys, score = sort_keys(view, plan, features)
    top = bitsets.top_k(keys, results, plan.offset + plan.limit)
    ordered = bitsets.order_desc(keys, bitsets.iter_ids(top))[plan.offset:plan.offset + plan.limit]
    docs = []
    for docnum in ordered:
        stored = dict(view.stored(docnum))
        stored["score"] = score.value(docnum) if score else 0
        docs.append(stored)
    return docs
