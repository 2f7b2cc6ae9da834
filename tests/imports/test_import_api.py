"""``/api/v1/imports`` over real HTTP: a script uploads a workbook, dry run first, then commits."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from factories import make_org_tree
from live import seeded_office
from sqlalchemy import func, select
from workbooks import NATIONAL_HEADERS, national_rows, write_xlsx

from registry.accounts.operations import create_user
from registry.accounts.tokens import create_token
from registry.catalog.models import CatalogItem
from registry.core.db import unit_of_work

PASSWORD = "Daoru#2026x"
DEPT = "南阳市市场监督管理局"


def _seed(ctx) -> dict[str, str]:
    orgs = make_org_tree(ctx)
    tokens = {}
    for name, role, org in (("bianmu", "compiler", orgs.dept), ("zhuguan", "authority_admin", orgs.city),
                            ("shenhe", "city_reviewer", orgs.city)):
        user = create_user(ctx, name, role, org.code, PASSWORD)
        tokens[name] = create_token(ctx, user, "导入脚本")[1]
    return {**tokens, "dept": orgs.dept.code}


@pytest.fixture()
def office(tmp_path, fresh_database_url):
    with seeded_office(tmp_path / "instance", fresh_database_url, _seed) as (runtime, base, seeded):
        yield runtime, base, seeded


def call(base: str, path: str, token: str | None = None, fields: dict | None = None,
         upload: Path | None = None) -> tuple[int, dict]:
    """GET, or POST a multipart body (``fields`` and the file ``upload``), as curl -F does."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = None
    if fields is not None or upload is not None:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in (fields or {}).items()]
        if upload is not None:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{upload.name}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + upload.read_bytes() + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    request = urllib.request.Request(base + path, data=body, headers=headers, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def item_count(runtime) -> int:
    with unit_of_work(runtime.sessions, write=False) as session:
        return session.scalar(select(func.count()).select_from(CatalogItem))


def good_workbook(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "目录.xlsx", {"目录": [NATIONAL_HEADERS, *national_rows(DEPT)]})


def bad_workbook(tmp_path: Path) -> Path:
    """The first resource has a share type the jurisdiction does not know (cell J2); the second is fine."""
    rows = [NATIONAL_HEADERS, *national_rows(DEPT)]
    rows[1][9] = "随便共享"
    return write_xlsx(tmp_path / "错.xlsx", {"目录": rows})


def test_a_dry_run_checks_the_file_and_writes_nothing(office, tmp_path):
    runtime, base, seeded = office
    status, body = call(base, "/api/v1/imports", seeded["bianmu"], {}, good_workbook(tmp_path))
    assert status == 200, body
    assert (body["created"], body["updated"], body["unchanged"], body["rejected"], body["fields"]) == (2, 0, 0, 0, 5)
    assert body["errors"] == [] and body["dry_run"] and not body["written"] and body["batch"] is None
    assert body["mode"] == "dry-run" and body["layout"] == "national" and len(body["sha256"]) == 64
    assert item_count(runtime) == 0
    assert call(base, "/api/v1/imports", seeded["bianmu"])[1]["total"] == 0  # a dry run leaves no record


def test_commit_writes_the_items_and_records_the_batch(office, tmp_path):
    runtime, base, seeded = office
    workbook = good_workbook(tmp_path)
    status, body = call(base, "/api/v1/imports", seeded["bianmu"], {"mode": "commit"}, workbook)
    assert status == 200, body
    assert (body["created"], body["fields"], body["written"], body["dry_run"]) == (2, 5, True, False)
    assert item_count(runtime) == 2
    status, batch = call(base, body["links"]["batch"], seeded["bianmu"])
    assert status == 200 and batch["id"] == body["batch"] and batch["outcome"] == "committed"
    assert (batch["created"], batch["actor"], batch["filename"], batch["errors"]) == (2, "bianmu", "目录.xlsx", [])
    assert batch["organisation"]["name"] == DEPT
    # The same file again changes nothing.
    status, again = call(base, "/api/v1/imports", seeded["bianmu"], {"mode": "commit"}, workbook)
    assert status == 200 and (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    status, listed = call(base, "/api/v1/imports?per_page=1", seeded["bianmu"])
    assert status == 200 and listed["total"] == 2 and [b["id"] for b in listed["items"]] == [again["batch"]]
    assert "page=2" in listed["links"]["next"]
    status, everything = call(base, "/api/v1/imports", seeded["zhuguan"])
    assert status == 200 and everything["total"] == 2  # the authority sees every organisation's imports


def test_a_file_with_problems_is_refused_whole_with_the_row_errors(office, tmp_path):
    runtime, base, seeded = office
    status, body = call(base, "/api/v1/imports", seeded["bianmu"], {"mode": "commit"}, bad_workbook(tmp_path))
    assert status == 422, body
    assert body["code"] == "validation_error" and "未导入任何条目" in body["message"]
    assert [(e["field"], e["label"], e["value"]) for e in body["errors"]] == [("目录!J2", "目录 第2行 J列", "随便共享")]
    assert "随便共享" in body["errors"][0]["message"] and "不是本辖区允许的值" in body["errors"][0]["message"]
    assert item_count(runtime) == 0
    # The refusal is on record, as in the back office.
    status, listed = call(base, "/api/v1/imports", seeded["bianmu"])
    assert [b["outcome"] for b in listed["items"]] == ["rejected"]
    # A dry run of the same file answers 200 with the plan: what is wrong and what would happen.
    status, dry = call(base, "/api/v1/imports", seeded["bianmu"], {"mode": "dry-run"}, bad_workbook(tmp_path))
    assert status == 200 and (dry["created"], dry["rejected"]) == (1, 1) and dry["errors"][0]["column"] == "J"


def test_partial_imports_the_valid_entries_only(office, tmp_path):
    runtime, base, seeded = office
    status, body = call(base, "/api/v1/imports", seeded["bianmu"], {"mode": "partial"}, bad_workbook(tmp_path))
    assert status == 200, body
    assert (body["created"], body["rejected"], body["written"]) == (1, 1, True)
    assert body["errors"][0]["row"] == 2 and item_count(runtime) == 1
    assert call(base, body["links"]["batch"], seeded["bianmu"])[1]["outcome"] == "partial"


def test_the_authority_imports_for_an_organisation(office, tmp_path):
    _, base, seeded = office
    status, body = call(base, "/api/v1/imports", seeded["zhuguan"], {"mode": "commit", "org": seeded["dept"]},
                        good_workbook(tmp_path))
    assert status == 200 and body["created"] == 2, body
    assert call(base, "/api/v1/imports", seeded["bianmu"])[1]["total"] == 1  # the department sees it as its own
    status, body = call(base, "/api/v1/imports", seeded["zhuguan"], {"org": "没有这个机构"}, good_workbook(tmp_path))
    assert status == 422 and body["errors"][0]["field"] == "org"


def test_who_may_import_and_what_may_be_uploaded(office, tmp_path):
    runtime, base, seeded = office
    workbook = good_workbook(tmp_path)
    for path in ("/api/v1/imports", "/api/v1/imports/1"):
        status, body = call(base, path, seeded["shenhe"])
        assert status == 403 and body["code"] == "forbidden", path
    status, body = call(base, "/api/v1/imports", seeded["shenhe"], {"mode": "commit"}, workbook)
    assert status == 403 and "编目员" in body["message"]
    assert call(base, "/api/v1/imports", None, {"mode": "commit"}, workbook)[0] == 401
    status, body = call(base, "/api/v1/imports", seeded["bianmu"], {"org": seeded["dept"]}, workbook)
    assert status == 403 and "数据主管部门" in body["message"]  # compilers import for their own unit only
    text = tmp_path / "目录.txt"
    text.write_text("不是表格", encoding="utf-8")
    status, body = call(base, "/api/v1/imports", seeded["bianmu"], {}, text)
    assert status == 422 and body["errors"][0]["field"] == "file"
    broken = tmp_path / "坏.xlsx"
    broken.write_text("这不是表格", encoding="utf-8")
    status, body = call(base, "/api/v1/imports", seeded["bianmu"], {"mode": "commit"}, broken)
    assert status == 422 and "无法识别的文件格式" in body["message"]
    status, body = call(base, "/api/v1/imports", seeded["bianmu"], {"mode": "everything"}, workbook)
    assert status == 422 and body["errors"][0]["field"] == "mode"
    status, body = call(base, "/api/v1/imports", seeded["bianmu"], {"mode": "commit"})
    assert status == 422 and body["errors"][0]["field"] == "file"
    assert call(base, "/api/v1/imports/999", seeded["bianmu"])[0] == 404
    assert item_count(runtime) == 0


def test_the_upload_is_documented_as_multipart(office):
    _, base, _ = office
    _, spec = call(base, "/api/v1/openapi.json")
    operation = spec["paths"]["/api/v1/imports"]["post"]
    schema_ref = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert schema["properties"]["file"] == {**schema["properties"]["file"], "type": "string", "format": "binary"}
    assert schema["properties"]["mode"]["enum"] == ["dry-run", "commit", "partial"]
    assert {"200", "403", "422"} <= set(operation["responses"])
