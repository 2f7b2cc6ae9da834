"""Catalog values as a reader sees them: vocabulary labels, organisation names, 是/否, joined lists."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext

from registry.catalog.schema import ElementSpec
from registry.catalog.validation import vocabulary
from registry.orgs.models import Organisation
from registry.profiles import Profile


def readable(profile: Profile, spec: ElementSpec, value: Any) -> str:
    """One element's value for display; works on stored values and on the JSON of diffs and proposals."""
    if spec.kind == "bool":
        return gettext("是") if value else gettext("否")
    if value is None or value == "" or value == []:
        return ""
    if spec.kind == "vocab":
        return vocabulary(profile, spec.vocab or spec.key).label(getattr(value, "value", value))
    if isinstance(value, Organisation):
        return value.name
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(getattr(value, "isoformat", lambda: value)())
