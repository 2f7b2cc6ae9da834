"""Every profile's share_request_answer deadline against the real 2026 calendar.

Expected dates are counted by hand from the State Council's 2026 schedule: National
Day 1–7 October off, Saturday 10 October a working day; Spring Festival 15–23
February off, Saturday 14 February a working day.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from share_world import ask, make_world

from registry.requests.engine import due_status

ANSWER_DEADLINES = [
    # profile, working days, opened, due (hand-counted), article
    ("binzhou", 2, date(2026, 9, 30), date(2026, 10, 9), "第二十二条"),  # 8 Oct, 9 Oct
    ("shijiazhuang", 5, date(2026, 9, 30), date(2026, 10, 13), "第八条"),  # 8, 9, 10 (Sat, make-up), 12, 13
    ("nanyang", 10, date(2026, 9, 30), date(2026, 10, 20), None),  # …13, 14, 15, 16, 19, 20
    ("national", 10, date(2026, 9, 30), date(2026, 10, 20), None),
    ("fuzhou_jx", 15, date(2026, 9, 30), date(2026, 10, 27), "第十八条"),  # …21, 22, 23, 26, 27
    ("fuzhou", 20, date(2026, 9, 30), date(2026, 11, 3), "第十七条"),  # …28, 29, 30, 2 Nov, 3 Nov
    ("binzhou", 2, date(2026, 2, 13), date(2026, 2, 24), "第二十二条"),  # 14 Feb (Sat, make-up), then 24 Feb
]


@pytest.mark.parametrize(("profile", "days", "opened", "due", "article"), ANSWER_DEADLINES,
                         ids=[f"{p}-{o:%m%d}" for p, _, o, _, _ in ANSWER_DEADLINES])
def test_the_provider_answers_within_the_profiles_working_days(ctx, profile, days, opened, due, article):
    world = make_world(ctx)
    under = world.as_(ctx, "requester", profile)
    deadline = under.profile.deadline("share_request_answer")
    assert (deadline.days, deadline.article) == (days, article)
    req = ask(world, under, today=opened)
    assert req.due_at == due
    assert due_status(under, req, today=opened) == "on_time"
    assert due_status(under, req, today=due) == "due_soon"
    assert due_status(under, req, today=due + timedelta(days=1)) == "overdue"
