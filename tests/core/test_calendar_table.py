"""The stored, editable calendar that deadlines are computed from."""
from __future__ import annotations

from datetime import date

from registry.core.calendar import load_calendar, seed_calendar, set_calendar_day


def test_seeded_calendar_knows_national_day_2026(session):
    cal = load_calendar(session)
    assert not cal.is_workday(date(2026, 10, 1)) and cal.is_workday(date(2026, 10, 10))
    assert cal.add_workdays(date(2026, 9, 30), 2) == date(2026, 10, 9)


def test_admin_entry_for_next_year_changes_deadlines_and_survives_reseeding(session):
    assert load_calendar(session).coverage_warning(date(2027, 1, 1))
    set_calendar_day(session, date(2027, 1, 1), is_workday=False, name="元旦")
    cal = load_calendar(session)
    assert cal.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.coverage_warning(date(2027, 1, 1)) is None
    seed_calendar(session)
    assert load_calendar(session).add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
