"""Public search results kept in the database, shared by every app server.

A common word matches a third of a provincial catalog, and ranking and counting that
many rows takes PostgreSQL 0.1–0.4 s. The public's searches repeat, and their results
change only when a public item does: :mod:`registry.search.pg_index` changes the
``public`` token in ``search_generation`` with every write touching one, and empties
this table in the same transaction (and once more before it, in a transaction of its
own, so an index write that fails cannot leave old results standing). Results are
keyed by the token and the plan, so one computed under an older token is never read
again. Entries are read for an hour and then deleted, so one-off queries (a
crawler's) cannot pile up between two publications. A result being computed is computed
once: other app servers missing it meanwhile wait for it (for a bounded time). Each process
keeps its own copies too (:mod:`registry.search.kept`), under the same token and for the
same hour: the token is read from the database for every search.
"""
from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from registry.core.db import utcnow
from registry.core.signals import has_uncommitted_item_changes
from registry.search.kept import LIFETIME, KeptResults
from registry.search.models import SearchCache, SearchGeneration
from registry.search.plan import Plan, RawResult

log = logging.getLogger(__name__)

#: Each process also keeps what it read or computed, under the token it read: reading a page of
#: stored documents back from the table and decoding it was most of a repeated search's cost.
_kept = KeptResults()
#: How long a search waits for another process computing the same result (a common word's takes
#: 0.1–0.5 s at 100,000 items; more under load).
COMPUTING_WAIT_MS = 2_000
#: The first key of the advisory locks of searches being computed (the second, 31 bits of the search's key:
#: two searches sharing them only wait for each other).
_LOCK_CLASS = 0x73726368  # "srch"


def public_changed(session: Session) -> None:
    """Every cached result is void (written again if a restore of an older backup left no token)."""
    statement = insert(SearchGeneration).values(name="public", token=uuid.uuid4().hex)
    session.execute(statement.on_conflict_do_update(index_elements=[SearchGeneration.name],
                                                    set_={"token": statement.excluded.token}))
    session.execute(delete(SearchCache))


def public_token(session: Session) -> str | None:
    return session.scalar(select(SearchGeneration.token).where(SearchGeneration.name == "public"))


def public_result(session: Session, plan: Plan, compute: Callable[[], RawResult]) -> RawResult:
    """The cached result of a search by a reader who sees only public items, or ``compute()``'s, saved.

    The token is read before computing: a write committed meanwhile changes it for the next search.
    A transaction that has changed items itself reads around the cache: what it sees is not yet
    everyone's, and may never be.
    """
    token = None if has_uncommitted_item_changes(session) else public_token(session)
    if token is None:
        return compute()
    search, now = plan.cache_key(), utcnow()
    if (kept := _kept.get(token, search, now)) is not None:
        return kept
    key = hashlib.sha256(repr((token, search)).encode()).hexdigest()
    found = session.execute(_stored(key, now)).first()
    if found is not None:
        result, made = RawResult(**found.result), found.created_at
    else:
        result, made = _computed_once(session, key, compute)
    return _kept.put(token, search, result, made)


def _stored(key: str, now: datetime):
    return select(SearchCache.result, SearchCache.created_at).where(SearchCache.key == key,
                                                                    SearchCache.created_at >= now - LIFETIME)


def _computed_once(session: Session, key: str, compute: Callable[[], RawResult]) -> tuple[RawResult, datetime]:
    """``compute()``'s result, saved; or, if another process was computing it meanwhile, that one's.

    A publication voids every result at once, and every app server then misses the common
    searches together: without waiting for one another, each would rank the same third of the
    catalog at the same time. The wait is bounded; past it, this process computes too (so does
    the next waiter, in turn, if the one computing could not save). The lock and the saving
    share a connection and transaction of their own (the request's may roll back); failing to
    get or use it loses only the sharing and the saving.
    """
    bind = session.get_bind()
    try:
        connection = getattr(bind, "engine", bind).connect()
    except SQLAlchemyError as error:
        log.warning("search result neither shared nor cached: %s", error)
        return compute(), utcnow()
    with connection:
        try:
            connection.execute(text(f"SET LOCAL lock_timeout = '{COMPUTING_WAIT_MS}ms'"))
            connection.execute(select(func.pg_advisory_xact_lock(_LOCK_CLASS, int(key[:8], 16) >> 1)))
            found = connection.execute(_stored(key, utcnow())).first()
            if found is not None:
                return RawResult(**found.result), found.created_at
        except SQLAlchemyError as error:
            log.info("computing a public search another process may be computing too: %s", error)
            _rollback(connection)
        result, made = compute(), utcnow()
        _save(connection, key, result, made)
        return result, made


def _save(connection: Connection, key: str, result: RawResult, made: datetime) -> None:
    try:
        # Never wait on a writer emptying the table: the next search saves it instead.
        connection.execute(text("SET LOCAL lock_timeout = '200ms'"))
        # Expired entries first: one of them may hold this very key, and would keep the new result out.
        connection.execute(delete(SearchCache).where(SearchCache.created_at < utcnow() - LIFETIME))
        connection.execute(insert(SearchCache).values(
            key=key, created_at=made, result={"total": result.total, "docs": result.docs, "facets": result.facets,
                                                  "relaxed": result.relaxed, "terms": result.terms},
        ).on_conflict_do_nothing())
        connection.commit()
    except SQLAlchemyError as error:
        _rollback(connection)
        log.warning("search result not cached: %s", error)


def _rollback(connection: Connection) -> None:
    """A connection lost meanwhile cannot roll back: closing it is all there is left to do."""
    try:
        connection.rollback()
    except SQLAlchemyError:
        connection.invalidate()
