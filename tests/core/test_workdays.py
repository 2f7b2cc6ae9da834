"""工作日计算测试，使用 chinese_calendar 的真实节假日数据。"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from registry.core.workdays import WorkdayCalendar, chinese_calendar_exceptions

D = date


@pytest.fixture(scope="module")
def cal() -> WorkdayCalendar:
    return WorkdayCalendar.from_chinese_calendar()


# --- 与 chinese_calendar 一致 -----------------------------------------------

def test_matches_chinese_calendar_every_covered_day(cal):
    d = D(2004, 1, 1)
    while d <= D(2026, 12, 31):
        assert cal.is_workday(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def test_known_years(cal):
    assert set(range(2004, 2027)) <= cal.known_years
    assert cal.is_known(D(2026, 10, 1)) and not cal.is_known(D(2027, 1, 1))


def test_only_real_exceptions_are_stored(cal):
    assert cal.exceptions[D(2026, 10, 1)] is False  # 周四放假
    assert cal.exceptions[D(2026, 10, 10)] is True  # 周六调休上班
    assert D(2026, 10, 3) not in cal.exceptions  # 周六放假，本来就不上班
    assert all(working != (d.weekday() < 5) for d, working in cal.exceptions.items())


def test_exceptions_helper_rows():
    rows = chinese_calendar_exceptions()
    assert rows == sorted(rows)
    assert (D(2026, 10, 1), False, "国庆节") in rows
    assert (D(2026, 9, 20), True, "国庆节") in rows
    assert (D(2026, 2, 14), True, "春节") in rows
    assert (D(2026, 4, 6), False, "清明节") in rows
    assert (D(2026, 6, 19), False, "端午节") in rows
    assert (D(2026, 9, 25), False, "中秋节") in rows
    assert (D(2026, 1, 1), False, "元旦") in rows
    assert (D(2026, 5, 1), False, "劳动节") in rows
    assert not any(d == D(2026, 10, 3) for d, _, _ in rows)
    names = {name for _, _, name in rows}
    assert names <= {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "抗战胜利70周年纪念日"}
    assert all(not any(c.isascii() and c.isalpha() for c in n) for n in names)


# --- 国庆节 2026：10月1日至7日放假，9月20日（周日）、10月10日（周六）上班 ---

def test_national_day_2026_days(cal):
    for day in range(1, 8):
        assert not cal.is_workday(D(2026, 10, day))
    assert cal.is_workday(D(2026, 10, 8))  # 周四，节后第一个工作日
    assert cal.is_workday(D(2026, 9, 20))  # 周日调休
    assert cal.is_workday(D(2026, 10, 10))  # 周六调休
    assert not cal.is_workday(D(2026, 10, 11))


def test_national_day_2026_deadline(cal):
    # 周三 9月30日受理：10月1–7日放假，第1、2个工作日是 10月8、9日，第3个是调休的 10月10日。
    start = D(2026, 9, 30)
    assert cal.add_workdays(start, 1) == D(2026, 10, 8)
    assert cal.add_workdays(start, 2) == D(2026, 10, 9)
    assert cal.add_workdays(start, 3) == D(2026, 10, 10)
    assert cal.add_workdays(start, 4) == D(2026, 10, 12)
    assert cal.workdays_between(start, D(2026, 10, 10)) == 3


def test_mid_autumn_and_make_up_sunday_2026(cal):
    # 9月19日（周六）受理：9月20日周日调休上班，是第1个工作日。
    assert cal.add_workdays(D(2026, 9, 19), 1) == D(2026, 9, 20)
    # 9月24日（周四）受理：25–27日中秋放假。
    assert cal.add_workdays(D(2026, 9, 24), 1) == D(2026, 9, 28)


# --- 春节 2026：2月15日至23日放假，2月14日、28日（周六）上班 ------------------

def test_spring_festival_2026(cal):
    assert cal.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert cal.add_workdays(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert cal.add_workdays(D(2026, 2, 13), 6) == D(2026, 2, 28)
    assert cal.workdays_between(D(2026, 2, 14), D(2026, 2, 23)) == 0
    # 2–6、9–13、14（调休）、24–27、28（调休）
    assert cal.workdays_between(D(2026, 2, 1), D(2026, 2, 28)) == 16


# --- 元旦与跨年 -------------------------------------------------------------

def test_new_year_2026(cal):
    # 1月1–3日放假，1月4日（周日）上班。
    assert not cal.is_workday(D(2026, 1, 1)) and not cal.is_workday(D(2026, 1, 2))
    assert cal.is_workday(D(2026, 1, 4))
    assert cal.add_workdays(D(2025, 12, 31), 1) == D(2026, 1, 4)


def test_deadline_across_year_boundary(cal):
    start = D(2025, 12, 26)  # 周五
    due = cal.add_workdays(start, 5)
    # 12/29、12/30、12/31、1/4（周日调休）、1/5
    assert due == D(2026, 1, 5)
    assert cal.workdays_between(start, due) == 5
    assert cal.coverage_warning(start, due) is None


# --- n = 0、datetime 与非法输入 ----------------------------------------------

def test_zero_workdays(cal):
    assert cal.add_workdays(D(2026, 9, 30), 0) == D(2026, 9, 30)
    assert cal.add_workdays(D(2026, 10, 1), 0) == D(2026, 10, 8)
    assert cal.add_workdays(D(2026, 10, 10), 0) == D(2026, 10, 10)  # 调休周六本身是工作日
    assert cal.add_workdays(D(2026, 10, 11), 0) == D(2026, 10, 12)


def test_datetime_start_is_truncated_to_date(cal):
    due = cal.add_workdays(datetime(2026, 9, 30, 17, 45), 2)
    assert due == D(2026, 10, 9) and type(due) is date
    assert not cal.is_workday(datetime(2026, 10, 1, 9, 0))
    assert cal.workdays_between(datetime(2026, 9, 30, 23, 59), datetime(2026, 10, 9, 0, 1)) == 2


@pytest.mark.parametrize("n", [-1, -10, 1.5, "2", None, True])
def test_invalid_n(cal, n):
    with pytest.raises(ValueError):
        cal.add_workdays(D(2026, 9, 30), n)


@pytest.mark.parametrize("start", ["2026-09-30", None, 20260930])
def test_invalid_start(cal, start):
    with pytest.raises(ValueError):
        cal.add_workdays(start, 1)


# --- workdays_between -------------------------------------------------------

def test_workdays_between_signs(cal):
    a, b = D(2026, 9, 30), D(2026, 10, 9)
    assert cal.workdays_between(a, b) == 2
    assert cal.workdays_between(b, a) == -2
    assert cal.workdays_between(a, a) == 0


def test_workdays_between_agrees_with_day_by_day_count(cal):
    rng = random.Random(2260)
    base = D(2003, 6, 1)
    for _ in range(300):
        a = base + timedelta(days=rng.randrange(9000))
        b = a + timedelta(days=rng.randrange(-400, 400))
        lo, hi = min(a, b), max(a, b)
        slow = sum(cal.is_workday(lo + timedelta(days=k)) for k in range(1, (hi - lo).days + 1))
        assert cal.workdays_between(a, b) == (slow if b >= a else -slow), (a, b)


def test_add_and_between_are_inverse(cal):
    rng = random.Random(1272)
    for _ in range(300):
        start = D(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        n = rng.randrange(1, 30)
        due = cal.add_workdays(start, n)
        assert cal.is_workday(due)
        assert cal.workdays_between(start, due) == n
        assert cal.workdays_between(start, due - timedelta(days=1)) == n - 1


# --- 未录入年份与管理员编辑 ---------------------------------------------------

def test_uncovered_year_warning(cal):
    msg = "2027年法定节假日安排尚未录入，按周末计算；请管理员在“工作日历”中补录"
    assert cal.coverage_warning(D(2027, 1, 1)) == msg
    assert cal.coverage_warning(D(2026, 12, 31)) is None
    # 跨年的期限：受理日已录入，到期日未录入
    start = D(2026, 12, 31)
    due = cal.add_workdays(start, 1)
    assert due == D(2027, 1, 1)  # 未录入，按周五算工作日
    assert cal.coverage_warning(start, due) == msg
    assert cal.coverage_warning(D(2026, 6, 1), D(2028, 1, 1)).startswith("2027、2028年")


def test_admin_edit_changes_result(cal):
    edited = WorkdayCalendar({**cal.exceptions, D(2027, 1, 1): False}, cal.known_years)
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert edited.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert edited.workdays_between(D(2026, 12, 31), D(2027, 1, 4)) == 1
    assert cal.workdays_between(D(2026, 12, 31), D(2027, 1, 4)) == 2
    # 录入整年安排后提示消失
    assert WorkdayCalendar(edited.exceptions, edited.known_years | {2027}).coverage_warning(D(2027, 1, 1)) is None


def test_exceptions_view_is_read_only(cal):
    with pytest.raises(TypeError):
        cal.exceptions[D(2027, 1, 1)] = False  # type: ignore[index]


def test_years_filter():
    cal = WorkdayCalendar.from_chinese_calendar(range(2025, 2027))
    assert cal.known_years == {2025, 2026}
    assert cal.is_workday(D(2024, 10, 1))  # 2024 未加载，周二按工作日算
    assert "2024年" in cal.coverage_warning(D(2024, 10, 1))
    assert not cal.is_workday(D(2025, 10, 1))


def test_plain_calendar_without_data():
    cal = WorkdayCalendar()
    assert cal.add_workdays(D(2026, 10, 2), 1) == D(2026, 10, 5)  # 周五 → 下周一
    assert cal.workdays_between(D(2026, 10, 4), D(2026, 10, 11)) == 5
    assert cal.coverage_warning(D(2026, 10, 1)) is not None
