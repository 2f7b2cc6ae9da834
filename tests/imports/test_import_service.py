"""Importing real-layout workbooks through the service: layouts, values, errors, updates, atomicity."""
from __future__ import annotations

import pytest
import xlwt
from openpyxl import load_workbook
from sqlalchemy import func, select

from workbooks import NATIONAL_HEADERS, national_rows, write_csv, write_xlsx
from factories import uscc
from registry.accounts.operations import create_user
from registry.catalog import operations as ops
from registry.catalog.models import CatalogItem, ItemChange, ItemStatus
from registry.core.context import Context
from registry.imports.models import ImportBatch, ImportOutcome
from registry.imports.operations import commit_import, plan_import


def items(session) -> dict[str, CatalogItem]:
    return {i.name: i for i in session.scalars(select(CatalogItem))}


def run(ctx, path, **kwargs):
    partial = kwargs.pop("partial", False)
    plan = plan_import(ctx, path, **kwargs)
    batch = commit_import(ctx, plan, partial=partial)
    return plan, batch


def messages(plan) -> list[str]:
    return [f"{p.sheet}!{p.column}{p.row} {p.message}" for p in plan.problems]


def test_national_layout_with_title_row_merged_cells_and_label_variants(ctx, orgs, national_xlsx):
    plan, batch = run(ctx, national_xlsx)
    assert plan.layout == "national" and plan.clean, messages(plan)
    assert (batch.created, batch.fields, batch.outcome) == (2, 5, ImportOutcome.COMMITTED)
    found = items(ctx.session)
    enterprise, penalty = found["企业登记信息"], found["行政处罚信息"]
    assert [f.name for f in enterprise.fields] == ["统一社会信用代码", "企业名称", "成立日期"]
    assert [(f.data_type, f.length) for f in enterprise.fields] == [("C", 18), ("C", 200), ("D", 8)]
    assert (enterprise.share_type.value, enterprise.update_cycle, enterprise.open_type.value) == ("unconditional", "daily", "unconditional")
    assert str(enterprise.publish_date) == "2024-01-01"  # Excel serial 45292
    assert enterprise.code.startswith("3074110101/")  # 项 7 typed as a number regains its leading zero
    assert (penalty.share_condition, penalty.open_type.value, str(penalty.publish_date)) == ("仅限执法部门使用", "not_open", "2024-03-01")


def test_same_workbook_again_changes_nothing(ctx, orgs, national_xlsx):
    run(ctx, national_xlsx)
    changes = ctx.session.scalar(select(func.count()).select_from(ItemChange))
    plan, batch = run(ctx, national_xlsx)
    assert (batch.created, batch.updated, batch.unchanged) == (0, 0, 2)
    assert ctx.session.scalar(select(func.count()).select_from(ItemChange)) == changes


def test_edited_workbook_updates_in_place_with_a_diff(ctx, orgs, tmp_path, national_xlsx):
    run(ctx, national_xlsx)
    before = items(ctx.session)["企业登记信息"]
    field_ids = [f.id for f in before.fields]
    rows = [NATIONAL_HEADERS, *national_rows(orgs.dept.name)]
    rows[1][15] = "每周"
    rows[2][19] = 300  # 企业名称 length
    plan, batch = run(ctx, write_xlsx(tmp_path / "改.xlsx", {"目录": rows}))
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 1)
    after = items(ctx.session)["企业登记信息"]
    assert after.id == before.id and after.update_cycle == "weekly" and after.fields[1].length == 300
    assert [f.id for f in after.fields] == field_ids
    change = ctx.session.scalars(select(ItemChange).where(ItemChange.item_id == after.id).order_by(ItemChange.id.desc())).first()
    assert change.diff["item"] == {"update_cycle": ["daily", "weekly"]}
    assert change.diff["fields"]["changed"] == [{"name": "企业名称", "changes": {"length": [200, 300]}}]
    assert change.reason == "导入 改.xlsx"


def test_import_onto_published_item_becomes_pending_change(ctx, orgs, tmp_path, national_xlsx):
    run(ctx, national_xlsx)
    published = items(ctx.session)["企业登记信息"]
    ops.publish_item(ctx, published)
    rows = [NATIONAL_HEADERS, *national_rows(orgs.dept.name)]
    rows[1][6] = "改过的摘要"
    plan, batch = run(ctx, write_xlsx(tmp_path / "改.xlsx", {"目录": rows}))
    assert batch.updated == 1, messages(plan)
    assert published.status is ItemStatus.CHANGE_PENDING and published.summary == "本市企业的登记信息。"


