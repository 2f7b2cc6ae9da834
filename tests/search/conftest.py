"""A small catalog written for search tests, indexed by every backend the test database allows.

The corpus lives in its own database, committed once per test session
through a real :class:`Runtime`, so it is indexed the way production
indexes: by the after-commit subscriber (Whoosh), or by a reindex
(PostgreSQL, only when the suite runs on PostgreSQL).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from corpus import BACKENDS, Corpus, build_corpus
from databases import drop_postgres_database, is_postgres, new_postgres_database
from sqlalchemy.orm import Session

from registry.app import Runtime
from registry.core.config import load_settings
from registry.core.migrate import upgrade
from registry.search import SearchRequest, search


@dataclass
class SearchWorld:
    """The corpus, and a runtime per backend to search it with."""

    corpus: Corpus
    runtimes: dict[str, Runtime]
    instance: Path

    def search(self, backend: str, text: str = "", actor=None, public: bool = True, **options):
        runtime = self.runtimes[backend]
        with Session(runtime.engine) as session:
            if actor is not None:
                actor = session.merge(actor, load=True)
            return search(runtime, session, SearchRequest(text=text, **options), actor=actor, public=public)

    def names(self, backend: str, text: str = "", **options) -> list[str]:
        return [hit.name for hit in self.search(backend, text, **options).results]


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> SearchWorld:
    instance = tmp_path_factory.mktemp("search-instance")
    url = new_postgres_database("mulu_search") if is_postgres() else f"sqlite:///{instance / 'corpus.db'}"
    runtimes = {
        name: Runtime(load_settings({}, instance_path=instance, database_url=url, search_backend=name))
        for name in BACKENDS
    }
    writer = runtimes["whoosh"]
    upgrade(writer.engine)
    corpus = build_corpus(writer)  # committed through the runtime: the Whoosh subscriber indexes it
    if "postgres" in runtimes:
        runtimes["postgres"].profile  # noqa: B018 - loaded before the reindex, like a server would
        from registry.search.backends import backend_for

        pg = runtimes["postgres"]
        backend_for(pg.settings, pg.profile).reindex(pg.engine)
    yield SearchWorld(corpus, runtimes, instance)
    for runtime in runtimes.values():
        runtime.engine.dispose()
    if is_postgres():
        drop_postgres_database(url)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param
