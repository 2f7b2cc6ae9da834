"""工作日计算（不依赖数据库）。

政务办理时限按“X个工作日内”计：受理当天不算，从次日起逐个数工作日，
法定节假日不算，调休上班的周末要算。是否工作日的规则是：
先看例外表（管理员可编辑的节假日/调休安排），否则周一至周五上班。

例外表的初始数据来自 ``chinese_calendar`` 包（见 :func:`chinese_calendar_exceptions`）；
该包只覆盖已公布安排的年份，之后的年份按周末计算并给出提示
（:meth:`WorkdayCalendar.coverage_warning`）。
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType

__all__ = ["WorkdayCalendar", "chinese_calendar_exceptions", "HOLIDAY_NAMES_ZH"]

# chinese_calendar 的节日名是英文；自带的中文名是简称（“清明”“端午”），这里统一成全称。
HOLIDAY_NAMES_ZH: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

_ONE_DAY = timedelta(days=1)


def _as_date(value: date | datetime, what: str = "日期") -> date:
    # datetime 是 date 的子类，但 datetime(2026,10,1) != date(2026,10,1)，
    # 直接拿去查例外表会查不到，所以先截成日期（按调用方给出的时区，不做转换）。
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ValueError(f"{what}应为 date 或 datetime，收到 {type(value).__name__}")


def _weekdays_through(d: date) -> int:
    """公历纪元起到 d（含）为止的周一至周五天数；0001-01-01 是星期一。"""
    o = d.toordinal()
    return o // 7 * 5 + min(o % 7, 5)


def _is_weekday(d: date) -> bool:
    return d.weekday() < 5


class WorkdayCalendar:
    """按“例外表 + 周一至周五”判断工作日的日历。

    :param exceptions: ``{日期: 是否上班}``。``True`` 为调休上班的周末，
        ``False`` 为落在工作日的节假日；与默认规则相同的条目无害。
    :param known_years: 已录入官方节假日安排的年份。
    """

    def __init__(
        self,
        exceptions: Mapping[date, bool] | None = None,
        known_years: Iterable[int] = (),
    ) -> None:
        # 只保留真正改变默认规则的条目，计数时才能按“默认值 ± 例外”直接算。
        self._exceptions: dict[date, bool] = {}
        for d, working in (exceptions or {}).items():
            d = _as_date(d, "例外日期")
            if bool(working) != _is_weekday(d):
                self._exceptions[d] = bool(working)
        self._sorted = sorted(self._exceptions)
        self.known_years: frozenset[int] = frozenset(known_years)

    def __repr__(self) -> str:
        years = sorted(self.known_years)
        span = f"{years[0]}–{years[-1]}" if years else "无"
        return f"<WorkdayCalendar 例外{len(self._exceptions)}天，已录入年份 {span}>"

    @property
    def exceptions(self) -> Mapping[date, bool]:
        """只读视图；修改安排请用新的映射重新构造日历。"""
        return MappingProxyType(self._exceptions)

    @classmethod
    def from_chinese_calendar(cls, years: range | None = None) -> "WorkdayCalendar":
        """用 ``chinese_calendar`` 包的数据构造日历；``years`` 限定只取这些年份。"""
        rows = chinese_calendar_exceptions()
        covered = _chinese_calendar_years()
        if years is not None:
            rows = [r for r in rows if r[0].year in years]
            covered = {y for y in covered if y in years}
        return cls({d: working for d, working, _ in rows}, covered)

    # -- 查询 ---------------------------------------------------------------

    def is_workday(self, d: date | datetime) -> bool:
        d = _as_date(d)
        working = self._exceptions.get(d)
        return _is_weekday(d) if working is None else working

    def is_known(self, d: date | datetime) -> bool:
        """d 所在年份的官方节假日安排是否已录入。"""
        return _as_date(d).year in self.known_years

    def coverage_warning(
        self, d: date | datetime, until: date | datetime | None = None
    ) -> str | None:
        """d（或 d 到 until 之间）涉及未录入年份时返回中文提示，否则 ``None``。

        计算跨年期限时把受理日和到期日都传进来，免得漏掉中间的年份。
        """
        first = _as_date(d).year
        last = _as_date(until).year if until is not None else first
        missing = [y for y in range(min(first, last), max(first, last) + 1)
                   if y not in self.known_years]
        if not missing:
            return None
        years = "、".join(str(y) for y in missing)
        return f"{years}年法定节假日安排尚未录入，按周末计算；请管理员在“工作日历”中补录"

    # -- 计算 ---------------------------------------------------------------

    def add_workdays(self, start: date | datetime, n: int) -> date:
        """返回 start 之后第 n 个工作日的日期（start 当天不计）。

        ``n == 0`` 时：start 是工作日则返回 start，否则返回下一个工作日。

        :raises ValueError: n 不是非负整数，或 start 不是日期。
        """
        # bool 是 int 的子类，True 当成 1 个工作日多半是调用方写错了。
        if isinstance(n, bool) or not isinstance(n, int):
            raise ValueError(f"工作日数应为整数，收到 {n!r}")
        if n < 0:
            raise ValueError(f"工作日数不能为负数，收到 {n}")
        d = _as_date(start, "起始日期")
        if n == 0:
            while not self.is_workday(d):
                d += _ONE_DAY
            return d
        while n:
            d += _ONE_DAY
            if self.is_workday(d):
                n -= 1
        return d

    def workdays_between(self, a: date | datetime, b: date | datetime) -> int:
        """a 之后到 b（含）之间的工作日数；b 早于 a 时为负数。

        对 n ≥ 1 有 ``workdays_between(s, add_workdays(s, n)) == n``。
        """
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self._count(b, a)
        return self._count(a, b)

    def _count(self, lo: date, hi: date) -> int:
        # 先按周一至周五算，再用区间内的例外修正，跨多年也不必逐日遍历。
        total = _weekdays_through(hi) - _weekdays_through(lo)
        i, j = bisect_right(self._sorted, lo), bisect_right(self._sorted, hi)
        for d in self._sorted[i:j]:
            total += 1 if self._exceptions[d] else -1
        return total


# ---------------------------------------------------------------------------
# chinese_calendar 数据
# ---------------------------------------------------------------------------

def chinese_calendar_exceptions() -> list[tuple[date, bool, str]]:
    """``chinese_calendar`` 中改变默认规则的日期，按日期排序。

    返回 ``(日期, 是否上班, 中文节日名)``：落在周一至周五的放假日为 ``False``，
    调休上班的周末为 ``True``（节日名是它所补的那个节日）。落在周末的放假日
    本来就不上班，不算例外，不返回。用于初始化可由管理员编辑的工作日历表。
    """
    from chinese_calendar import constants

    rows = [(d, False, _zh(name)) for d, name in constants.holidays.items() if _is_weekday(d)]
    rows += [(d, True, _zh(name)) for d, name in constants.workdays.items() if not _is_weekday(d)]
    return sorted(rows)


def _zh(name: str) -> str:
    if name in HOLIDAY_NAMES_ZH:
        return HOLIDAY_NAMES_ZH[name]
    # 新版 chinese_calendar 可能加入新的特殊节日：退回它自带的中文名。
    from chinese_calendar.constants import Holiday

    try:
        return Holiday(name).chinese
    except ValueError:
        return name


def _chinese_calendar_years() -> set[int]:
    """chinese_calendar 收录的年份（每年都有元旦放假记录，取两个表的年份并集）。"""
    from chinese_calendar import constants

    return {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
