"""`mulu catalog template` and `mulu catalog import` as an operator runs them, on real files."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from msoffcrypto.format.ooxml import OOXMLFile
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import text

from workbooks import NATIONAL_HEADERS, national_rows, write_csv, write_xlsx
from factories import uscc
from registry.cli import main
from registry.core.db import make_engine

DEPT = "南阳市市场监督管理局"


def mulu(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def setup_instance() -> None:
    assert mulu("db", "upgrade").exit_code == 0
    assert mulu("org", "create", "411300", "南阳市", "--level", "city").exit_code == 0
    assert mulu("org", "create", uscc(1), DEPT, "--level", "department", "--parent", "411300", "--catalog-code", "0101").exit_code == 0


def item_count(env) -> int:
    engine = make_engine(env["MULU_DATABASE_URL"])
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM catalog_item")).scalar()
    engine.dispose()
    return count


def test_template_round_trip(cli_env, tmp_path):
    setup_instance()
    template = tmp_path / "模板.xlsx"
    assert mulu("catalog", "template", "-o", str(template)).exit_code == 0
    book = load_workbook(template)
    assert book.sheetnames[:3] == ["填写说明", "示例", "目录"] and book["_mulu"].sheet_state == "veryHidden"
    sheet = book["目录"]
    assert sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    assert "*信息资源名称" in headers and "信息项名称" in headers
    dropdowns = {str(dv.sqref).split(":")[0] for dv in sheet.data_validations.dataValidation}
    share_col = headers.index("*共享类型") + 1
    assert f"{sheet.cell(row=2, column=share_col).column_letter}2" in dropdowns
    # The compiler fills it in, using the drop-down labels.
    values = {"*类": "3", "*项": "07", "目": "411", "*信息资源名称": "企业年报信息", "信息资源提供方": DEPT,
              "*信息资源摘要": "企业年度报告。", "*信息资源格式分类": "电子表格", "信息资源格式类型": "xlsx",
              "*共享类型": "无条件共享", "共享方式分类": "共享平台方式", "共享方式类型": "文件", "*开放类型": "无条件开放",
              "*更新周期": "每年", "数据主体": "法人", "信息项名称": "统一社会信用代码", "数据类型": "字符型（C）", "数据长度": 18}
    for column, header in enumerate(headers, start=1):
        if header in values:
            sheet.cell(row=2, column=column, value=values[header])
    sheet.cell(row=3, column=headers.index("信息项名称") + 1, value="年报年度")
    sheet.cell(row=3, column=headers.index("数据类型") + 1, value="整型（I）")
    book.save(template)
    result = mulu("catalog", "import", str(template), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["created"], out["fields"], out["errors"]) == (1, 2, [])
    again = json.loads(mulu("catalog", "import", str(template), "--json").output)
    assert again["errors"] == [] and again["updated"] == 0, again
    assert (again["created"], again["unchanged"]) == (0, 1)
    listed = json.loads(mulu("catalog", "imports", "--json").output)
    assert [r["created"] for r in listed] == [0, 1] and listed[0]["sha256"] == listed[1]["sha256"]


def test_exit_codes_json_and_report(cli_env, tmp_path):
    setup_instance()
    rows = [NATIONAL_HEADERS, *national_rows(DEPT)]
    rows[1][9] = "随便共享"
    path = write_xlsx(tmp_path / "错.xlsx", {"目录": rows})
    report = tmp_path / "标注.xlsx"
    result = mulu("catalog", "import", str(path), "--json", "--report", str(report))
    assert result.exit_code == 1
    out = json.loads(result.output)
    assert (out["created"], out["rejected"], out["written"]) == (0, 1, False)
    assert out["errors"] == [{"sheet": "目录", "row": 2, "column": "J", "value": "随便共享",
                              "message": "共享类型：“随便共享”不是本辖区允许的值；可选：无条件共享、有条件共享、不予共享"}]
    assert item_count(cli_env) == 0
    assert load_workbook(report)["目录"]["J2"].comment is not None
    dry = json.loads(mulu("catalog", "import", str(path), "--json", "--dry-run", "--partial").output)
    assert dry["dry_run"] and item_count(cli_env) == 0
    partial = mulu("catalog", "import", str(path), "--partial")
    assert partial.exit_code == 1 and item_count(cli_env) == 1
    assert mulu("catalog", "import", str(tmp_path / "无此文件.xlsx")).exit_code == 2
    assert mulu("catalog", "import", str(path), "--org", "不存在").exit_code == 2


def test_bad_files_are_refused_with_nothing_written(cli_env, tmp_path):
    setup_instance()
    good = write_xlsx(tmp_path / "好.xlsx", {"目录": [NATIONAL_HEADERS, *national_rows(DEPT)]})
    locked = tmp_path / "加密.xlsx"
    with good.open("rb") as plain, locked.open("wb") as out:
        office = OOXMLFile(plain)
        office.encrypt("Secret#2026", out)
    (tmp_path / "纯文本.xlsx").write_text("这不是表格", encoding="utf-8")
    blank = write_xlsx(tmp_path / "空表.xlsx", {"目录": [["说明"]]})
    cases = {locked: "密码", blank: "没有找到目录表头", tmp_path / "纯文本.xlsx": "无法识别的文件格式"}
    for path, expected in cases.items():
        result = mulu("catalog", "import", str(path))
        assert result.exit_code == 2 and expected in result.output, (path, result.output)
    assert item_count(cli_env) == 0


def test_endless_blank_rows_and_oversized_cells(cli_env, tmp_path):
    setup_instance()
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "目录"
    for row in [NATIONAL_HEADERS, *national_rows(DEPT)]:
        sheet.append(row)
    sheet.cell(row=1_000_000, column=1, value=" ")  # a sheet whose used range runs to row 1,000,000
    book.save(tmp_path / "长表.xlsx")
    started = time.perf_counter()
    result = mulu("catalog", "import", str(tmp_path / "长表.xlsx"), "--json")
    assert result.exit_code == 0 and json.loads(result.output)["created"] == 2
    assert time.perf_counter() - started < 60
    rows = [NATIONAL_HEADERS, *national_rows(DEPT)]
    rows[1][6] = "很长" * 25_000_000  # 50 MB of text in one cell
    result = mulu("catalog", "import", str(write_csv(tmp_path / "巨.csv", rows)), "--json")
    out = json.loads(result.output)
    assert result.exit_code == 1 and "单元格内容过长" in out["errors"][0]["message"] and out["errors"][0]["row"] == 2


def test_killed_import_leaves_no_partial_items(cli_env, tmp_path):
    setup_instance()
    rows = [NATIONAL_HEADERS]
    for n in range(6000):
        for i, row in enumerate(national_rows(DEPT)[:2]):
            rows.append(row[:4] + [f"企业登记信息{n}" if i == 0 else None] + row[5:])
    path = write_xlsx(tmp_path / "大.xlsx", {"目录": rows})
    env = {**os.environ, **cli_env, "MULU_PROGRESS": "lines"}
    proc = subprocess.Popen([sys.executable, "-m", "registry", "catalog", "import", str(path)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The first progress line of the write phase comes after a batch is inserted, before the commit.
    line = ""
    for line in proc.stderr:
        if line.startswith("写入："):
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert line.startswith("写入：") and not line.startswith("写入：6000/"), line
    assert item_count(cli_env) == 0
    result = mulu("catalog", "import", str(path), "--json")  # and it still imports cleanly afterwards
    assert json.loads(result.output)["created"] == 6000
