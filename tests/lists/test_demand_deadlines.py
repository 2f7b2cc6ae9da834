"""Binzhou §24's deadlines for demands, counted on the real 2026 calendar across Mid-autumn and National Day.

The expected dates are counted by hand from the State Council's 2026 schedule
(中秋节 9-25 to 9-27; 国庆节 10-01 to 10-07, with 9-20 and 10-10 worked), not
from the calendar under test: 9-30 (Wed) → 10-08 (Thu) is the first working
day, then 10-09 (Fri), 10-10 (Sat, worked), 10-12 (Mon) …
"""
from __future__ import annotations

from datetime import date

import pytest
from lists_world import make_world

from registry.core.context import Context
from registry.lists.demands import act, create_demand
from registry.profiles import load_profile
from registry.requests.engine import due_status

VALUES = {"description": "需要户籍人口身份信息", "fields": ["公民身份号码"], "purpose": "核验身份", "scenario": "防汛应急转移"}


@pytest.fixture()
def profile_name() -> str:
    return "binzhou"


@pytest.fixture()
def world(ctx):
    return make_world(ctx)


def _at_provider(ctx, world, *, emergency: bool, day: date):
    """A city department's demand the city sends to the police on ``day``."""
    demand = create_demand(world.as_(ctx, "compiler"), world.people.orgs.dept, {**VALUES, "emergency": emergency}, today=day)
    act(world.as_(ctx, "city_reviewer"), demand, "assign", provider=world.people.orgs.other_dept.code, today=day)
    return demand


def _check(ctx, demand, due: date, overdue_from: date) -> None:
    assert demand.due_at == due
    assert due_status(ctx, demand, today=due) != "overdue"  # the due day itself still counts
    assert due_status(ctx, demand, today=overdue_from) == "overdue"


@pytest.mark.parametrize("emergency, key, days, due, overdue_from", [
    (False, "demand_answer", 3, date(2026, 10, 10), date(2026, 10, 11)),  # 10-08, 10-09, 10-10 (worked Saturday)
    (True, "demand_answer_emergency", 1, date(2026, 10, 8), date(2026, 10, 9)),  # the first day after the holiday
])
def test_the_provider_answers_within_the_profile_days(ctx, world, emergency, key, days, due, overdue_from):
    assert ctx.profile.deadline(key).days == days
    demand = _at_provider(ctx, world, emergency=emergency, day=date(2026, 9, 30))
    _check(ctx, demand, due, overdue_from)


@pytest.mark.parametrize("emergency, key, days, due, overdue_from", [
    # 10-08, 10-09, 10-10, 10-12…10-16 (8), 10-19…10-23 (13), 10-26…10-30 (18), 11-02, 11-03 (20)
    (False, "demand_available", 20, date(2026, 11, 3), date(2026, 11, 4)),
    (True, "demand_available_emergency", 5, date(2026, 10, 13), date(2026, 10, 14)),  # 10-08, 10-09, 10-10, 10-12, 10-13
])
def test_the_data_is_available_within_the_profile_days_from_acceptance(ctx, world, emergency, key, days, due, overdue_from):
    assert ctx.profile.deadline(key).days == days
    demand = _at_provider(ctx, world, emergency=emergency, day=date(2026, 9, 29))
    act(world.as_(ctx, "other_compiler"), demand, "accept", today=date(2026, 9, 30))
    assert demand.stage == "deliver"
    _check(ctx, demand, due, overdue_from)


def test_mid_autumn_is_skipped_too(ctx, world):
    demand = _at_provider(ctx, world, emergency=False, day=date(2026, 9, 24))  # Thu; 9-25 to 9-27 off
    _check(ctx, demand, date(2026, 9, 30), date(2026, 10, 1))  # 9-28, 9-29, 9-30


def test_a_profile_without_demand_deadlines_sets_none(session):
    ctx = Context(session=session, profile=load_profile("nanyang"))
    world = make_world(ctx)
    demand = _at_provider(ctx, world, emergency=False, day=date(2026, 9, 30))
    assert demand.stage == "answer" and demand.due_at is None and due_status(ctx, demand) is None
