"""From sheets to catalog entries, for the layouts compilers really use (national-catalog.md §1.7, §3.2).

- ``national``: one row per 信息项, resource cells merged vertically (or repeated);
- ``two_sheet``: a 目录 sheet and a 信息项 sheet joined by resource code or name;
- ``items``: one row per resource, without fields.

Rows are streamed once. Each entry keeps the row numbers it came from and
shares its sheet's column map, so a problem found later by the rules can be
pinned to sheet, row and column without storing a cell object per value.
"""
from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from importers.headers import Column, recognised
from importers.sources import MAX_CELL_CHARS, ImportFileError, Sheet, Source

#: Sheets of Mulu's template that explain rather than hold rows (see importers.template).
NON_DATA_SHEETS = ("填写说明", "示例")
#: Item elements whose values are codes: folded to half-width, Excel's lost leading zeros restored.
_CODE_WIDTHS = {"class_code": 1, "item_code": 2, "category_code": 3}
_CODE_KEYS = {"code", "provider_code", "subcategory_code", *_CODE_WIDTHS}


class Cell(NamedTuple):
    sheet: str
    row: int  # 1-based, as Excel shows it
    column: int  # 1-based

    @property
    def letter(self) -> str:
        n, letters = self.column, ""
        while n:
            n, rem = divmod(n - 1, 26)
            letters = chr(65 + rem) + letters
        return letters


@dataclass
class Problem:
    """A problem with the file's content, shown to the compiler with its place."""

    sheet: str
    row: int | None
    column: str | None
    value: object
    message: str

    def as_dict(self) -> dict[str, object]:
        value = self.value if self.value is None or isinstance(self.value, (int, float)) else str(self.value)[:200]
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": value, "message": self.message}


@dataclass
class SheetLayout:
    """A recognised sheet: its header row and which column holds which element."""

    sheet: Sheet
    header_row: int  # 0-based
    columns: dict[int, Column]

    def __post_init__(self) -> None:
        self.item_columns = {c.key: i for i, c in self.columns.items() if c.level == "item"}
        self.field_columns = {c.key: i for i, c in self.columns.items() if c.level == "field"}
        self.labels = {c.key: c.label for c in self.columns.values()}

    def has(self, level: str, key: str) -> bool:
        return key in (self.item_columns if level == "item" else self.field_columns)

    @property
    def kind(self) -> str:
        if not self.has("field", "name"):
            return "items"
        # A 信息项 sheet names its resource, but does not describe it.
        described = sum(self.has("item", k) for k in ("summary", "share_type", "format_class", "update_cycle", "open_type"))
        return "national" if described >= 2 else "fields"


@dataclass
class RawEntry:
    """One resource as read from the file, before validation."""

    sheet: str
    row: int
    layout: SheetLayout
    data: dict[str, object] = field(default_factory=dict)
    fields: list[dict[str, object]] = field(default_factory=list)
    field_rows: list[int] = field(default_factory=list)
    field_layout: SheetLayout | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        # A FALSE or 0 cell is a name too (stored as "False", "0"); ``or ""`` made it "" and the
        # re-upload never matched the item it created, duplicating it (found by tests/fuzz).
        value = self.data.get("name")
        return "" if value is None else str(value)

    @property
    def item_keys(self) -> set[str]:
        """Item elements the sheet has a column for (filled in or not)."""
        return set(self.layout.item_columns)

    @property
    def field_keys(self) -> set[str]:
        return set(self.field_layout.field_columns) if self.field_layout else set()

    def cell(self, key: str) -> Cell | None:
        """Where an element (``share_basis``) or a field's element (``fields[2].length``) was read."""
        if key.startswith("fields["):
            index, _, sub = key[len("fields["):].partition("].")
            layout = self.field_layout
            if layout is None or int(index) >= len(self.field_rows):
                return None
            column = layout.field_columns.get(sub, layout.field_columns.get("name"))
            return Cell(layout.sheet.name, self.field_rows[int(index)], column + 1) if column is not None else None
        column = self.layout.item_columns.get(key)
        return Cell(self.sheet, self.row, column + 1) if column is not None else None

    def label(self, key: str) -> str:
        return self.layout.labels.get(key, key)


def detect(sheet: Sheet) -> SheetLayout | None:
    """The header row (the one among the first rows that names most known elements) and its columns."""
    best: SheetLayout | None = None
    for index, row in enumerate(sheet.head):
        for prefer in ("item", "field"):
            columns = recognised(row, prefer)
            if len(columns) >= 2 and (best is None or len(columns) > len(best.columns)):
                best = SheetLayout(sheet, index, columns)
    if best is not None and best.kind == "fields":  # read shared synonyms (描述, 共享类型) as the 信息项's own
        best = SheetLayout(sheet, best.header_row, recognised(sheet.head[best.header_row], "field"))
    return best


