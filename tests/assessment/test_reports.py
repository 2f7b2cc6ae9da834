"""The assessment workbook, read back as Excel would; the annual reports of a department and of the city."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from assessment_seed import EXPECTED, TODAY, make_people, seed_world
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from registry.assessment.annual import annual_report
from registry.assessment.operations import assess
from registry.assessment.periods import parse_period
from registry.assessment.printable import render_annual_html
from registry.assessment.report import (
    annual_workbook,
    assessment_workbook,
    workbook_bytes,
)
from registry.core.errors import PermissionDenied, ValidationError


@pytest.fixture()
def profile_name() -> str:
    return "fuzhou"


@pytest.fixture()
def world(ctx):
    return seed_world(ctx)


def _read(book) -> object:
    return load_workbook(BytesIO(workbook_bytes(book)))


def test_the_workbook_has_totals_with_a_chart_indicators_grades_and_notes(ctx, world):
    book = _read(assessment_workbook(assess(ctx, parse_period("2026"), today=TODAY)))
    assert book.sheetnames == ["汇总", "指标", "等次分布", "说明"]
    summary = book["汇总"]
    rows = [r for r in summary.iter_rows(values_only=True)]
    assert "2026年" in rows[1][0] and rows[1][2] == "计算截至：2026-12-31"
    head = rows[3]
    assert head[:3] == ("部门代码", "部门名称", "所属") and head[-2:] == ("总分", "等次")
    dept = next(r for r in rows if r[1] == "南阳市市场监督管理局")
    assert dept[-2:] == (58.8, "不合格") and dept[3] == EXPECTED["catalog_compiled"]
    assert len([r for r in rows[4:] if r[0]]) == 4  # every department
    (chart,) = summary._charts
    assert isinstance(chart, BarChart) and chart.type == "bar"
    series = chart.series[0]  # the totals column, one bar per department
    assert series.val.numRef.f == f"'汇总'!${_letter(len(head) - 2)}$5:${_letter(len(head) - 2)}$8"

    indicators = list(book["指标"].iter_rows(values_only=True))
    assert indicators[0][:5] == ("部门代码", "部门名称", "考核内容", "指标", "得分（0–100）")
    late = next(r for r in indicators if r[1] == "南阳市市场监督管理局" and r[3] == "申请按时答复")
    assert late[4:6] == (33.3, 15) and late[6] == pytest.approx(5.0, abs=0.01) and late[7:9] == (1, 3)
    assert late[9] == "《福州市政务数据资源共享开放考核暂行办法》第十条"
    assert any(r[4] == "不适用" for r in indicators if r[1] == "南阳市公安局")

    grades = list(book["等次分布"].iter_rows(values_only=True))
    assert grades[1:5] == [("优秀", "≥ 90", 0), ("良好", "≥ 80", 0), ("合格", "≥ 60", 0), ("不合格", "< 60", 4)]
    assert ("等次依据", "《福州市政务数据资源共享开放考核暂行办法》第十四条", None) in grades
    assert book["等次分布"]._charts

    notes = [r[0] for r in book["说明"].iter_rows(values_only=True)]
    assert "基础保障（网络互通、系统部署）" in notes and "本系统不度量的考核内容" in notes
    assert "有条件共享、不予共享须注明法律、法规或国家政策依据" in notes


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def test_a_departments_annual_report(ctx, world):
    report = annual_report(ctx, 2026, world.people.orgs.dept.code, today=date(2027, 1, 10))
    assert report.title == "南阳市市场监督管理局2026年度政务数据管理情况报告"
    assert report.due == date(2027, 1, 31)  # by the end of January of the following year
    assert report.due_basis.startswith("《福州市政务数据资源共享开放考核暂行办法》第十三条；默认值")
    figures = dict(report.figures)
    assert figures["年末目录条目"] == 4 and figures["其中已发布"] == 3 and figures["收到共享申请（不含已撤回）"] == 4
    assert figures["办理期限在本年的事项：逾期办结"] == 1 and figures["等次"] == "不合格"
    assert "申请按时答复（33.3）" in report.to_improve and not any("目录编制" in line for line in report.to_improve)
    html = render_annual_html(report)
    assert "南阳市市场监督管理局2026年度政务数据管理情况报告" in html and "2027-01-31" in html
    assert "<svg" in html and 'id="chart-scores"' in html and "@media print" in html
    assert "《福州市政务数据资源共享开放考核暂行办法》第十四条" in html
    sheet = _read(annual_workbook(report))["年度报告"]
    values = [r for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == report.title and ("报送期限", "2027-01-31前", report.due_basis) in values


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_the_city_wide_annual_report_is_due_by_the_end_of_february(ctx):
    people = make_people(ctx)  # four departments that compiled nothing
    report = annual_report(people.as_(ctx, "authority"), 2027, today=date(2028, 1, 5))
    assert report.org is None and report.due == date(2028, 2, 29)  # 2028 is a leap year
    assert report.due_basis == "《南阳市政务数据共享管理暂行办法》第六十条"
    assert report.title == "南阳市2027年度政务数据管理情况报告"
    figures = dict(report.figures)
    assert figures["参加考核的部门"] == 4 and figures["评为不合格的部门"] == 4
    assert "南阳市公安局（0）" in report.to_improve
    html = render_annual_html(report)
    assert 'id="annual-orgs"' in html and 'id="chart-grades"' in html and "第六十条" in html


def test_the_annual_report_looks_back_on_the_year_just_ended(ctx, world):
    report = annual_report(ctx, None, world.people.orgs.dept.code, today=date(2027, 1, 10))
    assert report.year == 2026 and report.period.key == "2026"
    with pytest.raises(ValidationError, match="报告年度"):
        annual_report(ctx, "26年", world.people.orgs.dept.code)


def test_only_the_authority_and_city_reviewers_get_the_city_wide_report(ctx, world):
    people = world.people
    with pytest.raises(PermissionDenied, match="全市"):
        annual_report(people.as_(ctx, "county_reviewer"), 2026, today=TODAY)
    # A compiler asking for "the" report gets their department's.
    assert annual_report(people.as_(ctx, "compiler"), 2026, today=TODAY).org.code == people.orgs.dept.code
    assert annual_report(people.as_(ctx, "city_reviewer"), 2026, today=TODAY).org is None


def test_text_that_excel_would_run_is_neutralised(ctx, world):
    org = world.people.orgs.other_dept
    org.name = "=cmd|' /C calc'!A0"
    ctx.session.flush()
    rows = list(_read(assessment_workbook(assess(ctx, parse_period("2026"), today=TODAY)))["汇总"].iter_rows(values_only=True))
    assert "'=cmd|' /C calc'!A0" in [r[1] for r in rows]
