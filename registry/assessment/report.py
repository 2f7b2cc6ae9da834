"""The assessment as a workbook: totals with a bar chart, every indicator with its counts and article, the grade
distribution, and notes on how each figure was measured; the annual reports add their figures."""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from registry.core.cells import neutralise

from .annual import AnnualReport
from .grading import GRADE_LABELS
from .indicators import INDICATORS
from .operations import Assessment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEAD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")


def _row(sheet: Worksheet, values: list, head: bool = False) -> None:
    sheet.append([neutralise(v) for v in values])
    if head:
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = _HEAD, _HEAD_FILL


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width


def _title(sheet: Worksheet, title: str, result: Assessment) -> None:
    sheet.append([neutralise(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"考核期间：{result.period.label}（{result.period.start:%Y-%m-%d} 至 {result.period.end:%Y-%m-%d}）",
                  None, f"计算截至：{result.as_of:%Y-%m-%d}", None, f"辖区配置：{result.profile_label}"])
    sheet.append([])


def summary_sheet(sheet: Worksheet, result: Assessment, title: str) -> None:
    """One row per department: each indicator's value, the total and the grade; a bar chart of the totals."""
    sheet.title = "汇总"
    _title(sheet, title, result)
    specs = result.scheme.indicators
    _row(sheet, ["部门代码", "部门名称", "所属", *(INDICATORS[s.key].label for s in specs), "总分", "等次"], head=True)
    first = sheet.max_row + 1
    for org in result.orgs:
        _row(sheet, [org.code, org.name, org.parent_name, *(s.value for s in org.scores), org.total, org.grade_label])
    last = sheet.max_row
    _widths(sheet, [22, 28, 14, *([12] * len(specs)), 10, 10])
    sheet.freeze_panes = sheet.cell(first, 3)
    if last >= first:
        chart = BarChart()
        chart.type, chart.title, chart.style = "bar", "各部门考核总分", 10
        chart.y_axis.title, chart.y_axis.scaling.min, chart.y_axis.scaling.max = "总分", 0, 100
        total_column = 4 + len(specs)
        chart.add_data(Reference(sheet, min_col=total_column, min_row=first - 1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, min_row=first, max_row=last))
        chart.height, chart.width = max(7.5, 0.6 * (last - first + 1)), 18
        chart.legend = None
        sheet.add_chart(chart, sheet.cell(first, total_column + 3).coordinate)


def indicator_sheet(sheet: Worksheet, result: Assessment) -> None:
    """One row per department and indicator: value, weight, points, the counts and the article."""
    _row(sheet, ["部门代码", "部门名称", "考核内容", "指标", "得分（0–100）", "权重", "加权得分", "符合数", "基数", "依据"], head=True)
    for org in result.orgs:
        for s in org.scores:
            value = "不适用" if s.value is None else s.value
            _row(sheet, [org.code, org.name, s.area or "", s.label, value, s.weight, s.points, s.numerator, s.denominator,
                         s.article])
    _widths(sheet, [22, 28, 12, 16, 14, 8, 10, 8, 8, 48])
    sheet.freeze_panes = "C2"


def grade_sheet(sheet: Worksheet, result: Assessment) -> None:
    """How many departments reached each grade, the thresholds and their basis; a bar chart of the counts."""
    scheme = result.scheme
    _row(sheet, ["等次", "分数线", "部门数"], head=True)
    for key, label, count in result.grade_distribution():
        threshold = f"≥ {scheme.thresholds[key]:g}" if key in scheme.thresholds else f"< {scheme.thresholds['pass']:g}"
        _row(sheet, [label, threshold, count])
    _row(sheet, [])
    _row(sheet, ["等次依据", result.grades_citation or "—"])
    if scheme.grades_note:
        _row(sheet, ["说明", scheme.grades_note])
    chart = BarChart()
    chart.title, chart.style, chart.legend = "等次分布", 10, None
    chart.add_data(Reference(sheet, min_col=3, min_row=1, max_row=1 + len(GRADE_LABELS)), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=1 + len(GRADE_LABELS)))
    sheet.add_chart(chart, "E2")
    _widths(sheet, [12, 12, 10])


def notes_sheet(sheet: Worksheet, result: Assessment) -> None:
    """What each indicator measures, its weight and basis; what the catalog cannot measure; the rules checked."""
    scheme = result.scheme
    _row(sheet, ["指标", "考核内容", "权重", "依据", "说明", "计算方法"], head=True)
    for spec in scheme.indicators:
        indicator = INDICATORS[spec.key]
        _row(sheet, [indicator.label, spec.area or "", spec.weight, scheme.citation(spec.article) or "—", spec.note or "",
                     indicator.measures])
    _row(sheet, [])
    _row(sheet, ["总分", "各指标得分按权重加权平均；不适用的指标（如全年没有收到申请）不计入，按其余指标的权重折算"])
    if scheme.note:
        _row(sheet, ["权重说明", scheme.note])
    _row(sheet, [])
    _row(sheet, ["本系统不度量的考核内容", "依据"], head=True)
    for item in scheme.not_measured:
        _row(sheet, [item.label, scheme.citation(item.article) or "—"])
    _row(sheet, [])
    _row(sheet, ["“目录质量”检查的规则", "依据"], head=True)
    for _rule_id, summary, citation in result.quality_rules:
        _row(sheet, [summary, citation])
    _widths(sheet, [30, 14, 8, 40, 30, 70])
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def assessment_workbook(result: Assessment, title: str | None = None) -> Workbook:
    book = Workbook()
    summary_sheet(book.active, result, title or f"{result.profile_label}政务数据共享开放考核结果（{result.period.label}）")
    indicator_sheet(book.create_sheet("指标"), result)
    grade_sheet(book.create_sheet("等次分布"), result)
    notes_sheet(book.create_sheet("说明"), result)
    return book


def annual_workbook(report: AnnualReport) -> Workbook:
    """The annual report: its figures and what to improve first, then the assessment it rests on."""
    book = assessment_workbook(report.assessment, report.title)
    sheet = book.create_sheet("年度报告", 0)
    _row(sheet, [report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    _row(sheet, ["报告年度", f"{report.year}年"])
    _row(sheet, ["报送期限", f"{report.due:%Y-%m-%d}前", report.due_basis])
    _row(sheet, [])
    _row(sheet, ["项目", "数值"], head=True)
    for label, value in report.figures:
        _row(sheet, [label, value])
    _row(sheet, [])
    _row(sheet, ["需改进的指标" if report.org is not None else "评为不合格的部门"], head=True)
    for line in report.to_improve or ("无",):
        _row(sheet, [line])
    _widths(sheet, [36, 16, 48])
    return book


def workbook_bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
