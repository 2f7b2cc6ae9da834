"""The REST API at ``/api/v1/``: one flask-smorest ``Api`` that each domain adds its blueprint to.

Every endpoint calls the same service operations as the back office; the
OpenAPI document is at ``/api/v1/openapi.json`` and browsable at ``/api/v1/docs``.
"""
from __future__ import annotations

from importlib import import_module

from flask import Flask

#: Modules whose ``blp`` (a flask-smorest Blueprint) is registered, in documentation order.
API_MODULES: tuple[str, ...] = (
    "registry.catalog.api",
    "registry.review.api",
    "registry.orgs.api",
    "registry.accounts.api",
    "registry.imports.api",
    "registry.search.api",
    "exports.api",
    "registry.lists.api",
    "registry.sharing.api",
    "registry.sharing.service_change_api",
    "registry.feedback.api",
    "registry.monitoring.api",
    "registry.sourcing.api",
    "registry.assessment.api",
    "registry.notifications.api",
    "registry.mounts.api",
)

PREFIX = "/api/v1"


def init_api(app: Flask):
    from registry.api.auth import install_auth
    from registry.api.docs import install_docs
    from registry.api.errors import MuluApi

    app.config.update(
        API_TITLE="Mulu 政务数据资源目录 REST API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=f"{PREFIX}/swagger-ui/",
    )
    api = MuluApi(app, spec_kwargs={"info": {"description": _DESCRIPTION}})
    from registry.app import RowId

    api.register_converter(RowId, lambda converter: {"type": "integer", "minimum": 0, "maximum": converter.max})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "description": "个人 API 令牌：mulu_…"})
    api.spec.components.security_scheme("sessionCookie", {"type": "apiKey", "in": "cookie", "name": "session"})
    api.spec.options["security"] = [{"bearerAuth": []}, {"sessionCookie": []}, {}]
    for module in API_MODULES:
        blueprint = import_module(module).blp
        api.register_blueprint(blueprint)
        app.extensions["csrf"].exempt(blueprint)  # tokens need no CSRF; sessions send X-CSRFToken (see auth)
    install_auth(app)
    install_docs(app)
    return api


_DESCRIPTION = """政务数据资源目录的 REST 接口：与管理后台使用同一服务层和同一权限。

* 认证：`Authorization: Bearer mulu_…`（个人 API 令牌，在管理后台“API 令牌”或 `mulu token create` 创建），或浏览器会话（写操作须带 `X-CSRFToken`）。
* 并发：条目的 `ETag` 即其版本；修改须带 `If-Match`，版本不符返回 412。
* 错误：统一为 `{code, status, message, message_en, errors: [{field, label, message}]}`。
* 令牌调用有频率限制，超出返回 429。
"""