def read_entries(source: Source) -> tuple[str, Iterator[RawEntry], list[Problem]]:
    """The layout's name, its entries (streamed for the national layout) and file-level problems."""
    sheets = [s for s in source.sheets if s.name not in NON_DATA_SHEETS]
    layouts = [layout for layout in (detect(s) for s in sheets) if layout is not None]
    if not layouts:
        raise ImportFileError("没有找到目录表头：请使用下载的模板，或确保表头含“信息资源名称”等列名")
    national = [layout for layout in layouts if layout.kind == "national"]
    if national:
        return "national", (e for layout in national for e in _national(layout)), []
    entries = [e for layout in layouts if layout.kind == "items" for e in _items(layout)]
    field_sheets = [layout for layout in layouts if layout.kind == "fields"]
    problems = [p for layout in field_sheets for p in _attach_fields(layout, entries)]
    return ("two_sheet" if field_sheets else "items"), iter(entries), problems


class _Row(NamedTuple):
    number: int  # 1-based
    cells: list[object]


def _data_rows(layout: SheetLayout) -> Iterator[_Row]:
    for index, cells in enumerate(layout.sheet.rows()):
        if index > layout.header_row and any(v is not None for v in cells):
            yield _Row(index + 1, cells)


def _value(raw: object, key: str, level: str, where: tuple[SheetLayout, int, int], problems: list[Problem]) -> object:
    if raw is None:
        return None
    if isinstance(raw, str):
        if len(raw) > MAX_CELL_CHARS:
            layout, row, column = where
            problems.append(Problem(layout.sheet.name, row, Cell("", 0, column + 1).letter, raw[:50] + "…",
                                    f"单元格内容过长（{len(raw)}个字符），不能超过{MAX_CELL_CHARS}个"))
            return None
        raw = raw.strip()
        if not raw:
            return None
    if level == "field" and isinstance(raw, str) and len(raw) <= 64:
        # The same field names and types recur across thousands of resources: keep one copy of each.
        return sys.intern(raw)
    if level == "item" and key in _CODE_KEYS:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "")
        width = _CODE_WIDTHS.get(key)
        return text.zfill(width) if width and text.isdigit() else text
    return raw


def _read(layout: SheetLayout, row: _Row, level: str, problems: list[Problem]) -> dict[str, object]:
    columns = layout.item_columns if level == "item" else layout.field_columns
    cells, values = row.cells, {}
    for key, column in columns.items():
        raw = cells[column] if column < len(cells) else None
        if raw is not None:
            value = _value(raw, key, level, (layout, row.number, column), problems)
            if value is not None:
                values[key] = value
    return values


def _start_entry(layout: SheetLayout, row: _Row) -> RawEntry:
    entry = RawEntry(layout.sheet.name, row.number, layout)
    entry.data = _read(layout, row, "item", entry.problems)
    return entry


def _add_field(layout: SheetLayout, row: _Row, entry: RawEntry) -> None:
    values = _read(layout, row, "field", entry.problems)
    if values:
        entry.field_layout = layout
        entry.fields.append(values)
        entry.field_rows.append(row.number)


def _identity(layout: SheetLayout, cells: list[object]) -> tuple[object, object]:
    get = lambda key: cells[layout.item_columns[key]] if key in layout.item_columns and layout.item_columns[key] < len(cells) else None  # noqa: E731
    return get("code"), get("name")


def _national(layout: SheetLayout) -> Iterator[RawEntry]:
    """One row per field: a row with an empty or repeated resource name continues the resource above."""
    current: RawEntry | None = None
    current_identity: tuple[object, object] | None = None
    for row in _data_rows(layout):
        identity = _identity(layout, row.cells)
        if current is None or (identity[1] is not None and identity != current_identity):
            if current is not None:
                yield current
            current, current_identity = _start_entry(layout, row), identity
        elif identity[1] is not None:
            _check_repeated(layout, row, current)
        _add_field(layout, row, current)
    if current is not None:
        yield current


def _check_repeated(layout: SheetLayout, row: _Row, entry: RawEntry) -> None:
    """A row repeating a resource's name must repeat its other cells too, or it is a second resource by mistake."""
    for key, value in _read(layout, row, "item", entry.problems).items():
        if key in entry.data and value != entry.data[key]:
            column = layout.item_columns[key]
            entry.problems.append(Problem(layout.sheet.name, row.number, Cell("", 0, column + 1).letter, value,
                                          f"与第{entry.row}行同名资源的“{layout.labels[key]}”不一致：同名资源应合并填写，不同资源请改名"))
            return


def _items(layout: SheetLayout) -> Iterator[RawEntry]:
    for row in _data_rows(layout):
        yield _start_entry(layout, row)


def _join_key(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().replace(" ", "")


def _attach_fields(layout: SheetLayout, entries: list[RawEntry]) -> Iterator[Problem]:
    """Give each 信息项 row to its resource, by code where the sheet has one, else by name."""
    by_code = {_join_key(e.data.get("code")): e for e in entries if e.data.get("code")}
    by_name = {_join_key(e.data.get("name")): e for e in entries if e.data.get("name")}
    for row in _data_rows(layout):
        code, name = _identity(layout, row.cells)
        entry = by_code.get(_join_key(code)) if code else by_name.get(_join_key(name))
        if entry is None:
            column = layout.item_columns.get("code" if code else "name", 0)
            shown = code or name
            message = f"信息项所属的资源“{shown}”在目录表中不存在" if shown else "信息项没有填写所属资源的名称或代码"
            yield Problem(layout.sheet.name, row.number, Cell("", 0, column + 1).letter, shown, message)
            continue
        _add_field(layout, row, entry)
