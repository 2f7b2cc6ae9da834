"""Indicators, totals and grades computed over a small seeded catalog (see assessment_seed), and who sees them."""
from __future__ import annotations

from datetime import date

import pytest
from assessment_seed import EXPECTED, TODAY, local, seed_world
from factories import entry

from registry.assessment.operations import assess
from registry.assessment.periods import parse_period
from registry.catalog.operations import create_item
from registry.core.errors import NotFound, PermissionDenied, ValidationError
from registry.requests.engine import open_request

pytestmark = pytest.mark.parametrize("profile_name", ["fuzhou"])


@pytest.fixture()
def world(ctx):
    return seed_world(ctx)


def test_indicators_of_a_department_over_a_year(ctx, world):
    dept = assess(ctx, parse_period("2026"), today=TODAY).org(world.people.orgs.dept.code)
    assert {s.key: s.value for s in dept.scores} == EXPECTED
    counts = {s.key: (s.numerator, s.denominator) for s in dept.scores}
    assert counts["deadlines_met"] == (2, 4) and counts["requests_answered"] == (1, 3)
    assert dept.score("data_quality").article == "《福州市政务数据资源共享开放考核暂行办法》第十一条第（三）项"


def test_total_is_weighted_by_the_profile_and_graded_by_its_thresholds(ctx, world):
    dept = assess(ctx, parse_period("2026"), today=TODAY).org(world.people.orgs.dept.code)
    weights = {s.key: s.weight for s in dept.scores}
    assert weights == {"catalog_compiled": 20, "catalog_fields": 10, "requests_answered": 15, "open_items": 10,
                       "kept_current": 15, "data_quality": 10, "review_pass": 5, "deadlines_met": 15,
                       "resources_mounted": 0}  # listed, not weighed: no regulation scores mounting
    # (75×20 + 66.7×10 + 33.3×15 + 66.7×10 + 50×15 + 66.7×10 + 75×5 + 50×15) / 100 = 58.755
    assert dept.total == 58.8
    assert (dept.grade, dept.grade_label) == ("fail", "不合格")


def test_a_department_without_a_catalog_scores_zero_and_the_rest_does_not_apply(ctx, world):
    other = assess(ctx, parse_period("2026"), today=TODAY).org(world.people.orgs.other_dept.code)
    values = {s.key: s.value for s in other.scores}
    assert values.pop("catalog_compiled") == 0.0
    assert set(values.values()) == {None}
    assert (other.total, other.grade) == (0.0, "fail")


def test_a_quarter_counts_only_its_own_deadlines_and_requests(ctx, world):
    dept = assess(ctx, parse_period("2026-Q4"), today=TODAY).org(world.people.orgs.dept.code)
    scores = {s.key: (s.numerator, s.denominator) for s in dept.scores}
    # Due in Q4: the two received on 2026-09-30 (one on time, one late) and the overdue one.
    assert scores["deadlines_met"] == (1, 3)
    # Received in Q4: only the overdue one (the not-yet-due one is pending; the September ones are Q3's).
    assert scores["requests_answered"] == (0, 1)
    # Reviews were decided in March and April: nothing to judge in Q4.
    assert dept.score("review_pass").value is None
    q1 = assess(ctx, parse_period("2026-Q1"), today=TODAY).org(world.people.orgs.dept.code)
    assert (q1.score("deadlines_met").numerator, q1.score("deadlines_met").denominator) == (1, 1)  # the 2025 request
    assert (q1.score("catalog_compiled").numerator, q1.score("catalog_compiled").denominator) == (3, 4)


def test_an_ongoing_period_counts_open_requests_as_pending_until_they_are_due(ctx, world):
    overdue = world.requests["overdue"]
    before_due = assess(ctx, parse_period("2026"), today=overdue.due_at).org(world.people.orgs.dept.code)
    after_due = assess(ctx, parse_period("2026"), today=date.fromordinal(overdue.due_at.toordinal() + 1)) \
        .org(world.people.orgs.dept.code)
    assert before_due.counts["answers"]["pending"] == 2 and before_due.counts["answers"]["open_overdue"] == 0
    assert after_due.counts["answers"]["open_overdue"] == 1


def test_a_units_entries_and_requests_count_for_its_department(ctx, world):
    people = world.people
    unit = people.orgs.unit
    create_item(people.as_(ctx, "compiler"), entry(people.orgs.dept, name="登记注册档案", provider_unit=unit))
    request = open_request(ctx, "share_request", organisation=unit, requester=people.orgs.other_dept,
                           title="申请共享登记注册档案", today=date(2026, 12, 1))
    request.created_at = local(date(2026, 12, 1))
    dept = assess(ctx, parse_period("2026"), today=TODAY).org(people.orgs.dept.code)
    assert dept.counts["catalog"]["items"] == 5
    assert dept.counts["answers"]["share_request:open_overdue"] == 2
    assert unit.code not in [o.code for o in assess(ctx, parse_period("2026"), today=TODAY).orgs]


def test_who_sees_which_departments(ctx, world):
    people, period = world.people, parse_period("2026")
    everyone = {people.orgs.dept.code, people.orgs.other_dept.code, people.orgs.county_dept.code,
                people.other_county_dept.code}
    for name in ("authority", "city_reviewer", "system"):
        assert {o.code for o in assess(people.as_(ctx, name), period, today=TODAY).orgs} == everyone
    assert [o.code for o in assess(people.as_(ctx, "county_reviewer"), period, today=TODAY).orgs] == [people.orgs.county_dept.code]
    assert [o.code for o in assess(people.as_(ctx, "compiler"), period, today=TODAY).orgs] == [people.orgs.dept.code]
    with pytest.raises(PermissionDenied, match="本单位"):
        assess(people.as_(ctx, "compiler"), period, people.orgs.other_dept.code, today=TODAY)
    with pytest.raises(PermissionDenied, match="不查看考核结果"):
        assess(people.as_(ctx, "system_admin"), period, today=TODAY)
    with pytest.raises(NotFound, match="没有代码为"):
        assess(people.as_(ctx, "authority"), period, "123", today=TODAY)
    with pytest.raises(ValidationError, match="考核对象"):
        assess(people.as_(ctx, "authority"), period, people.orgs.county.code, today=TODAY)
    # A unit's code stands for its department.
    assert [o.code for o in assess(people.as_(ctx, "authority"), period, people.orgs.unit.code, today=TODAY).orgs] \
        == [people.orgs.dept.code]
