"""Back-office screens of mounts (placeholder until the domain lands)."""
from __future__ import annotations


def register(admin) -> None:
    pass
