"""From sheets to catalog entries, for the layouts compilers really use (national-catalog.md §1.7, §3.2).

- ``national``: one row per 信息项, resource cells merged vertically (or repeated);
- ``two_sheet``: a 目录 sheet and a 信息项 sheet joined by resource code or name;
- ``items``: one row per resource, without fields.

Each entry remembers which cell every value came from, so a problem found
later by the rules can be pinned to sheet, row and column.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from importers.headers import Column, recognised
from importers.sources import MAX_CELL_CHARS, ImportFileError, Sheet, Source

HEADER_SCAN_ROWS = 15
#: Sheets of Mulu's template that explain rather than hold rows (see importers.template).
NON_DATA_SHEETS = ("填写说明", "示例")
#: Item elements whose values are codes: folded to half-width, Excel's lost leading zeros restored.
_CODE_WIDTHS = {"class_code": 1, "item_code": 2, "category_code": 3}
_CODE_KEYS = {"code", "provider_code", "subcategory_code", *_CODE_WIDTHS}


@dataclass(frozen=True)
class Cell:
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
class RawEntry:
    """One resource as read from the file, before validation."""

    sheet: str
    row: int
    data: dict[str, object] = field(default_factory=dict)
    fields: list[dict[str, object]] = field(default_factory=list)
    cells: dict[str, Cell] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")


@dataclass
class SheetLayout:
    sheet: Sheet
    header_row: int  # 0-based index into sheet.rows
    columns: dict[int, Column]

    def has(self, level: str, key: str) -> bool:
        return any(c.level == level and c.key == key for c in self.columns.values())

    @property
    def kind(self) -> str:
        if not self.has("field", "name"):
            return "items"
        # A 信息项 sheet names its resource, but does not describe it.
        described = sum(self.has("item", k) for k in ("summary", "share_type", "format_class", "update_cycle", "open_type"))
        return "national" if described >= 2 else "fields"


def detect(sheet: Sheet) -> SheetLayout | None:
    """The header row (the one among the first rows that names most known elements) and its columns."""
    best: SheetLayout | None = None
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        for prefer in ("item", "field"):
            columns = recognised(row, prefer)
            if len(columns) >= 2 and (best is None or len(columns) > len(best.columns)):
                best = SheetLayout(sheet, index, columns)
    if best is None:
        return None
    if best.kind == "fields":  # read its shared synonyms (描述, 共享类型) as the 信息项's own
        best = SheetLayout(sheet, best.header_row, recognised(sheet.rows[best.header_row], "field"))
    return best


def read_entries(source: Source) -> tuple[str, list[RawEntry], list[Problem]]:
    """Entries of every recognised sheet: (layout name, entries, file-level problems)."""
    sheets = [s for s in source.sheets if s.name not in NON_DATA_SHEETS]
    layouts = [layout for layout in (detect(s) for s in sheets) if layout is not None]
    if not layouts:
        raise ImportFileError("没有找到目录表头：请使用下载的模板，或确保表头含“信息资源名称”等列名")
    kinds = {layout.kind for layout in layouts}
    if "national" in kinds:
        entries = [e for layout in layouts if layout.kind == "national" for e in _national(layout)]
        return "national", entries, []
    item_sheets = [layout for layout in layouts if layout.kind == "items"]
    field_sheets = [layout for layout in layouts if layout.kind == "fields"]
    entries = [e for layout in item_sheets for e in _items(layout)]
    if field_sheets:
        problems = [p for layout in field_sheets for p in _attach_fields(layout, entries)]
        return "two_sheet", entries, problems
    return "items", entries, []


def _value(raw: object, column: Column, cell: Cell, problems: list[Problem]) -> object:
    if raw is None:
        return None
    if isinstance(raw, str):
        if len(raw) > MAX_CELL_CHARS:
            problems.append(Problem(cell.sheet, cell.row, cell.letter, raw[:50] + "…", f"单元格内容过长（{len(raw)}个字符），不能超过{MAX_CELL_CHARS}个"))
            return None
        raw = raw.strip()
        if not raw:
            return None
    if column.key in _CODE_KEYS and column.level == "item":
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "")
        width = _CODE_WIDTHS.get(column.key)
        return text.zfill(width) if width and text.isdigit() else text
    return raw


def _row_cells(layout: SheetLayout, index: int, level: str, problems: list[Problem]) -> Iterator[tuple[Column, Cell, object]]:
    row = layout.sheet.rows[index]
    for col, column in layout.columns.items():
        if column.level != level:
            continue
        cell = Cell(layout.sheet.name, index + 1, col + 1)
        value = _value(row[col] if col < len(row) else None, column, cell, problems)
        yield column, cell, value


def _start_entry(layout: SheetLayout, index: int) -> RawEntry:
    entry = RawEntry(layout.sheet.name, index + 1)
    for column, cell, value in _row_cells(layout, index, "item", entry.problems):
        entry.cells[column.key] = cell
        entry.labels[column.key] = column.label
        if value is not None:
            entry.data[column.key] = value
    return entry


def _add_field(layout: SheetLayout, index: int, entry: RawEntry) -> None:
    values: dict[str, object] = {}
    cells: dict[str, Cell] = {}
    for column, cell, value in _row_cells(layout, index, "field", entry.problems):
        cells[column.key] = cell
        if value is not None:
            values[column.key] = value
    if not values:
        return
    position = len(entry.fields)
    entry.fields.append(values)
    for key, cell in cells.items():
        entry.cells[f"fields[{position}].{key}"] = cell


def _data_rows(layout: SheetLayout) -> Iterator[int]:
    for index in range(layout.header_row + 1, len(layout.sheet.rows)):
        if any(v is not None for v in layout.sheet.rows[index]):
            yield index


def _identity(layout: SheetLayout, index: int) -> tuple[object, object]:
    row = layout.sheet.rows[index]
    get = lambda key: next((row[c] for c, col in layout.columns.items() if col.level == "item" and col.key == key and c < len(row)), None)  # noqa: E731
    return get("code"), get("name")


def _national(layout: SheetLayout) -> Iterator[RawEntry]:
    """One row per field: a row with an empty or repeated resource name continues the resource above."""
    current: RawEntry | None = None
    current_identity: tuple[object, object] | None = None
    for index in _data_rows(layout):
        identity = _identity(layout, index)
        if current is None or (identity[1] is not None and identity != current_identity):
            if current is not None:
                yield current
            current, current_identity = _start_entry(layout, index), identity
        elif identity[1] is not None:
            _check_repeated(layout, index, current)
        _add_field(layout, index, current)
    if current is not None:
        yield current


def _check_repeated(layout: SheetLayout, index: int, entry: RawEntry) -> None:
    """A row repeating a resource's name must repeat its other cells too, or it is a second resource by mistake."""
    for column, cell, value in _row_cells(layout, index, "item", entry.problems):
        if value is not None and column.key in entry.data and value != entry.data[column.key]:
            entry.problems.append(Problem(cell.sheet, cell.row, cell.letter, value,
                                          f"与第{entry.row}行同名资源的“{column.label}”不一致：同名资源应合并填写，不同资源请改名"))
            return


def _items(layout: SheetLayout) -> Iterator[RawEntry]:
    for index in _data_rows(layout):
        yield _start_entry(layout, index)


def _join_key(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().replace(" ", "")


def _attach_fields(layout: SheetLayout, entries: list[RawEntry]) -> Iterator[Problem]:
    """Give each 信息项 row to its resource, by code where the sheet has one, else by name."""
    by_code = {_join_key(e.data.get("code")): e for e in entries if e.data.get("code")}
    by_name = {_join_key(e.data.get("name")): e for e in entries if e.data.get("name")}
    for index in _data_rows(layout):
        code, name = _identity(layout, index)
        entry = by_code.get(_join_key(code)) if code else by_name.get(_join_key(name))
        if entry is None:
            column = next((c for c, col in layout.columns.items() if col.level == "item" and col.key in ("code", "name")), 0)
            shown = code or name
            message = f"信息项所属的资源“{shown}”在目录表中不存在" if shown else "信息项没有填写所属资源的名称或代码"
            yield Problem(layout.sheet.name, index + 1, Cell(layout.sheet.name, index + 1, column + 1).letter, shown, message)
            continue
        _add_field(layout, index, entry)
