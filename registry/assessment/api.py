"""``/api/v1/assessments``: the period's assessment as JSON, and the same as a workbook; the annual report workbook."""
from __future__ import annotations

from io import BytesIO
from typing import Any

import marshmallow as ma
from flask import send_file
from flask_smorest import Blueprint

from registry.api.errors import error_responses
from registry.catalog.api import writer_context
from registry.core.localtime import local_today

from .annual import annual_report
from .indicators import INDICATORS
from .operations import Assessment, OrgAssessment, assess
from .periods import parse_period
from .report import XLSX, annual_workbook, assessment_workbook, workbook_bytes

blp = Blueprint("assessment", __name__, url_prefix="/api/v1/assessments",
                description="考核：各部门按期间的考核指标、权重、总分和等次，考核报表与年度报告")
_errors = error_responses(blp)


class PeriodArgs(ma.Schema):
    period = ma.fields.String(load_default=None, metadata={
        "description": "考核期间：2026（年）、2026-Q3（季度）、2026-09（月）或 2026-09-30（日）；默认本年"})
    org = ma.fields.String(load_default=None, metadata={"description": "只看一个部门（机构代码）"})


class AnnualArgs(ma.Schema):
    year = ma.fields.String(load_default=None, metadata={"description": "报告年度，默认上一年"})
    org = ma.fields.String(load_default=None, metadata={"description": "部门的年度报告（机构代码）；不填为全市年度报告"})


class ScoreSchema(ma.Schema):
    key = ma.fields.String()
    label = ma.fields.String()
    area = ma.fields.String(allow_none=True, metadata={"description": "考核内容（如 数据共享）"})
    value = ma.fields.Float(allow_none=True, metadata={"description": "得分 0–100；不适用为空"})
    weight = ma.fields.Float()
    points = ma.fields.Float(allow_none=True, metadata={"description": "加权得分"})
    numerator = ma.fields.Integer(metadata={"description": "符合数"})
    denominator = ma.fields.Integer(metadata={"description": "基数"})
    article = ma.fields.String(metadata={"description": "依据"})


class OrgResultSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    parent = ma.fields.String()
    total = ma.fields.Float(allow_none=True)
    grade = ma.fields.String(allow_none=True, metadata={"description": "excellent good pass fail"})
    grade_label = ma.fields.String(metadata={"description": "优秀 良好 合格 不合格"})
    indicators = ma.fields.List(ma.fields.Nested(ScoreSchema))


class IndicatorSpecSchema(ma.Schema):
    key = ma.fields.String()
    label = ma.fields.String()
    area = ma.fields.String(allow_none=True)
    weight = ma.fields.Float()
    article = ma.fields.String()
    note = ma.fields.String(allow_none=True, metadata={"description": "“默认值”：法规未规定"})
    measures = ma.fields.String(metadata={"description": "计算方法"})


class PeriodSchema(ma.Schema):
    key = ma.fields.String()
    label = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "year quarter month day"})
    start = ma.fields.Date()
    end = ma.fields.Date()


class AssessmentSchema(ma.Schema):
    period = ma.fields.Nested(PeriodSchema)
    profile = ma.fields.String()
    as_of = ma.fields.Date(metadata={"description": "计算截至"})
    indicators = ma.fields.List(ma.fields.Nested(IndicatorSpecSchema))
    grades = ma.fields.Dict(metadata={"description": "各等次的最低总分，及其依据"})
    not_measured = ma.fields.List(ma.fields.Dict(), metadata={"description": "本系统不度量的考核内容"})
    organisations = ma.fields.List(ma.fields.Nested(OrgResultSchema))


def org_body(org: OrgAssessment) -> dict[str, Any]:
    return {
        "code": org.code, "name": org.name, "parent": org.parent_name, "total": org.total, "grade": org.grade,
        "grade_label": org.grade_label,
        "indicators": [{"key": s.key, "label": s.label, "area": s.area, "value": s.value, "weight": s.weight,
                        "points": s.points, "numerator": s.numerator, "denominator": s.denominator, "article": s.article}
                       for s in org.scores],
    }


def assessment_body(result: Assessment) -> dict[str, Any]:
    scheme, period = result.scheme, result.period
    return {
        "period": {"key": period.key, "label": period.label, "kind": period.kind, "start": period.start, "end": period.end},
        "profile": result.profile_name,
        "as_of": result.as_of,
        "indicators": [{"key": s.key, "label": INDICATORS[s.key].label, "area": s.area, "weight": s.weight,
                        "article": scheme.citation(s.article), "note": s.note, "measures": INDICATORS[s.key].measures}
                       for s in scheme.indicators],
        "grades": {**scheme.thresholds, "article": result.grades_citation, "note": scheme.grades_note},
        "not_measured": [{"label": n.label, "article": scheme.citation(n.article)} for n in scheme.not_measured],
        "organisations": [org_body(o) for o in result.orgs],
    }


def _period(args: dict[str, Any]):
    return parse_period(args.get("period") or str(local_today().year))


@blp.route("")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, AssessmentSchema)
@_errors(401, 403, 404, 422)
def list_assessments(args: dict[str, Any]):
    """考核结果：调用者可见的各部门（数据主管部门、市级审核员为全部，县级审核员为本县区，编目人员为本部门）。"""
    ctx = writer_context()
    return assessment_body(assess(ctx, _period(args), args.get("org")))


@blp.route("/report.xlsx")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, description="考核报表（Excel）", content_type=XLSX)
@_errors(401, 403, 422)
def report_xlsx(args: dict[str, Any]):
    """考核报表：汇总（含总分柱状图）、指标明细、等次分布、说明。"""
    ctx = writer_context()
    result = assess(ctx, _period(args), args.get("org"))
    return send_file(BytesIO(workbook_bytes(assessment_workbook(result))), mimetype=XLSX, as_attachment=True,
                     download_name=f"assessment-{result.period.key}.xlsx")


@blp.route("/annual.xlsx")
@blp.arguments(AnnualArgs, location="query")
@blp.response(200, description="年度报告（Excel）", content_type=XLSX)
@_errors(401, 403, 422)
def annual_xlsx(args: dict[str, Any]):
    """年度报告（南阳第六十条）：部门报告（org）或全市报告（仅数据主管部门、市级审核员）。"""
    ctx = writer_context()
    report = annual_report(ctx, args.get("year"), args.get("org"))
    suffix = f"-{report.org.code}" if report.org else ""
    return send_file(BytesIO(workbook_bytes(annual_workbook(report))), mimetype=XLSX, as_attachment=True,
                     download_name=f"annual-report-{report.year}{suffix}.xlsx")
