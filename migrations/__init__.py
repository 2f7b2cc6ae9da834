"""Alembic migrations of Mulu's schema (run them with ``mulu db upgrade``)."""
