"""The open-data catalog (公共数据开放目录): what an open-data portal publishes, as a workbook or JSON.

Only published items open to the public (开放类型 unconditional or conditional)
appear, with the elements portals publish (national-catalog.md §4.2): 数据领域,
摘要, 数据项, 数据格式, 开放类型, 开放条件, 更新频度, 提供单位, 发布日期, 更新日期 …
A field never appears if it is flagged sensitive or secret, or if its own
开放类型 (which overrides the item's when set) is 不予开放. Both files are
written item by item, so memory stays flat however large the catalog.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook

from exports.base import PUBLISHED, ExportFormat, ExportJob, ExportResult, register
from exports.source import Entry, entries
from registry.catalog.disclosure import disclosed_fields
from registry.catalog.validation import vocabulary
from registry.core.cells import neutralise
from registry.core.i18n import N_
from registry.core.localtime import format_local
from registry.profiles import Profile

NOT_OPEN = "not_open"

ITEM_HEADERS = ("信息资源代码", "数据集名称", "摘要", "数据领域", "数据项", "数据格式", "开放类型", "开放条件",
                "更新频度", "提供单位", "标签", "发布日期", "更新日期", "数据量（条）", "联系电话", "电子邮箱")
FIELD_HEADERS = ("信息资源代码", "数据集名称", "序号", "信息项名称", "英文名称", "数据类型", "数据长度", "描述",
                 "开放类型", "开放条件")


def open_to_public(entry: Entry) -> bool:
    """Published, and open to the public unconditionally or on conditions."""
    return entry.status.value in PUBLISHED and entry.values.get("open_type") not in (None, "", NOT_OPEN)


def field_open_type(entry: Entry, field: dict[str, Any]) -> str | None:
    """A field's own 开放类型 when set, else its item's."""
    return field.get("open_type") or entry.values.get("open_type")


def public_fields(entry: Entry) -> list[dict[str, Any]]:
    """The fields the public may see: never sensitive or secret (the catalog's rule), nor not open."""
    return [f for f in disclosed_fields(entry.fields, public=True) if field_open_type(entry, f) not in (None, NOT_OPEN)]


class _Labels:
    """Vocabulary labels of one profile, looked up once per run."""

    def __init__(self, profile: Profile):
        self.vocabs = {name: vocabulary(profile, name) for name in ("open_type", "update_cycle", "format_class", "data_type")}

    def __call__(self, vocab: str, value: str | None) -> str:
        return self.vocabs[vocab].label(value) if value else ""


def _day(value: date | datetime | None) -> str | None:
    return format_local(value, "%Y-%m-%d") or None


def _format(labels: _Labels, values: dict[str, Any]) -> str:
    """As portals write it: 分类-类型 (数据库-oracle)."""
    return "-".join(p for p in (labels("format_class", values.get("format_class")), values.get("format_type")) if p)


def open_record(labels: _Labels, entry: Entry) -> dict[str, Any]:
    """One open item as a portal publishes it: canonical values, with labels beside the vocabulary ones."""
    values, provider = entry.values, entry.provider
    fields = []
    for position, field in enumerate(public_fields(entry), start=1):
        open_type = field_open_type(entry, field)
        fields.append({
            "position": position, "name": field.get("name"), "technical_name": field.get("technical_name"),
            "data_type": field.get("data_type"), "data_type_label": labels("data_type", field.get("data_type")),
            "length": field.get("length"), "description": field.get("description"),
            "open_type": open_type, "open_type_label": labels("open_type", open_type),
            "open_condition": field.get("open_condition"),
        })
    return {
        "code": entry.code, "name": values.get("name"), "summary": values.get("summary"),
        "open_theme": values.get("open_theme"),
        "format_class": values.get("format_class"), "format_type": values.get("format_type"),
        "format": _format(labels, values),
        "open_type": values.get("open_type"), "open_type_label": labels("open_type", values.get("open_type")),
        "open_condition": values.get("open_condition"),
        "update_cycle": values.get("update_cycle"), "update_cycle_label": labels("update_cycle", values.get("update_cycle")),
        "provider": {"code": provider.code, "name": provider.name},
        "contact": {"phone": provider.contact_phone, "email": provider.contact_email},
        "tags": list(values.get("tags") or []),
        "publish_date": _day(values.get("publish_date") or entry.meta.get("published_at")),
        "updated_date": _day(entry.meta.get("data_updated_at") or entry.meta.get("updated_at")),
        "open_records": values.get("open_records"),
        "fields": fields,
    }


def open_records(job: ExportJob):
    """The open items of the selection, as records, in code order."""
    labels = _Labels(job.ctx.profile)
    for entry in entries(job):
        if open_to_public(entry):
            yield open_record(labels, entry)


def _item_row(record: dict[str, Any]) -> list[Any]:
    return [
        record["code"], record["name"], record["summary"], record["open_theme"],
        "、".join(f["name"] for f in record["fields"]), record["format"], record["open_type_label"],
        record["open_condition"], record["update_cycle_label"], record["provider"]["name"], "、".join(record["tags"]),
        record["publish_date"], record["updated_date"], record["open_records"],
        record["contact"]["phone"], record["contact"]["email"],
    ]


def _field_row(record: dict[str, Any], field: dict[str, Any]) -> list[Any]:
    return [record["code"], record["name"], field["position"], field["name"], field["technical_name"],
            field["data_type_label"], field["length"], field["description"], field["open_type_label"], field["open_condition"]]


def _write_xlsx(job: ExportJob, out: BinaryIO) -> ExportResult:
    """Two sheets, 开放目录 (an item a row) and 数据项 (a field a row); write-only, so rows go straight to disk."""
    workbook = Workbook(write_only=True)
    items_sheet, fields_sheet = workbook.create_sheet("开放目录"), workbook.create_sheet("数据项")
    items_sheet.append(ITEM_HEADERS)
    fields_sheet.append(FIELD_HEADERS)
    result = ExportResult()
    for record in open_records(job):
        items_sheet.append([neutralise(v) for v in _item_row(record)])
        for field in record["fields"]:
            fields_sheet.append([neutralise(v) for v in _field_row(record, field)])
        result.items += 1
        result.fields += len(record["fields"])
    workbook.save(out)
    return result


def _write_json(job: ExportJob, out: BinaryIO) -> ExportResult:
    """A JSON array written record by record."""
    result = ExportResult()
    out.write(b"[")
    for record in open_records(job):
        out.write((b",\n" if result.items else b"\n") + json.dumps(record, ensure_ascii=False).encode())
        result.items += 1
        result.fields += len(record["fields"])
    out.write(b"\n]\n")
    return result


register(ExportFormat("open-catalog-xlsx", N_("开放目录（Excel）"), ".xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _write_xlsx,
                      N_("向社会开放的已发布条目及其可开放的数据项，字段同开放平台"), public=True))
register(ExportFormat("open-catalog-json", N_("开放目录（JSON）"), ".json", "application/json", _write_json,
                      N_("向社会开放的已发布条目及其可开放的数据项，取规范值并附名称"), public=True))
