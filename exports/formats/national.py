"""The 1272 guide's national fill-in workbook (国家目录填报模板, national-catalog.md §1.7).

One row per 信息项; a resource's own cells are written on its first row and
merged down across its 信息项 rows, as compilers fill the template in. Headers
are the element names the importer recognises and values the active profile's
labels, so a workbook exported here imports back into Mulu without loss: every
element has a column of its own (共享条件 and 共享依据 apart, not the template's
combined column, which would lose one of the two).

Two million rows are written in constant memory: xlsxwriter's ``constant_memory``
mode streams rows, and the merged ranges are kept as two integers per resource
instead of ``merge_range``'s dictionary entry per merged cell.
"""
from __future__ import annotations

import tempfile
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

import xlsxwriter
from sqlalchemy import select
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from exports.base import ExportFormat, ExportJob, ExportResult, register
from exports.source import entries
from importers.template import header_text
from registry.catalog.schema import (
    FIELD_BY_KEY,
    FIELD_ELEMENTS,
    ITEM_BY_KEY,
    ITEM_ELEMENTS,
    ElementSpec,
)
from registry.catalog.validation import vocabulary
from registry.core.cells import FORMULA_STARTS
from registry.core.i18n import N_
from registry.orgs.models import Organisation
from registry.profiles import Profile

FORMAT_VERSION = "1"
DATA_SHEET = "目录"
VOCAB_SHEET = "词表"
_PROVIDER_CODE = ElementSpec("provider_code", "信息资源提供方代码", "text")
_SERIAL = ElementSpec("serial", "序号", "int")

#: Column order of the national template (§1.7): classification, identity and provider, format, then the
#: 信息项 columns, then sharing, opening, dates and the 大普查 figures. Elements not named here follow.
_ITEM_HEAD = ("class_code", "item_code", "category_code", "subcategory_code", "related_business", "name", "code",
              "provider", "provider_code", "provider_unit", "summary", "format_class", "format_type", "format_description")
_ITEM_TAIL = ("share_type", "share_condition", "share_basis", "share_method_class", "share_method_type", "open_type",
              "open_condition", "open_basis", "update_cycle", "publish_date", "related_codes", "open_theme",
              "storage_total", "record_total", "shared_storage", "shared_records", "open_storage", "open_records")

_HEADER_STYLE = {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "border": 1}
_FILLS = {"required": "#F8CBAD", "item": "#DDEBF7", "field": "#E2EFDA"}


@dataclass(frozen=True)
class Column:
    level: str  # "item" (merged down a resource's rows) or "field"
    spec: ElementSpec

    @property
    def header(self) -> str:
        return self.spec.label if self.spec.key in ("serial", "provider_code") else header_text(self.level, self.spec)

    @property
    def width(self) -> int:
        return {"longtext": 40, "list": 24, "date": 12, "bool": 8}.get(self.spec.kind, 24 if self.spec.key == "name" else 14)


def columns() -> list[Column]:
    """The workbook's columns, in template order; every item and field element has one."""
    item_specs = {**ITEM_BY_KEY, "provider_code": _PROVIDER_CODE}
    rest = [s.key for s in ITEM_ELEMENTS if s.key not in _ITEM_HEAD and s.key not in _ITEM_TAIL]
    return [
        Column("item", _SERIAL),
        *(Column("item", item_specs[key]) for key in _ITEM_HEAD),
        *(Column("field", FIELD_BY_KEY[s.key]) for s in FIELD_ELEMENTS),
        *(Column("item", item_specs[key]) for key in (*_ITEM_TAIL, *rest)),
    ]


def choices(profile: Profile, spec: ElementSpec) -> list[str] | None:
    """The labels a vocabulary column shows (and offers in its drop-down)."""
    if spec.kind == "bool":
        return ["是", "否"]
    if spec.kind != "vocab":
        return None
    vocab = vocabulary(profile, spec.vocab or spec.key)
    if vocab.name == "data_type":  # as the template offers them: 字符型（C）
        return [f"{t.label}（{t.value}）" for t in vocab.terms]
    return vocab.labels()


def _labeller(profile: Profile, spec: ElementSpec) -> Callable[[Any], Any]:
    """Canonical value → cell value, for one column; vocabulary labels looked up once per value."""
    kind = spec.kind
    if kind == "vocab":
        vocab = vocabulary(profile, spec.vocab or spec.key)
        labels = {t.value: label for t, label in zip(vocab.terms, choices(profile, spec) or [])}
        return lambda value: labels.get(value, value)
    if kind == "bool":
        return lambda value: "是" if value else "否"
    if kind == "list":
        return lambda value: "、".join(value) if value else None
    return lambda value: value