def test_two_sheet_layout_joined_by_name(ctx, orgs, tmp_path):
    catalog = [["信息资源名称", "提供单位", "资源摘要", "资源分类类", "项", "格式分类", "共享类型", "共享方式分类", "共享方式类型", "开放属性", "更新频率"],
               ["不动产登记信息", orgs.dept.code, "不动产权属登记。", "3", "07", "数据库", "无条件共享", "共享平台方式", "接口", "不予开放", "实时"]]
    fields = [["目录名称", "数据项名称", "字段类型", "长度", "描述"],
              ["不动产登记信息", "不动产单元号", "字符型", 28, "唯一编号"],
              ["不动产登记信息", "权利人", "字符型", 100, None]]
    plan, batch = run(ctx, write_xlsx(tmp_path / "两表.xlsx", {"目录": catalog, "信息项": fields}))
    assert plan.layout == "two_sheet" and plan.clean, messages(plan)
    item = items(ctx.session)["不动产登记信息"]
    assert [f.name for f in item.fields] == ["不动产单元号", "权利人"] and item.fields[0].description == "唯一编号"


def test_field_sheet_naming_an_unknown_item_is_a_row_error(ctx, orgs, tmp_path):
    catalog = [["信息资源名称", "提供单位", "资源摘要", "类", "项", "格式分类", "共享类型", "共享方式分类", "共享方式类型", "开放属性", "更新频率"],
               ["甲资源", orgs.dept.name, "摘要", "3", "07", "电子文件", "无条件共享", "共享平台方式", "文件", "不予开放", "每年"]]
    fields = [["信息资源名称", "信息项名称", "数据类型"], ["乙资源", "某字段", "C"]]
    plan, batch = run(ctx, write_xlsx(tmp_path / "错.xlsx", {"目录": catalog, "信息项": fields}))
    assert messages(plan) == ["信息项!A2 信息项所属的资源“乙资源”在目录表中不存在"]
    assert batch.outcome is ImportOutcome.REJECTED and items(ctx.session) == {}


def test_items_only_sheet_and_csv_in_utf8_and_gbk(ctx, orgs, tmp_path):
    rows = [["资源名称", "数据提供方", "摘要", "类", "项", "资源格式分类", "共享属性", "共享方式分类", "共享方式类型", "开放属性", "更新频度"],
            ["政策文件目录", orgs.dept.name, "本部门发布的政策文件。", 2, 1, "电子文件", "无条件共享", "共享平台方式", "文件", "无条件开放", "不定期更新"]]
    plan, batch = run(ctx, write_csv(tmp_path / "utf8.csv", rows))
    assert plan.layout == "items" and batch.created == 1, messages(plan)
    rows[1][0] = "会议纪要目录"
    plan, batch = run(ctx, write_csv(tmp_path / "gbk.csv", rows, encoding="gbk"))
    assert batch.created == 1 and "会议纪要目录" in items(ctx.session)
    assert items(ctx.session)["会议纪要目录"].update_cycle == "irregular"


