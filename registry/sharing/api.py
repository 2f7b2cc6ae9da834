"""REST endpoints of sharing (placeholder until the domain lands)."""
from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("sharing", __name__, description="sharing")
