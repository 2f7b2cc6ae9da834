"""REST endpoints of feedback (placeholder until the domain lands)."""
from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("feedback", __name__, description="feedback")
