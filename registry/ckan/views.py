"""``/api/3/action/<name>`` (and ``/api/action/<name>``): CKAN's action API, read-only.

Requests and answers follow CKAN's ``ckan/views/api.py``: parameters as a
JSON body (POST) or URL parameters (GET); every answer is the envelope
``{"help", "success", "result" | "error"}`` with CKAN's status codes, so CKAN
clients and harvesters work unchanged.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

from flask import Blueprint, Response, request, url_for

from registry.accounts.tokens import user_for_token
from registry.app import runtime
from registry.ckan.actions import ACTIONS, Reader
from registry.ckan.errors import (
    ActionError,
    AuthorizationError,
    NotFoundError,
    ParamError,
)
from registry.core import errors as mulu_errors
from registry.core.db import unit_of_work

log = logging.getLogger(__name__)

bp = Blueprint("ckan", __name__)

_WRITE_ACTION = re.compile(r"_(create|update|patch|delete|purge|revise|reorder|upsert)$|^(member|package_owner_org)_")


@bp.get("/api/3")
@bp.get("/api")
def version():
    return _json({"version": 3})


@bp.route("/api/action/<logic_function>", methods=["GET", "POST"])
@bp.route("/api/3/action/<logic_function>", methods=["GET", "POST"])  # registered first: the one url_for builds
def action(logic_function: str):
    function = ACTIONS.get(logic_function)
    envelope: dict[str, Any] = {"help": url_for("ckan.action", logic_function="help_show", name=logic_function, _external=True)}
    if function is None and not _WRITE_ACTION.search(logic_function):
        return _json(f"Bad request - Action name not known: {logic_function}", 400)
    try:
        data = _request_data()
    except ValueError as exc:
        return _json(f"Bad request - {exc}", 400)
    try:
        if function is None:
            raise AuthorizationError("本目录的 CKAN 接口只读；请在 Mulu 管理后台或 /api/v1 维护目录")
        with unit_of_work(runtime().sessions, write=False) as session:
            reader = Reader(runtime(), session, _token_user(session))
            result = function(reader, data)
    except ActionError as exc:
        return _json({**envelope, "success": False, "error": exc.body}, exc.status)
    except mulu_errors.ValidationError as exc:
        error = ParamError("q", str(exc))
        return _json({**envelope, "success": False, "error": {**error.body, **exc.by_field()}}, error.status)
    except mulu_errors.NotFound as exc:
        error = NotFoundError(str(exc))
        return _json({**envelope, "success": False, "error": error.body}, error.status)
    except Exception:
        log.exception("CKAN action %s failed", logic_function)
        return _json({**envelope, "success": False,
                      "error": {"__type": "Internal Server Error", "message": "Internal Server Error"}}, 500)
    return _json({**envelope, "success": True, "result": result})


def _request_data() -> dict[str, Any]:
    """The call's parameters: a JSON body, a form, or URL parameters (one value → string, several → list)."""
    def mixed(multi) -> dict[str, Any]:
        return {k: v[0] if len(v) == 1 else v for k, v in multi.to_dict(flat=False).items()}

    if request.method == "POST" and request.get_data():
        if request.form:
            data = mixed(request.form)
        else:
            try:
                data = json.loads(request.get_data(as_text=True))
            except ValueError as exc:
                raise ValueError(f"JSON Error: {exc}") from None
    else:
        data = mixed(request.args)
    if not isinstance(data, dict):
        raise ValueError("请求数据须为 JSON 对象")  # noqa: TRY004 - a bad request, answered as CKAN does (400)
    data.pop("callback", None)
    if "\x00" in json.dumps(data, ensure_ascii=False) or "\\u0000" in json.dumps(data):
        raise ValueError("请求中含有空字符（NUL），无法处理")
    return data


def _token_user(session):
    """The user of the Mulu API token sent as CKAN's API key, or ``None`` (the public) when none is sent."""
    token = request.headers.get("X-CKAN-API-Key") or request.headers.get("Authorization") or ""
    token = token.removeprefix("Bearer ").strip()
    if not token:
        return None
    found = user_for_token(runtime().context(session), token)
    if found is None:
        raise AuthorizationError("API 令牌无效、已吊销或已过期")
    return found[0]


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, content_type="application/json;charset=utf-8")
