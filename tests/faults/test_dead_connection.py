"""A connection that dies under a request is dropped quietly at the end, not turned into the server's bare 500."""
from __future__ import annotations

import pytest
from databases import is_postgres
from sqlalchemy import create_engine, text

from registry.app import create_app, request_session
from registry.core.config import load_settings
from registry.core.migrate import upgrade

pytestmark = pytest.mark.skipif(not is_postgres(), reason="kills a PostgreSQL backend: runs when the suite runs on PostgreSQL")


def test_the_end_of_a_request_drops_a_connection_that_died_under_it(tmp_path, fresh_database_url, caplog):
    settings = load_settings({"MULU_PROFILE": "national"}, instance_path=tmp_path / "instance", database_url=fresh_database_url)
    app = create_app(settings)
    upgrade(app.extensions["mulu"].engine)
    killer = create_engine(fresh_database_url)
    with app.test_request_context("/"):
        session = request_session()
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()  # a transaction is open now
        with killer.connect() as other:
            assert other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    # Leaving the context closed the session: its rollback failed, and nothing was raised.
    assert "dropping a database connection" in caplog.text
    with app.test_request_context("/"):  # and the pool hands out a live connection next
        assert request_session().execute(text("SELECT 1")).scalar_one() == 1
    killer.dispose()
    app.extensions["mulu"].engine.dispose()
