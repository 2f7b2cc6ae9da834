"""``/api/v1/me`` and ``/api/v1/tokens``: who the caller is, and their personal API tokens."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from registry.accounts.tokens import create_token, list_tokens, revoke_token
from registry.api.errors import ErrorSchema
from registry.api.fields import Timestamp
from registry.catalog.api import writer_context
from registry.core.errors import NotFound

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="调用者本人与其个人 API 令牌")


class MeSchema(ma.Schema):
    username = ma.fields.String()
    display_name = ma.fields.String(allow_none=True)
    role = ma.fields.String()
    role_label = ma.fields.String()
    organisation = ma.fields.Dict(metadata={"description": "{code, name}"})


class TokenSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    prefix = ma.fields.String(metadata={"description": "令牌开头几位，便于辨认"})
    created_at = Timestamp()
    expires_at = Timestamp(allow_none=True)
    last_used_at = Timestamp(allow_none=True)
    revoked_at = Timestamp(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = ma.fields.String(metadata={"description": "令牌本身：只在创建时返回这一次，请妥善保存"})


class TokenInSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60), metadata={"description": "用途"})
    days = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=3650),
                             metadata={"description": "有效天数；不填为长期有效"})


def _token_body(row) -> dict[str, Any]:
    return {k: getattr(row, k) for k in ("id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")}


@blp.route("/me")
@blp.response(200, MeSchema)
@blp.alt_response(401, schema=ErrorSchema)
def me():
    """调用者：用户名、角色、所属机构。"""
    user = writer_context().actor
    return {"username": user.username, "display_name": user.display_name, "role": user.role.value,
            "role_label": user.role.label, "organisation": {"code": user.organisation.code, "name": user.organisation.name}}


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.response(200, TokenSchema(many=True))
    @blp.alt_response(401, schema=ErrorSchema)
    def get(self):
        """本人的 API 令牌（不含令牌本身）。"""
        ctx = writer_context()
        return [_token_body(t) for t in list_tokens(ctx, ctx.actor)]

    @blp.arguments(TokenInSchema)
    @blp.response(201, NewTokenSchema)
    @blp.alt_response(401, schema=ErrorSchema)
    @blp.alt_response(403, schema=ErrorSchema, description="以 API 令牌调用（令牌不能创建令牌）")
    def post(self, data: dict[str, Any]):
        """创建令牌：响应中的 token 只出现这一次。只能在浏览器会话中创建——令牌不能再生成令牌。"""
        ctx = writer_context()
        if g.get("api_token") is not None:  # a stolen token must not be able to mint tokens that outlive its revocation
            abort(403, message="API 令牌不能用来创建新令牌，请在管理后台“API 令牌”中创建")
        row, token = create_token(ctx, ctx.actor, data["name"], data.get("days"))
        ctx.session.commit()
        return {**_token_body(row), "token": token}


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema)
def revoke(token_id: int):
    """吊销令牌：立即失效。"""
    ctx = writer_context()
    try:
        revoke_token(ctx, token_id)
    except NotFound as exc:
        abort(404, message=str(exc))
    ctx.session.commit()
