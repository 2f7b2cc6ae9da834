"""Totals and grades from the profile's weights and thresholds; the loader's checks of the ``assessment:`` section."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from registry.assessment.grading import grade_for, weighted_total
from registry.assessment.indicators import INDICATORS
from registry.assessment.operations import assess
from registry.assessment.periods import parse_period
from registry.core.context import Context
from registry.core.errors import ConfigError
from registry.profiles import (
    ASSESSMENT_INDICATORS,
    PROFILE_DIR,
    available_profiles,
    load_profile,
    read_profile,
)


@pytest.mark.parametrize(("total", "grade"), [
    (100, "excellent"), (90, "excellent"), (89.9, "good"), (80, "good"), (79.9, "pass"), (60, "pass"),
    (59.9, "fail"), (0, "fail"), (None, None),
])
def test_grade_boundaries_of_fuzhou(total, grade):
    scheme = load_profile("fuzhou").assessment
    assert scheme.thresholds == {"excellent": 90, "good": 80, "pass": 60}
    assert grade_for(total, scheme) == grade
    assert scheme.citation(scheme.grades_article) == "《福州市政务数据资源共享开放考核暂行办法》第十四条"


def test_thresholds_come_from_the_profile(tmp_path):
    path = _variant(tmp_path, "strict.yaml", lambda a: a["grades"].update(excellent=95, good=85))
    strict = read_profile(path).assessment
    assert grade_for(94.9, strict) == "good" and grade_for(95, strict) == "excellent" and grade_for(84.9, strict) == "pass"


def test_the_total_is_weighted_over_the_applicable_indicators():
    assert weighted_total([(100, 20), (50, 20)]) == 75.0
    assert weighted_total([(100, 20), (None, 80)]) == 100.0  # not applicable: left out, the rest reweighted
    assert weighted_total([(100, 0), (40, 10)]) == 40.0  # no weight: not counted
    assert weighted_total([(None, 20)]) is None
    assert weighted_total([(66.7, 1), (33.3, 2)]) == 44.4


def test_the_loader_knows_the_indicators_the_assessment_measures():
    assert set(ASSESSMENT_INDICATORS) == set(INDICATORS)


def test_a_profile_without_an_assessment_section_cannot_be_assessed(session):
    profile = dataclasses.replace(load_profile("fuzhou"), assessment=None)
    with pytest.raises(ConfigError, match="没有 assessment（考核）部分"):
        assess(Context(session=session, profile=profile), parse_period("2026"))


@pytest.mark.parametrize("name", available_profiles())
def test_every_profile_weighs_the_indicators_and_marks_its_defaults(name):
    scheme = load_profile(name).assessment
    assert {i.key for i in scheme.indicators} == set(INDICATORS)
    assert sum(i.weight for i in scheme.indicators) == 100
    assert scheme.department_month == 1 and scheme.authority_month == 2
    # The regulations give no scores: every weight says it is a default.
    assert all("默认值" in (i.note or "") for i in scheme.indicators)
    assert scheme.not_measured


def test_nanyang_cites_its_annual_report_article():
    scheme = load_profile("nanyang").assessment
    assert scheme.citation(scheme.annual_article) == "《南阳市政务数据共享管理暂行办法》第六十条"


def _variant(tmp_path: Path, file: str, change) -> Path:
    raw = yaml.safe_load((PROFILE_DIR / "fuzhou.yaml").read_text(encoding="utf-8"))
    change(raw["assessment"])
    path = tmp_path / file
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "message"), [
    (lambda a: a["indicators"]["catalog_compiled"].update(weight="二十"), "考核指标 catalog_compiled 的权重必须是数字（现为 '二十'）"),
    (lambda a: a["indicators"]["open_items"].update(weight=True), "考核指标 open_items 的权重必须是数字"),
    (lambda a: a["indicators"]["open_items"].update(weight=-5), "须在 0 到 100 之间"),
    (lambda a: a["indicators"]["open_items"].pop("weight"), "考核指标 open_items 须写明 weight"),
    (lambda a: a["grades"].update(good=95), "等次分数线须依次递减（优秀 > 良好 > 合格），现为：优秀 90，良好 95，合格 60"),
    (lambda a: a["grades"].update({"pass": 80}), "等次分数线须依次递减"),
    (lambda a: a["grades"].pop("excellent"), "grades 缺少“优秀”的分数线"),
    (lambda a: a.pop("grades"), "须包含 grades"),
    (lambda a: a.update(indicators={}), "须包含 indicators"),
    (lambda a: [i.update(weight=0) for i in a["indicators"].values()], "权重不能全为 0"),
    (lambda a: a["annual_report"].update(department_month=13), "annual_report.department_month 须是 1–12 的月份"),
    (lambda a: a["indicators"].update(satisfaction={"weight": 5}), "未知的考核指标 satisfaction；可选：catalog_compiled"),
])
def test_the_loader_refuses_a_bad_assessment_section_naming_the_file(tmp_path, change, message):
    path = _variant(tmp_path, "broken_city.yaml", change)
    with pytest.raises(ConfigError) as caught:
        read_profile(path)
    assert str(caught.value).startswith("辖区配置文件 broken_city.yaml：")
    assert message in str(caught.value)
