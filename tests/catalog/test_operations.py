"""Creating, updating and retiring entries through the service layer."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from factories import entry
from registry.audit.models import AuditEvent
from registry.catalog import operations as ops
from registry.catalog.models import CatalogItem, ChangeState, Field, ItemChange, ItemStatus
from registry.core.errors import ConflictError, ValidationError


def _counts(session):
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (CatalogItem, Field, ItemChange, AuditEvent))


def test_create_item_generates_code_history_and_audit(ctx, orgs):
    result = ops.create_item(ctx, entry(orgs.dept))
    item = result.item
    assert item.code == "307411" + "0101" + "/000001"
    assert item.status is ItemStatus.DRAFT and item.version == 1
    assert [f.name for f in item.fields] == ["统一社会信用代码", "企业名称", "成立日期"]
    assert result.change.diff == {"created": {"code": item.code, "name": "企业登记信息", "provider": orgs.dept.code, "fields": 3}}
    event = ctx.session.scalar(select(AuditEvent).where(AuditEvent.object_id == item.code))
    assert event.tag == "item:create"


def test_codes_are_sequential_per_classification_and_never_reused(ctx, orgs):
    first = ops.create_item(ctx, entry(orgs.dept, name="甲")).item
    ops.retire_item(ctx, first, "重复编目")
    second = ops.create_item(ctx, entry(orgs.dept, name="乙")).item
    assert first.code.endswith("/000001") and second.code.endswith("/000002")


def test_explicit_code_is_checked_and_reserved(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept, code="3074110101/000007")).item
    assert item.code == "3074110101/000007"
    assert ops.create_item(ctx, entry(orgs.dept, name="另一个")).item.code == "3074110101/000008"
    with pytest.raises(ValidationError) as exc:
        ops.create_item(ctx, entry(orgs.dept, name="第三个", code="3074110101/000007"))
    assert "已被使用" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        ops.create_item(ctx, entry(orgs.dept, name="第四个", code="2010000101/000001"))
    assert "不一致" in str(exc.value)


def test_update_of_draft_applies_at_once_with_field_level_diff(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept)).item
    fields = ops.entry_values(item)["fields"]
    fields[1]["length"] = 300
    fields.append({"name": "登记机关", "data_type": "C", "length": 100})
    result = ops.update_item(ctx, item, {"update_cycle": "每周", "fields": fields}, reason="补充信息项")
    assert result.diff["item"] == {"update_cycle": ["daily", "weekly"]}
    assert result.diff["fields"]["changed"] == [{"name": "企业名称", "changes": {"length": [200, 300]}}]
    assert result.diff["fields"]["added"][0]["name"] == "登记机关"
    assert item.version == 2 and item.update_cycle == "weekly" and len(item.fields) == 4
    assert result.change.state is ChangeState.APPLIED


def test_update_that_changes_nothing_writes_nothing(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept)).item
    before = _counts(ctx.session)
    result = ops.update_item(ctx, item, {"update_cycle": "每日"})
    assert result.diff == {} and not result.changed
    assert _counts(ctx.session) == before and item.version == 1


def test_fields_reordered_keep_their_ids(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept)).item
    ids = [f.id for f in item.fields]
    fields = list(reversed(ops.entry_values(item)["fields"]))
    ops.update_item(ctx, item, {"fields": fields})
    assert [f.id for f in item.fields] == list(reversed(ids))
    assert [f.position for f in item.fields] == [1, 2, 3]


def test_an_edit_that_leaves_the_fields_in_place_writes_no_field_row(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept)).item
    fields = ops.entry_values(item)["fields"]
    ctx.session.flush()
    written = []  # field rows updated, statement by statement (an executemany counts every row)

    def count(conn, cursor, statement, *args):
        if statement.startswith("UPDATE catalog_field"):
            written.append(cursor.rowcount)

    event.listen(ctx.session.connection(), "after_cursor_execute", count)
    try:
        ops.update_item(ctx, item, {"summary": "只改摘要"})
        ctx.session.flush()
        assert sum(written) == 0
        fields[1]["description"] = "只改一个信息项的说明"
        added = {k: v for k, v in fields[0].items() if k != "id"} | {"name": "新增信息项", "position": 4}
        ops.update_item(ctx, item, {"fields": fields + [added]})
        ctx.session.flush()
        assert sum(written) == 1  # the one changed; the added one is an insert
    finally:
        event.remove(ctx.session.connection(), "after_cursor_execute", count)
    ops.update_item(ctx, item, {"fields": list(reversed(ops.entry_values(item)["fields"][1:]))})  # dropped and reordered
    ctx.session.flush()
    assert [(f.name, f.position) for f in item.fields] == [("新增信息项", 1), (fields[2]["name"], 2), (fields[1]["name"], 3)]


def test_update_of_published_item_becomes_pending_change(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept)).item
    ops.publish_item(ctx, item)
    result = ops.update_item(ctx, item, {"summary": "新的摘要"}, reason="口径调整")
    assert result.pending and item.status is ItemStatus.CHANGE_PENDING
    assert item.summary.startswith("本市登记注册")  # published version stays visible
    ops.approve_change(ctx, result.change, "同意")
    assert item.summary == "新的摘要" and item.status is ItemStatus.PUBLISHED and item.version == 2


def test_rejecting_a_change_needs_a_reason_and_keeps_published_version(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept)).item
    ops.publish_item(ctx, item)
    change = ops.update_item(ctx, item, {"summary": "改"}).change
    with pytest.raises(ValidationError):
        ops.reject_change(ctx, change, "  ")
    ops.reject_change(ctx, change, "摘要过于简略")
    assert item.status is ItemStatus.PUBLISHED and item.summary.startswith("本市")
    assert change.state is ChangeState.REJECTED


def test_stale_version_is_refused(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept)).item
    ops.update_item(ctx, item, {"summary": "第二版"}, expected_version=1)
    with pytest.raises(ConflictError):
        ops.update_item(ctx, item, {"summary": "基于旧版本的修改"}, expected_version=1)


def test_retiring_published_item_needs_approval(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept)).item
    ops.publish_item(ctx, item)
    with pytest.raises(ValidationError):
        ops.retire_item(ctx, item, "")
    result = ops.retire_item(ctx, item, "系统停用")
    assert result.pending and item.status is ItemStatus.CHANGE_PENDING
    ops.approve_change(ctx, result.change)
    assert item.status is ItemStatus.RETIRED and item.retired_at is not None


def test_published_classification_cannot_change(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept)).item
    ops.publish_item(ctx, item)
    with pytest.raises(ValidationError) as exc:
        ops.update_item(ctx, item, {"category_code": "412"})
    assert exc.value.errors[0].field == "category_code"


def test_bad_input_names_the_field_and_leaves_database_unchanged(ctx, orgs):
    before = _counts(ctx.session)
    with pytest.raises(ValidationError) as exc:
        ops.create_item(ctx, entry(orgs.dept, share_type="随便共享", publish_date="明天", record_total=-5, name=""))
    fields = exc.value.by_field()
    assert set(fields) >= {"share_type", "publish_date", "record_total", "name"}
    assert "可选：无条件共享、有条件共享、不予共享" in fields["share_type"][0]
    assert _counts(ctx.session) == before


def test_unknown_provider_is_a_field_error(ctx, orgs):
    with pytest.raises(ValidationError) as exc:
        ops.create_item(ctx, entry("不存在的局"))
    assert exc.value.errors[0].field == "provider"


def test_labels_and_synonyms_are_accepted(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept.name, share_type="普遍共享", update_cycle="每天", format_class="数据库")).item
    assert (item.share_type.value, item.update_cycle, item.format_class) == ("unconditional", "daily", "database")
