"""Provincial and municipal fill-in workbooks, declared as data: one YAML mapping per template.

Every ``exports/mappings/*.yaml`` becomes an export format named after its file.
A mapping names its layout (``one-sheet``: one row per 信息项 with the item's
cells merged or repeated; ``two-sheet``: a 目录 sheet and a 信息项 sheet linked
by the resource code) and, per sheet, its columns: a header, where the value
comes from (an item element, ``field.<element>``, or one of :data:`COMPUTED`),
an optional translation of canonical values into the template's wording, or a
constant. Mappings are checked when loaded, so a typo stops start-up with the
file and column named instead of producing an empty column.

Adding a province is copying a YAML file and editing its columns; see docs/exports.md.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
import yaml

from exports.base import ExportFormat, ExportJob, ExportResult, register
from exports.formats.national import NationalSheet
from exports.source import Entry, entries
from registry.catalog.schema import FIELD_BY_KEY, ITEM_BY_KEY, ElementSpec
from registry.catalog.validation import vocabulary
from registry.core.cells import neutralise
from registry.core.errors import ConfigError
from registry.orgs.models import Organisation
from registry.profiles import Profile

MAPPING_DIR = Path(__file__).resolve().parent.parent / "mappings"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LAYOUTS = ("one-sheet", "two-sheet")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COLUMN_KEYS = {"header", "source", "constant", "translate", "fallback", "join", "width"}
_MAPPING_KEYS = {"name", "label", "description", "layout", "item_cells", "translations", "sheets"}


#: A column's value: (entry, its field or None on item rows, the item's number, the run's cells).
Getter = Callable[[Entry, "dict | None", int, "_Cells"], Any]


def _org_attr(key: str, attr: str) -> Getter:
    def get(entry: Entry, _field: dict | None, _row: int, _cells: _Cells) -> Any:
        org = entry.values.get(key)
        return getattr(org, attr) if org is not None else None
    return get


def _condition_or_basis(entry: Entry, _field: dict | None, _row: int, _cells: _Cells) -> str | None:
    """What templates put in their one 共享条件/不予共享依据 column."""
    values = entry.values
    if values.get("share_type") == "not_shared":
        return values.get("share_basis") or values.get("share_condition")
    return values.get("share_condition") or values.get("share_basis")


#: Sources that are not one element: (level, getter(entry, field, row_number)).
COMPUTED: dict[str, tuple[str, Getter]] = {
    "code": ("item", lambda e, f, r, c: e.code),
    "status": ("item", lambda e, f, r, c: e.status),
    "version": ("item", lambda e, f, r, c: e.version),
    "row": ("item", lambda e, f, r, c: r),  # the item's sequence number in this export (序号)
    "field_count": ("item", lambda e, f, r, c: len(e.fields)),
    "share_condition_or_basis": ("item", _condition_or_basis),
    "class.label": ("item", lambda e, f, r, c: c.class_label(e.values.get("class_code"), None)),
    "subclass.label": ("item", lambda e, f, r, c: c.class_label(e.values.get("class_code"), e.values.get("item_code"))),
    "published_at": ("item", lambda e, f, r, c: e.meta.get("published_at")),
    "updated_at": ("item", lambda e, f, r, c: e.meta.get("updated_at")),
    "data_updated_at": ("item", lambda e, f, r, c: e.meta.get("data_updated_at")),
    **{f"{org}.{attr}": ("item", _org_attr(org, attr))
       for org in ("provider", "provider_unit")
       for attr in ("name", "code", "short_name", "contact_name", "contact_phone", "contact_email")},
    "field.position": ("field", lambda e, f, r, c: f["position"] if f else None),
}


@dataclass(frozen=True)
class Column:
    header: str
    level: str  # "item" or "field": which row the value belongs to
    get: Getter | None
    spec: ElementSpec | None = None
    constant: Any = None
    translate: dict[str, str] | None = None
    fallback: Column | None = None
    join: str = "、"
    width: float | None = None


@dataclass(frozen=True)
class Sheet:
    name: str
    per: str  # "item" or "field": one row per what
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Mapping:
    name: str
    label: str
    description: str
    layout: str
    merge: bool
    sheets: tuple[Sheet, ...]
    path: Path = field(compare=False)

    def export_format(self) -> ExportFormat:
        return ExportFormat(self.name, self.label, ".xlsx", XLSX, partial(write_workbook, self), self.description)


# -- loading -----------------------------------------------------------------------


def _key(value: Any) -> str:
    """Canonical values as translation keys: enums by value, booleans as true/false."""
    value = getattr(value, "value", value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Loader:
    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path, self.data = path, data
        self.translations = {name: self._translation(table, f"translations.{name}")
                             for name, table in (data.get("translations") or {}).items()}

    def fail(self, where: str, message: str) -> ConfigError:
        return ConfigError(f"导出映射 {self.path.name}：{where}：{message}")

    def _translation(self, table: Any, where: str) -> dict[str, str]:
        if not isinstance(table, dict) or not table:
            raise self.fail(where, "译名表应为“规范值: 模板用语”的映射")
        return {_key(k): str(v) for k, v in table.items()}

    def source(self, source: str, where: str) -> tuple[str, Getter, ElementSpec | None]:
        if source in COMPUTED:
            level, get = COMPUTED[source]
            return level, get, None
        if source.startswith("field.") and source[6:] in FIELD_BY_KEY:
            key = source[6:]
            return "field", (lambda e, f, r, c: f.get(key) if f else None), FIELD_BY_KEY[key]
        if source in ITEM_BY_KEY:
            spec = ITEM_BY_KEY[source]
            return "item", (lambda e, f, r, c: e.values.get(source)), spec
        raise self.fail(where, f"未知的数据来源“{source}”；可用：条目元素键（如 name、share_type）、"
                               f"field.信息项元素键（如 field.name）或 {'、'.join(COMPUTED)}")

    def column(self, raw: Any, where: str) -> Column:
        if not isinstance(raw, dict) or not str(raw.get("header") or "").strip():
            raise self.fail(where, "每一列须有 header（表头）")
        header = str(raw["header"]).strip()
        where = f"{where}“{header}”"
        unknown = set(raw) - _COLUMN_KEYS
        if unknown:
            raise self.fail(where, f"未知的设置 {'、'.join(sorted(unknown))}；可用：{'、'.join(sorted(_COLUMN_KEYS))}")
        if "source" in raw and "constant" in raw:
            raise self.fail(where, "source 与 constant 只能取其一")
        level, get, spec = ("item", None, None)
        if raw.get("source") is not None:
            level, get, spec = self.source(str(raw["source"]).strip(), where)
        translate = raw.get("translate")
        if isinstance(translate, str):
            if translate not in self.translations:
                raise self.fail(where, f"未定义的译名表“{translate}”")
            translate = self.translations[translate]
        elif translate is not None:
            translate = self._translation(translate, where)
        fallback = None
        if raw.get("fallback") is not None:
            fallback = self.column({"header": header, "source": raw["fallback"], "translate": raw.get("translate")}, where)
            if fallback.level == "field" and level == "item":
                raise self.fail(where, "条目级的列不能以信息项元素为后备来源")
        return Column(header, level, get, spec, raw.get("constant"), translate, fallback,
                      str(raw.get("join", "、")), raw.get("width"))

    def sheet(self, raw: Any, index: int, per: str) -> Sheet:
        name = str((raw or {}).get("name") or "").strip() if isinstance(raw, dict) else ""
        if not name or not isinstance(raw.get("columns"), list) or not raw["columns"]:
            raise self.fail(f"第 {index + 1} 个工作表", "须有 name 和至少一列 columns")
        if len(name) > 31 or set(name) & set("[]:*?/\\"):
            raise self.fail(f"工作表“{name}”", "工作表名最长 31 字，且不能含 [ ] : * ? / \\")
        columns = tuple(self.column(col, f"工作表“{name}”第 {i + 1} 列") for i, col in enumerate(raw["columns"]))
        if per == "item":
            for i, col in enumerate(columns):
                if col.level == "field":
                    raise self.fail(f"工作表“{name}”第 {i + 1} 列“{col.header}”",
                                    "目录工作表每个条目一行，不能取信息项元素（field.…）")
        return Sheet(name, per, columns)

    def mapping(self) -> Mapping:
        data, stem = self.data, self.path.stem
        unknown = set(data) - _MAPPING_KEYS
        if unknown:
            raise self.fail("顶层", f"未知的设置 {'、'.join(sorted(unknown))}")
        if data.get("name", stem) != stem or not _NAME.match(stem):
            raise self.fail("name", f"格式名取文件名（小写字母、数字、连字符），应为“{stem}”")
        layout = data.get("layout")
        if layout not in LAYOUTS:
            raise self.fail("layout", f"应为 {' 或 '.join(LAYOUTS)}")
        item_cells = data.get("item_cells", "repeat")
        if item_cells not in ("repeat", "merge"):
            raise self.fail("item_cells", "应为 repeat（每行重复）或 merge（合并单元格）")
        sheets = data.get("sheets") or []
        expected = 1 if layout == "one-sheet" else 2
        if not isinstance(sheets, list) or len(sheets) != expected:
            raise self.fail("sheets", f"{layout} 布局须有 {expected} 个工作表")
        pers = ("field",) if layout == "one-sheet" else ("item", "field")
        if not data.get("label"):
            raise self.fail("label", "须有 label（格式名称）")
        return Mapping(stem, str(data["label"]), str(data.get("description") or ""), layout, item_cells == "merge",
                       tuple(self.sheet(raw, i, per) for i, (raw, per) in enumerate(zip(sheets, pers))), self.path)


def load_mapping(path: Path) -> Mapping:
    """Read and check one mapping; :class:`ConfigError` names the file and column of any mistake."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"导出映射 {path.name}：不是有效的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"导出映射 {path.name}：内容应为映射（name、label、layout、sheets…）")
    return _Loader(path, data).mapping()


