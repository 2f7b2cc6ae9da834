"""The annotated workbook: the upload as the compiler sent it, bad cells highlighted with
the message as a cell comment, and a summary sheet in front."""
from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string

from importers.layouts import Problem
from importers.sources import open_source
from registry.core.cells import neutralise

_BAD = PatternFill("solid", fgColor="FFC7CE")
_ACTIONS = (("create", "新建"), ("update", "更新"), ("unchanged", "未变"), ("rejected", "拒绝"))


def _safe(value: object) -> object:
    """A value openpyxl will write: a CSV (or a message quoting one) may hold control characters
    Excel cannot store, which made the report itself fail (found by tests/fuzz); formulas neutralised."""
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)) if isinstance(value, str) else value


def sheet_title(name: str) -> str:
    """A sheet title Excel accepts: no []:*?/\\ and at most 31 characters (a CSV's name can be anything)."""
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet"


def write_report(plan, uploaded: str | Path, output) -> None:
    """Write the annotated copy of ``uploaded`` for ``plan`` (an :class:`ImportPlan`) to ``output`` (a path or a binary file)."""
    workbook = _as_workbook(Path(uploaded), plan.filename)
    by_cell: dict[tuple[str, int, str], list[str]] = {}
    for problem in plan.problems:
        sheet = sheet_title(problem.sheet)
        if problem.row is not None and sheet in workbook.sheetnames:
            by_cell.setdefault((sheet, problem.row, problem.column or "A"), []).append(problem.message)
    for (sheet, row, column), messages in by_cell.items():
        cell = _writable(workbook[sheet], row, column_index_from_string(column))
        cell.fill = _BAD
        cell.comment = Comment(_safe("\n".join(messages)), "Mulu")
    _summary_sheet(workbook, plan)
    workbook.save(output if hasattr(output, "write") else str(output))


def _writable(sheet, row: int, column: int):
    """The cell to annotate: a problem inside a merged range goes on the range's top-left cell,
    the only one openpyxl lets carry a comment (found by tests/fuzz)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(cell, MergedCell):
        for merged in sheet.merged_cells.ranges:
            if cell.coordinate in merged:
                return sheet.cell(row=merged.min_row, column=merged.min_col)
    return cell


def _as_workbook(path: Path, filename: str) -> Workbook:
    if path.suffix.lower() == ".xlsx" or filename.lower().endswith(".xlsx"):
        try:
            return load_workbook(str(path))
        except Exception:  # e.g. an .xlsx openpyxl cannot edit: fall back to the values
            pass
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in open_source(path, filename).sheets:
        target = workbook.create_sheet(sheet_title(sheet.name))
        for row in sheet.rows():
            target.append([_safe(v) for v in row])
    return workbook


def _summary_sheet(workbook: Workbook, plan) -> None:
    sheet = workbook.create_sheet("导入结果", 0)
    sheet.append([_safe(f"文件：{plan.filename}"), f"版式：{plan.layout}"])
    sheet.append([f"{label} {plan.count(action)}" for action, label in _ACTIONS] + [f"信息项 {plan.fields}"])
    sheet.append([])
    sheet.append(["工作表", "行", "列", "值", "问题"])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    problems: list[Problem] = plan.problems
    for problem in problems:
        value = problem.value if problem.value is None or isinstance(problem.value, (int, float)) else str(problem.value)[:200]
        sheet.append([_safe(problem.sheet), problem.row, problem.column, _safe(value), _safe(problem.message)])
    if not problems:
        sheet.append(["", "", "", "", "没有发现问题"])
    for column, width in zip("ABCDE", (14, 8, 6, 30, 90)):
        sheet.column_dimensions[column].width = width
