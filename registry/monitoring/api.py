"""REST endpoints of monitoring (placeholder until the domain lands)."""
from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("monitoring", __name__, description="monitoring")
