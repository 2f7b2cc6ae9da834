"""Full-text search over catalog metadata (Whoosh embedded, PostgreSQL for several app servers).

One entry point, :func:`search`, serves every interface; :func:`install`
keeps the index current after each commit. Importing this package stays
cheap: Whoosh and jieba load on first use.
"""
from __future__ import annotations

from registry.search.indexer import install
from registry.search.query import SearchHit, SearchRequest, SearchResponse


def search(runtime, session, request: SearchRequest, *, actor=None, public: bool = False) -> SearchResponse:
    """See :func:`registry.search.service.search`."""
    from registry.search.service import search as run

    return run(runtime, session, request, actor=actor, public=public)


__all__ = ["SearchHit", "SearchRequest", "SearchResponse", "install", "search"]
