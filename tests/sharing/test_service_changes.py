"""共享服务变更告知 (binzhou §24): ten working days' notice to the users of a shared service, on the real calendar."""
from __future__ import annotations

from datetime import date

import pytest
from share_office import Api, error_of, share_office
from share_world import ask, make_world
from sqlalchemy import select

from registry.core.db import unit_of_work
from registry.core.errors import PermissionDenied, ValidationError
from registry.core.localtime import local_today
from registry.notifications.models import Notification
from registry.requests.engine import due_status, transition
from registry.sharing.operations import approve
from registry.sharing.service_changes import (
    announce_service_change,
    earliest_effective_day,
)

#: 2026-09-30 (Wed), before National Day (10-01..10-07 off, Saturday 10-10 worked): ten working days are
#: 10-08, 10-09, 10-10, 10-12 … 10-16, 10-19 and 10-20.
BEFORE_HOLIDAY = date(2026, 9, 30)
EARLIEST = date(2026, 10, 20)


@pytest.fixture()
def profile_name() -> str:
    return "binzhou"


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


def _notice(world, ctx, effective_on, who="provider", **values):
    data = {"kind": "upgrade", "effective_on": effective_on, "description": "共享接口升级，停机 2 小时", **values}
    return announce_service_change(world.as_(ctx, who), world.conditional, data, today=BEFORE_HOLIDAY)


def test_a_change_is_announced_ten_working_days_ahead_to_the_services_users(world, ctx):
    assert earliest_effective_day(ctx, BEFORE_HOLIDAY) == EARLIEST
    with pytest.raises(ValidationError) as refused:
        _notice(world, ctx, "2026-10-19")
    assert refused.value.by_field() == {"effective_on": ["须提前10个工作日告知，最早可定于2026-10-20"]}

    approve(world.as_(ctx, "provider"), ask(world, ctx), mode="api")  # 公安局 now uses the service
    notice = _notice(world, ctx, "2026-10-20")
    assert (notice.state, notice.due_at, notice.organisation) == ("open", EARLIEST, world.orgs["dept"])
    assert [u["name"] for u in notice.data["users"]] == [world.orgs["other_dept"].name]
    assert due_status(ctx, notice, today=EARLIEST) == "due_soon"
    assert due_status(ctx, notice, today=date(2026, 10, 21)) == "overdue"  # not confirmed once the day passed
    transition(world.as_(ctx, "provider"), notice, "done")
    assert notice.state == "done" and due_status(ctx, notice, today=date(2026, 10, 21)) is None


def test_only_the_provider_announces_with_every_input_checked(world, ctx):
    with pytest.raises(PermissionDenied):
        _notice(world, ctx, "2026-11-02", who="requester")
    with pytest.raises(ValidationError) as refused:
        _notice(world, ctx, "下周", kind="move", description=" ")
    assert set(refused.value.by_field()) == {"kind", "effective_on", "description"}
    with pytest.raises(ValidationError, match="晚于今天"):
        _notice(world, ctx, "2026-09-30")


def test_the_users_and_the_authority_are_notified_after_commit(world, ctx):
    approve(world.as_(ctx, "provider"), ask(world, ctx), mode="api")
    notice = _notice(world, ctx, "2026-10-21")
    ctx.session.commit()
    told = set(ctx.session.scalars(select(Notification.user_id).where(Notification.request_id == notice.id,
                                                                      Notification.kind == "new")))
    assert told == {world.users["requester"].id, world.users["authority"].id}  # not the provider who announced it


def test_through_the_api(tmp_path):
    with share_office(tmp_path / "instance", profile="binzhou") as office:
        provider, requester = Api(office, "provider"), Api(office, "requester")
        with unit_of_work(office.runtime.sessions) as session:  # any valid day; the dates are tested above
            earliest = earliest_effective_day(office.runtime.context(session)).isoformat()
        body = {"item": office.codes["conditional"], "kind": "stop", "effective_on": earliest, "description": "停用旧接口"}
        created = provider.post("/service-changes", body)
        assert created.status_code == 201, created.text
        notice = created.json()
        assert notice["due_at"] == earliest and notice["data"]["kind_label"] == "停用"
        assert requester.get("/service-changes").json()["total"] == 1
        # Who was granted the data is the provider's to know, not every reader's.
        assert "users" in provider.get(f"/service-changes/{notice['id']}").json()["data"]
        assert "users" not in requester.get(f"/service-changes/{notice['id']}").json()["data"]
        error_of(requester.post(f"/service-changes/{notice['id']}/actions", {"action": "done"}), 403)
        early = provider.post("/service-changes", {**body, "effective_on": local_today().isoformat()})
        assert error_of(early, 422)["errors"][0]["field"] == "effective_on"
        done = provider.post(f"/service-changes/{notice['id']}/actions", {"action": "cancel"})
        assert error_of(done, 422)["errors"][0]["field"] == "reason"
        cancelled = provider.post(f"/service-changes/{notice['id']}/actions", {"action": "cancel", "reason": "升级推迟"})
        assert cancelled.json()["state"] == "cancelled"


def test_through_the_back_office(tmp_path):
    import re

    import client
    from client import token_in
    from share_world import PASSWORD

    with share_office(tmp_path / "instance", profile="binzhou") as office:
        provider = client.signed_in(office.base, "provider", PASSWORD)
        status, form = provider.request("/admin/service-changes/new")
        assert status == 200 and "须提前告知使用单位" in form
        earliest = re.search(r'min="(\d{4}-\d{2}-\d{2})"', form).group(1)
        values = {"csrf_token": token_in(form), "item": office.codes["conditional"], "kind": "upgrade",
                  "effective_on": local_today().isoformat(), "description": "接口升级"}
        status, page = provider.request("/admin/service-changes/new", values)
        assert status == 422 and "最早可定于" in page
        status, _ = provider.request("/admin/service-changes/new", {**values, "effective_on": earliest})
        assert status == 302
        detail = provider.location
        status, page = provider.request(detail)
        assert status == 200 and "接口升级" in page and 'id="action-done"' in page
        requester = client.signed_in(office.base, "requester", PASSWORD)
        status, page = requester.request(detail)
        assert status == 200 and 'id="action-done"' not in page  # users read the notice; the provider confirms it
        assert 'id="service-users"' not in page and 'id="service-users"' in provider.request(detail)[1]
        assert requester.request(detail + "/act/done", {"csrf_token": token_in(page)})[0] == 403
