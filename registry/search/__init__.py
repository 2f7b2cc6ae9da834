"""Full-text search over catalog metadata (Whoosh embedded, PostgreSQL for several app servers)."""
from __future__ import annotations


def install(runtime) -> None:
    """Hook called once per process by :class:`registry.app.Runtime`: subscribe indexing to commits."""
