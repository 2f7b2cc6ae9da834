"""Answering a :class:`Plan` in PostgreSQL: tsquery over ``search_document``, facets with GROUP BY.

The same matching and ranking as the Whoosh backend (:mod:`registry.search.whoosh_search`),
expressed as tsquery literals over the lexemes :mod:`registry.search.pg_index` writes: a
chunk matches when all its bigrams occur in one group (the letter in front of each lexeme);
each score feature is a tsquery worth its weight. The queries carry no weights, so the GIN
index answers them alone; scores are summed from each feature's index matches rather than by
testing every matching row's tsvector; a common word's page is ranked among the items whose
names match when that alone settles it (:func:`_ranked_by_names`). Scope, filters, facets and
sort read ``catalog_item`` itself, so they are never staler than the database. Readers who see
only public items get results cached while no public item has been written since
(:mod:`registry.search.pg_cache`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

from sqlalchemy import String, and_, cast, func, literal, literal_column, or_, select, text, union_all
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from registry.accounts.permissions import PUBLIC_STATUSES
from registry.catalog.models import CatalogItem, ItemStatus, OpenType, ShareType
from registry.profiles import Profile
from registry.search import pg_cache, pg_index
from registry.search.analysis import query_bigrams
from registry.search.drift import Drift
from registry.search.plan import BONUS, GROUP_WEIGHTS, HIDDEN_GROUPS, Plan, RawResult
from registry.search.query import Chunk

_LETTER = pg_index.GROUP_LETTERS
_CLASS_ITEM = CatalogItem.class_code + literal(".") + CatalogItem.item_code
FACET_COLUMNS = {
    "provider": cast(CatalogItem.provider_id, String), "class_code": CatalogItem.class_code, "class_item": _CLASS_ITEM,
    "share_type": CatalogItem.share_type, "open_type": CatalogItem.open_type, "update_cycle": CatalogItem.update_cycle,
    "format_class": CatalogItem.format_class, "status": CatalogItem.status,
    "security_grade": CatalogItem.security_grade,
}
_ENUMS = {"share_type": ShareType, "open_type": OpenType, "status": ItemStatus}
_DOC = pg_index.SearchDocument
#: Matches from which ranking first tries the name matches alone, and hashes the catalog's rows rather
#: than looking each item up (about 10 ms of lookups per 3,000 items against 25 ms to hash the
#: 100,000 rows of a provincial catalog).
LARGE = 5_000
Lexemes = Callable[[list[str]], list[str]]


class Feature(NamedTuple):
    """A score feature: its tiers' tsqueries and their weights, highest first."""

    queries: tuple[str, ...]
    weights: tuple[int, ...]
    in_name: bool = False  # matches names only

    @property
    def tiers(self) -> list[tuple[str, int]]:
        return [(q, w) for q, w in zip(self.queries, self.weights) if q]


# -- tsquery literals ------------------------------------------------------------------

def _any(parts: Iterable[str]) -> str:
    parts = [p for p in parts if p]
    return "(" + " | ".join(parts) + ")" if parts else ""


def _term(letter: str, lexeme: str, prefix: bool = False) -> str:
    return pg_index.quote(letter + lexeme) + (":*" if prefix else "")


def _group_query(text: str, letter: str, lexemes: Lexemes = list) -> str:
    terms = []
    for grams in query_bigrams(text):
        for gram in sorted(grams):
            terms.append(_any(_term(letter, lexeme, prefix=len(gram) == 1) for lexeme in lexemes([gram])))
    return "(" + " & ".join(terms) + ")" if terms else ""


def _marked(mark: str, texts: Iterable[str], letter: str, lexemes: Lexemes = list) -> str:
    return _any(_term(letter, lexeme) for lexeme in lexemes([mark + t for t in texts]))


