"""Back-office screens of lists (placeholder until the domain lands)."""
from __future__ import annotations


def register(admin) -> None:
    pass
