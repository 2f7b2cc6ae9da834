"""The CKAN actions Mulu answers, each ``action(reader, data) -> result`` as in CKAN's logic layer.

Every action reads within the caller's scope: anonymous callers (and CKAN
clients without a key) see the published catalog; a Mulu API token sent as
CKAN's API key sees what its user may see. Searches go through the one
search service, so results, counts and facets agree with the public page.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.accounts.permissions import PUBLIC_STATUSES, ItemScope, item_scope
from registry.catalog.models import CatalogItem
from registry.ckan import params
from registry.ckan.errors import NotFoundError, ParamError
from registry.ckan.mapping import (
    code_from_name,
    group_name,
    org_name,
    org_slug,
    organization_dict,
    organization_extras,
    package_dict,
    package_name,
)
from registry.orgs.models import Organisation
from registry.search import SearchRequest, search
from registry.search.facets import provider_ids, resolve_filters
from registry.search.query import MAX_PER_PAGE, MAX_RESULTS

CKAN_VERSION = "2.10.0"  # the API generation imitated: CKAN 2.9+ action API shapes
MAX_LIST = 1000


@dataclass
class Reader:
    """Who is reading, through which runtime and session."""

    runtime: Any
    session: Session
    actor: Any = None  # a User, or None for the public

    @property
    def public(self) -> bool:
        return self.actor is None

    @property
    def scope(self) -> ItemScope:
        return item_scope(self.session, self.actor, public=self.public)


def _visible(scope: ItemScope) -> Select:
    query = select(CatalogItem)
    if not scope.all_items:
        query = query.where(or_(CatalogItem.status.in_(PUBLIC_STATUSES),
                                CatalogItem.provider_id.in_(scope.own_provider_ids or {-1})))
    return query


def _items_by_code(reader: Reader, codes: list[str]) -> dict[str, CatalogItem]:
    if not codes:
        return {}
    query = _visible(reader.scope).where(CatalogItem.code.in_(codes)).options(
        selectinload(CatalogItem.provider), selectinload(CatalogItem.provider_unit), selectinload(CatalogItem.fields))
    return {item.code: item for item in reader.session.scalars(query)}


# -- packages ---------------------------------------------------------------------------------------------

def package_search(reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    """Search packages: q, fq, rows (≤1000), start, sort, facet.field, facet.limit (see docs/ckan.md)."""
    profile = reader.runtime.profile
    wanted = params.search_params(reader.session, profile, data)
    if wanted.start + wanted.rows > MAX_RESULTS:
        raise ParamError("start", f"最多取到第 {MAX_RESULTS} 条结果，请增加筛选条件")
    first, codes = None, []
    for page, per_page, skip, take in _pages(wanted.start, wanted.rows):
        response = search(reader.runtime, reader.session, SearchRequest(
            text=wanted.q, filters=wanted.filters, sort=wanted.sort, page=page, per_page=per_page,
            facets=first is None), actor=reader.actor, public=reader.public)
        first = first or response
        codes += [hit.code for hit in response.results[skip:skip + take]]
    items = _items_by_code(reader, codes)
    counts = _within_filters(reader, first.facets, wanted.filters)
    facets, search_facets = _facets(counts, first.facet_labels, wanted.facet_fields, wanted.facet_limit)
    return {"count": first.total, "sort": wanted.sort_text, "facets": facets, "search_facets": search_facets,
            "results": [package_dict(profile, items[c], public=reader.public) for c in codes if c in items]}


def _pages(start: int, rows: int) -> list[tuple[int, int, int, int]]:
    """(page, per_page, skip, take) searches that cover rows ``start … start+rows`` in pages of ≤100."""
    if rows == 0:
        return [(1, 0, 0, 0)]
    if rows <= MAX_PER_PAGE and start % rows == 0:
        return [(start // rows + 1, rows, 0, rows)]
    pages, position, end = [], start, start + rows
    while position < end:
        page = position // MAX_PER_PAGE
        skip = position - page * MAX_PER_PAGE
        take = min(MAX_PER_PAGE - skip, end - position)
        pages.append((page + 1, MAX_PER_PAGE, skip, take))
        position += take
    return pages


def _within_filters(reader: Reader, counts: dict[str, dict[str, int]],
                    filters: dict[str, tuple[str, ...]]) -> dict[str, dict[str, int]]:
    """Facet counts of the filtered results, as CKAN gives them.

    The search service counts a filtered facet's other values too (so a page
    can offer them as alternatives); CKAN counts only what the results hold.
    """
    narrowed = dict(counts)
    resolved = resolve_filters(reader.session, reader.runtime.profile, filters)
    for name, values in resolved.items():
        if name == "provider":
            ids = provider_ids(reader.session, values)
            values = tuple(reader.session.scalars(select(Organisation.code).where(Organisation.id.in_(ids or {-1}))))
        narrowed[name] = {value: n for value, n in counts.get(name, {}).items() if value in values}
    return narrowed


def _facets(counts: dict[str, dict[str, int]], labels: dict[str, dict[str, str]], fields: list[str],
            limit: int) -> tuple[dict, dict]:
    facets, search_facets = {}, {}
    for ckan_field in fields:
        if ckan_field in params.EMPTY_FACETS:
            pairs: list[tuple[str, str, int]] = []
        else:
            name = params.facet_name(ckan_field)
            shown = {"provider": org_slug, "class_item": group_name}.get(name, str)
            ordered = sorted(counts.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))
            pairs = [(shown(value), labels.get(name, {}).get(value, value), n) for value, n in ordered]
        if limit >= 0:
            pairs = pairs[:limit]
        facets[ckan_field] = {value: n for value, _, n in pairs}
        search_facets[ckan_field] = {"title": ckan_field, "items": [
            {"name": value, "display_name": label, "count": n} for value, label, n in pairs]}
    return facets, search_facets


def package_show(reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    """One package by id (the resource code) or name (the code with ``-`` for ``/``)."""
    wanted = params.text(data, "id").strip() or params.text(data, "name_or_id").strip()
    if not wanted:
        raise ParamError("id", "缺少 id")
    candidates = [wanted] + [c for c in [code_from_name(wanted)] if c]
    items = _items_by_code(reader, candidates)
    item = next((items[c] for c in candidates if c in items), None)
    if item is None:
        raise NotFoundError(f"没有标识为“{wanted[:80]}”的数据集")
    return package_dict(reader.runtime.profile, item, public=reader.public)


def package_list(reader: Reader, data: dict[str, Any]) -> list[str]:
    """Names of every visible package, in name order; ``limit`` and ``offset`` page through them."""
    limit = params.integer(data, "limit", None, 0)
    offset = params.integer(data, "offset", 0, 0)
    query = _visible(reader.scope).with_only_columns(CatalogItem.code).order_by(CatalogItem.code)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    elif offset:
        query = query.offset(offset)
    return [package_name(code) for code in reader.session.scalars(query)]


# -- organizations ----------------------------------------------------------------------------------------

def _package_counts(reader: Reader) -> dict[int, int]:
    query = _visible(reader.scope).with_only_columns(CatalogItem.provider_id, func.count()).group_by(CatalogItem.provider_id)
    return dict(reader.session.execute(query).all())


def organization_list(reader: Reader, data: dict[str, Any]) -> list[Any]:
    """Providers of at least one visible package: names, or dicts with ``all_fields``."""
    all_fields = params.boolean(data, "all_fields")
    limit = params.integer(data, "limit", MAX_LIST, 0, MAX_LIST)
    offset = params.integer(data, "offset", 0, 0)
    sort = params.text(data, "sort", "name asc").strip().lower() or "name asc"
    only = set(params.string_list(data, "organizations"))
    counts = _package_counts(reader)
    orgs = list(reader.session.scalars(select(Organisation).where(Organisation.id.in_(counts or {-1}))))
    if only:
        orgs = [o for o in orgs if org_name(o) in only or o.code in only]
    orderings: dict[str, Callable[[Organisation], Any]] = {
        "name asc": org_name, "name": org_name, "title asc": lambda o: (o.name, org_name(o)), "title": lambda o: (o.name, org_name(o)),
        "package_count desc": lambda o: (-counts[o.id], org_name(o)), "package_count": lambda o: (-counts[o.id], org_name(o))}
    if sort not in orderings:
        raise ParamError("sort", "排序只能是 name asc、title asc 或 package_count desc")
    orgs = sorted(orgs, key=orderings[sort])[offset:offset + limit]
    if not all_fields:
        return [org_name(o) for o in orgs]
    return [organization_dict(o, counts[o.id]) for o in orgs]


def organization_show(reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    """One organisation by id (its code) or name; ``include_datasets`` adds up to 1000 of its packages."""
    wanted = params.text(data, "id").strip()
    if not wanted:
        raise ParamError("id", "缺少 id")
    code = params.org_code(reader.session, wanted)
    org = reader.session.scalar(select(Organisation).where(Organisation.code == code)) if code else None
    if org is None:
        raise NotFoundError(f"没有标识为“{wanted[:80]}”的机构")
    count = _package_counts(reader).get(org.id, 0)
    body = {**organization_dict(org, count), "extras": organization_extras(org), "users": [], "groups": [], "tags": [],
            "num_followers": 0}
    if params.boolean(data, "include_datasets"):
        query = _visible(reader.scope).where(CatalogItem.provider_id == org.id).order_by(CatalogItem.code).limit(MAX_LIST)
        codes = list(reader.session.scalars(query.with_only_columns(CatalogItem.code)))
        items = _items_by_code(reader, codes)
        body["packages"] = [package_dict(reader.runtime.profile, items[c], public=reader.public) for c in codes if c in items]
    return body


# -- the site ---------------------------------------------------------------------------------------------

def status_show(reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    """The site: its title, address, locale and the CKAN API version it answers like."""
    profile = reader.runtime.profile
    return {"site_title": "Mulu 政务数据资源目录", "site_description": profile.label, "site_url": request.host_url.rstrip("/"),
            "ckan_version": CKAN_VERSION, "locale_default": "zh_Hans_CN", "error_emails_to": None,
            "extensions": [], "mulu_profile": profile.name}


def help_show(reader: Reader, data: dict[str, Any]) -> str:
    """The documentation of an action."""
    name = params.text(data, "name").strip()
    if name not in ACTIONS:
        raise NotFoundError(f"没有名为“{name[:60]}”的接口")
    return (ACTIONS[name].__doc__ or "").strip()


ACTIONS: dict[str, Callable[[Reader, dict[str, Any]], Any]] = {
    fn.__name__: fn for fn in (package_search, package_show, package_list, organization_list, organization_show,
                               status_show, help_show)
}