def chunk_queries(chunk: Chunk, plan: Plan) -> tuple[str, list[Feature]]:
    """The tsquery a chunk must match, and its score features (restricted fields' lexemes per ``plan.terms``).

    A feature is a list of tiers: the first tsquery that matches gives its weight
    (what was typed, else a synonym at half weight).
    """
    features, matching = [], []
    for group, letter in _LETTER.items():
        lexemes = plan.terms if group in HIDDEN_GROUPS else list
        typed = _group_query(chunk.alternatives[0], letter, lexemes)
        other = _any(_group_query(alt, letter, lexemes) for alt in chunk.alternatives[1:])
        weight = GROUP_WEIGHTS[group]
        tiers = [(typed, weight)] + ([(other, weight // 2)] if other and weight // 2 else [])
        features.append(Feature(*zip(*tiers), in_name=letter == _LETTER["name"]))
        matching += [typed, other]
    for query, weight, in_name in ((_marked("=", chunk.alternatives, "A"), BONUS["name_exact"], True),
                                   (_marked("=", chunk.alternatives, "B", plan.terms), BONUS["field_exact"], False),
                                   (_marked("~", chunk.alternatives, "A"), BONUS["name_word"], True),
                                   (_marked("~", chunk.alternatives, "D", plan.terms), BONUS["text_word"], False)):
        features.append(Feature((query,), (weight,), in_name))
    if chunk.code_like:
        code = _term("A", "#" + chunk.text, prefix="/" in chunk.text)
        features.append(Feature((code,), (BONUS["code"],), True))
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
    return and_(narrowed, contains), [Feature((exact,), (BONUS["field_filter"],))]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _scores(matched, features: list[Feature]):
    """Item id → score for the items ``matched`` selects (their ids; ``None``: those the features match),
    from one aggregate.

    Each tier's matches come from the GIN index; an item gets a feature's best tier (the
    first that matches, as tiers descend) once. The matched items join in as feature -1
    worth nothing, so the one aggregate both ranks and filters: joining scores to matches
    instead let a poor row estimate (bigrams taken as independent) pick a nested loop that
    compared every pair. One pass over the hits: single-tier features are summed, each
    tiered one adds its best weight (grouping by item and feature first took a second pass
    over as many groups as hits).
    """
    tiers = [select(_DOC.item_id, literal(n).label("feature"), literal(weight).label("weight")).where(_matches(q))
             for n, feature in enumerate(features) for q, weight in feature.tiers]
    if matched is not None:
        tiers.insert(0, matched.add_columns(literal(-1).label("feature"), literal(0).label("weight")))
    hits = union_all(*tiers).subquery("hits")
    tiered = [n for n, feature in enumerate(features) if len(feature.tiers) > 1]
    score = func.coalesce(func.sum(hits.c.weight).filter(hits.c.feature.not_in(tiered)), 0)
    for n in tiered:
        score = score + func.coalesce(func.max(hits.c.weight).filter(hits.c.feature == n), 0)
    scores = select(hits.c.item_id, score.label("score")).group_by(hits.c.item_id)
    return (scores.having(func.min(hits.c.feature) < 0) if matched is not None else scores).subquery("scores")


# -- running -----------------------------------------------------------------------------

class Query:
    """The pieces of one search as SQL: matching, allowed (scope), filters and score."""

    def __init__(self, plan: Plan, chunks: list[Chunk], at_least: int = 0) -> None:
        parts, features = [], []
        for chunk in chunks:
            matching, chunk_features = chunk_queries(chunk, plan)
            parts.append(matching)
            features += chunk_features
        self.match = None
        if parts and at_least:
            # Which chunks each item matches, from the index: a row-by-row test reads each candidate's tsvector.
            hits = union_all(*[select(_DOC.item_id).where(_matches(p)) for p in parts]).subquery("chunk_hits")
            self.match = _DOC.item_id.in_(select(hits.c.item_id).group_by(hits.c.item_id).having(func.count() >= at_least))
        elif parts:
            self.match = _matches(" & ".join(parts))
        field, field_features = field_condition(plan)
        self.field = field
        self.features = features + field_features
        # One chunk, matched on its own: it matches exactly the items some feature of it matches (each
        # feature is a group's query or finer, and every group's query is a feature's tier), so ranking
        # needs no separate pass over the matches.
        self.features_match = len(chunks) == 1 and not at_least and field is None
        self.scope = scope_condition(plan)
        self.filters = filter_conditions(plan)

    def where(self, skip_filter: str | None = None) -> list:
        return self.on_documents() + self.on_items(skip_filter)

    def on_documents(self) -> list:
        return [c for c in (self.match, self.field) if c is not None]

    def on_items(self, skip_filter: str | None = None) -> list:
        return [c for c in (self.scope,) if c is not None] + [c for name, c in self.filters.items() if name != skip_filter]

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


def _order(plan: Plan, score) -> list:
    # The same ties as the Whoosh backend: newest publication, latest change, lowest id.
    recency = [CatalogItem.publish_date.desc().nulls_last(), CatalogItem.updated_at.desc(), CatalogItem.id]
    if plan.sort == "updated":
        return [CatalogItem.updated_at.desc(), CatalogItem.id]
    if plan.sort == "published" or score is None:
        return recency
    return [score.desc(), *recency]


def _page(session: Session, plan: Plan, query: Query, total: int) -> list[dict]:
    """The page's documents: ids ranked first, then only their documents read."""
    if plan.limit <= 0:
        return []
    features = [f for f in query.features if f.tiers]
    if features and query.on_documents():
        rows = _ranked_by_names(session, plan, query, features) if total >= LARGE else None
        if rows is None:
            rows = _ranked(session, plan, query, features, large=total >= LARGE)
    else:
        ranked = query.base(_DOC.item_id).where(*query.where()).order_by(*_order(plan, None))
        rows = session.execute(ranked.offset(plan.offset).limit(plan.limit)).all()
    docs = dict(session.execute(select(_DOC.item_id, _DOC.doc).where(_DOC.item_id.in_([r[0] for r in rows]))).all())
    # An item deleted between the two statements has lost its document too: it drops out of the page.
    return [{**docs[row[0]], "score": int(row[1]) if len(row) > 1 else 0} for row in rows if row[0] in docs]


def _ranked_by_names(session: Session, plan: Plan, query: Query, features: list[Feature]) -> list | None:
    """The page ranked by relevance among the items whose names match, if that settles it; else ``None``.

    A common word matches a third of a provincial catalog, and ranking every match is most of its
    search. Items whose names do not match score at most what the other features are worth
    together; if the page's last item, ranked among the name matches alone, scores more than that,
    no other item can reach the page (ties with it are impossible), and it is the right page.
    """
    if plan.sort != "relevance":  # by date, scores say nothing about who comes first
        return None
    in_names = _any(q for f in features if f.in_name for q, _ in f.tiers)
    if not in_names:
        return None
    others = sum(max(f.weights) for f in features if not f.in_name)
    narrowed = [f if f.in_name else f._replace(queries=tuple(q and f"{q} & {in_names}" for q in f.queries))
                for f in features]
    # Name matches are a fraction of the matches: looking each up beats hashing the catalog.
    rows = _ranked(session, plan, query, narrowed, large=False, among=_matches(in_names))
    return rows if len(rows) == plan.limit and rows[-1][1] > others else None


def _ranked(session: Session, plan: Plan, query: Query, features: list[Feature], large: bool, among=None) -> list:
    """(item id, score) of the page's items, ranked by ``features`` among the matches (those ``among`` selects)."""
    matched = None  # a single chunk's features (narrowed to ``among`` with it) select its matches themselves
    if not query.features_match:
        matched = select(_DOC.item_id).where(*query.on_documents(), *([among] if among is not None else []))
    scores = _scores(matched, features)
    ranked = (select(scores.c.item_id, scores.c.score).join(CatalogItem, CatalogItem.id == scores.c.item_id)
              .where(*query.on_items()).order_by(*_order(plan, scores.c.score)).offset(plan.offset).limit(plan.limit))
    if not large:
        return session.execute(ranked).all()
    # The planner takes bigrams as independent and expects a few dozen scores: it looks each item up
    # (3 µs apiece). Past a few thousand, hashing the catalog's rows once is cheaper.
    with _planner(session, enable_nestloop="off"):
        return session.execute(ranked).all()


def execute(session: Session, plan: Plan) -> RawResult:
    """The results; for readers who see only public items, shared with every other such search
    since the last write touching a public item (:mod:`registry.search.pg_cache`)."""
    if not plan.public_only:
        return _answer(session, plan)
    return pg_cache.public_result(session, plan, lambda: _answer(session, plan))


@contextmanager
def _planner(session: Session, **settings: str) -> Iterator[None]:
    """The statements inside run with these planner settings (``SET LOCAL``), restored after."""
    session.execute(text("; ".join(f"SET LOCAL {name} = {value}" for name, value in settings.items())))
    try:
        yield
    except SQLAlchemyError:
        raise  # the transaction has failed; its rollback restores the settings
    except BaseException:
        _restore(session, settings)
        raise
    _restore(session, settings)


def _restore(session: Session, settings: dict[str, str]) -> None:
    session.execute(text("; ".join(f"SET LOCAL {name} TO DEFAULT" for name in settings)))


def _answer(session: Session, plan: Plan) -> RawResult:
    if not (plan.has_text or plan.field_name):
        return _execute(session, plan)
    # Text is matched through the GIN index only. The tsvectors live out of line (TOAST), so a row
    # looks cheap to test, and the planner would rather scan the table (or walk its primary key)
    # testing each row: that reads every row's tsvector, a cost it does not count, and took seconds
    # at 100,000 items. With plain and index scans off, bitmap scans remain: the GIN index for
    # words, primary keys for joins. No parallel workers either: on a busy server they only add
    # their start-up to the CPU every search takes (measured serial as fast, idle, at 100,000 items).
    with _planner(session, enable_seqscan="off", enable_indexscan="off", max_parallel_workers_per_gather="0"):
        return _execute(session, plan)


def _execute(session: Session, plan: Plan) -> RawResult:
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
    return RawResult(total, _page(session, plan, query, total) if total else [], facets, relaxed, terms)


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

