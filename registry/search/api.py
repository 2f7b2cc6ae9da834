"""``GET /api/v1/search``: the search function as JSON, for scripts and platforms.

The same query parameters as the public page (``q``, one parameter per facet,
``field``, ``fuzzy``, ``sort``, ``page``) plus ``per_page``. Anonymous callers
see what the public sees; a signed-in user sees what their role allows. The
full REST API (tokens, OpenAPI) builds on this in its own issue.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from registry.app import request_session, runtime
from registry.core.errors import ValidationError
from registry.search import SearchRequest, search
from registry.search.facets import FACETS

bp = Blueprint("search_api", __name__, url_prefix="/api/v1")


def request_from_args(args: MultiDict, per_page: int = 20) -> SearchRequest:
    """A :class:`SearchRequest` from URL parameters; bad values raise :class:`ValidationError`."""
    def number(name: str, default: int) -> int:
        raw = args.get(name, str(default)).strip()
        if not raw.lstrip("-").isdigit():
            raise ValidationError(f"{name} 应为整数，而不是“{raw[:20]}”", field=name)
        return int(raw)

    return SearchRequest(
        text=args.get("q", "").strip()[:200],
        filters={f.name: tuple(args.getlist(f.name)) for f in FACETS if args.getlist(f.name)},
        field_name=args.get("field", "").strip()[:100] or None,
        field_mode="fuzzy" if args.get("fuzzy") else "exact",
        sort=args.get("sort", "relevance"),
        page=number("page", 1),
        per_page=number("per_page", per_page),
    )


@bp.get("/search")
def search_json():
    try:
        wanted = request_from_args(request.args)
        signed_in = current_user.is_authenticated
        response = search(runtime(), request_session(), wanted,
                          actor=current_user._get_current_object() if signed_in else None, public=not signed_in)
    except ValidationError as exc:
        return jsonify({"code": "invalid_request", "message": str(exc),
                        "message_en": "The search parameters are not valid.", "errors": exc.by_field()}), 400
    return jsonify(response.to_json())
