"""``mulu catalog …`` commands: templates and imports."""
from __future__ import annotations

import click


@click.group()
def catalog() -> None:
    """目录编制：模板与导入 (catalog templates and imports)."""
