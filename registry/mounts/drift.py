"""Drift: where an entry's declared 信息项 and format no longer match the resources mounted on it.

Pure functions over declared fields and reflected columns, so the same
comparison serves the scheduled check, "check now" and the tests. Each
difference is a small JSON-able dict with a ``kind`` — ``missing`` (a declared
field has no column), ``extra`` (a column no field declares), ``type``,
``length``, ``format``, ``expired`` — and a Chinese ``message``.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from registry.catalog.models import CatalogItem, Field
from registry.core.i18n import N_
from registry.mounts.models import MountKind, ResourceMount
from registry.mounts.reflection import FORMAT_TYPES, LiveColumn
from registry.mounts.types import type_changed
from registry.profiles import Profile

DIFFERENCE_KINDS = {
    "missing": N_("缺少列"),
    "extra": N_("多出列"),
    "type": N_("类型变化"),
    "length": N_("长度变化"),
    "format": N_("格式不符"),
    "expired": N_("已过有效期"),
}

#: Extensions accepted for a format class besides the types the profile lists for it.
_EXTRA_EXTENSIONS = {"spreadsheet": {"csv", "ods"}, "electronic_file": {"odt", "rtf", "md", "json"}, "image": {"png", "jpeg", "tif", "tiff"}}
_SAME_DATABASE = {"mariadb": "mysql"}
_LENGTHS_COMPARED = ("C", "N")


def compare_columns(fields: Iterable[Field], columns: Iterable[LiveColumn]) -> list[dict[str, Any]]:
    """Declared fields against the live columns: missing, extra, type changed, length changed.

    A field matches the column named by its 英文名 (``technical_name``), else
    the column of its own name; case does not matter.
    """
    live = {c.name.lower(): c for c in columns}
    matched: set[str] = set()
    differences: list[dict[str, Any]] = []
    for field in fields:
        key = (field.technical_name or field.name or "").strip().lower()
        column = live.get(key)
        if column is None:
            differences.append({"kind": "missing", "field": field.name, "column": field.technical_name,
                                "message": f"信息项“{field.name}”声明的列 {field.technical_name or field.name} 在表中不存在"})
            continue
        matched.add(key)
        differences += _column_changes(field, column)
    for key, column in live.items():
        if key not in matched:
            differences.append({"kind": "extra", "field": None, "column": column.name, "live": column.data_type,
                                "message": f"表中的列 {column.name}（{column.type}）没有对应的信息项"})
    return differences


def _column_changes(field: Field, column: LiveColumn) -> list[dict[str, Any]]:
    where = {"field": field.name, "column": column.name}
    if type_changed(field.data_type, column.data_type):
        return [{"kind": "type", **where, "declared": field.data_type, "live": column.data_type,
                 "message": f"信息项“{field.name}”声明为 {field.data_type}，列 {column.name} 现为 {column.type}（{column.data_type}）"}]
    if (field.length is not None and column.length is not None and field.length != column.length
            and column.data_type in _LENGTHS_COMPARED):
        return [{"kind": "length", **where, "declared": field.length, "live": column.length,
                 "message": f"信息项“{field.name}”声明长度 {field.length}，列 {column.name} 现为 {column.length}"}]
    return []


# -- format -----------------------------------------------------------------------------

def format_findings(profile: Profile, item: CatalogItem, mount: ResourceMount, mounts: list[ResourceMount],
                    dialect: str | None = None) -> list[dict[str, Any]]:
    """Whether the entry's declared format agrees with this mount, as catalog auditors check it.

    A spreadsheet (or any non-database) entry with a database table mounted is
    flagged, so is a database entry that has only files behind it, a file
    whose extension is not of the declared format, and a table in a database
    other than the declared 格式类型.
    """
    fmt = item.format_class
    label = profile.vocab("format_class").label(fmt)
    found: list[dict[str, Any]] = []
    if mount.kind is MountKind.TABLE:
        if fmt != "database":
            found.append(_format(f"格式分类为“{label}”的条目挂接了数据库表 {mount.table_name}；应登记为“{profile.vocab('format_class').label('database')}”"))
        elif dialect and item.format_type and not _same_database(item.format_type, dialect):
            found.append(_format(f"格式类型登记为 {item.format_type}，挂接的表却在 {FORMAT_TYPES.get(dialect, dialect)} 数据库中"))
    elif mount.kind is MountKind.FILE:
        if fmt == "database" and not any(m.kind in (MountKind.TABLE, MountKind.API) for m in mounts):
            found.append(_format(f"格式分类为“{label}”的条目只挂接了文件，没有挂接数据库表或接口"))
        extension = PurePosixPath(mount.file_name or "").suffix.lstrip(".").lower()
        allowed = _extensions(profile, fmt)
        if fmt != "database" and extension and allowed and extension not in allowed:
            found.append(_format(f"文件 {mount.file_name} 不是“{label}”格式（应为 {'、'.join(sorted(allowed))}）"))
    return found


def validity_findings(mount: ResourceMount, today: date) -> list[dict[str, Any]]:
    if mount.kind is MountKind.API and mount.valid_to is not None and mount.valid_to < today:
        return [{"kind": "expired", "field": None, "column": None,
                 "message": f"接口有效期至 {mount.valid_to.isoformat()}，已过期"}]
    return []


def _format(message: str) -> dict[str, Any]:
    return {"kind": "format", "field": None, "column": None, "message": message}


def _same_database(format_type: str, dialect: str) -> bool:
    declared = format_type.strip().lower()
    live = _SAME_DATABASE.get(dialect, dialect)
    names = {live, FORMAT_TYPES.get(dialect, dialect).lower(), FORMAT_TYPES.get(live, live).lower()}
    return declared in names or _SAME_DATABASE.get(declared, declared) in names


def _extensions(profile: Profile, fmt: str) -> set[str]:
    term = profile.vocab("format_class").term(fmt or "")
    listed = {str(t).lower() for t in (term.attrs.get("types") or [])} if term else set()
    return {t for t in listed if t.isascii() and t.isalnum()} | (_EXTRA_EXTENSIONS.get(fmt, set()) if listed else set())
