"""The back office's shared frame: layout, navigation and the sign-in requirement.

The screens live with their domains (catalog, imports, review…) as Flask-Admin
views registered by :func:`registry.office.admin.init_admin`; this blueprint
keeps the old ``/office/`` address working and carries the frame's templates.
"""
from __future__ import annotations

from flask import Blueprint, redirect, url_for

bp = Blueprint("office", __name__, template_folder="templates")


@bp.get("/office/")
def home():
    return redirect(url_for("admin.index"))
