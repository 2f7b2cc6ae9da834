"""Reading CKAN action parameters: numbers and flags that arrive as strings (GET) or JSON values
(POST), and ``package_search``'s Solr-style ``fq``, ``sort`` and ``facet.field`` translated into
Mulu's search request.

Only what the catalog can answer faithfully is accepted; anything else is a
Validation Error that names the supported forms, never a silently ignored filter.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.ckan.errors import ParamError
from registry.orgs.models import Organisation
from registry.profiles import Profile
from registry.search.facets import FACET_BY_NAME

MAX_ROWS = 1000
DEFAULT_ROWS = 10
DEFAULT_FACET_LIMIT = 50
MAX_QUERY_LENGTH = 200

#: CKAN facet and filter fields → Mulu search facets (Mulu's own facet names are accepted too).
CKAN_FIELDS = {"organization": "provider", "owner_org": "provider", "res_format": "format_class", "groups": "class_item"}
#: CKAN facets this catalog has no counts for: asked for, they come back empty rather than failing a CKAN front end.
EMPTY_FACETS = ("tags", "license_id")
#: Filters every package here satisfies (CKAN front ends and harvesters send them routinely).
TRIVIAL_FILTERS = {"dataset_type": "dataset", "type": "dataset", "state": "active", "capacity": "public"}
#: CKAN sort keys → Mulu sorts; only the first key of a list decides (the rest are tie-breakers).
SORTS = {"score desc": "relevance", "metadata_modified desc": "updated", "relevance": "relevance",
         "updated": "updated", "published": "published"}

_CLAUSE = re.compile(r'(?P<sign>[+-]?)(?P<field>[A-Za-z_.]+):(?P<value>"[^"]*"|\([^)]*\)|[^\s()"]+)')


# -- plain values -------------------------------------------------------------------------------------------

def integer(data: dict[str, Any], name: str, default: int | None, low: int = 0, high: int | None = None) -> int | None:
    raw = data.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.strip().lstrip("-").isdigit())):
        raise ParamError(name, f"{name} 须为整数")
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise ParamError(name, f"{name} 须在 {low}–{high} 之间" if high is not None else f"{name} 不能小于 {low}")
    return value


def boolean(data: dict[str, Any], name: str, default: bool = False) -> bool:
    raw = data.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ParamError(name, f"{name} 须为 true 或 false")


def text(data: dict[str, Any], name: str, default: str = "") -> str:
    raw = data.get(name, default)
    if raw is None:
        return default
    if not isinstance(raw, (str, int)):
        raise ParamError(name, f"{name} 须为字符串")
    return str(raw)


def string_list(data: dict[str, Any], name: str) -> list[str]:
    """A list given as a JSON list, a JSON-encoded string (CKAN's GET form) or repeated parameters."""
    raw = data.get(name)
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.lstrip().startswith("[") else [raw]
        except ValueError:
            raise ParamError(name, f"{name} 须为 JSON 列表，如 [\"organization\"]") from None
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise ParamError(name, f"{name} 须为字符串列表")
    return raw


# -- package_search ---------------------------------------------------------------------------------------

@dataclass
class SearchParams:
    """``package_search``'s parameters, translated: Mulu filters, sort and the CKAN facets asked for."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    sort_text: str = "score desc, metadata_modified desc"
    rows: int = DEFAULT_ROWS
    start: int = 0
    facet_fields: list[str] = field(default_factory=list)
    facet_limit: int = DEFAULT_FACET_LIMIT


def search_params(session: Session, profile: Profile, data: dict[str, Any]) -> SearchParams:
    q = text(data, "q").strip()
    if q in ("*:*", "*"):
        q = ""
    facet_fields = string_list(data, "facet.field") or string_list(data, "facet_field")
    for name in facet_fields:
        if name not in EMPTY_FACETS:
            facet_name(name)  # raises for an unknown field
    sort_text = text(data, "sort").strip()
    return SearchParams(
        q=q[:MAX_QUERY_LENGTH],
        filters=parse_fq(session, profile, text(data, "fq")),
        sort=sort_key(sort_text) if sort_text else "relevance",
        sort_text=sort_text or "score desc, metadata_modified desc",
        rows=integer(data, "rows", DEFAULT_ROWS, 0, MAX_ROWS),
        start=integer(data, "start", 0, 0),
        facet_fields=facet_fields,
        facet_limit=integer(data, "facet.limit", DEFAULT_FACET_LIMIT, -1),
    )


def facet_name(ckan_field: str) -> str:
    """The Mulu facet a CKAN field names (``organization`` → ``provider``)."""
    name = CKAN_FIELDS.get(ckan_field, ckan_field)
    if name not in FACET_BY_NAME:
        known = [*CKAN_FIELDS, *FACET_BY_NAME]
        raise ParamError("facet.field", f"不支持的分面字段“{ckan_field}”；可用：{'、'.join(known)}")
    return name


def sort_key(sort_text: str) -> str:
    first = re.sub(r"\s+", " ", sort_text.split(",")[0].strip().lower())
    if first not in SORTS:
        raise ParamError("sort", f"不支持的排序“{sort_text[:60]}”；可用：{'、'.join(SORTS)}")
    return SORTS[first]


def parse_fq(session: Session, profile: Profile, fq: str) -> dict[str, tuple[str, ...]]:
    """``organization:abc +res_format:"数据库" groups:(3-07 OR 3-08)`` → Mulu facet filters.

    Clauses are ANDed (CKAN's default); values inside ``( … OR … )`` are ORed.
    Negation, ranges and free-standing OR are not supported.
    """
    filters: dict[str, tuple[str, ...]] = {}
    rest = _CLAUSE.sub(" ", fq)
    leftover = [word for word in rest.split() if word != "AND"]
    if leftover:
        raise ParamError("fq", f"无法解析 fq 中的“{' '.join(leftover)[:60]}”；支持 字段:值、字段:\"带空格的值\"、字段:(值1 OR 值2)，以空格或 AND 连接")
    for match in _CLAUSE.finditer(fq):
        ckan_field, values = match["field"], _values(match["value"])
        if match["sign"] == "-":
            raise ParamError("fq", f"不支持排除条件“{match.group()}”")
        if ckan_field in TRIVIAL_FILTERS:
            if any(v != TRIVIAL_FILTERS[ckan_field] for v in values):
                raise ParamError("fq", f"{ckan_field} 只能是 {TRIVIAL_FILTERS[ckan_field]}：本目录只有公开的数据集")
            continue
        if ckan_field == "tags":
            raise ParamError("fq", "暂不支持按 tags 筛选；可在 q 中写入标签词检索")
        try:
            name = facet_name(ckan_field)
        except ParamError:
            raise ParamError("fq", f"不支持的筛选字段“{ckan_field}”；可用：organization、res_format、groups，"
                                   f"或本目录的分面名 {'、'.join(FACET_BY_NAME)}") from None
        if name in filters:
            raise ParamError("fq", f"字段“{ckan_field}”出现了两次；多个取值请写作 {ckan_field}:(值1 OR 值2)")
        filters[name] = tuple(_filter_value(session, profile, name, v) for v in values)
    return filters


def _values(raw: str) -> list[str]:
    if raw.startswith("("):
        parts = [p.strip() for p in re.split(r"\s+OR\s+", raw[1:-1].strip())]
    else:
        parts = [raw]
    values = [p[1:-1] if len(p) >= 2 and p[0] == p[-1] == '"' else p for p in parts]
    if not all(values):
        raise ParamError("fq", f"fq 中有空的取值：{raw[:60]}")
    return values


def _filter_value(session: Session, profile: Profile, name: str, value: str) -> str:
    """A CKAN-side value in the form the search service takes (labels are resolved by the service)."""
    if name == "provider":
        return org_code(session, value) or value
    if name == "class_item":
        return value.replace("-", ".", 1)
    spec = FACET_BY_NAME[name]
    if spec.vocab and profile.vocab(spec.vocab).resolve(value) is None:
        return profile.vocab(spec.vocab).resolve(value.lower()) or value
    return value


def org_code(session: Session, slug_or_code: str) -> str | None:
    """The code of the organisation an org slug (lower-case code) or code names."""
    return session.scalar(select(Organisation.code).where(func.lower(Organisation.code) == slug_or_code.strip().lower()))
