"""Catalog items and organisations as CKAN dicts: a package per item, an organization per provider.

Names follow CKAN's rules (lower-case letters, digits, ``-`` and ``_``): a
package's name is its resource code with ``/`` written ``-``
(``307041101/000001`` → ``307041101-000001``); an organization's name is its
code in lower case. Ids are the codes themselves, which never change.
Elements CKAN has no place for go to ``extras`` as strings (vocabulary
elements with a ``…_label`` beside them); an item's fields (信息项) go to
the custom key ``mulu_fields``.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from flask import url_for

from registry.catalog.disclosure import shown_field_values
from registry.catalog.models import CatalogItem
from registry.catalog.operations import field_values
from registry.catalog.schema import ITEM_ELEMENTS
from registry.catalog.validation import vocabulary
from registry.core.localtime import aware
from registry.orgs.models import Organisation
from registry.profiles import Profile

_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_SLUG_CODE = re.compile(r"^(\d+)-(\d+)$")
#: Elements shown in the package's own keys, not repeated in extras.
_MAPPED = {"name", "summary", "provider", "tags"}


def package_name(code: str) -> str:
    return _UNSAFE.sub("-", code.lower())


def code_from_name(name: str) -> str | None:
    """The resource code a package name stands for (the reverse of :func:`package_name` for national codes)."""
    match = _SLUG_CODE.match(name.strip())
    return f"{match[1]}/{match[2]}" if match else None


def org_slug(code: str) -> str:
    return _UNSAFE.sub("-", code.lower())


def org_name(org: Organisation) -> str:
    return org_slug(org.code)


def group_name(class_item: str) -> str:
    return class_item.replace(".", "-")


def timestamp(at: datetime | None) -> str | None:
    """CKAN's form: UTC, no offset (``2024-05-01T08:30:00.123456``)."""
    return aware(at).astimezone(UTC).replace(tzinfo=None).isoformat() if at else None


def organization_dict(org: Organisation, package_count: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": org.code, "name": org_name(org), "title": org.name, "display_name": org.name,
        "description": "", "type": "organization", "is_organization": True, "state": "active",
        "approval_status": "approved", "image_url": "", "image_display_url": "", "created": timestamp(org.created_at),
    }
    if package_count is not None:
        body["package_count"] = package_count
    return body


def organization_extras(org: Organisation) -> list[dict[str, str]]:
    """What CKAN has no key for: level, parent, short name, region (no contact details: they name a person)."""
    values = {"level": org.level.value, "level_label": org.level.label, "parent": org.parent.code if org.parent else None,
              "short_name": org.short_name, "region_code": org.region_code}
    return [{"key": k, "value": v} for k, v in values.items() if v]


def package_dict(profile: Profile, item: CatalogItem, *, public: bool) -> dict[str, Any]:
    """The CKAN package of one item (its published content: pending changes are not shown).

    ``public`` (anonymous callers) leaves sensitive and secret fields out of ``mulu_fields``.
    """
    name = package_name(item.code)
    page = url_for("public.item_page", code=item.code, _external=True)
    tags = [{"id": t, "name": t, "display_name": t, "state": "active", "vocabulary_id": None} for t in item.tags or []]
    class_item = f"{item.class_code}.{item.item_code}"
    node = profile.class_node(item.class_code, item.item_code)
    return {
        "id": item.code, "name": name, "title": item.name, "notes": item.summary, "type": "dataset",
        "state": "active", "private": False, "url": page, "version": str(item.version),
        "author": None, "author_email": None, "maintainer": None, "maintainer_email": None,
        "license_id": None, "license_title": None, "license_url": None, "isopen": item.open_type.value == "unconditional",
        "creator_user_id": None, "metadata_created": timestamp(item.created_at),
        "metadata_modified": timestamp(item.updated_at),
        "owner_org": item.provider.code, "organization": organization_dict(item.provider),
        "groups": [{"id": class_item, "name": group_name(class_item), "title": node.label if node else class_item,
                    "display_name": node.label if node else class_item, "description": "", "image_display_url": ""}],
        "tags": tags, "num_tags": len(tags),
        "resources": [_access_resource(profile, item, page)], "num_resources": 1,
        "extras": _extras(profile, item),
        "relationships_as_object": [], "relationships_as_subject": [],
        "mulu_fields": shown_field_values([_field(f) for f in item.fields], public),
    }


def _access_resource(profile: Profile, item: CatalogItem, page: str) -> dict[str, Any]:
    """CKAN resources are files or APIs; an item describes how its data is shared, so it has one: that."""
    method = vocabulary(profile, "share_method_type").label(item.share_method_type) if item.share_method_type else ""
    fmt = vocabulary(profile, "format_class").label(item.format_class)
    return {
        "id": f"{package_name(item.code)}-access", "package_id": item.code, "position": 0, "state": "active",
        "name": f"数据获取：{method or '按共享类型申请'}", "description": item.share_condition or "",
        "format": fmt, "mimetype": None, "url": page, "url_type": None,
        "resource_type": item.share_method_type, "size": None, "hash": "", "datastore_active": False,
        "created": timestamp(item.published_at or item.created_at), "metadata_modified": timestamp(item.updated_at),
        "last_modified": timestamp(item.data_updated_at),
        "format_class": item.format_class, "format_type": item.format_type,
        "share_method_class": item.share_method_class, "share_type": item.share_type.value,
    }


def _extras(profile: Profile, item: CatalogItem) -> list[dict[str, str]]:
    extras = [{"key": "code", "value": item.code}, {"key": "classification_code", "value": item.classification_code},
              {"key": "class_item", "value": f"{item.class_code}.{item.item_code}"},
              {"key": "status", "value": item.status.value}]
    for spec in ITEM_ELEMENTS:
        if spec.key in _MAPPED or spec.key == "code":
            continue
        value = getattr(item, spec.key)
        value = getattr(value, "value", value) if not isinstance(value, (str, int, float)) else value
        if value is None or value == "" or value == []:
            continue
        if spec.kind == "org":
            extras.append({"key": spec.key, "value": value.name})
            continue
        extras.append({"key": spec.key, "value": _string(value)})
        if spec.kind == "vocab":
            extras.append({"key": f"{spec.key}_label", "value": vocabulary(profile, spec.vocab or spec.key).label(value)})
    return extras


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def _field(field) -> dict[str, Any]:
    values = field_values(field)
    values.pop("id", None)
    return values
