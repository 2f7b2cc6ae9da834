"""The two search backends behind one small interface, chosen by ``MULU_SEARCH_BACKEND``.

Every backend answers a :class:`~registry.search.plan.Plan`, indexes items
after their commit, rebuilds itself and checks itself against the database.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from registry.core.config import Settings
from registry.profiles import Profile
from registry.search.drift import Drift
from registry.search.plan import Plan, RawResult


class Backend(Protocol):
    name: str

    def execute(self, session: Session, plan: Plan) -> RawResult: ...

    def index_codes(self, session: Session, codes: Iterable[str]) -> int: ...

    def reindex(self, engine: Engine, procs: int, progress: Callable[[int], None] | None) -> int: ...

    def check(self, session: Session) -> Drift: ...


#: Items changed in one commit from which the Whoosh backend rebuilds rather than updates.
REINDEX_FROM = 20_000


class WhooshBackend:
    """The embedded index under the instance folder (see :mod:`registry.search.whoosh_index`)."""

    name = "whoosh"

    def __init__(self, settings: Settings, profile: Profile) -> None:
        from registry.search.whoosh_index import WhooshHome

        self.home = WhooshHome(settings.instance_path)
        self.profile = profile

    def execute(self, session: Session, plan: Plan) -> RawResult:
        from registry.search.whoosh_index import handle_for
        from registry.search.whoosh_search import execute

        handle = handle_for(self.home)
        with handle.lock:
            return handle.search(plan, lambda view: execute(view, plan))

    def index_codes(self, session: Session, codes: Iterable[str]) -> int:
        from registry.search.whoosh_index import index_codes

        codes = set(codes)
        bind = session.get_bind()
        if len(codes) >= REINDEX_FROM and isinstance(bind, Engine):
            # A catalog loaded in one commit: rebuilding in parallel beats updating item by item.
            return self.reindex(bind)
        return index_codes(self.home, session, self.profile, codes)

    def reindex(self, engine: Engine, procs: int = 2, progress: Callable[[int], None] | None = None) -> int:
        from registry.search.whoosh_reindex import reindex

        return reindex(self.home, engine, self.profile, procs, progress).items

    def check(self, session: Session) -> Drift:
        from registry.search.whoosh_reindex import check

        return check(self.home, session)


def backend_for(settings: Settings, profile: Profile) -> Backend:
    if settings.search_backend == "postgres":
        from registry.search.pg_backend import PostgresBackend

        return PostgresBackend(profile)
    return WhooshBackend(settings, profile)
