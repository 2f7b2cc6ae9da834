"""The log of each use of shared data: only within an approval, listed and filtered, exported, never deleted."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from share_world import ask, make_world
from sqlalchemy import select

from registry.core.errors import ConflictError, PermissionDenied, ValidationError
from registry.sharing.models import ShareUse
from registry.sharing.operations import approve, refuse
from registry.sharing.queries import UseFilter, use_query
from registry.sharing.uses import record_use, uses_csv

#: The approval happens "now"; uses are recorded against a clock we set, after it.
NOW = datetime(2027, 3, 10, 8, 0, tzinfo=UTC)  # 16:00 in China


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


@pytest.fixture()
def approved(world, ctx):
    req = ask(world, ctx, fields=["统一社会信用代码", "企业名称", "成立日期"], use_until="2027-06-30")
    approve(world.as_(ctx, "provider"), req, fields=["统一社会信用代码", "企业名称"], mode="platform:api", users=["张三", "李四"])
    req.closed_at = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)  # approved on 1 March (the engine stamps the real clock)
    return req


def _use(world, ctx, req, who="requester", now=NOW, **values):
    data = {"purpose": "核验企业身份", "user_name": "张三", "fields": ["企业名称"], "medium": "网络传输",
            "used_at": "2027-03-05 10:30", **values}
    return record_use(world.as_(ctx, who), req, data, now=now)


def test_a_use_records_the_seven_elements_of_fuzhou_29(world, ctx, approved):
    use = _use(world, ctx, approved, content="查询 35 条企业记录", approver_name="公安局法制科赵六")
    stored = ctx.session.scalar(select(ShareUse).where(ShareUse.id == use.id))
    assert (stored.purpose, stored.user_name, stored.approver_name) == ("核验企业身份", "张三", "公安局法制科赵六")
    assert (stored.fields, stored.content, stored.method, stored.medium) == (["企业名称"], "查询 35 条企业记录", "api", "网络传输")
    assert stored.used_at.replace(tzinfo=UTC) == datetime(2027, 3, 5, 2, 30, tzinfo=UTC)  # 10:30 in China
    assert stored.organisation is world.orgs["other_dept"] and stored.request is approved
    assert stored.created_by_id == world.users["requester"].id
    by_default = _use(world, ctx, approved, used_at=None, method=None)
    assert by_default.method == "api" and by_default.approver_name == "provider" and by_default.used_at == NOW


def test_only_an_approved_request_takes_uses(world, ctx):
    req = ask(world, ctx)
    with pytest.raises(ConflictError, match="只有已同意的共享申请可以登记使用（当前为“办理中 · 待提供方答复”）"):
        _use(world, ctx, req)
    refuse(world.as_(ctx, "provider"), req, "不同意")
    with pytest.raises(ConflictError, match="当前为“不同意”"):
        _use(world, ctx, req)


def test_a_use_stays_within_the_approved_fields_users_and_period(world, ctx, approved):
    with pytest.raises(ValidationError) as exc:
        _use(world, ctx, approved, fields="企业名称、成立日期、住所", user_name="王五", method="卫星", medium="", purpose="")
    errors = exc.value.by_field()
    assert errors["fields"] == ["信息项“成立日期”未获同意共享，不能登记使用", "信息项“住所”未获同意共享，不能登记使用"]
    assert errors["user_name"] == ["“王五”不在批准的使用人员中（张三、李四）"]
    assert errors["method"][0].startswith("“卫星”不是本辖区的共享方式类型，可选：数据库")
    assert errors["medium"] == ["不能为空"] and errors["purpose"] == ["不能为空"]
    later = datetime(2027, 8, 1, tzinfo=UTC)
    for when, now, message in (("2027-02-28 09:00", NOW, "获取时间早于申请获批时间（2027-03-01 10:00）"),
                               ("2027-07-01 09:00", later, "已超过批准的使用期限（至 2027-06-30）"),
                               ("2027-03-11", NOW, "获取时间不能晚于现在"), ("上周", NOW, "“上周”不是时间")):
        with pytest.raises(ValidationError, match=message):
            _use(world, ctx, approved, now=now, used_at=when)
    assert ctx.session.scalar(select(ShareUse.id)) is None  # nothing was written
    assert _use(world, ctx, approved, now=later, used_at="2027-06-30 23:00").user_name == "张三"  # the last day counts


def test_only_the_requesting_side_records_uses(world, ctx, approved):
    for who in ("provider", "county_compiler", "city_reviewer"):
        with pytest.raises(PermissionDenied, match="只有申请单位可以登记共享数据的使用"):
            _use(world, ctx, approved, who)
    assert _use(world, ctx, approved, "authority").created_by_id == world.users["authority"].id


def test_uses_are_listed_per_request_and_item_filtered_by_organisation_and_date(world, ctx, approved):
    first = _use(world, ctx, approved, used_at="2027-03-02 09:00")
    second = _use(world, ctx, approved, used_at="2027-03-05 23:30", user_name="李四")  # 15:30 UTC, still 5 March in China
    other = ask(world, ctx, "county_compiler")
    approve(world.as_(ctx, "provider"), other, mode="file")
    other.closed_at = datetime(2027, 3, 1, tzinfo=UTC)
    third = _use(world, ctx, other, "county_compiler", used_at="2027-03-04 08:00")
    authority = world.as_(ctx, "authority")

    def ids(**flt) -> list[int]:
        return [u.id for u in ctx.session.scalars(use_query(authority, UseFilter(**flt)))]

    assert ids(request_id=approved.id) == [second.id, first.id]
    assert ids(item_id=world.conditional.id) == [second.id, third.id, first.id]
    assert ids(org_id=world.orgs["county_dept"].id) == [third.id]
    assert ids(org_id=world.orgs["dept"].id) == [second.id, third.id, first.id]  # the provider sees every use of its data
    assert ids(date_from=date(2027, 3, 4), date_to=date(2027, 3, 5)) == [second.id, third.id]
    assert ids(date_to=date(2027, 3, 4)) == [third.id, first.id]
    assert ids(date_from=date.min, date_to=date.max) == [second.id, third.id, first.id]  # the calendar's ends bound nothing
    requester = world.as_(ctx, "requester")
    assert [u.id for u in ctx.session.scalars(use_query(requester, UseFilter()))] == [second.id, first.id]
    assert list(ctx.session.scalars(use_query(world.as_(ctx, "county_reviewer"), UseFilter()))) == [third]


def test_the_log_exports_as_csv_for_excel(world, ctx, approved):
    _use(world, ctx, approved, purpose="=HYPERLINK(\"http://x\")", content="第一批")
    text = uses_csv(ctx.profile, ctx.session.scalars(use_query(world.as_(ctx, "authority"), UseFilter())))
    assert text.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header[:8] == ["编号", "共享申请", "资源代码", "资源名称", "使用单位", "使用人员", "批准人员", "具体用途"]
    assert row[2:7] == [world.conditional.code, "企业登记信息", "南阳市公安局", "张三", "provider"]
    assert row[7] == "'=HYPERLINK(\"http://x\")" and row[8] == "企业名称" and row[10] == "2027-03-05 10:30"
    assert row[11] == "接口" and row[12] == "网络传输"


def test_a_use_cannot_be_deleted(world, ctx, approved):
    use = _use(world, ctx, approved)
    ctx.session.delete(use)
    with pytest.raises(ConflictError, match="共享数据使用记录不能删除"):
        ctx.session.flush()
