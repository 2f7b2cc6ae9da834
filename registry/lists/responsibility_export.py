"""The responsibility list as a workbook (the list, its fields, a summary per department) or as flat CSV.

Rows stream from :func:`registry.lists.responsibility.iter_duties` into
xlsxwriter's constant-memory mode, so a provincial list (100k items, millions
of fields) is written without holding it. Every text cell is neutralised, as
all spreadsheet output is (STYLE §14).
"""
from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from registry.core.cells import neutralise
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.localtime import format_local, local_time
from registry.lists.responsibility import (
    ListScope,
    contacts,
    iter_duties,
    labels,
    stamp,
    summary,
    tallies,
)

ITEM_HEADERS = ("部门", "部门代码", "内设机构", "信息资源代码", "信息资源名称", "更新周期", "来源信息系统", "共享类型",
                "开放类型", "信息项数", "版本", "发布时间", "联系人", "联系电话", "电子邮箱")
FIELD_HEADERS = ("信息资源代码", "信息资源名称", "部门", "序号", "信息项名称", "英文名/字段名", "数据类型", "共享类型",
                 "开放类型", "是否主键", "标识类型")
SUMMARY_HEADERS = ("部门", "部门代码", "条目数", "信息项数", "最近发布时间", "联系人", "联系电话", "电子邮箱")
CSV_HEADERS = ITEM_HEADERS[:9] + ("联系人", "联系电话", "电子邮箱") + FIELD_HEADERS[3:]


def _rows(ctx: Context, scope: ListScope) -> Iterable[tuple[int, list[Any], list[list[Any]]]]:
    """Each item's department, row and its fields' rows, in code order."""
    label = labels(ctx)
    people: dict = {}
    for duty in iter_duties(ctx, scope):
        if duty.department_id not in people:
            people.update(contacts(ctx, {duty.department_id}))
        dept = people.get(duty.department_id)
        item = [dept.name if dept else "", dept.code if dept else "", duty.unit or "", duty.code, duty.name,
                label["update_cycle"](duty.update_cycle), duty.source_system or "", label["share_type"](duty.share_type),
                label["open_type"](duty.open_type), len(duty.fields), duty.version, format_local(duty.published_at),
                (dept.contact_name or "") if dept else "", (dept.contact_phone or "") if dept else "",
                (dept.contact_email or "") if dept else ""]
        fields = [[duty.code, duty.name, item[0], n, f.name, f.technical_name or "", f.data_type or "",
                   label["share_type"](f.share_type), label["open_type"](f.open_type), "是" if f.is_primary_key else "",
                   f.identifier_kind or ""] for n, f in enumerate(duty.fields, start=1)]
        yield duty.department_id, item, fields


def _clean(row: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in row]


def write_xlsx(ctx: Context, scope: ListScope, out: str | Path | IO[bytes]) -> dict[str, Any]:
    """Write the workbook; returns what it holds (org, as_of, version, items, fields)."""
    counted = tallies(ctx, scope)
    meta = stamp(ctx, scope, counted)
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False, "in_memory": False})
    bold = workbook.add_format({"bold": True})
    about = workbook.add_worksheet("说明")
    sheet = workbook.add_worksheet("责任清单")
    fields_sheet = workbook.add_worksheet("信息项")
    who = scope.org.name if scope.org is not None else "全市"
    info = [("责任清单", who), ("机构代码", scope.org.code if scope.org is not None else ""),
            ("截至（最近发布或变更）", format_local(meta.as_of)), ("版本", meta.version), ("条目数", meta.items),
            ("生成时间", local_time(utcnow()).strftime("%Y-%m-%d %H:%M")),
            ("依据", "依据已发布的政务数据目录分解形成，随目录更新同步更新（南阳办法第二十一条、第二十二条）")]
    for r, (key, value) in enumerate(info):
        about.write_row(r, 0, _clean((key, value)))
    about.set_column(0, 0, 24)
    about.set_column(1, 1, 60)
    for target, headers in ((sheet, ITEM_HEADERS), (fields_sheet, FIELD_HEADERS)):
        target.write_row(0, 0, headers, bold)
        target.freeze_panes(1, 0)
    sheet.set_column(0, 0, 28)
    sheet.set_column(3, 4, 26)
    fields_sheet.set_column(0, 1, 26)
    fields_sheet.set_column(4, 4, 20)
    items = fields = 0
    per_department: Counter = Counter()  # fields, counted while written rather than by another scan
    for department_id, item, rows in _rows(ctx, scope):
        items += 1
        sheet.write_row(items, 0, _clean(item))
        per_department[department_id] += len(rows)
        for row in rows:
            fields += 1
            fields_sheet.write_row(fields, 0, _clean(row))
    if scope.several:
        _summary_sheet(workbook, bold, summary(ctx, scope, counted), per_department)
    workbook.close()
    return {"org": scope.org.code if scope.org is not None else None, "as_of": meta.as_of, "version": meta.version,
            "items": items, "fields": fields}


def _summary_sheet(workbook, bold, rows: list[dict[str, Any]], fields: Counter) -> None:
    """Several departments (a county, the city): one row each, for the aggregate view (汇总)."""
    sheet = workbook.add_worksheet("汇总")
    sheet.write_row(0, 0, SUMMARY_HEADERS, bold)
    sheet.set_column(0, 0, 28)
    for r, row in enumerate(rows, start=1):
        dept = row["department"]
        sheet.write_row(r, 0, _clean((dept.name, dept.code, row["items"], fields[dept.id], format_local(row["latest"]),
                                      dept.contact_name or "", dept.contact_phone or "", dept.contact_email or "")))


def write_csv(ctx: Context, scope: ListScope, out: IO[str]) -> dict[str, Any]:
    """One row per field (the item's columns repeated; an item without fields has one row)."""
    meta = stamp(ctx, scope)
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    items = fields = 0
    for _department, item, rows in _rows(ctx, scope):
        items += 1
        head = item[:9] + item[12:15]
        for row in rows or [[""] * len(FIELD_HEADERS)]:
            fields += bool(rows)
            writer.writerow(_clean(head + row[3:]))
    return {"org": scope.org.code if scope.org is not None else None, "as_of": meta.as_of, "version": meta.version,
            "items": items, "fields": fields}
