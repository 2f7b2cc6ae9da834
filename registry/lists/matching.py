"""供需对接: which published catalog items (and which of their fields) could serve a demand.

Two sources of candidates, then one ranking. The catalog's own search
service (:func:`registry.search.search`, as the public sees it: published
items only) finds items by the demand's description and by each wanted
field name, with its synonyms and relaxed matching. Without a search
service at hand (a system job, a test of the service layer) the wanted
field names are matched against published items' fields in the database.
Either way the fields of each candidate are then compared with the wanted
names through the same synonym table (身份证号 = 公民身份号码), and an item
covering more wanted fields ranks first.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from registry.accounts.permissions import PUBLIC_STATUSES, subtree_ids
from registry.catalog.models import CatalogItem, Field
from registry.core.context import Context
from registry.lists.responsibility import LISTED_STATUSES
from registry.orgs.models import Organisation
from registry.search.analysis import normalise
from registry.search.query import SearchRequest
from registry.search.synonyms import Synonyms, load_synonyms

MAX_SUGGESTIONS = 8
#: Candidates gathered before ranking; more only slows the ranking down.
MAX_CANDIDATES = 60
#: Field names looked up one by one (a demand listing 200 fields is searched by its first ones).
MAX_FIELD_LOOKUPS = 12


@dataclass(frozen=True)
class CatalogSearch:
    """How suggestions search: ``run`` (a request in, matching item codes out, best first), and the synonyms."""

    run: Callable[[SearchRequest], list[str]] | None = None
    synonyms: Synonyms = field(default_factory=load_synonyms)


def catalog_search(runtime, session) -> CatalogSearch:
    """The search service of ``runtime`` over published items, with the instance's synonyms.

    Published items by a filter, not by the public scope: suggestions go to departments, which
    may match sensitive and secret fields (身份证号 → 公民身份号码), hidden from the public.
    """
    from registry.search import search

    def run(request: SearchRequest) -> list[str]:
        published = replace(request, filters={**request.filters, "status": tuple(sorted(PUBLIC_STATUSES))})
        return [hit.code for hit in search(runtime, session, published).results]

    return CatalogSearch(run, load_synonyms(runtime.settings.instance_path))


@dataclass
class Candidate:
    item_id: int
    code: str
    name: str
    provider_id: int
    rank: int  # the order it was found in (search relevance); lower is better
    searched: bool  # found by the search service (else by field names alone)
    matched: dict[str, str] = field(default_factory=dict)  # wanted name → the item's field that serves it


def suggest(ctx: Context, description: str, wanted: list[str], *, requester: Organisation | None = None,
            search: CatalogSearch | None = None) -> list[dict]:
    """The best published items for a demand, as ``{code, name, provider{code,name}, matched_fields, score}``.

    The requester's own department's items are left out: it asks others for data.
    """
    search = search or CatalogSearch()
    variants = {name: set(search.synonyms.expand(name)) | {normalise(name)} for name in wanted}
    own = subtree_ids(ctx.session, requester.department.id) if requester is not None else set()
    candidates = _load(ctx, _searched(search, description, wanted), own) if search.run else []
    if len(candidates) < MAX_SUGGESTIONS:
        candidates += _by_field_names(ctx, variants, own, exclude={c.item_id for c in candidates}, start=len(candidates))
    _match_fields(ctx, candidates, variants)
    useful = sorted((c for c in candidates if c.matched or c.searched), key=lambda c: (-len(c.matched), c.rank))
    best = useful[:MAX_SUGGESTIONS]
    providers = _departments(ctx, {c.provider_id for c in best})
    return [
        {"code": c.code, "name": c.name, "provider": providers.get(c.provider_id),
         "matched_fields": [{"wanted": w, "field": f} for w, f in c.matched.items()],
         "score": 10 * len(c.matched) + max(0, MAX_CANDIDATES - c.rank) // 10}
        for c in best
    ]


def _searched(search: CatalogSearch, description: str, wanted: list[str]) -> list[str]:
    """Codes from the description (relaxed to its best-matching words), then from each wanted field name."""
    found: dict[str, None] = {}
    text = " ".join(description.split())[:120]
    if text:
        found.update(dict.fromkeys(search.run(SearchRequest(text=text, per_page=20, facets=False))))
    for name in wanted[:MAX_FIELD_LOOKUPS]:
        found.update(dict.fromkeys(search.run(SearchRequest(field_name=name, per_page=10, facets=False))))
    return list(found)[:MAX_CANDIDATES]


def _load(ctx: Context, codes: list[str], own: set[int]) -> list[Candidate]:
    if not codes:
        return []
    rank = {code: n for n, code in enumerate(codes)}
    rows = ctx.session.execute(
        select(CatalogItem.id, CatalogItem.code, CatalogItem.name, CatalogItem.provider_id)
        .where(CatalogItem.code.in_(codes), CatalogItem.status.in_(LISTED_STATUSES)))
    found = [Candidate(r.id, r.code, r.name, r.provider_id, rank[r.code], True) for r in rows if r.provider_id not in own]
    return sorted(found, key=lambda c: c.rank)


def _by_field_names(ctx: Context, variants: dict[str, set[str]], own: set[int], *, exclude: set[int],
                    start: int) -> list[Candidate]:
    """Published items with a field named as wanted (or a synonym), those covering most names first."""
    names = {v for vs in variants.values() for v in vs} | {n.strip() for n in variants}
    if not names:
        return []
    rows = ctx.session.execute(
        select(CatalogItem.id, CatalogItem.code, CatalogItem.name, CatalogItem.provider_id)
        .join(Field, Field.item_id == CatalogItem.id)
        .where(Field.name.in_(names), CatalogItem.status.in_(LISTED_STATUSES))
        .distinct().order_by(CatalogItem.code).limit(MAX_CANDIDATES))
    return [Candidate(r.id, r.code, r.name, r.provider_id, start + n, False)
            for n, r in enumerate(r for r in rows if r.id not in exclude and r.provider_id not in own)]


def _match_fields(ctx: Context, candidates: list[Candidate], variants: dict[str, set[str]]) -> None:
    """Which wanted names each candidate's fields answer, and by which field (exact name or a synonym)."""
    if not candidates or not variants:
        return
    fields: dict[int, list[str]] = {}
    rows = ctx.session.execute(select(Field.item_id, Field.name).where(Field.item_id.in_([c.item_id for c in candidates]))
                               .order_by(Field.item_id, Field.position))
    for item_id, name in rows:
        fields.setdefault(item_id, []).append(name)
    for candidate in candidates:
        names = fields.get(candidate.item_id, [])
        for wanted, accepted in variants.items():
            hit = next((f for f in names if normalise(f) in accepted), None)
            if hit is not None:
                candidate.matched[wanted] = hit


def _departments(ctx: Context, provider_ids: set[int]) -> dict[int, dict]:
    """Each provider as the department it belongs to (an internal unit answers through its department)."""
    if not provider_ids:
        return {}
    orgs = ctx.session.scalars(select(Organisation).where(Organisation.id.in_(provider_ids)))
    return {org.id: {"code": org.department.code, "name": org.department.name} for org in orgs}
