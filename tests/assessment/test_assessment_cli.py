"""``mulu assessment run | report | annual`` against a fresh instance seeded with the test catalog."""
from __future__ import annotations

import json

import pytest
from assessment_seed import EXPECTED, seed_world
from click.testing import CliRunner
from openpyxl import load_workbook

from registry.app import Runtime
from registry.cli import main
from registry.core.config import load_settings
from registry.core.db import unit_of_work


def mulu(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def instance(cli_env, monkeypatch):
    monkeypatch.setenv("MULU_PROFILE", "fuzhou")
    assert mulu("db", "upgrade").exit_code == 0
    runtime = Runtime(load_settings())
    with unit_of_work(runtime.sessions) as session:
        orgs = seed_world(runtime.context(session)).people.orgs
        codes = {"dept": orgs.dept.code, "other_dept": orgs.other_dept.code}
    runtime.engine.dispose()
    return codes


def test_run_report_and_annual(instance, tmp_path):
    result = mulu("assessment", "run", "--period", "2026", "--today", "2026-12-31", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    dept = next(o for o in body["organisations"] if o["code"] == instance["dept"])
    assert {i["key"]: i["value"] for i in dept["indicators"]} == EXPECTED
    assert (dept["total"], dept["grade_label"]) == (58.8, "不合格")

    table = mulu("assessment", "run", "--period", "2026-Q4", "--org", instance["dept"], "--today", "2026-12-31")
    assert table.exit_code == 0 and "2026年第四季度" in table.output
    assert f"{instance['dept']}  南阳市市场监督管理局  总分" in table.output and instance["other_dept"] not in table.output

    workbook = tmp_path / "kaohe.xlsx"
    result = mulu("assessment", "report", "--period", "2026", "-o", str(workbook))
    assert result.exit_code == 0 and "4 个部门" in result.output
    assert load_workbook(workbook)["汇总"]._charts

    page = tmp_path / "annual.html"
    result = mulu("assessment", "annual", "--year", "2026", "--org", instance["dept"], "-o", str(page))
    assert result.exit_code == 0 and "报送期限 2027-01-31" in result.output
    assert "南阳市市场监督管理局2026年度政务数据管理情况报告" in page.read_text(encoding="utf-8")
    city = tmp_path / "city.xlsx"
    assert mulu("assessment", "annual", "--year", "2026", "-o", str(city)).exit_code == 0
    assert load_workbook(city)["年度报告"]["A1"].value == "福州市2026年度政务数据管理情况报告"


def test_bad_input_is_refused_in_chinese(instance, tmp_path):
    result = mulu("assessment", "run", "--period", "2026-Q5")
    assert result.exit_code == 1 and "考核期间" in result.output and "Q1–Q4" in result.output
    result = mulu("assessment", "report", "--period", "2026", "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 1 and "输出文件须以 .xlsx 结尾" in result.output
    result = mulu("assessment", "annual", "--year", "明年", "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 1 and "报告年度" in result.output
    result = mulu("assessment", "run", "--period", "2026", "--org", "nope")
    assert result.exit_code == 1 and "没有代码为“nope”的机构" in result.output
