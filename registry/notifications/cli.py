"""`mulu deadlines` (placeholder until the domain lands)."""
from __future__ import annotations

import click


@click.group("deadlines")
def cli() -> None:
    """notifications"""
