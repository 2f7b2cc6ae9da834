"""Recognising the columns of a compiler's workbook, whatever the template's wording.

Headers differ between the national template, provincial variants and
open-data portal exports (national-catalog.md §3.3, §4.4): required markers
(``*``, ``（必填）``), line breaks, full-width characters and synonyms. Every
header is folded and looked up in one table built from the element specs in
:mod:`registry.catalog.schema`, so a new synonym is data in one place.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from registry.catalog.schema import FIELD_ELEMENTS, ITEM_ELEMENTS

_MARKERS = re.compile(r"[*＊※]|[（(](?:必填|选填|可选|必须|非必填|选填项|必填项)[)）]|[\s\u3000]+")
_BRACKETED_HINT = re.compile(r"[（(][^）)]*[)）]$")


@dataclass(frozen=True)
class Column:
    """Where a header points: an item element or a field (信息项) element."""

    level: str  # "item" or "field"
    key: str
    label: str


def fold(header: object) -> str:
    """A header reduced to what identifies it: no markers, spaces or width differences."""
    text = unicodedata.normalize("NFKC", str(header or ""))
    return _MARKERS.sub("", text).strip().lower()


def _table(prefer: str) -> dict[str, Column]:
    table: dict[str, Column] = {}
    # The preferred level is written last so it wins a shared synonym: a bare
    # 描述 is the resource's summary on a catalog sheet, a field's on a 信息项 sheet.
    order = (("field", FIELD_ELEMENTS), ("item", ITEM_ELEMENTS))
    for level, specs in (order if prefer == "item" else order[::-1]):
        for spec in specs:
            for name in (spec.label, *spec.synonyms):
                table[fold(name)] = Column(level, spec.key, spec.label)
    for name, column in _EXTRA.items():
        table[fold(name)] = column  # type: ignore[assignment]
    return table


_PROVIDER = Column("item", "provider", "信息资源提供方")
_EXTRA: dict[str, Column | None] = {
    "序号": None,
    "信息项序号": None,
    "所属部门": _PROVIDER,
    "信息资源提供方代码": Column("item", "provider_code", "信息资源提供方代码"),
    "提供方代码": Column("item", "provider_code", "信息资源提供方代码"),
    "提供单位代码": Column("item", "provider_code", "信息资源提供方代码"),
    "统一社会信用代码（提供方）": Column("item", "provider_code", "信息资源提供方代码"),
    "共享条件/不予共享依据": Column("item", "share_condition_or_basis", "共享条件/不予共享依据"),
    "共享条件(不予共享依据)": Column("item", "share_condition_or_basis", "共享条件/不予共享依据"),
    "信息项数据类型": Column("field", "data_type", "数据类型"),
    "信息项数据长度": Column("field", "length", "数据长度"),
    "字段类型": Column("field", "data_type", "数据类型"),
    "信息项共享属性": Column("field", "share_type", "信息项共享类型"),
    "信息项开放属性": Column("field", "open_type", "信息项开放类型"),
    "字段描述": Column("field", "description", "信息项描述"),
    "是否为主键": Column("field", "is_primary_key", "是否主键"),
    "英文名": Column("field", "technical_name", "信息项英文名"),
}
TABLES = {"item": _table("item"), "field": _table("field")}


def match_header(header: object, prefer: str = "item") -> Column | None:
    """The column a header means, or ``None`` for an unknown or ignorable one (序号)."""
    key = fold(header)
    if not key:
        return None
    table = TABLES[prefer]
    if key in table:
        return table[key]
    # Hints in brackets after the name: 数据存储总量（MB）, 更新周期(必选).
    return table.get(_BRACKETED_HINT.sub("", key))


def recognised(headers: list[object], prefer: str = "item") -> dict[int, Column]:
    """Column index → element for every known header (the first of duplicates wins)."""
    found: dict[int, Column] = {}
    seen: set[tuple[str, str]] = set()
    for index, header in enumerate(headers):
        column = match_header(header, prefer)
        if column is not None and (column.level, column.key) not in seen:
            seen.add((column.level, column.key))
            found[index] = column
    return found
