"""Who is offered which action, per role, at each step (the declared permissions, as the screens use them)."""
from __future__ import annotations

from datetime import date

import pytest
from feedback_world import USERS, make_world

from registry.accounts.permissions import can
from registry.feedback.operations import act, actions_for, file_request

DAY = date(2026, 9, 30)


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


def _offered(world, ctx, req) -> dict[str, list[str]]:
    return {name: [a.name for a in actions_for(world.as_(ctx, name), req)] for name in USERS}


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_open_request_actions_by_role(world, ctx):
    req = file_request(world.as_(ctx, "other_compiler"), "open_request",
                       {"item_code": world.item.code, "description": "请开放"}, today=DAY)
    assert _offered(world, ctx, req) == {
        "compiler": ["grant", "refuse", "extend"],  # the provider answers and may extend
        "other_compiler": ["withdraw"],  # the requester
        "county_compiler": [], "county_reviewer": [], "system_admin": [],
        "authority": ["withdraw"],  # the authority may close a request on the requester's behalf, not answer it
    }


@pytest.mark.parametrize("profile_name", ["fuzhou"])
def test_review_stage_actions_by_role(world, ctx):
    req = file_request(world.as_(ctx, "other_compiler"), "open_request",
                       {"item_code": world.item.code, "description": "请开放"}, today=DAY)
    act(world.as_(ctx, "compiler"), req, "refuse", reason="不予开放")
    assert _offered(world, ctx, req)["other_compiler"] == ["request_review"]
    act(world.as_(ctx, "other_compiler"), req, "request_review", reason="不服")
    offered = _offered(world, ctx, req)
    assert offered["authority"] == ["grant", "refuse"] and offered["compiler"] == [] and offered["other_compiler"] == []


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_correction_actions_by_role(world, ctx):
    ticket = file_request(world.as_(ctx, "county_reviewer"), "correction",
                          {"item_code": world.item.code, "description": "有误", "evidence": "截图"}, today=DAY)
    assert _offered(world, ctx, ticket) == {
        "compiler": ["confirm", "reject"], "authority": ["reassign", "withdraw"], "county_reviewer": ["withdraw"],
        "other_compiler": [], "county_compiler": [], "system_admin": [],
    }
    act(world.as_(ctx, "compiler"), ticket, "confirm", today=DAY)
    assert _offered(world, ctx, ticket)["compiler"] == ["fix"] and _offered(world, ctx, ticket)["authority"] == []


@pytest.mark.parametrize("profile_name", ["nanyang"])
def test_only_catalog_staff_record_the_public(world, ctx):
    allowed = {name for name, user in world.users.items() if can(user, "feedback:record_public")}
    assert allowed == {"compiler", "other_compiler", "county_compiler", "county_reviewer", "authority"}
    assert can(None, "feedback:record_public")  # the CLI and system jobs
