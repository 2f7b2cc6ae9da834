"""Keeping the index in step with the database: the after-commit subscriber.

The catalog's operations note changed item codes; once the transaction has
committed, :data:`registry.core.signals.items_committed` carries them here
and the backend of the runtime that owns the session re-reads and indexes
them. Indexing happens after the commit, never inside it, so a failure here
can only leave the index behind (``mulu search check`` finds it, the next
write or ``mulu search reindex`` repairs it) — never lose the database write.
"""
from __future__ import annotations

import logging
import threading
import weakref

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from registry.core.signals import items_committed

log = logging.getLogger(__name__)

_runtimes: list[weakref.ref] = []
_lock = threading.Lock()


def install(runtime) -> None:
    """Subscribe ``runtime``'s backend to commits made through its engine (once per runtime)."""
    with _lock:
        _runtimes[:] = [ref for ref in _runtimes if ref() is not None]
        if not any(ref() is runtime for ref in _runtimes):
            _runtimes.append(weakref.ref(runtime))
        items_committed.connect(_on_commit, weak=False)


def _owner(bind: Engine | Connection):
    engine = bind.engine if isinstance(bind, Connection) else bind
    for ref in list(_runtimes):
        runtime = ref()
        # Only a runtime that has opened its engine can own a session; never create one here.
        if runtime is not None and runtime.__dict__.get("engine") is engine:
            return runtime
    return None


def _on_commit(session: Session, codes: frozenset[str]) -> None:
    bind = session.get_bind()
    runtime = _owner(bind)
    if runtime is None:
        return
    from registry.search.backends import backend_for

    # The committed session cannot run SQL inside its after-commit hook; read with a fresh one.
    with Session(bind=bind) as reader:
        backend_for(runtime.settings, runtime.profile).index_codes(reader, codes)
        reader.commit()
