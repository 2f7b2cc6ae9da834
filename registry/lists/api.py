"""REST endpoints of lists (placeholder until the domain lands)."""
from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("lists", __name__, description="lists")
