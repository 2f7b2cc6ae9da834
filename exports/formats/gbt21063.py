"""GB/T 21063.3-style XML of the catalog's core metadata (``gbt21063-xml``).

One ``resource`` per item carrying the 1272 guide's 13 core elements in their
order, the 信息项 with their sharing and opening attributes, and a trailing
summary; the document is described exactly by ``exports/schemas/gbt21063.xsd``.
The standard's XML short names are not public in full: docs/exports.md lists
which names follow commonly cited ones and which are Mulu's own.

Each resource is built as a short list of strings and written in one go, so
memory stays flat however large the catalog. Characters XML 1.0 cannot carry
(control characters, lone surrogates) are dropped and counted, never written.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from exports.base import ExportFormat, ExportJob, ExportResult, register
from exports.source import Entry, entries
from registry.catalog.validation import vocabulary
from registry.core.i18n import N_
from registry.profiles import Profile

NAMESPACE = "urn:mulu:export:gbt21063:1"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "gbt21063.xsd"

# Everything outside XML 1.0's Char production.
_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})


class _Writer:
    """Escapes text for XML and drops what XML cannot hold, counting what it dropped."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.removed = 0
        self._labels: dict[str, dict[str, str]] = {}

    def clean(self, value: Any) -> str:
        text = str(value)
        cleaned, removed = _INVALID.subn("", text)
        self.removed += removed
        return cleaned

    def text(self, value: Any) -> str:
        return self.clean(value).translate(_TEXT_ESCAPES)

    def attr(self, value: Any) -> str:
        return self.clean(value).translate(_ATTR_ESCAPES)

    def label(self, vocab: str, value: str) -> str:
        """The profile's label of a canonical value, looked up once per value and run."""
        labels = self._labels.setdefault(vocab, {})
        if value not in labels:
            labels[value] = vocabulary(self.profile, vocab).label(value)
        return labels[value]

    def element(self, tag: str, value: Any, **attrs: Any) -> str:
        """``<tag a="…">value</tag>``; attributes whose value is None are left out."""
        attributes = "".join(f' {k}="{self.attr(v)}"' for k, v in attrs.items() if v is not None)
        if value is None or value == "":
            return f"<{tag}{attributes}/>"
        return f"<{tag}{attributes}>{self.text(value)}</{tag}>"

    def optional(self, tag: str, value: Any) -> str:
        """An element only when there is a value (empty text is no value)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return ""
        return self.element(tag, value)

    def coded(self, tag: str, vocab: str, value: Any) -> str:
        """``<tag code="canonical">label</tag>``, or nothing when the value is empty."""
        if value is None or value == "":
            return ""
        return self.element(tag, self.label(vocab, str(value)), code=value)


def _bool(value: Any) -> str:
    return "true" if value else "false"


def _classification(w: _Writer, values: dict[str, Any]) -> str:
    class_code, item_code = values["class_code"], values["item_code"]
    class_node = w.profile.class_node(class_code)
    item_node = w.profile.class_node(class_code, item_code)
    parts = ["<classification>",
             w.element("class", class_node.label if class_node else "", code=class_code),
             w.element("subclass", item_node.label if item_node else "", code=item_code)]
    if values.get("category_code"):
        parts.append(w.element("category", None, code=values["category_code"]))
    if values.get("subcategory_code"):
        parts.append(w.element("subcategory", None, code=values["subcategory_code"]))
    parts.append("</classification>")
    return "".join(parts)


def _provider(w: _Writer, entry: Entry) -> str:
    provider, unit = entry.provider, entry.provider_unit
    unit_xml = w.element("unit", unit.name, code=unit.code) if unit else ""
    return (f"<provider>{w.element('rpOrgName', provider.name)}{w.element('rpOrgCode', provider.code)}"
            f"{unit_xml}</provider>")


def _format(w: _Writer, values: dict[str, Any]) -> str:
    return ("<format>" + w.coded("formatClass", "format_class", values["format_class"])
            + w.optional("formatType", values.get("format_type"))
            + w.optional("formatDescription", values.get("format_description")) + "</format>")


def _field(w: _Writer, field: dict[str, Any]) -> str:
    length = field.get("length")
    return "".join((
        f'<field position="{int(field["position"])}">',
        w.element("name", field["name"]),
        w.optional("technicalName", field.get("technical_name")),
        w.coded("dataType", "data_type", field.get("data_type")),
        f"<length>{int(length)}</length>" if length is not None else "",
        w.optional("description", field.get("description")),
        w.coded("shareType", "share_type", field.get("share_type")),
        w.optional("shareCondition", field.get("share_condition")),
        w.coded("openType", "open_type", field.get("open_type")),
        w.optional("openCondition", field.get("open_condition")),
        f"<sensitive>{_bool(field.get('is_sensitive'))}</sensitive>",
        f"<secret>{_bool(field.get('is_secret'))}</secret>",
        f"<primaryKey>{_bool(field.get('is_primary_key'))}</primaryKey>",
        w.coded("identifierKind", "identifier_kind", field.get("identifier_kind")),
        "</field>",
    ))


def _share(w: _Writer, values: dict[str, Any]) -> str:
    return "".join((
        "<share>",
        w.coded("shareType", "share_type", values["share_type"]),
        w.optional("shareCondition", values.get("share_condition")),
        w.optional("shareBasis", values.get("share_basis")),
        w.coded("shareMethodClass", "share_method", values.get("share_method_class")),
        w.coded("shareMethodType", "share_method_type", values.get("share_method_type")),
        "</share>",
    ))


def _open(w: _Writer, values: dict[str, Any]) -> str:
    return ("<open>" + w.coded("openType", "open_type", values["open_type"])
            + w.optional("openCondition", values.get("open_condition"))
            + w.optional("openBasis", values.get("open_basis")) + "</open>")


def _extension(w: _Writer, values: dict[str, Any]) -> str:
    parts = [w.element("keyword", tag) for tag in values.get("tags") or () if str(tag).strip()]
    parts.append(w.coded("securityGrade", "security_grade", values.get("security_grade")))
    parts.append(w.optional("openTheme", values.get("open_theme")))
    body = "".join(parts)
    return f"<extension>{body}</extension>" if body else ""


def _resource(w: _Writer, entry: Entry) -> str:
    values = entry.values
    publish_date = values.get("publish_date")
    related = [code for code in values.get("related_codes") or () if str(code).strip()]
    return "".join((
        f'<resource status="{entry.status.value}" version="{int(entry.version)}">',
        _classification(w, values),                                     # 1 信息资源分类
        w.element("resTitle", values["name"]),                           # 2 信息资源名称
        w.element("resCode", entry.code),                                # 3 信息资源代码
        _provider(w, entry),                                             # 4, 5 提供方及其代码
        w.element("idAbs", values["summary"]),                           # 6 信息资源摘要
        _format(w, values),                                              # 7 信息资源格式
        f'<fields count="{len(entry.fields)}">',                         # 8 信息项信息
        *(_field(w, field) for field in entry.fields),
        "</fields>",
        _share(w, values),                                               # 9 共享属性
        _open(w, values),                                                # 10 开放属性
        w.coded("updateCycle", "update_cycle", values["update_cycle"]),  # 11 更新周期
        f"<pubDate>{publish_date.isoformat()}</pubDate>" if publish_date else "",  # 12 发布日期
        ("<relatedResources>" + "".join(w.element("resCode", c) for c in related) + "</relatedResources>"
         if related else ""),                                            # 13 关联资源代码
        _extension(w, values),
        "</resource>\n",
    ))


def _header(w: _Writer, job: ExportJob) -> str:
    selection, profile = job.selection, job.ctx.profile
    generated = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    statuses = "".join(w.element("status", s) for s in selection.statuses)
    return "".join((
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<catalog xmlns="{NAMESPACE}" formatVersion="1">\n',
        "<header>",
        w.element("standard", "GB/T 21063.3-2007"),
        w.element("elementSet", "政务信息资源目录编制指南（试行）发改高技〔2017〕1272号 核心元数据"),
        w.element("profile", profile.label, code=profile.name),
        w.element("generator", "Mulu"),
        f"<generatedAt>{generated}</generatedAt>",
        "<selection>", w.optional("org", selection.org_code), statuses,
        w.optional("class", selection.class_code), "</selection>",
        f"<public>{_bool(job.public)}</public>",
        "</header>\n<resources>\n",
    ))


def _encoded(chunks: Iterable[str]) -> bytes:
    return "".join(chunks).encode("utf-8")


def _write(job: ExportJob, out: BinaryIO) -> ExportResult:
    w = _Writer(job.ctx.profile)
    result = ExportResult()
    out.write(_encoded(_header(w, job)))
    for entry in entries(job):
        out.write(_encoded(_resource(w, entry)))
        result.items += 1
        result.fields += len(entry.fields)
    out.write(_encoded((
        "</resources>\n<summary>",
        f"<resourceCount>{result.items}</resourceCount><fieldCount>{result.fields}</fieldCount>",
        "</summary>\n</catalog>\n",
    )))
    if w.removed:
        result.extra["removed_characters"] = w.removed
    return result


register(ExportFormat("gbt21063-xml", N_("核心元数据（GB/T 21063.3 式 XML）"), ".xml", "application/xml", _write,
                      N_("每个条目一个 resource 元素，含 1272 号指南的 13 项核心元数据与信息项；结构见 exports/schemas/gbt21063.xsd")))
