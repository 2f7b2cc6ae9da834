"""A CKAN-compatible, read-only action API over the published catalog (``/api/3/action/…``).

Mulu's catalog is the source; CKAN clients, harvesters and portals that
speak CKAN's API read it as packages and organizations. See docs/ckan.md.
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add the blueprint to ``app``; CKAN clients POST JSON without a CSRF token, and nothing here writes."""
    from registry.ckan.views import bp

    app.register_blueprint(bp)
    app.extensions["csrf"].exempt(bp)
