"""Which of an item's fields (信息项) a reader may see: the public never sees sensitive or secret ones.

Items stay visible to the public; only the fields flagged 是否敏感 or 是否涉密 are
left out — names, technical names, descriptions, examples, and counts alike.
Signed-in readers see every field of the items they may read. One rule for
every boundary (public pages, REST, CKAN, search, open-catalog export).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

F = TypeVar("F")


def _flag(field: Any, key: str) -> bool:
    return bool(field.get(key) if isinstance(field, Mapping) else getattr(field, key, False))


def is_restricted(field: Any) -> bool:
    """Whether a field (an ORM ``Field`` or the dict of ``field_values``) is flagged sensitive or secret."""
    return _flag(field, "is_sensitive") or _flag(field, "is_secret")


def disclosed_fields(fields: Iterable[F], public: bool) -> list[F]:
    """The fields a reader sees: all for signed-in readers, the unrestricted ones for the public."""
    return [f for f in fields if not (public and is_restricted(f))]


def shown_field_values(fields: list[dict[str, Any]], public: bool) -> list[dict[str, Any]]:
    """Field values (``field_values`` dicts) as a reader gets them: for the public, the disclosed ones
    numbered 1…n without their ids, so gaps in positions or ids do not tell that fields were left out."""
    if not public:
        return fields
    return [{**{k: v for k, v in f.items() if k != "id"}, "position": n}
            for n, f in enumerate(disclosed_fields(fields, public=True), start=1)]

