"""The crashes tests/fuzz found, each kept as one focused example."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook
from test_fuzz_imports import (
    HEADERS,
    PROVIDER,
    VALID_XLSX,
    valid_rows,
    write_csv,
    write_xlsx,
)

from importers.report import write_report
from importers.sources import ImportFileError, open_source
from registry.imports.operations import commit_import, plan_import


def test_report_annotates_a_problem_inside_a_merged_range_on_its_first_cell(ctx, orgs, tmp_path):
    # R4:T4 merged: the 信息项 on row 4 loses its type (S4), a MergedCell openpyxl will not comment on.
    path = write_xlsx(tmp_path / "目录.xlsx", [("目录", [HEADERS, *valid_rows(PROVIDER)])], ["R4:T4"])
    plan = plan_import(ctx, path)
    assert any((p.row, p.column) == (4, "S") for p in plan.problems), [(p.row, p.column, p.message) for p in plan.problems]
    output = io.BytesIO()
    write_report(plan, path, output)
    sheet = load_workbook(output)["目录"]
    assert "数据类型" in sheet["R4"].comment.text


def test_report_of_a_csv_with_control_characters_is_written(ctx, orgs, tmp_path):
    rows = [HEADERS, *valid_rows(PROVIDER)]
    rows[1][6] = "摘要\x01\x02"  # fine in a CSV, illegal in an .xlsx cell
    rows[1][15] = "每\x03天"  # an unknown cycle: its message quotes the control character
    path = write_csv(tmp_path / "目录.csv", rows, "utf-8", ",")
    plan = plan_import(ctx, path)
    assert not plan.clean
    commit_import(ctx, plan)
    output = io.BytesIO()
    write_report(plan, path, output)
    workbook = load_workbook(output)
    assert workbook["目录"]["G2"].value == "摘要"
    assert any("每天" in str(c.value) for row in workbook["导入结果"].iter_rows() for c in row)


def test_xlsx_with_a_corrupt_compressed_sheet_is_refused_in_chinese(tmp_path):
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as archive:
        info = next(i for i in archive.infolist() if i.filename.startswith("xl/worksheets/"))
    # Damage the deflate stream of the sheet: the archive opens, the member fails only when read (zlib.error).
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(VALID_XLSX)
    data[start + 10:start + 30] = b"\xff" * 20
    path = tmp_path / "目录.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFileError, match="文件已损坏"):
        open_source(path)


def test_a_name_cell_holding_false_is_matched_again_on_re_upload(ctx, orgs, tmp_path):
    # An Excel FALSE in the name cell: the first upload created "False"; the second created it again.
    rows = [HEADERS, *valid_rows(PROVIDER)]
    rows[1][4] = False
    path = write_xlsx(tmp_path / "目录.xlsx", [("目录", rows)])
    first = plan_import(ctx, path)
    assert first.clean and first.count("create") == 2
    commit_import(ctx, first)
    again = plan_import(ctx, path)
    assert (again.count("create"), again.count("unchanged")) == (0, 2)


def test_csv_with_a_lone_carriage_return_in_a_field_is_read(tmp_path):
    path = tmp_path / "目录.csv"
    path.write_bytes("信息资源名称,信息资源摘要\r\n企业\r登记,摘要\n".encode())
    rows = list(open_source(path).sheets[0].rows())
    assert rows == [["信息资源名称", "信息资源摘要"], ["企业"], ["登记", "摘要"]]


def test_a_malformed_resource_code_is_a_row_error_in_the_plan_not_a_refused_commit(ctx, orgs, tmp_path):
    # 序号 renamed 信息资源代码: the plan called 1 and 2 clean codes, then the commit refused the whole file.
    rows = [["信息资源代码", *HEADERS[1:]], *valid_rows(PROVIDER)]
    path = write_xlsx(tmp_path / "目录.xlsx", [("目录", rows)])
    plan = plan_import(ctx, path)
    assert [(p.row, p.column) for p in plan.problems] == [(2, "A"), (5, "A")]
    assert all("不符合编码规则" in p.message for p in plan.problems)


def test_a_field_length_of_zero_is_a_row_error_not_a_constraint_crash(ctx, orgs, tmp_path):
    """Found on PostgreSQL: 0 passed as a length (an int not below 0) and broke ``length > 0`` at commit."""
    rows = [HEADERS, *valid_rows(PROVIDER)]
    rows[2][19] = 0
    plan = plan_import(ctx, write_csv(tmp_path / "目录.csv", rows, "utf-8", ","))
    problems = [(p.row, p.message) for p in plan.problems]
    assert len(problems) == 1 and problems[0][0] == 3 and "过小，不能小于 1" in problems[0][1], problems
    assert commit_import(ctx, plan).created == 0
