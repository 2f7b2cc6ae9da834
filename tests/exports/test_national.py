"""The national fill-in workbook: what a compiler downloads reads back into Mulu without loss."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from factories import entry
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from exports.base import Selection
from exports.formats.national import DATA_SHEET, columns
from exports.service import run_export
from registry.catalog.models import CatalogItem, ItemStatus
from registry.catalog.operations import create_item, entry_values
from registry.catalog.schema import FIELD_ELEMENTS, ITEM_ELEMENTS
from registry.core.calendar import seed_calendar
from registry.core.context import Context
from registry.core.db import make_engine
from registry.core.migrate import upgrade
from registry.demo.generator import org_tree
from registry.demo.loader import load_demo
from registry.imports.operations import commit_import, plan_import
from registry.orgs.models import Organisation
from registry.orgs.operations import create_org
from registry.profiles import load_profile

ITEMS = 300


def _comparable(item: CatalogItem) -> dict:
    """Every element and every field's elements, organisations by code."""
    values = entry_values(item)
    out = {spec.key: values.get(spec.key) for spec in ITEM_ELEMENTS}
    out["provider"] = values["provider"].code
    out["provider_unit"] = values["provider_unit"].code if values.get("provider_unit") else None
    out["fields"] = [{"position": f["position"], **{spec.key: f.get(spec.key) for spec in FIELD_ELEMENTS}}
                     for f in values["fields"]]
    return out


@pytest.fixture()
def empty_database(fresh_database_url, profile_name) -> Iterator[Context]:
    """Another, empty database with only the demo city's organisations registered."""
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        seed_calendar(session)
        ctx = Context(session=session, profile=load_profile(profile_name))
        orgs: dict[str, Organisation] = {}
        for spec in org_tree():
            orgs[spec.code] = create_org(ctx, {**spec.as_data(), "parent": orgs[spec.parent] if spec.parent else None})
        yield ctx
    engine.dispose()


def _export(ctx: Context, selection: Selection | None = None, **kwargs) -> tuple[bytes, object]:
    out = io.BytesIO()
    result = run_export(ctx, "national-xlsx", selection or Selection(), out, **kwargs)
    return out.getvalue(), result


@pytest.mark.parametrize("profile_name", ["national", "fuzhou_jx"])
def test_the_workbook_imports_into_an_empty_catalog_without_loss(ctx, empty_database, tmp_path):
    load_demo(ctx, items=ITEMS, seed=1)
    data, result = _export(ctx)
    published = list(ctx.session.scalars(select(CatalogItem).where(
        CatalogItem.status.in_([ItemStatus.PUBLISHED, ItemStatus.CHANGE_PENDING])).order_by(CatalogItem.code)))
    assert result.items == len(published) > ITEMS // 2
    assert result.fields == sum(len(i.fields) for i in published)
    path = tmp_path / "国家目录.xlsx"
    path.write_bytes(data)

    plan = plan_import(empty_database, path)
    assert plan.layout == "national" and plan.clean, plan.problems[:5]
    assert plan.count("create") == result.items and plan.fields == result.fields
    commit_import(empty_database, plan)
    imported = {i.code: i for i in empty_database.session.scalars(select(CatalogItem))}
    assert sorted(imported) == [i.code for i in published]  # codes preserved
    for item in published:
        assert _comparable(imported[item.code]) == _comparable(item), item.code