def load_mappings(directory: Path = MAPPING_DIR) -> list[Mapping]:
    return [load_mapping(path) for path in sorted(directory.glob("*.yaml"))]


# -- writing -----------------------------------------------------------------------


class _Cells:
    """Turns raw values into cell values under one profile, caching vocabulary labels for the run."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._labels: dict[tuple[str, str], str] = {}

    def label(self, vocab: str, value: str) -> str:
        key = (vocab, value)
        if key not in self._labels:
            self._labels[key] = vocabulary(self.profile, vocab).label(value)
        return self._labels[key]

    def class_label(self, class_code: str | None, item_code: str | None) -> str | None:
        key = ("class", f"{class_code}/{item_code}")
        if key not in self._labels:
            node = self.profile.class_node(class_code or "", item_code)
            self._labels[key] = node.label if node else ""
        return self._labels[key]

    def value(self, column: Column, entry: Entry, field: dict | None, row: int) -> Any:
        raw = column.constant if column.get is None else column.get(entry, field, row, self)
        if (raw is None or raw == "" or raw == []) and column.fallback is not None:
            return self.value(column.fallback, entry, field, row)
        if raw is None or raw == "" or raw == []:
            return None
        if column.translate and _key(raw) in column.translate:
            return column.translate[_key(raw)]
        return self.display(column, raw)

    def display(self, column: Column, raw: Any) -> Any:
        spec = column.spec
        if spec is not None and spec.kind == "vocab":
            return self.label(spec.vocab or spec.key, _key(raw))
        if isinstance(raw, bool):
            return "是" if raw else "否"
        if isinstance(raw, enum.Enum):  # the item status
            return raw.label
        if isinstance(raw, Organisation):
            return raw.name
        if isinstance(raw, (list, tuple)):
            return column.join.join(str(v) for v in raw)
        if isinstance(raw, datetime):
            return raw.strftime("%Y-%m-%d %H:%M")
        if isinstance(raw, date):
            return raw.isoformat()
        return raw


def _put(ws, row: int, col: int, value: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, value)
    else:
        ws.write_string(row, col, neutralise(str(value)))


class _SheetWriter:
    def __init__(self, workbook, sheet: Sheet, header_format, merge: bool) -> None:
        self.sheet = sheet
        self.merge = merge and sheet.per == "field"
        if self.merge:
            # Merged ranges kept as two integers per item (see NationalSheet), not a dict entry per cell.
            self.ws = workbook.add_worksheet(sheet.name, worksheet_class=NationalSheet)
            self.ws.merge_columns = tuple(i for i, c in enumerate(sheet.columns) if c.level == "item")
        else:
            self.ws = workbook.add_worksheet(sheet.name)
        for col, column in enumerate(sheet.columns):
            self.ws.set_column(col, col, column.width or max(10, min(40, 2.2 * len(column.header) + 2)))
            self.ws.write_string(0, col, column.header, header_format)
        self.ws.freeze_panes(1, 0)
        self.next_row = 1

    def item_row(self, cells: _Cells, entry: Entry, number: int) -> None:
        for col, column in enumerate(self.sheet.columns):
            _put(self.ws, self.next_row, col, cells.value(column, entry, None, number))
        self.next_row += 1

    def field_rows(self, cells: _Cells, entry: Entry, number: int) -> None:
        """One row per 信息项; the item's cells on the first row, merged down or repeated on the rest."""
        rows: list[dict | None] = list(entry.fields) or [None]  # an item without fields still gets its row
        height = len(rows)
        if self.merge and height > 1:
            self.ws.merge_down(self.next_row, self.next_row + height - 1)
        item_cells = [cells.value(column, entry, None, number) if column.level == "item" else None
                      for column in self.sheet.columns]
        for i, field_values in enumerate(rows):
            row = self.next_row + i
            for col, column in enumerate(self.sheet.columns):
                if column.level == "field":
                    _put(self.ws, row, col, cells.value(column, entry, field_values, number))
                elif i == 0 or not self.merge:
                    _put(self.ws, row, col, item_cells[col])
        self.next_row += height


def write_workbook(mapping: Mapping, job: ExportJob, out: BinaryIO) -> ExportResult:
    """Write the selected items in the mapping's layout; rows stream out, memory stays flat."""
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    header_format = workbook.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "bg_color": "#DDEBF7"})
    writers = [_SheetWriter(workbook, sheet, header_format, mapping.merge) for sheet in mapping.sheets]
    cells = _Cells(job.ctx.profile)
    result = ExportResult()
    for entry in entries(job):
        result.items += 1
        result.fields += len(entry.fields)
        for writer in writers:
            if writer.sheet.per == "item":
                writer.item_row(cells, entry, result.items)
            else:
                writer.field_rows(cells, entry, result.items)
    workbook.close()
    return result


for _mapping in load_mappings():
    register(_mapping.export_format())
