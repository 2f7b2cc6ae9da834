"""`mulu audit` (placeholder until the commands land)."""
from __future__ import annotations

import click


@click.group("audit")
def cli() -> None:
    """审计日志 (audit log)."""
