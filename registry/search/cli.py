"""``mulu search …`` commands."""
from __future__ import annotations

import click


@click.group()
def search() -> None:
    """全文检索 (full-text search)."""
