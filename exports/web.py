"""``/catalog.ttl`` and ``/catalog.jsonld``: the published catalog as DCAT-AP, where harvesters look for it.

Always read as the public reads it (published items only), whoever asks, so a
harvester and a signed-in user get the same document.
"""
from __future__ import annotations

import tempfile

from flask import Blueprint, send_file

from exports.base import Selection
from exports.service import get_format, run_export
from registry.app import request_session, runtime

bp = Blueprint("exports_web", __name__)

#: Catalogs larger than this are spooled to a temporary file rather than held in memory.
SPOOL_BYTES = 16 * 1024 * 1024


def _serve(name: str):
    fmt = get_format(name)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (send_file closes it after the response)
    run_export(runtime().context(request_session()), name, Selection(), spool, public=True)
    spool.seek(0)
    response = send_file(spool, mimetype=fmt.media_type, download_name=f"catalog{fmt.suffix}")
    response.headers["Access-Control-Allow-Origin"] = "*"  # public metadata: harvesters and browser apps alike
    return response


@bp.get("/catalog.ttl")
def catalog_turtle():
    return _serve("dcat-ttl")


@bp.get("/catalog.jsonld")
def catalog_jsonld():
    return _serve("dcat-jsonld")
