"""The public pages: the catalog's front page and item pages (search lands here later)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import func, select

from registry.app import request_session, runtime
from registry.catalog.models import CatalogItem, ItemStatus
from registry.orgs.models import Organisation

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    session = request_session()
    published = CatalogItem.status == ItemStatus.PUBLISHED
    total = session.scalar(select(func.count()).select_from(CatalogItem).where(published))
    by_class = dict(session.execute(
        select(CatalogItem.class_code, func.count()).where(published).group_by(CatalogItem.class_code)).all())
    latest = session.scalars(select(CatalogItem).where(published).order_by(CatalogItem.id.desc()).limit(20)).all()
    org_count = session.scalar(select(func.count()).select_from(Organisation))
    profile = runtime().profile
    classes = [(node.label, by_class.get(node.code, 0)) for node in profile.classification]
    return render_template("index.html", total=total, classes=classes, latest=latest, org_count=org_count, profile=profile)


@bp.get("/items/<path:code>")
def item_page(code: str):
    session = request_session()
    item = session.scalar(select(CatalogItem).where(CatalogItem.code == code, CatalogItem.status == ItemStatus.PUBLISHED))
    if item is None:
        abort(404)
    return render_template("item.html", item=item, profile=runtime().profile)


@bp.get("/healthz")
def healthz():
    request_session().execute(select(1))
    return {"status": "ok"}
