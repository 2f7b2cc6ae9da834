"""Field-level differences between two versions of an entry.

A diff is plain JSON so it can be stored in history and audit rows and
rendered by the review screens: ``{"item": {key: [old, new]}, "fields":
{"added": [...], "removed": [...], "changed": [{"name", "changes": {key: [old, new]}}]}}``.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from registry.catalog.schema import DIFF_FIELD_KEYS, DIFF_ITEM_KEYS
from registry.orgs.models import Organisation


def jsonable(value: Any) -> Any:
    """A JSON-safe form of a catalog value (organisations by code, dates in ISO form)."""
    if isinstance(value, Organisation):
        return value.code
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def _same(a: Any, b: Any) -> bool:
    if a is b or (type(a) is type(b) and a == b):  # the common case, without converting anything
        return True
    # Empty text, None and an empty list all mean "not filled in".
    return (jsonable(a) or None) == (jsonable(b) or None)


def diff_values(old: dict[str, Any], new: dict[str, Any], keys: tuple[str, ...]) -> dict[str, list[Any]]:
    return {k: [jsonable(old.get(k)), jsonable(new.get(k))] for k in keys if not _same(old.get(k), new.get(k))}


def _field_key(field: dict[str, Any]) -> Any:
    return ("id", field["id"]) if field.get("id") is not None else ("name", field.get("name"))


def diff_fields(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Match fields by id when the caller kept it, else by name; report additions, removals, changes."""
    old_by_id = {f["id"]: f for f in old if f.get("id") is not None}
    old_by_name = {f.get("name"): f for f in old}
    matched: set[int] = set()
    added, changed = [], []
    for field in new:
        before = old_by_id.get(field["id"]) if field.get("id") is not None else old_by_name.get(field.get("name"))
        if before is None or id(before) in matched:
            added.append({k: jsonable(field.get(k)) for k in ("position", *DIFF_FIELD_KEYS)})
            continue
        matched.add(id(before))
        changes = diff_values(before, field, ("position", *DIFF_FIELD_KEYS))
        if changes:
            changed.append({"name": field.get("name"), "changes": changes})
    removed = [{k: jsonable(f.get(k)) for k in ("position", *DIFF_FIELD_KEYS)} for f in old if id(f) not in matched]
    return {k: v for k, v in (("added", added), ("removed", removed), ("changed", changed)) if v}


def diff_entries(old_item: dict[str, Any], old_fields: list[dict[str, Any]], new_item: dict[str, Any], new_fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole diff of an entry; empty dict when nothing changed."""
    diff: dict[str, Any] = {}
    item_changes = diff_values(old_item, new_item, DIFF_ITEM_KEYS)
    if item_changes:
        diff["item"] = item_changes
    field_changes = diff_fields(old_fields, new_fields)
    if field_changes:
        diff["fields"] = field_changes
    return diff


def creation_diff(code: str, item: dict[str, Any], fields: list[dict[str, Any]]) -> dict[str, Any]:
    """What history keeps of a creation: the entry itself holds the values, and every
    later diff carries old and new, so any past version can be rebuilt backwards."""
    return {"created": {"code": code, "name": item.get("name"), "provider": jsonable(item.get("provider")), "fields": len(fields)}}
