"""Throwaway PostgreSQL databases on the suite's server, for tests that need a database of their own."""
from __future__ import annotations

import os
import time
import uuid
import warnings

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

TEST_DATABASE_URL = os.environ.get("MULU_TEST_DATABASE_URL", "")


def is_postgres() -> bool:
    """Whether the suite runs on PostgreSQL (``.ci/with-postgres`` sets the URL) rather than SQLite."""
    return TEST_DATABASE_URL.startswith("postgresql")


def new_postgres_database(prefix: str = "mulu_fresh") -> str:
    """Create an empty database beside the suite's and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str, attempts: int = 20) -> None:
    """Drop a test database; a server process we may not terminate (a killed client's backend
    still rolling back) gets a moment to finish. A database left behind is only a warning."""
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(attempts):
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
                return
            except DBAPIError:
                time.sleep(0.5)
        warnings.warn(f"test database {make_url(url).database} could not be dropped", stacklevel=2)
    finally:
        admin.dispose()
