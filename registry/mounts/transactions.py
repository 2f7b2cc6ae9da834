"""Looking at a source with no transaction open on the catalog's own database.

A look at a department's database or at a file's URL may take as long as its
time limit (15 seconds by default), and a source that is down takes all of
it. A web request that writes holds SQLite's write lock from its first
statement (``BEGIN IMMEDIATE``, see :func:`registry.core.db.declare_write`);
held across a look, it would stop every other writer of the instance that
long (on PostgreSQL, a transaction left idle as long). So the operations of
this package gather what a look needs from the catalog, look inside
``release()``, and write what they found afterwards, in a short transaction.

``release`` is the caller's to give, because only the caller knows that what
its session did so far may be committed: the interfaces (back office, API,
``mulu mounts check``) pass :func:`releasing`, which commits the session's
reads, runs the look with no transaction, and begins a writer's transaction
again. The default, :func:`stay`, looks inside the caller's transaction, for
callers holding writes of their own (and the tests' rolled-back sessions).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from sqlalchemy.orm import Session

from registry.core.db import declare_write

#: Runs a look at a source: ``with release(): …``.
Release = Callable[[], AbstractContextManager[object]]


def stay() -> AbstractContextManager[object]:
    """Look inside the caller's transaction."""
    return nullcontext()


def releasing(session: Session, write: bool = True) -> Release:
    """Look with the session's transaction ended; after the look it begins again, as a writer if ``write``."""
    return lambda: released(session, write)


@contextmanager
def released(session: Session, write: bool = True) -> Iterator[None]:
    """End the session's transaction (it has only read) for the block; begin again after it.

    What the session loaded is expired afterwards, so what the operation goes
    on to check and write is read again inside the new transaction (an item
    may have been retired while the source was being read).
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("released(): the session holds unsaved changes; a look at a source must come before any write")
    session.commit()
    try:
        yield
    finally:
        session.expire_all()
        if write:
            declare_write(session)
