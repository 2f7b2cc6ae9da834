"""Alembic environment: the engine comes from Mulu's settings (see registry.core.migrate)."""
from __future__ import annotations

from alembic import context

from registry.models import metadata

config = context.config


def _engine():
    engine = config.attributes.get("engine")
    if engine is None:  # plain `alembic` invocation: build it from MULU_* settings
        from registry.core.config import load_settings
        from registry.core.db import make_engine

        engine = make_engine(load_settings().database_url)
    return engine


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            compare_type=True,
            # SQLite cannot ALTER most things; batch mode rebuilds the table.
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
