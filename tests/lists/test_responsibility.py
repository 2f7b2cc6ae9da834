"""The responsibility list follows the published catalog: publish, change, retire; drafts and proposals never show."""
from __future__ import annotations

import csv
import io

import pytest
from factories import entry
from lists_world import make_world, publish
from openpyxl import load_workbook

from registry.catalog.models import ChangeState, ItemStatus
from registry.catalog.operations import (
    create_item,
    pending_changes,
    retire_item,
    update_item,
)
from registry.core.context import Context
from registry.core.errors import ValidationError
from registry.lists.responsibility import (
    duties,
    scope_for,
    stamp,
    summary,
)
from registry.lists.responsibility_export import write_csv, write_xlsx
from registry.review.operations import approve, current_step


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


def _codes(ctx, org_code=None):
    return [d.code for d in duties(ctx, scope_for(ctx, org_code), limit=500)]


def test_a_department_list_holds_its_published_items_with_fields_cycle_source_and_contact(ctx, world):
    orgs = world.people.orgs
    scope = scope_for(ctx, orgs.unit.code)  # an internal unit stands for its department
    assert scope.org.id == orgs.dept.id
    [duty] = duties(ctx, scope)
    assert (duty.code, duty.name, duty.unit, duty.update_cycle, duty.source_system) == (
        world.licences.code, "企业登记信息", "登记注册科", "daily", "企业登记系统")
    assert [f.name for f in duty.fields] == ["统一社会信用代码", "企业名称", "成立日期"]
    assert {f.share_type for f in duty.fields} == {"unconditional"}  # a field without its own attribute takes the item's
    [row] = [r for r in summary(ctx, scope_for(ctx, None)) if r["department"].id == orgs.dept.id]
    assert (row["items"], row["department"].contact_phone) == (1, "0377-6312345")


def test_whole_city_list_rolls_units_into_departments_and_never_shows_drafts(ctx, world):
    assert _codes(ctx) == sorted([world.licences.code, world.residents.code])
    assert world.draft.code not in _codes(ctx, world.people.orgs.other_dept.code)
    by_dept = {r["department"].name: r["items"] for r in summary(ctx, scope_for(ctx, None))}
    assert by_dept == {"南阳市市场监督管理局": 1, "南阳市公安局": 1}
    with pytest.raises(ValidationError, match="没有代码为"):
        scope_for(ctx, "NOPE")


def test_list_changes_when_an_item_is_published_changed_and_retired(ctx, world):
    system = Context(session=ctx.session, profile=ctx.profile)
    city = scope_for(ctx, None)
    before = stamp(ctx, city)

    new = publish(ctx, create_item(system, entry(world.people.orgs.other_dept, name="出入境证件信息", category_code="414")).item)
    published = stamp(ctx, city)
    assert new.code in _codes(ctx) and published.version != before.version and published.items == before.items + 1
    assert published.as_of >= before.as_of

    # A proposed change waits for review: the list keeps the published version, and its version stays.
    update_item(system, new, {"name": "出入境证件办理信息", "update_cycle": "weekly"}, reason="职能调整")
    assert new.status is ItemStatus.CHANGE_PENDING
    [duty] = [d for d in duties(ctx, city, limit=500) if d.code == new.code]
    assert (duty.name, duty.update_cycle) == ("出入境证件信息", "daily")
    assert stamp(ctx, city).version == published.version

    approve(system, current_step(system, new))  # the change takes effect: the list follows
    assert pending_changes(ctx, new) == [] and new.changes[-1].state is ChangeState.APPLIED
    [duty] = [d for d in duties(ctx, city, limit=500) if d.code == new.code]
    assert (duty.name, duty.update_cycle) == ("出入境证件办理信息", "weekly")
    changed = stamp(ctx, city)
    assert changed.version != published.version and changed.as_of >= published.as_of

    retire_item(system, new, "职能划转")
    approve(system, current_step(system, new))
    assert new.status is ItemStatus.RETIRED and new.code not in _codes(ctx)
    retired = stamp(ctx, city)
    assert retired.version not in (published.version, changed.version) and retired.items == before.items


def test_a_new_contact_changes_the_version(ctx, world):
    scope = scope_for(ctx, world.people.orgs.dept.code)
    first = stamp(ctx, scope)
    world.people.orgs.dept.contact_phone = "0377-6300000"
    ctx.session.flush()
    assert stamp(ctx, scope).version != first.version


def test_keyset_pages_cover_the_list_once(ctx, world):
    system = Context(session=ctx.session, profile=ctx.profile)
    orgs = world.people.orgs
    for n, provider in enumerate((orgs.dept, orgs.dept, orgs.unit)):  # an internal unit's item is its department's duty
        publish(ctx, create_item(system, entry(provider, name=f"许可证照信息{n}", category_code="415")).item)
    scope = scope_for(ctx, orgs.dept.code)
    assert [(r["department"].id, r["items"]) for r in summary(ctx, scope)] == [(orgs.dept.id, 4)]
    first = duties(ctx, scope, limit=2)
    rest = duties(ctx, scope, after=first[-1].code, limit=2)
    assert len(first) == 2 and len(rest) == 2 and stamp(ctx, scope).items == 4
    assert sorted(d.code for d in first + rest) == [d.code for d in first + rest]


def test_xlsx_export_reads_back_with_a_list_sheet_a_fields_sheet_and_safe_cells(ctx, world):
    world.people.orgs.other_dept.contact_name = "=HYPERLINK(\"http://evil\")"
    ctx.session.flush()
    out = io.BytesIO()
    written = write_xlsx(ctx, scope_for(ctx, None), out)
    assert (written["items"], written["fields"]) == (2, 6)
    book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert book.sheetnames == ["说明", "责任清单", "信息项", "汇总"]
    items = list(book["责任清单"].iter_rows(values_only=True))
    assert items[0][:5] == ("部门", "部门代码", "内设机构", "信息资源代码", "信息资源名称")
    police = next(r for r in items[1:] if r[3] == world.residents.code)
    assert (police[0], police[5], police[6], police[7], police[8]) == ("南阳市公安局", "每月", "人口信息管理系统", "有条件共享", "不予开放")
    assert police[12] == "'=HYPERLINK(\"http://evil\")"  # neutralised: a text, not a formula
    fields = [r for r in book["信息项"].iter_rows(values_only=True)][1:]
    assert [r[4] for r in fields if r[0] == world.residents.code] == ["公民身份号码", "姓名", "户籍地址"]
    tally = {r[0]: (r[2], r[3]) for r in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert tally == {"南阳市市场监督管理局": (1, 3), "南阳市公安局": (1, 3)}  # items and fields per department
    about = dict(r[:2] for r in book["说明"].iter_rows(values_only=True))
    assert about["版本"] == stamp(ctx, scope_for(ctx, None)).version and about["责任清单"] == "全市"


def test_a_department_export_has_no_summary_and_csv_has_a_row_per_field(ctx, world):
    out = io.BytesIO()
    write_xlsx(ctx, scope_for(ctx, world.people.orgs.dept.code), out)
    assert load_workbook(io.BytesIO(out.getvalue()), read_only=True).sheetnames == ["说明", "责任清单", "信息项"]
    text = io.StringIO()
    written = write_csv(ctx, scope_for(ctx, world.people.orgs.other_dept.code), text)
    rows = list(csv.reader(io.StringIO(text.getvalue())))
    assert written["items"] == 1 and [r[3] for r in rows[1:]] == [world.residents.code] * 3
    assert [r[13] for r in rows[1:]] == ["公民身份号码", "姓名", "户籍地址"]
