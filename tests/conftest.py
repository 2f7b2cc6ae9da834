"""Test fixtures: one real database per test session, migrated with the real migrations;
each test runs inside a transaction that is rolled back.

The database is SQLite by default; set ``MULU_TEST_DATABASE_URL`` to a
PostgreSQL URL (``.ci/run`` starts a server and does) to run the same suite there.
"""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from databases import (
    TEST_DATABASE_URL,
    drop_postgres_database,
    is_postgres,
    new_postgres_database,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from registry.core.calendar import seed_calendar
from registry.core.context import Context
from registry.core.db import make_engine
from registry.core.migrate import upgrade
from registry.profiles import load_profile
from registry.requests import load_processes

load_processes()  # declares the request types and subscribes the workflows, as the Runtime does


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    if not is_postgres():
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'mulu-test.db'}"
    elif os.environ.get("PYTEST_XDIST_WORKER"):
        url = new_postgres_database(f"mulu_{os.environ['PYTEST_XDIST_WORKER']}")  # each worker its own database
        yield url
        drop_postgres_database(url)
    else:
        _reset_postgres(TEST_DATABASE_URL)
        yield TEST_DATABASE_URL


@pytest.fixture(scope="session")
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session:
        seed_calendar(session)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture()
def session(engine):
    """A session whose work is rolled back after the test, savepoints and all."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture()
def profile_name() -> str:
    return "national"


@pytest.fixture()
def ctx(session, profile_name) -> Context:
    return Context(session=session, profile=load_profile(profile_name))


@pytest.fixture()
def fresh_database_url(tmp_path) -> str:
    """An empty database of the suite's kind, for tests of migrations and the CLI."""
    if not is_postgres():
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    url = new_postgres_database()
    yield url
    drop_postgres_database(url)


@pytest.fixture()
def cli_env(tmp_path, fresh_database_url, monkeypatch) -> dict[str, str]:
    """Environment for running ``mulu`` against a fresh instance."""
    env = {"MULU_INSTANCE_PATH": str(tmp_path / "instance"), "MULU_DATABASE_URL": fresh_database_url, "MULU_PROFILE": "national"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture()
def orgs(ctx):
    from factories import make_org_tree

    return make_org_tree(ctx)


def pytest_report_header(config):
    return f"mulu test database: {'PostgreSQL ' + make_url(TEST_DATABASE_URL).render_as_string() if is_postgres() else 'SQLite (temporary file)'}"


