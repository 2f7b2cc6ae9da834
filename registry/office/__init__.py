"""The back office's shared frame: layout, navigation and the sign-in requirement.

Its screens live with their domains (imports, review…); this blueprint only
contributes the layout template they extend.
"""
from __future__ import annotations

from flask import Blueprint, redirect, url_for

bp = Blueprint("office", __name__, template_folder="templates")


@bp.get("/office/")
def home():
    return redirect(url_for("imports.index"))
