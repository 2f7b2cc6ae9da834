"""One error shape for every API response: a code, Chinese and English messages, and field errors."""
from __future__ import annotations

import marshmallow as ma
from flask import jsonify, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from registry.core.errors import (
    ConflictError,
    MuluError,
    NotFound,
    PermissionDenied,
    ValidationError,
)

#: HTTP status → (code, English message) for every error the API returns.
ERRORS = {
    400: ("bad_request", "The request is not valid."),
    401: ("unauthorized", "Sign in or send a valid API token."),
    403: ("forbidden", "Your role or organisation does not allow this."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "This method is not allowed here."),
    409: ("conflict", "The object's state does not allow this."),
    412: ("precondition_failed", "The object changed since you read it; fetch it again and retry."),
    413: ("too_large", "The upload is too large."),
    415: ("unsupported_media_type", "Send JSON (application/json) or a multipart upload."),
    422: ("validation_error", "Some values are not valid."),
    428: ("precondition_required", "Send If-Match with the ETag you read."),
    429: ("rate_limited", "Too many requests; slow down."),
    500: ("server_error", "Something went wrong on our side."),
    503: ("service_unavailable", "The database is unavailable; try again shortly."),
}
_CHINESE = {
    400: "请求格式不正确", 401: "请登录或提供有效的 API 令牌", 403: "您的角色或机构无权执行此操作", 404: "未找到",
    405: "不支持此请求方法", 409: "对象当前状态不允许此操作", 412: "对象已被他人修改，请重新读取后再试",
    413: "上传文件过大", 415: "请以 JSON 或 multipart 上传方式提交", 422: "部分取值不符合要求",
    428: "修改须带 If-Match（读取时得到的 ETag）", 429: "请求过于频繁，请稍后再试", 500: "服务器内部错误",
    503: "数据库暂时不可用，请稍后重试",
}


class FieldErrorSchema(ma.Schema):
    field = ma.fields.String(metadata={"description": "元素键或路径，如 share_basis、fields[2].data_type"})
    label = ma.fields.String(metadata={"description": "元素的中文名"})
    message = ma.fields.String()


class ErrorSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "错误代码，如 validation_error、precondition_failed"})
    status = ma.fields.Integer()
    message = ma.fields.String(metadata={"description": "中文说明"})
    message_en = ma.fields.String(metadata={"description": "English message"})
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema))


def error_response(status: int, message: str | None = None, errors: list[dict] | None = None, headers: dict | None = None):
    code, english = ERRORS.get(status, ERRORS[500] if status >= 500 else ERRORS[400])
    body = {"code": code, "status": status, "message": message or _CHINESE.get(status, _CHINESE[400]),
            "message_en": english, "errors": errors or []}
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _webargs_errors(messages) -> list[dict]:
    """webargs reports {location: {field: [messages]}}; flatten to field errors."""
    out = []
    for location in (messages or {}).values():
        for field, problems in (location.items() if isinstance(location, dict) else []):
            for problem in problems if isinstance(problems, list) else [problems]:
                out.append({"field": field, "label": field, "message": str(problem)})
    return out


def _is_api() -> bool:
    from registry.api import PREFIX

    return request.path.startswith(PREFIX + "/") or request.path == PREFIX


class MuluApi(Api):
    """flask-smorest's Api, answering in Mulu's error shape, and only for API paths."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(MuluError, self.handle_service_error)

    def handle_http_exception(self, error: HTTPException):
        if not _is_api():
            return error  # the back office and public pages keep their own pages
        data = getattr(error, "data", None) or {}
        errors = _webargs_errors(data.get("messages")) if "messages" in data else data.get("errors")
        headers = dict(data.get("headers") or {})
        if error.code == 422 and not data.get("message"):
            return error_response(422, "提交的内容不符合接口格式", errors, headers)
        return error_response(error.code or 500, data.get("message"), errors, headers)

    def handle_service_error(self, error: MuluError):
        """A refusal by the service layer; raised outside the API it is a bug, shown as a server error."""
        if not _is_api():
            raise error
        if isinstance(error, ValidationError):
            return error_response(422, str(error), [
                {"field": e.field, "label": e.label or e.field, "message": e.message} for e in error.errors
            ])
        status = {NotFound: 404, PermissionDenied: 403, ConflictError: 409}.get(type(error), 400)
        return error_response(status, str(error))


def error_responses(blp):
    """``@errors(401, 404)`` for the views of ``blp``: documents those answers with the one error shape."""
    def errors(*codes: int):
        def decorate(view):
            for code in codes:
                view = blp.alt_response(code, schema=ErrorSchema)(view)
            return view
        return decorate
    return errors
