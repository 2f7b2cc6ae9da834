"""REST endpoints of assessment (placeholder until the domain lands)."""
from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("assessment", __name__, description="assessment")
