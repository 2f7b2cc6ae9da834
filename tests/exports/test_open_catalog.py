"""The open-data catalog: only what the public may see, every cell checked, and an anonymous download."""
from __future__ import annotations

import io
import json

import pytest
from factories import entry, make_org_tree
from live import seeded_office
from openpyxl import load_workbook

from exports.base import Selection
from exports.service import run_export
from registry.catalog.operations import create_item, publish_item
from registry.core.context import Context

#: Text that must never leave the system through the open catalog.
SECRETS = ("敏感字段", "MINGAN", "涉密字段", "SHEMI", "不开放字段", "BUKAIFANG", "不予开放条目", "草稿条目", "不予开放的摘要")

OPEN_FIELDS = [
    {"name": "统一社会信用代码", "technical_name": "TYSHXYDM", "data_type": "C", "length": 18},
    {"name": "敏感字段", "technical_name": "MINGAN", "data_type": "C", "length": 18, "is_sensitive": True,
     "description": "敏感字段的描述"},
    {"name": "涉密字段", "technical_name": "SHEMI", "data_type": "C", "length": 18, "is_secret": True},
    {"name": "不开放字段", "technical_name": "BUKAIFANG", "data_type": "C", "length": 18, "open_type": "not_open"},
    {"name": "依申请字段", "technical_name": "YISHENQING", "data_type": "C", "length": 18, "open_type": "conditional",
     "open_condition": "实名申请"},
]


def _open_catalog(ctx: Context) -> dict:
    orgs = make_org_tree(ctx)
    orgs.dept.contact_phone, orgs.dept.contact_email = "0377-12345678", "data@nanyang.gov.cn"
    items = {
        "open": create_item(ctx, entry(orgs.dept, name="企业登记信息", open_theme="市场监管", tags=["企业", "登记"],
                                       open_records=1200, fields=OPEN_FIELDS)).item,
        "conditional": create_item(ctx, entry(orgs.other_dept, name="=危险公式开头", open_type="conditional",
                                              open_condition="注册用户申请", open_basis="《开放办法》第六条",
                                              format_class="spreadsheet", format_type="xlsx", share_method_type="file")).item,
        "closed": create_item(ctx, entry(orgs.other_dept, name="不予开放条目", open_type="not_open",
                                         summary="不予开放的摘要", open_basis="涉及个人隐私")).item,
    }
    for item in items.values():
        publish_item(ctx, item)
    create_item(ctx, entry(orgs.dept, name="草稿条目"))
    return {"orgs": orgs, **{k: item.code for k, item in items.items()}}


def _export(ctx: Context, name: str, **kwargs) -> tuple[bytes, object]:
    out = io.BytesIO()
    result = run_export(ctx, name, Selection(**kwargs), out, public=True)
    return out.getvalue(), result


def test_json_lists_only_open_published_items_and_only_their_open_fields(ctx):
    seeded = _open_catalog(ctx)
    data, result = _export(ctx, "open-catalog-json")
    records = json.loads(data)
    assert [r["code"] for r in records] == sorted([seeded["open"], seeded["conditional"]])
    assert result.items == 2 and result.fields == 2 + 3  # two of five fields, and the three factory fields
    by_code = {r["code"]: r for r in records}
    opened = by_code[seeded["open"]]
    assert [f["name"] for f in opened["fields"]] == ["统一社会信用代码", "依申请字段"]
    assert [f["position"] for f in opened["fields"]] == [1, 2]  # renumbered: no gaps hinting at withheld fields
    assert opened["fields"][1]["open_condition"] == "实名申请" and opened["fields"][0]["open_type"] == "unconditional"
    assert opened["open_theme"] == "市场监管" and opened["format"] == "数据库-oracle" and opened["tags"] == ["企业", "登记"]
    assert opened["open_type_label"] == "无条件开放" and opened["update_cycle_label"] == "每日"
    assert opened["provider"]["name"] == "南阳市市场监督管理局" and opened["publish_date"] and opened["updated_date"]
    conditional = by_code[seeded["conditional"]]
    assert conditional["open_type"] == "conditional" and conditional["open_condition"] == "注册用户申请"
    text = data.decode()
    for secret in SECRETS:
        assert secret not in text


def test_workbook_has_no_closed_item_or_field_in_any_cell(ctx):
    seeded = _open_catalog(ctx)
    data, result = _export(ctx, "open-catalog-xlsx")
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames == ["开放目录", "数据项"]
    items = list(workbook["开放目录"].iter_rows(values_only=True))
    fields = list(workbook["数据项"].iter_rows(values_only=True))
    header = items[0]
    assert {"数据领域", "摘要", "数据项", "数据格式", "开放类型", "开放条件", "更新频度", "提供单位", "发布日期", "更新日期"} <= set(header)
    assert result.items == len(items) - 1 == 2 and result.fields == len(fields) - 1 == 5
    for row in items[1:] + fields[1:]:
        for cell in row:
            assert not any(secret in str(cell) for secret in SECRETS), cell
    rows = {row[0]: dict(zip(header, row)) for row in items[1:]}
    assert rows[seeded["open"]]["数据项"] == "统一社会信用代码、依申请字段"
    assert rows[seeded["open"]]["联系电话"] == "0377-12345678" and rows[seeded["open"]]["数据量（条）"] == 1200
    assert rows[seeded["conditional"]]["数据集名称"] == "'=危险公式开头"  # neutralised for spreadsheets
    assert rows[seeded["conditional"]]["开放类型"] == "有条件开放" and rows[seeded["conditional"]]["数据格式"] == "电子表格-xlsx"
    assert {row[3] for row in fields[1:]} == {"统一社会信用代码", "依申请字段", "企业名称", "成立日期"}


def test_signed_in_export_still_leaves_out_drafts(ctx):
    _open_catalog(ctx)
    out = io.BytesIO()
    run_export(ctx, "open-catalog-json", Selection(statuses=("published", "draft")), out)  # as the system
    assert "草稿条目" not in out.getvalue().decode() and len(json.loads(out.getvalue())) == 2


def test_fuzhou_labels_its_open_types(session):
    from registry.profiles import load_profile

    ctx = Context(session=session, profile=load_profile("fuzhou"))
    _open_catalog(ctx)
    records = json.loads(_export(ctx, "open-catalog-json")[0])
    assert {r["open_type_label"] for r in records} == {"普遍开放", "授权开放"}


@pytest.fixture()
def site(tmp_path, fresh_database_url):
    with seeded_office(tmp_path / "instance", fresh_database_url, _open_catalog) as (_, base, seeded):
        yield base, seeded


def test_anyone_downloads_the_open_catalog_without_signing_in(site):
    import requests

    base, seeded = site
    response = requests.get(base + "/api/v1/exports/open-catalog-json", params={"status": ["published", "draft"]}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    assert "mulu-open-catalog-json.json" in response.headers["Content-Disposition"]
    assert sorted(r["code"] for r in response.json()) == sorted([seeded["open"], seeded["conditional"]])
    for secret in SECRETS:
        assert secret not in response.text
    listed = {f["name"]: f for f in requests.get(base + "/api/v1/exports", timeout=30).json()}
    assert listed["open-catalog-json"]["public"] and listed["open-catalog-xlsx"]["public"]
