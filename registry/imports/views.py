"""Web pages for catalog uploads (template download, upload, preview, confirm)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")
