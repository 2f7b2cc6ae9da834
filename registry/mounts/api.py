"""REST endpoints of mounts (placeholder until the domain lands)."""
from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("mounts", __name__, description="mounts")
