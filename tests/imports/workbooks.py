"""Workbooks as compilers make them, written to real files (helpers shared by the import tests)."""
from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

NATIONAL_HEADERS = [
    "序号", "*类", "*项", "目", "*信息资源名称", "信息资源提供方", "*信息资源摘要", "信息资源格式分类", "信息资源格式类型",
    "共享类型", "共享条件/不予共享依据", "共享方式分类", "共享方式类型", "是否向社会开放", "开放条件", "更新周期", "发布日期",
    "信息项名称", "数据类型", "数据长度",
]


def national_rows(provider: str) -> list[list[object]]:
    """Two resources, one row per 信息项; resource cells only on each resource's first row."""
    return [
        [1, 3, 7, 411, "企业登记信息", provider, "本市企业的登记信息。", "数据库", "oracle", "普遍共享", None,
         "共享平台方式", "接口", "是", None, "每天", 45292, "统一社会信用代码", "字符型C", 18],
        [None] * 17 + ["企业名称", "字符型", 200],
        [None] * 17 + ["成立日期", "日期型", 8],
        [2, 3, 7, 411, "行政处罚信息", provider, "行政处罚决定信息。", "数据库", "oracle", "有条件共享", "仅限执法部门使用",
         "共享平台方式", "接口", "否", None, "每月", "2024/3/1", "处罚决定书文号", "C", 50],
        [None] * 17 + ["处罚种类", "C", 20],
    ]


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for merged in (merges or {}).get(name, []):
            sheet.merge_cells(merged)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path
