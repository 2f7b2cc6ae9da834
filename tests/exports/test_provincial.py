"""Provincial workbooks declared in exports/mappings/*.yaml: what a province's clerk opens in Excel."""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from factories import entry, make_org_tree

from exports.base import FORMATS, ExportJob, Selection
from exports.formats.provincial import MAPPING_DIR, load_mapping, load_mappings
from exports.service import load_formats, run_export
from registry.catalog.operations import create_item, publish_item
from registry.core.errors import ConfigError


def _catalog(ctx) -> dict:
    orgs = make_org_tree(ctx)
    orgs.dept.contact_name, orgs.dept.contact_phone = "张三", "0377-12345678"
    shared = create_item(ctx, entry(orgs.dept, subject="natural_person", security_grade="important",
                                    summary="=SUM(A1:A9) 摘要以等号开头")).item
    shared.fields[1].is_sensitive = True
    closed = create_item(ctx, entry(
        orgs.other_dept, name="案件线索", share_type="not_shared", share_basis="《保密法》第九条",
        share_method_class=None, share_method_type=None, open_type="not_open",
        fields=[{"name": "线索编号", "data_type": "C", "length": 32}],
    )).item
    for item in (shared, closed):
        publish_item(ctx, item)
    ctx.session.flush()
    return {"shared": shared, "closed": closed}


def _export(ctx, name: str) -> openpyxl.Workbook:
    out = io.BytesIO()
    run_export(ctx, name, Selection(), out)
    out.seek(0)
    return openpyxl.load_workbook(out)


def _rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_every_shipped_mapping_is_registered():
    load_formats()
    names = {m.name for m in load_mappings()}
    assert {"city-catalog-xlsx", "sichuan-xlsx"} <= names
    assert all(FORMATS[n].suffix == ".xlsx" for n in names)


def test_city_template_two_sheets_linked_by_code(ctx):
    seeded = _catalog(ctx)
    book = _export(ctx, "city-catalog-xlsx")
    assert book.sheetnames == ["目录", "信息项"]
    mapping = load_mapping(MAPPING_DIR / "city-catalog-xlsx.yaml")
    for ws, sheet in zip(book.worksheets, mapping.sheets):
        assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
    items = {row["目录代码"]: row for row in _rows(book["目录"])}
    fields = _rows(book["信息项"])
    assert set(items) == {seeded["shared"].code, seeded["closed"].code}
    # Linkage: every 信息项 row names an item of the 目录 sheet, and each item has its fields.
    assert {f["目录代码"] for f in fields} == set(items)
    assert [f["业务名称"] for f in fields if f["目录代码"] == seeded["shared"].code] == ["统一社会信用代码", "企业名称", "成立日期"]
    shared, closed = items[seeded["shared"].code], items[seeded["closed"].code]
    assert (shared["目录名称"], shared["目录提供方"], shared["共享属性"]) == ("企业登记信息", "南阳市市场监督管理局", "无条件共享")
    # Vocabulary translation into the template's wording.
    assert (shared["所属主题"], shared["数据分级"], shared["是否上线"]) == ("人", "重要数据", "是")
    assert closed["共享条件/不予共享依据"] == "《保密法》第九条" and closed["开放属性"] == "不予开放"
    assert shared["挂接资源名称"] is None  # no data in our model: left empty
    first, second = [f for f in fields if f["目录代码"] == seeded["shared"].code][:2]
    assert (first["序号"], first["数据类型"], first["数据长度"], first["是否主键"]) == (1, "字符型", 18, "是")
    assert (first["敏感属性"], second["敏感属性"], second["涉密属性"]) == ("非敏感", "敏感", "非涉密")
    assert first["共享属性"] == "无条件共享"  # field without its own share type takes the item's


def test_sichuan_template_one_row_per_field_with_merged_item_cells(ctx):
    seeded = _catalog(ctx)
    ws = _export(ctx, "sichuan-xlsx").active
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["序号", "类", "项"] and "共享咨询主管部门联系人" in headers and "所属系统" in headers
    rows = _rows(ws)
    assert len(rows) == 4  # three fields + one
    first = rows[0]
    assert (first["信息资源代码"], first["信息资源名称"], first["信息项名称"]) == (seeded["shared"].code, "企业登记信息", "统一社会信用代码")
    assert (first["是否向社会开放"], first["共享咨询主管部门联系人"], first["共享咨询联系电话"]) == ("是", "张三", "0377-12345678")
    assert first["信息资源摘要"] == "'=SUM(A1:A9) 摘要以等号开头"  # formula neutralised
    assert first["类目名称"] == "省(自治区、直辖市)及其下各级政务部门"
    assert first["信息资源涉密性"] is None  # no data in our model: left empty
    assert rows[1]["信息资源名称"] is None and rows[1]["信息项名称"] == "企业名称"  # merged: value on the first row only
    letter = openpyxl.utils.get_column_letter(headers.index("信息资源名称") + 1)
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"{letter}2:{letter}4" in merged and not any(r.startswith(f"{letter}5") for r in merged)  # one-field item
    last = rows[3]
    assert (last["序号"], last["信息资源名称"], last["是否向社会开放"], last["共享类型"]) == (2, "案件线索", "否", "不予共享")


def test_one_sheet_mapping_can_repeat_item_cells(ctx, tmp_path):
    seeded = _catalog(ctx)
    text = (MAPPING_DIR / "sichuan-xlsx.yaml").read_text(encoding="utf-8")
    path = _write(tmp_path, "repeated-xlsx", text.replace("name: sichuan-xlsx", "name: repeated-xlsx")
                  .replace("item_cells: merge", "item_cells: repeat"))
    out = io.BytesIO()
    load_mapping(path).export_format().write(ExportJob(ctx, Selection()), out)
    ws = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    rows = _rows(ws)
    assert not ws.merged_cells.ranges
    assert [(r["序号"], r["信息资源代码"], r["信息项名称"]) for r in rows[:2]] == [
        (1, seeded["shared"].code, "统一社会信用代码"), (1, seeded["shared"].code, "企业名称")]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_source_names_the_file_and_column(tmp_path):
    path = _write(tmp_path, "broken-xlsx", """
label: 坏映射
layout: one-sheet
sheets:
  - name: 目录
    columns:
      - {header: 信息资源名称, source: name}
      - {header: 资源负责人, source: provider.boss}
""")
    with pytest.raises(ConfigError) as exc:
        load_mapping(path)
    message = str(exc.value)
    assert "broken-xlsx.yaml" in message and "第 2 列“资源负责人”" in message and "provider.boss" in message


@pytest.mark.parametrize("body, expected", [
    ("layout: three-sheet\nsheets: []", "layout"),
    (("layout: two-sheet\nsheets:\n  - {name: 目录, columns: [{header: 名称, source: field.name}]}\n"
      "  - {name: 信息项, columns: [{header: 名称, source: field.name}]}"), "不能取信息项元素"),
    ("layout: one-sheet\nsheets:\n  - {name: 表, columns: [{header: 类型, source: share_type, translate: nope}]}", "未定义的译名表“nope”"),
    ("layout: one-sheet\nsheets:\n  - {name: 表, columns: [{header: 类型, sourse: share_type}]}", "未知的设置 sourse"),
])
def test_other_mapping_mistakes_are_refused_clearly(tmp_path, body, expected):
    path = _write(tmp_path, "bad", "label: 坏映射\n" + body)
    with pytest.raises(ConfigError, match=expected):
        load_mapping(path)
