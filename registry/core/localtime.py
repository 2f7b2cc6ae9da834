"""Local time: the regulations' working days and every time a user reads are in China's zone.

Times are stored in UTC (SQLite hands them back without a zone; they are UTC too).
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from registry.core.db import utcnow

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def aware(at: datetime) -> datetime:
    """A stored time with its zone: SQLite hands times back naive, and they are UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def local_time(at: datetime) -> datetime:
    return aware(at).astimezone(LOCAL_ZONE)


def local_today(now: datetime | None = None) -> date:
    return local_time(now or utcnow()).date()


def format_local(at: datetime | date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """The ``|local`` template filter: a stored time as the user's clock shows it; dates as they are."""
    if at is None:
        return ""
    return (local_time(at) if isinstance(at, datetime) else at).strftime(fmt)