class NationalSheet(Worksheet):
    """A worksheet that keeps vertical merges compactly: the same columns merged over (first, last) rows.

    ``merge_range`` keeps a dictionary entry per merged cell (tens of millions here) and, in
    constant-memory mode, would flush a row before its other cells are written.
    """

    def __init__(self) -> None:
        super().__init__()
        self.merge_spans = array("L")
        self.merge_columns: tuple[int, ...] = ()

    def merge_down(self, first_row: int, last_row: int) -> None:
        self.merge_spans.append(first_row)
        self.merge_spans.append(last_row)

    def _write_merge_cells(self) -> None:  # xlsxwriter writes <mergeCells> after the streamed rows
        if self.merge:  # merge_range was used instead
            return super()._write_merge_cells()
        spans, letters = self.merge_spans, [xl_col_to_name(c) for c in self.merge_columns]
        if not spans or not letters:
            return
        # One template per resource row range: four million <mergeCell>s at 100,000 resources.
        template = "".join(f'<mergeCell ref="{c}{{0}}:{c}{{1}}"/>' for c in letters).format
        write = self.fh.write
        write(f'<mergeCells count="{len(spans) // 2 * len(letters)}">')
        for index in range(0, len(spans), 2):
            write(template(spans[index] + 1, spans[index + 1] + 1))
        write("</mergeCells>")


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook):
        add = workbook.add_format
        self.item = add({"valign": "top"})
        self.item_text = add({"valign": "top", "quote_prefix": True})
        self.item_date = add({"valign": "top", "num_format": "yyyy-mm-dd"})
        self.field_text = add({"quote_prefix": True})
        self.field_date = add({"num_format": "yyyy-mm-dd"})
        self.headers = {name: add({**_HEADER_STYLE, "bg_color": color}) for name, color in _FILLS.items()}


def _cell_writer(sheet: Worksheet, column: Column, index: int, formats: _Formats, label: Callable[[Any], Any]):
    """A function writing one column's value at a row: the type is known per column, so no dispatch per cell.

    Text that a spreadsheet would take for a formula (= + - @) gets Excel's quote prefix: it shows and
    stays plain text even when edited, and reads back unchanged (an apostrophe in the value would not).
    """
    kind, item = column.spec.kind, column.level == "item"
    plain_fmt = formats.item if item else None
    quoted_fmt = formats.item_text if item else formats.field_text
    write_string, write_number = sheet.write_string, sheet.write_number
    if kind in ("int", "float"):
        return lambda row, value: write_number(row, index, value, plain_fmt)
    if kind == "date":
        date_fmt = formats.item_date if item else formats.field_date
        return lambda row, value: sheet.write_datetime(row, index, value, date_fmt)
    if kind == "org":
        return lambda row, value: write_string(row, index, value, quoted_fmt if value.startswith(FORMULA_STARTS) else plain_fmt)

    def text(row: int, value: Any) -> None:
        value = label(value)
        if value is None or value == "":
            return
        value = str(value)
        write_string(row, index, value, quoted_fmt if value.startswith(FORMULA_STARTS) else plain_fmt)

    return text


def _org_names(orgs: list[Organisation]) -> dict[int, str]:
    """How each organisation is named in a cell: its full name, or its code where another organisation
    answers to the same name (the importer looks names up among full and short names)."""
    seen: dict[str, int] = {}
    for org in orgs:
        for name in {org.name, org.short_name} - {None}:
            seen[name] = seen.get(name, 0) + 1
    return {org.id: org.name if seen[org.name] == 1 else org.code for org in orgs}


def _vocabulary_sheet(workbook: xlsxwriter.Workbook, sheet: Worksheet, profile: Profile, cols: list[Column], last_row: int) -> None:
    """Drop-down lists for the vocabulary columns, from a hidden sheet (as in the fill-in template)."""
    vocab_sheet = workbook.add_worksheet(VOCAB_SHEET)
    target = 0
    for index, column in enumerate(cols):
        options = choices(profile, column.spec)
        if not options:
            continue
        vocab_sheet.write_string(0, target, column.spec.label)
        for row, option in enumerate(options, start=1):
            vocab_sheet.write_string(row, target, option)
        letter = xl_col_to_name(target)
        sheet.data_validation(1, index, max(last_row, 1), index, {
            "validate": "list", "source": f"={VOCAB_SHEET}!${letter}$2:${letter}${len(options) + 1}",
            "error_title": "请从下拉列表中选择", "error_message": f"“{column.spec.label}”请从下拉列表中选择",
        })
        target += 1
    vocab_sheet.hide()


