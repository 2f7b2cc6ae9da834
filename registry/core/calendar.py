"""The working-day calendar as admins keep it: seeded from chinese-calendar, editable.

The State Council announces next year's holidays each November, often before
a chinese-calendar release carries them, so the calendar lives in the
database and an administrator can enter (or correct) a year by hand.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.core.context import Context
from registry.core.db import Base
from registry.core.workdays import WorkdayCalendar, chinese_calendar_exceptions


class CalendarDay(Base):
    """偏离“周一至周五上班”常规的日期：法定节假日或调休上班日。"""

    __tablename__ = "calendar_day"
    __table_args__ = {"comment": "工作日历例外日期（节假日、调休）"}

    day: Mapped[date] = mapped_column(Date, primary_key=True, comment="日期")
    is_workday: Mapped[bool] = mapped_column(Boolean, comment="是否上班（调休上班日为真，节假日为假）")
    name: Mapped[str | None] = mapped_column(String(40), comment="节日名称")
    source: Mapped[str] = mapped_column(String(20), default="chinese-calendar", comment="来源：chinese-calendar 或 manual")


class CalendarYear(Base):
    """已录入国务院节假日安排的年份；未录入的年份按周末计算并提示。"""

    __tablename__ = "calendar_year"
    __table_args__ = {"comment": "已录入节假日安排的年份"}

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, comment="年份")
    source: Mapped[str] = mapped_column(String(20), default="chinese-calendar", comment="来源")


def load_calendar(session: Session) -> WorkdayCalendar:
    """The calendar as stored; falls back to the package when nothing is seeded yet."""
    rows = session.execute(select(CalendarDay.day, CalendarDay.is_workday)).all()
    years = set(session.scalars(select(CalendarYear.year)))
    if not rows and not years:
        return WorkdayCalendar.from_chinese_calendar()
    return WorkdayCalendar({day: is_workday for day, is_workday in rows}, years)


def seed_calendar(session: Session) -> int:
    """Copy the chinese-calendar package's days into the table, keeping manual entries.

    Returns the number of days added; safe to run again after a package upgrade.
    """
    manual = set(session.scalars(select(CalendarDay.day).where(CalendarDay.source == "manual")))
    session.execute(delete(CalendarDay).where(CalendarDay.source == "chinese-calendar"))
    added = 0
    for day, is_workday, name in chinese_calendar_exceptions():
        if day not in manual:
            session.add(CalendarDay(day=day, is_workday=is_workday, name=name, source="chinese-calendar"))
            added += 1
    known = set(session.scalars(select(CalendarYear.year)))
    for year in sorted({d.year for d, _, _ in chinese_calendar_exceptions()} - known):
        session.add(CalendarYear(year=year, source="chinese-calendar"))
    session.flush()
    return added


def set_calendar_day(ctx: Context, day: date, is_workday: bool, name: str | None = None) -> CalendarDay:
    """Record an announced holiday or make-up working day (an admin's manual entry), audited."""
    from registry.audit.operations import record_event

    session = ctx.session
    row = session.get(CalendarDay, day) or CalendarDay(day=day)
    before = None if row.is_workday is None else row.is_workday
    row.is_workday, row.name, row.source = is_workday, name, "manual"
    session.add(row)
    if session.get(CalendarYear, day.year) is None:
        session.add(CalendarYear(year=day.year, source="manual"))
    session.flush()
    record_event(ctx, "calendar:set", "calendar_day", day.isoformat(),
                 {"is_workday": [before, is_workday], "name": name})
    return row
