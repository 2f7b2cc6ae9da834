"""Answering a :class:`Plan` in PostgreSQL: tsquery over ``search_document``, facets with GROUP BY.

The same matching and ranking as the Whoosh backend (:mod:`registry.search.whoosh_search`),
expressed as tsquery literals over the lexemes :mod:`registry.search.pg_index` writes: a
chunk matches when all its bigrams occur with one group's weight; each score feature is a
``@@`` test worth its weight. Scope, filters, facets and sort read ``catalog_item`` itself,
so they are never staler than the database.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import String, and_, case, cast, func, literal, literal_column, or_, select
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from registry.accounts.permissions import PUBLIC_STATUSES
from registry.catalog.models import CatalogItem, ItemStatus, OpenType, ShareType
from registry.profiles import Profile
from registry.search import pg_index
from registry.search.analysis import query_bigrams
from registry.search.drift import Drift
from registry.search.plan import BONUS, GROUP_WEIGHTS, HIDDEN_GROUPS, Plan, RawResult
from registry.search.query import Chunk

_WEIGHT = pg_index.GROUP_WEIGHTS
_CLASS_ITEM = CatalogItem.class_code + literal(".") + CatalogItem.item_code
FACET_COLUMNS = {
    "provider": cast(CatalogItem.provider_id, String), "class_code": CatalogItem.class_code, "class_item": _CLASS_ITEM,
    "share_type": CatalogItem.share_type, "open_type": CatalogItem.open_type, "update_cycle": CatalogItem.update_cycle,
    "format_class": CatalogItem.format_class, "status": CatalogItem.status,
    "security_grade": CatalogItem.security_grade,
}
_ENUMS = {"share_type": ShareType, "open_type": OpenType, "status": ItemStatus}
_DOC = pg_index.SearchDocument
Lexemes = Callable[[list[str]], list[str]]


# -- tsquery literals ------------------------------------------------------------------

def _any(parts: Iterable[str]) -> str:
    parts = [p for p in parts if p]
    return "(" + " | ".join(parts) + ")" if parts else ""


def _group_query(text: str, weight: str, lexemes: Lexemes = list) -> str:
    terms = []
    for grams in query_bigrams(text):
        for gram in sorted(grams):
            suffix = (":*" if len(gram) == 1 else ":") + weight
            terms.append(_any(pg_index.quote(lexeme) + suffix for lexeme in lexemes([gram])))
    return "(" + " & ".join(terms) + ")" if terms else ""


def _marked(mark: str, texts: Iterable[str], weight: str, lexemes: Lexemes = list) -> str:
    return _any(pg_index.quote(lexeme) + ":" + weight for lexeme in lexemes([mark + t for t in texts]))


def chunk_queries(chunk: Chunk, plan: Plan) -> tuple[str, list[tuple[tuple[str, ...], tuple[int, ...]]]]:
    """The tsquery a chunk must match, and its score features (restricted fields' lexemes per ``plan.terms``).

    A feature is a list of tiers: the first tsquery that matches gives its weight
    (what was typed, else a synonym), so a row pays for the second test only when
    the first fails.
    """
    features, matching = [], []
    for group, letter in _WEIGHT.items():
        lexemes = plan.terms if group in HIDDEN_GROUPS else list
        typed = _group_query(chunk.alternatives[0], letter, lexemes)
        other = _any(_group_query(alt, letter, lexemes) for alt in chunk.alternatives[1:])
        weight = GROUP_WEIGHTS[group]
        tiers = [(typed, weight)] + ([(other, weight // 2)] if other and weight // 2 else [])
        features.append(tuple(zip(*tiers)))
        matching += [typed, other]
    for query, weight in ((_marked("=", chunk.alternatives, "A"), BONUS["name_exact"]),
                          (_marked("=", chunk.alternatives, "B", plan.terms), BONUS["field_exact"]),
                          (_marked("~", chunk.alternatives, "A"), BONUS["name_word"]),
                          (_marked("~", chunk.alternatives, "D", plan.terms), BONUS["text_word"])):
        features.append(((query,), (weight,)))
    if chunk.code_like:
        code = pg_index.quote("#" + chunk.text) + (":*A" if "/" in chunk.text else ":A")
        features.append(((code,), (BONUS["code"],)))
        matching.append(code)
    return _any(matching), features


def _matches(query: str):
    return _DOC.words.op("@@")(cast(query, TSQUERY))


# -- conditions ------------------------------------------------------------------------

def scope_condition(plan: Plan):
    if plan.scope.all_items:
        return None
    public = CatalogItem.status.in_([ItemStatus(s) for s in PUBLIC_STATUSES])
    if not plan.scope.own_provider_ids:
        return public
    return or_(public, CatalogItem.provider_id.in_(sorted(plan.scope.own_provider_ids)))


def filter_conditions(plan: Plan) -> dict[str, object]:
    conditions = {}
    for name, values in plan.filters.items():
        if name == "provider":
            conditions[name] = CatalogItem.provider_id.in_([int(v) for v in values if v.isdigit()])
        elif name in _ENUMS:
            enum = _ENUMS[name]
            conditions[name] = FACET_COLUMNS[name].in_([enum(v) for v in values if v in enum._value2member_map_])
        else:
            conditions[name] = FACET_COLUMNS[name].in_(values)
    return conditions


def field_condition(plan: Plan) -> tuple[object | None, list]:
    if not plan.field_name:
        return None, []
    wanted = plan.synonyms.expand(plan.field_name)
    exact = _marked("=", wanted, "B", plan.terms)
    if plan.field_mode == "exact":
        return _matches(exact), []
    # The fields group holds every bigram of every field name, so the GIN index narrows;
    # LIKE then confirms the name really contains the text (for the public, a public name).
    narrowed = _matches(_any(_group_query(w, "B", plan.terms) for w in wanted))
    names = func.split_part(_DOC.field_names, pg_index.HIDDEN_PART, 1) if plan.public else _DOC.field_names
    contains = or_(*[names.like("%" + _escape_like(w) + "%", escape="\\") for w in wanted])
    return and_(narrowed, contains), [((exact,), (BONUS["field_filter"],))]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _score(features: list[tuple[tuple[str, ...], tuple[int, ...]]]):
    if not features:
        return literal(0)
    return sum((case(*[(_matches(q), w) for q, w in zip(*feature)], else_=0) for feature in features), literal(0))


# -- running -----------------------------------------------------------------------------

class Query:
    """The pieces of one search as SQL: matching, allowed (scope), filters and score."""

    def __init__(self, plan: Plan, chunks: list[Chunk], any_chunk: bool = False, at_least: int = 0) -> None:
        parts, features = [], []
        for chunk in chunks:
            matching, chunk_features = chunk_queries(chunk, plan)
            parts.append(matching)
            features += chunk_features
        self.match = None
        if parts and at_least:
            hits = sum((case((_matches(p), 1), else_=0) for p in parts), literal(0))
            self.match = and_(_matches("(" + " | ".join(parts) + ")"), hits >= at_least)
        elif parts:
            self.match = _matches(("(" + " | ".join(parts) + ")") if any_chunk else " & ".join(parts))
        field, field_features = field_condition(plan)
        self.field = field
        self.features = features + field_features
        self.scope = scope_condition(plan)
        self.filters = filter_conditions(plan)

    def where(self, skip_filter: str | None = None, with_filters: bool = True) -> list:
        conditions = [c for c in (self.match, self.field, self.scope) if c is not None]
        if with_filters:
            conditions += [c for name, c in self.filters.items() if name != skip_filter]
        return conditions

    def base(self, *columns):
        return select(*columns).select_from(_DOC).join(CatalogItem, CatalogItem.id == _DOC.item_id)


def _count(session: Session, query: Query) -> int:
    return session.scalar(query.base(func.count()).where(*query.where())) or 0


def _totals(session: Session, query: Query, want_facets: bool) -> tuple[int, dict[str, dict[str, int]]]:
    """The total and the facet counts, in as few passes over the matches as possible.

    Facets without a filter of their own share one pass (GROUPING SETS, whose empty
    set is the total); a facet with a filter is counted without it, so its other
    values stay visible, which takes a pass of its own.
    """
    if not want_facets:
        return _count(session, query), {}
    shared = {name: column for name, column in FACET_COLUMNS.items() if name not in query.filters}
    columns = list(shared.values())
    rows = session.execute(
        query.base(*columns, *[func.grouping(c) for c in columns], func.count())
        .where(*query.where()).group_by(func.grouping_sets(*columns, literal_column("()")))
    )
    total, out = 0, {}
    for row in rows:
        values, grouped, n = row[:len(columns)], row[len(columns):-1], row[-1]
        if all(flag == 1 for flag in grouped):
            total = n
        for name, value, flag in zip(shared, values, grouped):
            if flag == 0 and value is not None and value != "":
                out.setdefault(name, {})[str(getattr(value, "value", value))] = n
    for name in query.filters if total else ():
        column = FACET_COLUMNS[name]
        rows = session.execute(query.base(column, func.count()).where(*query.where(skip_filter=name)).group_by(column))
        out[name] = {str(getattr(v, "value", v)): n for v, n in rows if v is not None and v != ""}
    return total, {name: dict(sorted(out.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))) for name in FACET_COLUMNS}


def _order(plan: Plan, query: Query) -> list:
    # The same ties as the Whoosh backend: newest publication, latest change, lowest id.
    recency = [CatalogItem.publish_date.desc().nulls_last(), CatalogItem.updated_at.desc(), CatalogItem.id]
    if plan.sort == "updated":
        return [CatalogItem.updated_at.desc(), CatalogItem.id]
    if plan.sort == "published" or not query.features:
        return recency
    return [_score(query.features).desc(), *recency]


def _page(session: Session, plan: Plan, query: Query) -> list[dict]:
    if plan.limit <= 0:
        return []
    rows = session.execute(
        query.base(_DOC.doc, _score(query.features).label("score")).where(*query.where())
        .order_by(*_order(plan, query)).offset(plan.offset).limit(plan.limit)
    )
    return [{**doc, "score": int(score or 0)} for doc, score in rows]


def execute(session: Session, plan: Plan) -> RawResult:
    query, chunks, relaxed = Query(plan, plan.chunks), plan.chunks, False
    total, facets = _totals(session, query, plan.want_facets)
    if not total and plan.has_text and (words := plan.relaxed_chunks()):
        relaxed = True
        phrases = [c for c in plan.chunks if c.phrase]
        for wanted in range(len(words), 0, -1):
            query = _relaxed_query(plan, phrases, words, wanted)
            total, facets = _totals(session, query, plan.want_facets)
            if total:
                break
        chunks = phrases + words
    terms = [alt for chunk in chunks for alt in chunk.alternatives]
    return RawResult(total, _page(session, plan, query) if total else [], facets, relaxed, terms)


def _relaxed_query(plan: Plan, phrases: list[Chunk], words: list[Chunk], wanted: int) -> Query:
    query = Query(plan, words, at_least=wanted)
    if phrases:
        strict = Query(plan, phrases)
        query.match = and_(strict.match, query.match)
        query.features = strict.features + query.features
    return query


class PostgresBackend:
    """Search in the shared database: for several app servers (``MULU_SEARCH_BACKEND=postgres``)."""

    name = "postgres"

    def __init__(self, profile: Profile) -> None:
        self.profile = profile

    def execute(self, session: Session, plan: Plan) -> RawResult:
        return execute(session, plan)

    def index_codes(self, session: Session, codes: Iterable[str]) -> int:
        return pg_index.index_codes(session, self.profile, codes)

    def reindex(self, engine: Engine, procs: int = 1, progress: Callable[[int], None] | None = None) -> int:
        return pg_index.reindex(engine, self.profile, progress)

    def check(self, session: Session) -> Drift:
        return pg_index.check(session)

