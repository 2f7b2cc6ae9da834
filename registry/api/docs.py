"""Swagger UI served from the swagger-ui-bundle package: the docs work without the internet."""
from __future__ import annotations

from flask import Flask, send_from_directory


def install_docs(app: Flask) -> None:
    from swagger_ui_bundle import swagger_ui_path

    from registry.api import PREFIX

    @app.get(f"{PREFIX}/swagger-ui/<path:filename>")
    def swagger_ui_asset(filename: str):
        return send_from_directory(swagger_ui_path, filename, max_age=86400)
