"""The report package: a zip the receiving platform can verify file by file."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime

from exports.base import FORMATS, Selection
from exports.formats.package import CHECKSUMS, MANIFEST
from exports.service import run_export
from registry.demo.generator import org_tree
from registry.demo.loader import load_demo


def _package(ctx, selection: Selection | None = None, **kwargs) -> tuple[zipfile.ZipFile, object]:
    out = io.BytesIO()
    result = run_export(ctx, "report-package", selection or Selection(), out, **kwargs)
    return zipfile.ZipFile(io.BytesIO(out.getvalue())), result


def _verify(archive: zipfile.ZipFile, read=None) -> list[str]:
    """What ``sha256sum -c SHA256SUMS`` would report as failed."""
    read = read or archive.read
    failed = []
    for line in archive.read(CHECKSUMS).decode().splitlines():
        digest, name = line.split("  ", 1)
        if hashlib.sha256(read(name)).hexdigest() != digest:
            failed.append(name)
    return failed


def test_the_package_holds_the_workbook_the_xml_a_manifest_and_checksums_that_verify(ctx):
    load_demo(ctx, items=60, seed=1)
    reported: list[int] = []
    archive, result = _package(ctx, progress_for=lambda total: reported.append)
    names = archive.namelist()
    assert names[0] == "national-catalog.xlsx" and names[-2:] == [MANIFEST, CHECKSUMS]
    if "gbt21063-xml" in FORMATS:
        assert "gbt21063.xml" in names
    listed = [line.split("  ", 1)[1] for line in archive.read(CHECKSUMS).decode().splitlines()]
    assert listed == [n for n in names if n != CHECKSUMS]  # every other file
    assert _verify(archive) == []

    manifest = json.loads(archive.read(MANIFEST))
    assert manifest["profile"]["name"] == "national" and manifest["profile"]["label"] == ctx.profile.label
    city = org_tree()[0]
    assert manifest["organisation"] == {"code": city.code, "name": city.name, "whole_catalog": True}
    utc = datetime.fromisoformat(manifest["generated_at"]["utc"])
    assert datetime.fromisoformat(manifest["generated_at"]["local"]) == utc
    assert manifest["generated_at"]["local"].endswith("+08:00")
    files = {f["file"]: f for f in manifest["files"]}
    assert set(files) == set(names) - {MANIFEST, CHECKSUMS}
    for name, entry in files.items():
        assert entry["items"] == result.items and entry["fields"] == result.fields and entry["version"]
        assert entry["bytes"] == archive.getinfo(name).file_size
        assert entry["sha256"] == hashlib.sha256(archive.read(name)).hexdigest()
    assert reported and reported[-1] == result.items and reported == sorted(reported)  # one bar, to the end


def test_a_tampered_member_fails_verification(ctx):
    load_demo(ctx, items=20, seed=2)
    archive, _ = _package(ctx)
    # A receiver gets a package whose workbook was altered on the way: only that file fails.
    forged = io.BytesIO()
    with zipfile.ZipFile(forged, "w") as copy:
        for name in archive.namelist():
            data = archive.read(name)
            copy.writestr(name, data[:-1] + bytes([data[-1] ^ 1]) if name == "national-catalog.xlsx" else data)
    assert _verify(zipfile.ZipFile(forged)) == ["national-catalog.xlsx"]
    # Any other member changed by a single bit fails too.
    def flipped(name: str) -> bytes:
        data = archive.read(name)
        return data[:-1] + bytes([data[-1] ^ 1])

    assert _verify(archive, flipped) == [n for n in archive.namelist() if n != CHECKSUMS]


def test_the_manifest_names_the_selected_organisation(ctx):
    load_demo(ctx, items=60, seed=3)
    department = next(o for o in org_tree() if o.level == "department")
    archive, result = _package(ctx, Selection(org_code=department.code))
    manifest = json.loads(archive.read(MANIFEST))
    assert manifest["organisation"] == {"code": department.code, "name": department.name, "whole_catalog": False}
    assert manifest["items"] == result.items and all(f["items"] == result.items for f in manifest["files"])
    assert _verify(archive) == []
