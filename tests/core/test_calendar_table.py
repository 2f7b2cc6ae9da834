"""The stored, editable calendar that deadlines are computed from."""
from __future__ import annotations

from datetime import date

from registry.core.calendar import load_calendar, seed_calendar, set_calendar_day
from registry.core.context import Context
from registry.profiles import load_profile


def test_seeded_calendar_knows_national_day_2026(session):
    cal = load_calendar(session)
    assert not cal.is_workday(date(2026, 10, 1)) and cal.is_workday(date(2026, 10, 10))
    assert cal.add_workdays(date(2026, 9, 30), 2) == date(2026, 10, 9)


def test_admin_entry_for_next_year_changes_deadlines_and_survives_reseeding(session):
    assert load_calendar(session).coverage_warning(date(2027, 1, 1))
    set_calendar_day(Context(session, load_profile("national")), date(2027, 1, 1), is_workday=False, name="元旦")
    from registry.audit.models import AuditEvent
    from sqlalchemy import select

    event = session.scalar(select(AuditEvent).where(AuditEvent.tag == "calendar:set"))
    assert event.object_id == "2027-01-01" and event.data["is_workday"] == [None, False]
    cal = load_calendar(session)
    assert cal.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.coverage_warning(date(2027, 1, 1)) is None
    seed_calendar(session)
    assert load_calendar(session).add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
