"""A connection's password never reaches the catalog's rows, the audit log, the logs or an error message."""
from __future__ import annotations

import logging
import traceback

import pytest
from mountkit import make_world, person_item
from sqlalchemy import select

from registry.core.errors import ValidationError
from registry.models import metadata
from registry.mounts.checks import check_mount, check_mounts
from registry.mounts.connections import Connection, ConnectionRegistry, SourceError
from registry.mounts.operations import add_table_mount
from registry.mounts.reflection import propose_from_table
from registry.mounts.sources import Sources

SECRET = "Zx9-Secret-Pw"
URL = f"postgresql+psycopg://reader:{SECRET}@127.0.0.1:1/tax"  # nothing listens on port 1


def everything_stored(ctx) -> str:
    """Every row of every table of the catalog database, as text."""
    ctx.session.flush()
    return "\n".join(repr(ctx.session.execute(select(table)).all()) for table in metadata.sorted_tables)


def test_a_password_in_a_connection_url_is_never_stored_logged_nor_shown(ctx, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    world = make_world(ctx)
    item = person_item(ctx, world.orgs.dept)
    sources = Sources(ConnectionRegistry({"tax": Connection("tax", URL, "税务库", timeout=2, everyone=True)}), tmp_path / "uploads")
    messages = []
    with pytest.raises(ValidationError) as refused:  # adding verifies the table: the connection fails
        add_table_mount(ctx, item, sources, connection="tax", table="person")
    messages.append(str(refused.value))
    mount = add_table_mount(ctx, item, sources, connection="tax", table="person", schema="public", verify=False)
    check_mount(ctx, mount, sources)
    check_mounts(ctx, sources)
    messages.append(mount.error)
    with pytest.raises(SourceError) as failed:
        propose_from_table(ctx, URL, "person")
    messages += [str(failed.value), "".join(traceback.format_exception(failed.value))]
    assert all("reader:***@127.0.0.1:1/tax" in m for m in messages[:3])
    stored = everything_stored(ctx)
    assert "'tax'" in stored and "reader:***@" in stored  # the connection's name, and errors with the masked URL
    for text in (*messages, stored, caplog.text, *(r.getMessage() for r in caplog.records)):
        assert SECRET not in text
