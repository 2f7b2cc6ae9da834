"""The report package sent up to the province or the state: one zip a receiver can check.

It holds the national workbook, the GB/T 21063 XML (when that format is
installed), ``manifest.json`` (who, which profile, what each file counts, when,
which format versions) and ``SHA256SUMS`` over every other member, so
``sha256sum -c SHA256SUMS`` in the unpacked folder verifies the lot.

Each member is written to a temporary file first, then streamed into the zip
while its checksum is taken: memory stays flat however large the catalog.
"""
from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select

from exports.base import FORMATS, ExportFormat, ExportJob, ExportResult, register
from registry.core.i18n import N_
from registry.core.localtime import LOCAL_ZONE
from registry.orgs.models import Organisation

PACKAGE_VERSION = "1"
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class Member:
    """A file of the package and the format that writes it."""

    filename: str
    format_name: str


#: What the package holds, in order; a format that is not installed is left out (and the manifest says so).
MEMBERS = (Member("national-catalog.xlsx", "national-xlsx"), Member("gbt21063.xml", "gbt21063-xml"))


def format_version(fmt: ExportFormat) -> str | None:
    """A format's version as its module declares it (``FORMAT_VERSION``, or an XML namespace that carries one)."""
    module = sys.modules.get(fmt.write.__module__)
    return getattr(module, "FORMAT_VERSION", None) or getattr(module, "NAMESPACE", None)


def _organisation(job: ExportJob) -> dict[str, Any]:
    """The selection's organisation, or the whole city (the root of the tree)."""
    session, code = job.ctx.session, job.selection.org_code
    query = select(Organisation).where(Organisation.code == code.strip().upper()) if code else \
        select(Organisation).where(Organisation.parent_id.is_(None)).order_by(Organisation.id).limit(1)
    org = session.scalar(query)
    return {"code": org.code, "name": org.name, "whole_catalog": not code} if org else {"whole_catalog": not code}


def _sub_job(job: ExportJob, index: int, parts: int) -> ExportJob:
    """The job for one member; its progress is folded into the package's, so a bar runs once to the end."""
    progress: Callable[[int], None] | None = None
    if job.progress:
        report, total = job.progress, job.total
        progress = lambda done: report((index * total + done) // parts)
    return ExportJob(job.ctx, job.selection, public=job.public, progress=progress, total=job.total)


def _add(archive: zipfile.ZipFile, name: str, source: BinaryIO) -> tuple[str, int]:
    """Stream a file into the zip; its SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    info = zipfile.ZipInfo(name, _now_tuple())
    info.external_attr = 0o644 << 16  # rw-r--r-- when unpacked
    # A workbook is a zip already: deflating it again costs time and saves nothing.
    info.compress_type = zipfile.ZIP_STORED if name.endswith(".xlsx") else zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        while chunk := source.read(_COPY_CHUNK):
            digest.update(chunk)
            member.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _add_bytes(archive: zipfile.ZipFile, name: str, data: bytes) -> str:
    info = zipfile.ZipInfo(name, _now_tuple())
    info.external_attr = 0o644 << 16  # rw-r--r-- when unpacked
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)
    return hashlib.sha256(data).hexdigest()


def _now_tuple() -> tuple[int, int, int, int, int, int]:
    return datetime.now(LOCAL_ZONE).timetuple()[:6]


def write_package(job: ExportJob, out: BinaryIO) -> ExportResult:
    generated = datetime.now(UTC).replace(microsecond=0)
    members = [(m, FORMATS[m.format_name]) for m in MEMBERS if m.format_name in FORMATS]
    files: list[dict[str, Any]] = []
    sums: list[tuple[str, str]] = []
    result = ExportResult()
    with tempfile.TemporaryDirectory(prefix="mulu-package-") as tmpdir, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for index, (member, fmt) in enumerate(members):
            path = Path(tmpdir) / member.filename
            with path.open("w+b") as handle:
                written = fmt.write(_sub_job(job, index, len(members)), handle)
                handle.seek(0)
                sha256, size = _add(archive, member.filename, handle)
            path.unlink()
            sums.append((sha256, member.filename))
            files.append({"file": member.filename, "format": fmt.name, "label": str(fmt.label),
                          "media_type": fmt.media_type, "version": format_version(fmt),
                          "items": written.items, "fields": written.fields, "bytes": size, "sha256": sha256})
            result.items, result.fields = max(result.items, written.items), max(result.fields, written.fields)
        manifest = _manifest(job, generated, files, [m.format_name for m in MEMBERS if m.format_name not in FORMATS])
        sums.append((_add_bytes(archive, MANIFEST, manifest), MANIFEST))
        _add_bytes(archive, CHECKSUMS, "".join(f"{digest}  {name}\n" for digest, name in sums).encode())
    result.extra["files"] = [f["file"] for f in files]
    return result


def _manifest(job: ExportJob, generated: datetime, files: list[dict[str, Any]], missing: list[str]) -> bytes:
    profile, selection = job.ctx.profile, job.selection
    manifest = {
        "package": "mulu-report-package", "package_version": PACKAGE_VERSION,
        "organisation": _organisation(job),
        "profile": {"name": profile.name, "label": profile.label, "regulation": profile.regulation},
        "selection": {"org": selection.org_code, "statuses": list(selection.statuses), "class": selection.class_code},
        "generated_at": {"utc": generated.isoformat().replace("+00:00", "Z"),
                         "local": generated.astimezone(LOCAL_ZONE).isoformat(), "zone": str(LOCAL_ZONE)},
        "items": job.total,
        "files": files,
        "formats_not_installed": missing,
        "checksums": {"file": CHECKSUMS, "algorithm": "SHA-256", "verify": f"sha256sum -c {CHECKSUMS}"},
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()


register(ExportFormat("report-package", N_("上报数据包（ZIP）"), ".zip", "application/zip", write_package,
                      N_("国家目录填报表、GB/T 21063 XML、清单（manifest.json）和 SHA256SUMS 校验文件")))
