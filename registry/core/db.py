"""Database plumbing: the declarative base, engines and the one-commit unit of work.

Operations only ``flush``; whoever started the unit of work (a web request, a
CLI command, an import job) commits once or rolls back, through
:func:`unit_of_work`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Stable constraint names, so migrations name the same thing the same way on
# SQLite and PostgreSQL and a later ALTER can find it.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Timezone-aware now; every stored time is UTC."""
    return datetime.now(timezone.utc)


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine with the per-dialect settings Mulu relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    # No JIT: compiling a search's plan took PostgreSQL 150 ms, longer than running it.
    return create_engine(url, echo=echo, pool_pre_ping=True, connect_args={"options": "-c jit=off"})


def _sqlite_on_connect(dbapi_conn, _record) -> None:
    # pysqlite's own transaction handling defers BEGIN in ways that break
    # SAVEPOINTs; we issue BEGIN ourselves (see _sqlite_on_begin).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores FKs unless asked
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: the 2 MiB default thrashes on bulk loads
    cursor.close()


#: Execution option asking SQLite to take the write lock when the transaction begins.
WRITE_INTENT = "mulu_write_intent"


def _sqlite_on_begin(conn) -> None:
    # A deferred transaction that reads, then writes after another process committed, fails at once
    # with "database is locked" whatever the busy timeout; one that declares its intent to write
    # waits its turn instead. Readers never take the lock, so they stay concurrent (WAL).
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_INTENT) else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def declare_write(session: Session) -> None:
    """Begin the session's transaction as a writer (SQLite: BEGIN IMMEDIATE; elsewhere nothing changes)."""
    if not session.in_transaction():
        session.connection(execution_options={WRITE_INTENT: True})


@contextmanager
def unit_of_work(factory: sessionmaker[Session], write: bool = True) -> Iterator[Session]:
    """Commit once if the block succeeds, roll everything back if it raises.

    ``write=False`` for read-only work, which then never waits for a writer.
    """
    session = factory()
    if write:
        declare_write(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


#: A bulk write of at least this many items refreshes the planner's statistics.
BULK_STATISTICS_THRESHOLD = 1000


def refresh_statistics(session: Session) -> None:
    """Let the query planner see the catalog as it now is, after a bulk write.

    Without statistics SQLite guesses that ``status = 'published'`` is selective
    and sorts most of the catalog for a list that an index on ``updated_at``
    serves directly (a filtered API list at 100,000 items: 420 ms → 30 ms).
    PostgreSQL's autovacuum would get there eventually; this gets there now.
    """
    session.execute(text("ANALYZE"))
