"""`mulu mounts` (placeholder until the domain lands)."""
from __future__ import annotations

import click


@click.group("mounts")
def cli() -> None:
    """mounts"""