def test_resource_cells_are_merged_down_their_field_rows(ctx):
    load_demo(ctx, items=40, seed=2)
    data, _ = _export(ctx)
    sheet = load_workbook(io.BytesIO(data))[DATA_SHEET]
    cols = columns()
    headers = [c.value for c in sheet[1]]
    assert headers[:8] == ["序号", "*类", "*项", "目", "细目", "关联业务事项", "*信息资源名称", "信息资源代码"]
    assert {"信息项名称", "数据类型", "数据长度", "数据存储总量", "结构化信息记录总数", "已共享的数据存储量",
            "已共享的结构化记录数", "已开放的数据存储量", "已开放的结构化记录数"} <= set(headers)
    assert sheet.freeze_panes == "A2" and sheet.max_row == 1 + sum(max(1, n) for n in _field_counts(ctx))
    merged = {str(r) for r in sheet.merged_cells.ranges}
    first = sheet.cell(2, headers.index("*信息资源名称") + 1).value
    item = ctx.session.scalar(select(CatalogItem).where(CatalogItem.name == first))
    span = len(item.fields)
    item_columns = [i for i, c in enumerate(cols) if c.level == "item"]
    assert all(f"{_letter(i)}2:{_letter(i)}{1 + span}" in merged for i in item_columns)
    assert len(merged) == len(item_columns) * sum(1 for n in _field_counts(ctx) if n > 1)
    names = [sheet.cell(r, headers.index("信息项名称") + 1).value for r in range(2, 2 + span)]
    assert names == [f.name for f in item.fields]
    share = sheet.cell(2, headers.index("*共享类型") + 1).value
    assert share == ctx.profile.vocab("share_type").label(item.share_type.value)  # the profile's label


def _field_counts(ctx: Context) -> list[int]:
    items = ctx.session.scalars(select(CatalogItem).where(CatalogItem.status.in_([ItemStatus.PUBLISHED, ItemStatus.CHANGE_PENDING])))
    return [len(i.fields) for i in items]


def _letter(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(index)


def test_formula_looking_text_stays_plain_text_and_reads_back_unchanged(ctx, empty_database, tmp_path):
    load_demo(ctx, items=10, seed=3)
    provider = ctx.session.scalar(select(Organisation).where(Organisation.code == next(o.code for o in org_tree() if o.level == "department")))
    data = entry(provider, name='=HYPERLINK("http://evil","点击")', summary="@SUM(A1:A9)")
    data["fields"][1]["description"] = "-1+2"
    item = create_item(ctx, data).item
    path = tmp_path / "out.xlsx"
    path.write_bytes(_export(ctx, Selection(statuses=("draft",)))[0])

    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")  # no formula anywhere
    sheet = load_workbook(path)[DATA_SHEET]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in cells} >= {'=HYPERLINK("http://evil","点击")', "@SUM(A1:A9)", "-1+2"}
    assert all(c.quotePrefix for c in cells)  # Excel's own “'”: shown as text, still text when edited

    plan = plan_import(empty_database, path)
    assert plan.clean, plan.problems[:5]
    commit_import(empty_database, plan)
    back = empty_database.session.scalar(select(CatalogItem).where(CatalogItem.code == item.code))
    assert back.name == '=HYPERLINK("http://evil","点击")' and back.summary == "@SUM(A1:A9)"
    assert back.fields[1].description == "-1+2"


def test_filters_and_progress(ctx):
    load_demo(ctx, items=60, seed=4)
    published = list(ctx.session.scalars(select(CatalogItem).where(
        CatalogItem.status.in_([ItemStatus.PUBLISHED, ItemStatus.CHANGE_PENDING]))))
    department = max({i.provider.department for i in published}, key=lambda o: sum(i.provider.department is o for i in published))
    reported: list[tuple[int, int]] = []
    data, result = _export(ctx, Selection(org_code=department.code),
                           progress_for=lambda total: lambda done: reported.append((total, done)))
    expected = [i for i in published if i.provider.department is department]
    assert result.items == len(expected) > 0
    assert reported and reported[-1] == (len(expected), len(expected))
    sheet = load_workbook(io.BytesIO(data))[DATA_SHEET]
    headers = [c.value for c in sheet[1]]
    providers = {sheet.cell(r, headers.index("信息资源提供方代码") + 1).value for r in range(2, sheet.max_row + 1)} - {None}
    assert providers <= {o.code for o in ctx.session.scalars(select(Organisation))
                         if o.id == department.id or o.parent_id == department.id}

    data, result = _export(ctx, Selection(class_code="1"))
    assert result.items == sum(1 for i in published if i.class_code == "1")
    sheet = load_workbook(io.BytesIO(data))[DATA_SHEET]
    assert {sheet.cell(r, 2).value for r in range(2, sheet.max_row + 1)} <= {"1", None}
