"""Plain CSV of items and of fields, and the whole catalog as JSON: for scripts and spreadsheets.

CSV headers are the elements' Chinese names and values the profile's labels
(what a person reads); the JSON keeps canonical values (what a program reads).
Cells a spreadsheet would run as formulas are neutralised.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any, BinaryIO

from exports.base import ExportFormat, ExportJob, ExportResult, register
from exports.source import entries
from registry.catalog.diff import jsonable
from registry.catalog.present import readable
from registry.catalog.schema import FIELD_ELEMENTS, ITEM_ELEMENTS
from registry.core.cells import neutralise
from registry.core.i18n import N_


def _csv_writer(out: BinaryIO):
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)  # BOM: Excel reads UTF-8 right
    return text, csv.writer(text)


def _write_items_csv(job: ExportJob, out: BinaryIO) -> ExportResult:
    text, writer = _csv_writer(out)
    writer.writerow(["信息资源代码", "状态", *(s.label for s in ITEM_ELEMENTS if s.key != "code"), "信息项数"])
    result = ExportResult()
    for entry in entries(job):
        values = entry.values
        writer.writerow([neutralise(v) for v in (
            entry.code, entry.status.label,
            *(readable(job.ctx.profile, s, values.get(s.key)) for s in ITEM_ELEMENTS if s.key != "code"),
            len(entry.fields),
        )])
        result.items += 1
        result.fields += len(entry.fields)
    text.detach()
    return result


def _write_fields_csv(job: ExportJob, out: BinaryIO) -> ExportResult:
    text, writer = _csv_writer(out)
    writer.writerow(["信息资源代码", "信息资源名称", "序号", *(s.label for s in FIELD_ELEMENTS)])
    result = ExportResult()
    for entry in entries(job):
        for field in entry.fields:
            writer.writerow([neutralise(v) for v in (
                entry.code, entry.name, field["position"],
                *(readable(job.ctx.profile, s, field.get(s.key)) for s in FIELD_ELEMENTS),
            )])
            result.fields += 1
        result.items += 1
    text.detach()
    return result


def entry_json(entry) -> dict[str, Any]:
    values = jsonable({k: v for k, v in entry.values.items() if k not in ("provider", "provider_unit")})
    provider, unit = entry.provider, entry.provider_unit
    values.update(
        code=entry.code, status=entry.status.value, version=entry.version,
        provider={"code": provider.code, "name": provider.name},
        provider_unit={"code": unit.code, "name": unit.name} if unit else None,
    )
    return values


def _write_json(job: ExportJob, out: BinaryIO) -> ExportResult:
    """A JSON array written item by item, so memory stays flat however large the catalog."""
    result = ExportResult()
    out.write(b"[")
    for entry in entries(job):
        out.write((b",\n" if result.items else b"\n") + json.dumps(entry_json(entry), ensure_ascii=False).encode())
        result.items += 1
        result.fields += len(entry.fields)
    out.write(b"\n]\n")
    return result


register(ExportFormat("items-csv", N_("条目清单（CSV）"), ".csv", "text/csv", _write_items_csv,
                      N_("每个条目一行，元素用中文名称和词表名称")))
register(ExportFormat("fields-csv", N_("信息项清单（CSV）"), ".csv", "text/csv", _write_fields_csv,
                      N_("每个信息项一行，带所属条目的代码和名称")))
register(ExportFormat("catalog-json", N_("目录（JSON）"), ".json", "application/json", _write_json,
                      N_("条目及其信息项的数组，取规范值，供程序读取")))
