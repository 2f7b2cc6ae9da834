"""Back-office screens of assessment (placeholder until the domain lands)."""
from __future__ import annotations


def register(admin) -> None:
    pass
