"""Back-office screens of sharing (placeholder until the domain lands)."""
from __future__ import annotations


def register(admin) -> None:
    pass
