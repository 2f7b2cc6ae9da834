"""Fixtures for the fault tests: a fresh instance per test, driven the way an operator drives it.

Processes that a test kills run as real ``mulu`` subprocesses; the commands that
inspect and repair afterwards (``mulu search check``, ``mulu search reindex``) run
in-process through click, which is faster and exercises the same code.
"""
from __future__ import annotations

import pytest
from fault_kit import NATIVE_BACKEND, Instance


@pytest.fixture()
def instance(tmp_path, fresh_database_url, monkeypatch) -> Instance:
    """A migrated, empty instance with the search backend native to the suite's database:
    Whoosh on SQLite, PostgreSQL's own on PostgreSQL."""
    inst = Instance.create(tmp_path / "instance", fresh_database_url, NATIVE_BACKEND, monkeypatch)
    yield inst
    inst.close()
