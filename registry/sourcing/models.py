"""Tables of sourcing (placeholder until the domain lands)."""
from __future__ import annotations
