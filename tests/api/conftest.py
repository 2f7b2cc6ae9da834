"""A live API server per test module: a fresh database, organisations and users of every role with tokens.

Each module shares one served office; its tests create their own items, so they do not interfere.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_client import Office
from api_office import ROLES, api_office, seed_people
from databases import drop_postgres_database, is_postgres, new_postgres_database


@pytest.fixture(scope="module")
def module_database_url(tmp_path_factory) -> Iterator[str]:
    if not is_postgres():
        yield f"sqlite:///{tmp_path_factory.mktemp('apidb') / 'api.db'}"
        return
    url = new_postgres_database("mulu_api")
    yield url
    drop_postgres_database(url)


@pytest.fixture(scope="module")
def office(tmp_path_factory, module_database_url) -> Iterator[Office]:
    """Every role, served under the nanyang profile (department → county → city)."""
    with api_office(tmp_path_factory.mktemp("instance"), module_database_url, lambda ctx: seed_people(ctx, tuple(ROLES))) as office:
        yield office


