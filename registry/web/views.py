"""The public pages: search at ``/``, item pages, and the health check.

Everything here is read as the public reads it (published items only); the
search page goes through :func:`registry.search.search`, like every other
interface.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from registry.app import request_session, runtime
from registry.catalog.disclosure import disclosed_fields
from registry.catalog.models import CatalogItem, ItemStatus
from registry.core.errors import ValidationError
from registry.search import SearchRequest, search
from registry.search.facets import FACETS
from registry.search.query import SORTS

bp = Blueprint("public", __name__)

PER_PAGE = 20


def _filters() -> dict[str, tuple[str, ...]]:
    return {f.name: tuple(request.args.getlist(f.name)) for f in FACETS if request.args.getlist(f.name)}


def _search_request() -> SearchRequest:
    page = request.args.get("page", "1")
    return SearchRequest(
        text=request.args.get("q", "").strip()[:200],
        filters=_filters(),
        field_name=request.args.get("field", "").strip()[:100] or None,
        field_mode="fuzzy" if request.args.get("fuzzy") else "exact",
        sort=request.args.get("sort", "relevance") if request.args.get("sort") in SORTS else "relevance",
        page=int(page) if page.isdigit() and int(page) > 0 else 1,
        per_page=PER_PAGE,
    )


def link(**changes) -> str:
    """The current search's URL with some parameters changed (``None`` removes one); back to page 1."""
    params = {k: request.args.getlist(k) for k in request.args if k != "page"}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value if isinstance(value, list) else [value]
    pairs = [(k, v) for k, values in params.items() for v in values if v != ""]
    return "/" + ("?" + urlencode(pairs) if pairs else "")


def toggle(facet: str, value: str) -> str:
    """The URL that adds or removes one facet value from the current search."""
    chosen = request.args.getlist(facet)
    return link(**{facet: [v for v in chosen if v != value] if value in chosen else [*chosen, value]})


@bp.get("/")
def index():
    error = None
    try:
        wanted = _search_request()
        response = search(runtime(), request_session(), wanted, public=True)
    except ValidationError as exc:
        error, wanted, response = str(exc), SearchRequest(), None
    status = 400 if error else 200
    return render_template(
        "index.html", response=response, wanted=wanted, error=error, facets=FACETS, sorts=SORTS,
        chosen={f.name: request.args.getlist(f.name) for f in FACETS}, link=link, toggle=toggle,
        page_link=lambda n: link(page=str(n)) if n > 1 else link(), profile=runtime().profile,
    ), status


@bp.get("/items/<path:code>")
def item_page(code: str):
    session = request_session()
    item = session.scalar(select(CatalogItem).where(
        CatalogItem.code == code, CatalogItem.status.in_([ItemStatus.PUBLISHED, ItemStatus.CHANGE_PENDING])))
    if item is None:
        abort(404)
    # The public page: sensitive and secret fields are neither listed nor counted.
    fields = disclosed_fields(item.fields, public=True)
    return render_template("item.html", item=item, fields=fields, profile=runtime().profile)


@bp.get("/healthz")
def healthz():
    request_session().execute(select(1))
    return {"status": "ok"}
