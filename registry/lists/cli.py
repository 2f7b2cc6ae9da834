"""`mulu lists` (placeholder until the domain lands)."""
from __future__ import annotations

import click


@click.group("lists")
def cli() -> None:
    """lists"""
