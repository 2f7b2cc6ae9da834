"""Conventions shared by the endpoints: pages with totals and links, ETags from versions."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import marshmallow as ma
from flask import request
from flask_smorest import abort

from registry.api.dumping import FastDumpSchema

MAX_PER_PAGE = 200


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000),
                             metadata={"description": "页码，从 1 开始"})
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE),
                                 metadata={"description": f"每页条数，1–{MAX_PER_PAGE}"})


class LinksSchema(ma.Schema):
    self = ma.fields.String()
    first = ma.fields.String()
    last = ma.fields.String()
    next = ma.fields.String(allow_none=True)
    prev = ma.fields.String(allow_none=True)


_PAGE_SCHEMAS: dict[str, type[ma.Schema]] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The response schema of a page of ``item_schema`` objects (dumped by compiled steps: pages are big)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[name] = type(name, (FastDumpSchema,), {
            "total": ma.fields.Integer(metadata={"description": "符合条件的总数"}),
            "page": ma.fields.Integer(),
            "per_page": ma.fields.Integer(),
            "links": ma.fields.Nested(LinksSchema),
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
        })
    return _PAGE_SCHEMAS[name]


def page_body(items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    """The envelope of one page: items, total, and links that keep the caller's filters."""
    last = max(1, -(-total // per_page))

    def link(number: int) -> str:
        args = request.args.to_dict(flat=False)
        args["page"] = [str(number)]
        return f"{request.base_url}?{urlencode(args, doseq=True)}"

    return {
        "total": total, "page": page, "per_page": per_page, "items": items,
        "links": {"self": link(page), "first": link(1), "last": link(last),
                  "next": link(page + 1) if page < last else None, "prev": link(page - 1) if page > 1 else None},
    }


def etag_of(code: str, version: int, pending: int | None = None) -> str:
    """``"<code>@<version>"``, plus ``+<change id>`` while a change is under review: proposing or
    refining a change does not bump the version, but it must still change the tag."""
    return f'"{code}@{version}+{pending}"' if pending else f'"{code}@{version}"'


def check_if_match(current: str) -> None:
    """Optimistic concurrency: a write must name the version it read (428 without, 412 if stale)."""
    sent = request.headers.get("If-Match")
    if not sent:
        abort(428)
    if sent.strip() != "*" and current not in [tag.strip() for tag in sent.split(",")]:
        abort(412, message=f"条目已被他人修改（当前 {current}，您读取的是 {sent.strip()}），请重新读取后再试")
