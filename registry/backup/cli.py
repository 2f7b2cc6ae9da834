"""`mulu backup` and `mulu restore` (placeholders until the domain lands)."""
from __future__ import annotations

import click


@click.command("backup")
def backup() -> None:
    """备份（尚未实现）。"""
    raise click.ClickException("尚未实现")


@click.command("restore")
def restore() -> None:
    """恢复（尚未实现）。"""
    raise click.ClickException("尚未实现")
