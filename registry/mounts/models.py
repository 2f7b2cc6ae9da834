"""Tables of mounts (placeholder until the domain lands)."""
from __future__ import annotations