def test_xls_workbook(ctx, orgs, tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("目录")
    rows = [NATIONAL_HEADERS, *national_rows(orgs.dept.name)]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.save(str(tmp_path / "old.xls"))
    plan, batch = run(ctx, tmp_path / "old.xls")
    assert plan.clean and batch.created == 2, messages(plan)


def test_every_rejected_row_says_where_and_how_to_fix(ctx, orgs, tmp_path):
    rows = [NATIONAL_HEADERS, *national_rows(orgs.dept.name)]
    rows[1][9] = "随便共享"           # unknown share type
    rows[4][10] = None               # conditional without condition
    rows[4][16] = "下个月"            # not a date
    rows[5][18] = "超长型"            # unknown data type
    plan, batch = run(ctx, write_xlsx(tmp_path / "错.xlsx", {"目录": rows}))
    assert sorted(messages(plan)) == sorted([
        "目录!J2 共享类型：“随便共享”不是本辖区允许的值；可选：无条件共享、有条件共享、不予共享",
        f"目录!K5 共享条件：有条件共享须写明共享条件（使用要求、申请条件）（依据：{ctx.profile.citation('share_condition_required')}）",
        "目录!Q5 发布日期：“下个月”不是有效日期；请写成 2024-03-01 的形式",
        "目录!S6 第2个信息项的数据类型：“超长型”不是本辖区允许的值；可选：字符型、数值型、货币型、日期型、日期时间型、逻辑型、备注型、通用型、双精度型、整型、浮点型",
    ])
    assert batch.outcome is ImportOutcome.REJECTED and (batch.created, batch.rejected) == (0, 2)
    assert items(ctx.session) == {}


def test_partial_import_keeps_the_valid_rows(ctx, orgs, tmp_path):
    rows = [NATIONAL_HEADERS, *national_rows(orgs.dept.name)]
    rows[4][9] = "随便共享"
    plan, batch = run(ctx, write_xlsx(tmp_path / "半.xlsx", {"目录": rows}), partial=True)
    assert (batch.created, batch.rejected, batch.outcome) == (1, 1, ImportOutcome.PARTIAL)
    assert set(items(ctx.session)) == {"企业登记信息"}


def test_duplicates_inside_the_file(ctx, orgs, tmp_path):
    rows = [NATIONAL_HEADERS, *national_rows(orgs.dept.name)]
    rows[4][4] = "企业登记信息"  # the second resource repeats the first's name
    plan, _ = run(ctx, write_xlsx(tmp_path / "重.xlsx", {"目录": rows}))
    assert messages(plan) == ["目录!G5 与第2行同名资源的“信息资源摘要”不一致：同名资源应合并填写，不同资源请改名"]
    coded = [["信息资源名称", "信息资源代码", "提供单位", "摘要", "类", "项", "目", "细目", "格式分类", "共享类型", "共享方式分类", "共享方式类型", "开放属性", "更新周期"]]
    for name in ("甲", "乙"):
        coded.append([name, "3074110101/000005", orgs.dept.name, "摘要", 3, 7, 411, "0101", "电子文件", "无条件共享", "共享平台方式", "文件", "不予开放", "每年"])
    plan, _ = run(ctx, write_xlsx(tmp_path / "码.xlsx", {"目录": coded}))
    assert messages(plan) == ["目录!B3 资源代码与第2行重复"]


def test_unknown_provider_and_compiler_scope(ctx, orgs, tmp_path):
    rows = [NATIONAL_HEADERS, *national_rows("不存在的局")]
    plan, _ = run(ctx, write_xlsx(tmp_path / "外.xlsx", {"目录": rows}))
    assert {p.message.split("：")[0] for p in plan.problems} == {"找不到机构“不存在的局”"}
    compiler = create_user(ctx, "bm", "compiler", orgs.other_dept.code, "Compile#2026")
    as_compiler = Context(ctx.session, ctx.profile, compiler)
    plan, batch = run(as_compiler, write_xlsx(tmp_path / "他.xlsx", {"目录": [NATIONAL_HEADERS, *national_rows(orgs.dept.name)]}))
    assert {p.message for p in plan.problems} == {"只能导入“南阳市公安局”的目录"}
    assert batch.created == 0


def test_whole_city_workbook_can_register_new_providers(ctx, orgs, tmp_path):
    headers = NATIONAL_HEADERS[:6] + ["信息资源提供方代码"] + NATIONAL_HEADERS[6:]
    new_code = uscc(77)
    rows = [headers]
    for provider, code in ((orgs.dept.name, None), ("南阳市林业局", new_code)):
        for row in national_rows(provider)[:3]:
            rows.append(row[:6] + [code if row[5] else None] + row[6:])
    rows[4][4] = "林业资源信息"  # distinct resource for the new provider (first row of its block)
    path = write_xlsx(tmp_path / "全市.xlsx", {"目录": rows})
    plan = plan_import(ctx, path)
    assert not plan.clean and "自动登记机构" in plan.problems[0].message
    plan, batch = run(ctx, path, create_orgs=True)
    assert plan.clean and batch.created == 2, messages(plan)
    assert items(ctx.session)["林业资源信息"].provider.code == new_code


def test_dry_run_writes_nothing(ctx, orgs, national_xlsx):
    plan = plan_import(ctx, national_xlsx)
    assert plan.summary()["created"] == 2
    assert items(ctx.session) == {} and ctx.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_annotated_report_marks_bad_cells(ctx, orgs, tmp_path):
    from importers.report import write_report

    rows = [NATIONAL_HEADERS, *national_rows(orgs.dept.name)]
    rows[1][9] = "+随便共享"
    path = write_xlsx(tmp_path / "错.xlsx", {"目录": rows})
    plan = plan_import(ctx, path)
    write_report(plan, path, tmp_path / "report.xlsx")
    book = load_workbook(tmp_path / "report.xlsx")
    assert book.sheetnames[0] == "导入结果"
    bad = book["目录"]["J2"]
    assert "不是本辖区允许的值" in bad.comment.text and bad.fill.fgColor.rgb.endswith("FFC7CE")
    summary = [[c.value for c in row] for row in book["导入结果"].iter_rows(min_row=5)]
    assert summary[0][:3] == ["目录", 2, "J"] and summary[0][3] == "'+随便共享"  # neutralised, not a formula


def test_file_level_problems_name_the_fix(ctx, orgs, tmp_path):
    from importers.sources import ImportFileError
    from openpyxl import Workbook

    cases = {}
    (tmp_path / "图片.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    cases["图片.xlsx"] = "无法识别的文件格式"
    (tmp_path / "空.xlsx").write_bytes(b"")
    cases["空.xlsx"] = "文件是空的"
    book = Workbook()
    book.active.append(["信息资源名称", "信息资源摘要"])
    book.active.append(["甲", "=A2&\"的摘要\""])
    book.save(tmp_path / "公式.xlsx")
    cases["公式.xlsx"] = "选择性粘贴为数值"
    for name, expected in cases.items():
        with pytest.raises(ImportFileError, match=expected):
            plan_import(ctx, tmp_path / name)


def test_hostile_values_are_row_errors_not_crashes(ctx, orgs, tmp_path):
    from importers.report import write_report
    from openpyxl import Workbook

    rows = [NATIONAL_HEADERS + ["提供方内部部门", "结构化信息记录总数"],
            *[row + [None, None] for row in national_rows(orgs.dept.name)]]
    rows[1][-2] = orgs.other_dept.name  # another department is no internal unit of this one
    rows[2][19] = 1e30                  # a field length no column can hold
    rows[4][-1] = "1e25"                # a record count beyond BIGINT
    path = write_csv(tmp_path / "a[b]:c.csv", rows)
    plan, batch = run(ctx, path)
    found = {p.message.split("：")[0]: p for p in plan.problems}
    assert set(found) == {"提供方内部部门", "第2个信息项的数据长度", "结构化信息记录总数"}, messages(plan)
    assert "不是“南阳市市场监督管理局”的内设机构" in found["提供方内部部门"].message
    assert "过大" in found["第2个信息项的数据长度"].message
    assert batch.created == 0
    write_report(plan, path, tmp_path / "report.xlsx")  # a CSV named with []: still gets its report
    book = Workbook()
    book.active.append(NATIONAL_HEADERS)
    for row in national_rows(orgs.dept.name):
        book.active.append(row)
    book.create_sheet("_mulu").append(["mulu-template", "abc"])  # a hand-edited version marker
    book["_mulu"].sheet_state = "hidden"
    book.save(tmp_path / "marker.xlsx")
    assert plan_import(ctx, tmp_path / "marker.xlsx").notes == []


def test_duplicates_across_sheets(ctx, orgs, tmp_path):
    rows = [["信息资源名称", "提供单位", "摘要", "类", "项", "格式分类", "共享类型", "共享方式分类", "共享方式类型", "开放属性", "更新频率"],
            ["重复的资源", orgs.dept.name, "摘要", "3", "07", "电子文件", "无条件共享", "共享平台方式", "文件", "不予开放", "每年"]]
    plan, batch = run(ctx, write_xlsx(tmp_path / "两表.xlsx", {"第一批": rows, "第二批": rows}))
    assert messages(plan) == ["第二批!A2 同一提供方的资源名称与工作表“第一批”第2行重复"]
    assert batch.created == 0
