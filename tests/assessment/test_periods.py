"""Assessment periods: a year, a quarter, a month or a day, and clear refusals of anything else."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from registry.assessment.periods import parse_period
from registry.core.errors import ValidationError


@pytest.mark.parametrize(("text", "kind", "start", "end", "label"), [
    ("2026", "year", date(2026, 1, 1), date(2026, 12, 31), "2026年"),
    ("2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30), "2026年第三季度"),
    (" 2026-q1 ", "quarter", date(2026, 1, 1), date(2026, 3, 31), "2026年第一季度"),
    ("2026-09", "month", date(2026, 9, 1), date(2026, 9, 30), "2026年9月"),
    ("2028-2", "month", date(2028, 2, 1), date(2028, 2, 29), "2028年2月"),
    ("2026-09-30", "day", date(2026, 9, 30), date(2026, 9, 30), "2026年9月30日"),
])
def test_periods_parse(text, kind, start, end, label):
    period = parse_period(text)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)


def test_a_period_is_bounded_by_local_midnights_in_utc():
    period = parse_period("2026-09-30")
    assert period.utc_start == datetime(2026, 9, 29, 16, tzinfo=UTC)
    assert period.utc_end == datetime(2026, 9, 30, 16, tzinfo=UTC)
    assert parse_period("2026").as_of(date(2026, 5, 1)) == date(2026, 5, 1)
    assert parse_period("2025").as_of(date(2026, 5, 1)) == date(2025, 12, 31)


@pytest.mark.parametrize(("text", "message"), [
    ("", "请填写考核期间"),
    ("二〇二六", "不是有效的考核期间"),
    ("2026-Q5", "季度只能是 Q1–Q4"),
    ("2026-13", "月份只能是 1–12"),
    ("2026-02-30", "2026年2月只有28天"),
    ("1999", "年份超出范围"),
    ("2026/09", "不是有效的考核期间"),
])
def test_bad_periods_are_refused_in_chinese_naming_the_field(text, message):
    with pytest.raises(ValidationError) as caught:
        parse_period(text)
    error = caught.value.errors[0]
    assert error.field == "period" and error.label == "考核期间"
    assert message in error.message and "2026-Q3" in error.message
