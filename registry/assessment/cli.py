"""`mulu assessment` (placeholder until the domain lands)."""
from __future__ import annotations

import click


@click.group("assessment")
def cli() -> None:
    """assessment"""
