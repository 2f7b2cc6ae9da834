"""Assessment periods: a year, a quarter, a month or a single day (daily and yearly assessment, fuzhou 考核办法 §13)."""
from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from registry.core.errors import FieldError, ValidationError
from registry.core.localtime import LOCAL_ZONE

_QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
_FORMS = "“2026”（年）、“2026-Q3”（季度）、“2026-09”（月）或“2026-09-30”（日）"


@dataclass(frozen=True)
class Period:
    """A run of local calendar days, ``start`` to ``end`` inclusive; ``key`` is how it was written (``2026-Q3``)."""

    kind: str  # year | quarter | month | day
    key: str
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}年"
        if self.kind == "quarter":
            return f"{self.start.year}年{_QUARTER_NAMES[(self.start.month - 1) // 3 + 1]}"
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.year}年{self.start.month}月{self.start.day}日"

    @property
    def utc_start(self) -> datetime:
        """Local midnight of the first day, in UTC, for comparing with stored times."""
        return _local_midnight(self.start)

    @property
    def utc_end(self) -> datetime:
        """Local midnight after the last day, in UTC (exclusive)."""
        return _local_midnight(self.end + timedelta(days=1))

    def as_of(self, today: date) -> date:
        """The day the period is judged on: its last day, or today while it is still running."""
        return min(self.end, today)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, LOCAL_ZONE).astimezone(UTC)


def _refuse(text: str, why: str) -> ValidationError:
    return ValidationError(FieldError("period", f"“{text}”{why}；应写作{_FORMS}", "考核期间"))


def parse_period(text: str | None) -> Period:
    """``2026``, ``2026-Q3``, ``2026-09`` or ``2026-09-30``; anything else is refused in Chinese."""
    key = (text or "").strip().upper()
    if not key:
        raise ValidationError(FieldError("period", f"请填写考核期间，如{_FORMS}", "考核期间"))
    match = re.fullmatch(r"(\d{4})(?:-(?:Q(\d)|(\d{1,2})(?:-(\d{1,2}))?))?", key)
    if match is None:
        raise _refuse(text, "不是有效的考核期间")
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise _refuse(text, "的年份超出范围（2000–2100）")
    quarter, month, day = (int(g) if g else None for g in match.groups()[1:])
    if quarter is not None:
        if not 1 <= quarter <= 4:
            raise _refuse(text, "的季度只能是 Q1–Q4")
        first = date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        return Period("quarter", f"{year}-Q{quarter}", first, date(year, last_month, monthrange(year, last_month)[1]))
    if month is None:
        return Period("year", str(year), date(year, 1, 1), date(year, 12, 31))
    if not 1 <= month <= 12:
        raise _refuse(text, "的月份只能是 1–12")
    if day is None:
        return Period("month", f"{year}-{month:02d}", date(year, month, 1), date(year, month, monthrange(year, month)[1]))
    if not 1 <= day <= monthrange(year, month)[1]:
        raise _refuse(text, f"不是有效的日期（{year}年{month}月只有{monthrange(year, month)[1]}天）")
    return Period("day", f"{year}-{month:02d}-{day:02d}", date(year, month, day), date(year, month, day))


def year_period(year: int) -> Period:
    return parse_period(str(year))
