"""REST endpoints of sourcing (placeholder until the domain lands)."""
from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("sourcing", __name__, description="sourcing")
