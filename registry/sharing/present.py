"""What the share screens and the API show of a request: the item, the fields asked and approved, the decision."""
from __future__ import annotations

from typing import Any

from registry.catalog.models import CatalogItem, ShareType
from registry.core.context import Context
from registry.requests.models import Request
from registry.sharing.choices import share_label, sharing_modes


def item_facts(ctx: Context, item: CatalogItem) -> dict[str, Any]:
    """The item as a requester weighs it: its share type, condition and basis, and each field's own share type."""
    return {
        "code": item.code, "name": item.name, "provider": item.provider.name,
        "share_type": item.share_type.value, "share_label": share_label(ctx.profile, item.share_type),
        "share_condition": item.share_condition, "share_basis": item.share_basis,
        "fields": [{"position": f.position, "name": f.name, "technical_name": f.technical_name,
                    "share_label": share_label(ctx.profile, f.share_type) if f.share_type else "",
                    "askable": f.share_type is not ShareType.NOT_SHARED} for f in item.fields],
    }


def field_rows(request: Request) -> list[dict[str, Any]]:
    """Each field asked, and whether the approval granted it."""
    data = request.data or {}
    granted = set((data.get("approval") or {}).get("fields") or [])
    return [{"name": name, "approved": name in granted} for name in data.get("fields") or []]


def default_mode(ctx: Context, item: CatalogItem | None) -> str:
    """The ``class:type`` an approval form proposes: the item's own share method when the profile knows it."""
    modes = sharing_modes(ctx.profile)
    if item is not None:
        for mode in modes:
            if (mode.method_class, mode.method_type) == (item.share_method_class, item.share_method_type):
                return f"{mode.method_class}:{mode.method_type}"
    return f"{modes[0].method_class}:{modes[0].method_type}" if modes else ""