def write_national(job: ExportJob, out: BinaryIO) -> ExportResult:
    profile = job.ctx.profile
    cols = columns()
    with tempfile.TemporaryDirectory(prefix="mulu-national-") as tmpdir:
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": tmpdir, "strings_to_numbers": False,
                                             "strings_to_formulas": False, "strings_to_urls": False})
        sheet: NationalSheet = workbook.add_worksheet(DATA_SHEET, worksheet_class=NationalSheet)
        formats = _Formats(workbook)
        for index, column in enumerate(cols):
            fill = "required" if column.header.startswith("*") else column.level
            sheet.write_string(0, index, column.header, formats.headers[fill])
            sheet.set_column(index, index, column.width)
        sheet.set_row(0, 36)
        sheet.freeze_panes(1, 0)
        sheet.merge_columns = tuple(i for i, c in enumerate(cols) if c.level == "item")
        result = _write_rows(job, sheet, cols, formats)
        _vocabulary_sheet(workbook, sheet, profile, cols, result.extra["rows"])
        workbook.set_properties({"title": f"政务信息资源目录（{profile.label}）", "comments": f"Mulu national-xlsx {FORMAT_VERSION}"})
        workbook.close()
    return result


def _field_writers(profile: Profile, cols: list[Column]) -> tuple[list, list, list]:
    """The 信息项 columns split by how their cells are written: two million rows go through this
    loop, so strings and numbers are written inline rather than through a function per column."""
    strings, numbers, others = [], [], []
    for index, column in enumerate(cols):
        spec = column.spec
        if column.level != "field":
            continue
        if spec.kind in ("int", "float"):
            numbers.append((spec.key, index))
        elif spec.kind == "vocab":
            labels = dict(zip(vocabulary(profile, spec.vocab or spec.key).values, choices(profile, spec) or []))
            strings.append((spec.key, index, labels))
        elif spec.kind == "bool":
            strings.append((spec.key, index, {True: "是", False: "否"}))
        elif spec.kind in ("text", "longtext"):
            strings.append((spec.key, index, None))
        else:
            others.append((spec.key, index, _labeller(profile, spec)))
    return strings, numbers, others


def _write_rows(job: ExportJob, sheet: NationalSheet, cols: list[Column], formats: _Formats) -> ExportResult:
    profile = job.ctx.profile
    org_names = _org_names(list(job.ctx.session.scalars(select(Organisation))))  # a few hundred
    item_cols = [(c.spec.key, _cell_writer(sheet, c, i, formats, _labeller(profile, c.spec)))
                 for i, c in enumerate(cols) if c.level == "item"]
    field_strings, field_numbers, field_others = _field_writers(profile, cols)
    other_writers = {index: _cell_writer(sheet, cols[index], index, formats, label) for _, index, label in field_others}
    write_string, write_number, quoted = sheet.write_string, sheet.write_number, formats.field_text
    result, row = ExportResult(), 1
    for entry in entries(job):
        values = entry.values
        provider, unit = entry.provider, entry.provider_unit
        cells = {**values, "serial": result.items + 1, "provider": org_names.get(provider.id, provider.name),
                 "provider_code": provider.code, "provider_unit": org_names.get(unit.id, unit.name) if unit else None}
        for key, write in item_cols:
            value = cells.get(key)
            if value is not None:
                write(row, value)
        fields = entry.fields
        for at, field in enumerate(fields, start=row):
            for key, index, labels in field_strings:
                value = field[key]
                if value is None or value == "":
                    continue
                if labels is not None:
                    value = labels.get(value, value)
                write_string(at, index, value, quoted if value.startswith(FORMULA_STARTS) else None)
            for key, index in field_numbers:
                value = field[key]
                if value is not None:
                    write_number(at, index, value)
            for key, index, _ in field_others:
                if field[key] is not None:
                    other_writers[index](at, field[key])
        span = max(len(fields), 1)
        if span > 1:
            sheet.merge_down(row, row + span - 1)
        row += span
        result.items += 1
        result.fields += len(fields)
    result.extra["rows"] = row - 1
    return result


register(ExportFormat("national-xlsx", N_("国家目录填报表（Excel）"), ".xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write_national,
                      N_("1272号指南填报模板：每个信息项一行，资源各列纵向合并；可原样导入")))
