"""A served office per test module for the lists' UI and API tests (SQLite file, or a PostgreSQL database of its own)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from databases import drop_postgres_database, is_postgres, new_postgres_database
from lists_live import Office, lists_office


@pytest.fixture(scope="module")
def module_database_url(tmp_path_factory) -> Iterator[str]:
    if not is_postgres():
        yield f"sqlite:///{tmp_path_factory.mktemp('listsdb') / 'lists.db'}"
        return
    url = new_postgres_database("mulu_lists")
    yield url
    drop_postgres_database(url)


@pytest.fixture(scope="module")
def office(tmp_path_factory, module_database_url) -> Iterator[Office]:
    """The lists' world under binzhou (demand deadlines), served over HTTP."""
    with lists_office(tmp_path_factory.mktemp("instance"), module_database_url) as served:
        yield served
