"""Back-office screens of sourcing (placeholder until the domain lands)."""
from __future__ import annotations


def register(admin) -> None:
    pass
