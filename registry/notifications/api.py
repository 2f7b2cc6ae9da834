"""REST endpoints of notifications (placeholder until the domain lands)."""
from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("notifications", __name__, description="notifications")
