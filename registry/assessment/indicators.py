"""The assessment indicators a catalog system can measure, each a share from 0 to 100 with its counts.

Which of them count and how much is the profile's ``assessment:`` section; what
each one measures is here. An indicator with nothing to measure (a department
that received no requests) is not applicable: it gets no value and the total
is taken over the others (see :mod:`registry.assessment.grading`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from registry.core.i18n import N_


@dataclass(frozen=True)
class Measure:
    """What one indicator found for one department: ``numerator`` of ``denominator`` (0 of 0: not applicable)."""

    numerator: int
    denominator: int
    empty_is_zero: bool = False  # no catalog at all scores 0, not "not applicable"

    @property
    def value(self) -> float | None:
        if self.denominator == 0:
            return 0.0 if self.empty_is_zero else None
        return round(100.0 * self.numerator / self.denominator, 1)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    measures: str  # how it is measured, for the report's notes
    compute: Callable[[dict[str, dict[str, int]]], Measure]


def _get(counts: dict[str, dict[str, int]], source: str, key: str) -> int:
    return counts.get(source, {}).get(key, 0)


def _timely(counts: dict[str, dict[str, int]], source: str) -> Measure:
    on_time = _get(counts, source, "on_time")
    return Measure(on_time, on_time + _get(counts, source, "late") + _get(counts, source, "open_overdue"))


INDICATORS: dict[str, Indicator] = {i.key: i for i in (
    Indicator("catalog_compiled", N_("目录编制"),
              N_("期末已发布的目录条目占本部门全部（未注销）条目的比例；没有任何条目为 0 分"),
              lambda c: Measure(_get(c, "catalog", "published"), _get(c, "catalog", "items"), empty_is_zero=True)),
    Indicator("catalog_fields", N_("信息项编制"),
              N_("已发布的结构化资源（数据库、电子表格）中列明信息项且每项都有数据类型的比例"),
              lambda c: Measure(_get(c, "catalog", "structured_typed"), _get(c, "catalog", "structured"))),
    Indicator("kept_current", N_("数据更新及时"),
              N_("按更新周期监测的已发布条目中，未超过更新周期的比例"),
              lambda c: Measure(_get(c, "freshness", "monitored") - _get(c, "freshness", "stale"),
                                _get(c, "freshness", "monitored"))),
    Indicator("deadlines_met", N_("按期办结"),
              N_("办理期限落在考核期间内的事项（目录更新、纠错、申请等，不含审核环节）中按期办结的比例；逾期办结和逾期未办结均计为未按期"),
              lambda c: _timely(c, "deadlines")),
    Indicator("requests_answered", N_("申请按时答复"),
              N_("考核期间收到的共享申请、供需对接需求、开放申请、异议、纠错和目录更新事项中，在办理期限内答复办结的比例；尚未到期的不计"),
              lambda c: _timely(c, "answers")),
    Indicator("open_items", N_("数据开放"),
              N_("已发布条目中向社会开放（无条件或有条件开放）的比例"),
              lambda c: Measure(_get(c, "catalog", "open"), _get(c, "catalog", "published"))),
    Indicator("data_quality", N_("目录质量"),
              N_("已发布条目中没有违反本辖区目录规则（依据、条件、共享方式等）的比例"),
              lambda c: Measure(_get(c, "catalog", "published") - _get(c, "catalog", "flawed"), _get(c, "catalog", "published"))),
    Indicator("review_pass", N_("审核通过率"),
              N_("考核期间审结的本部门目录审核环节中审核通过（未被退回）的比例"),
              lambda c: Measure(_get(c, "reviews", "approved"), _get(c, "reviews", "approved") + _get(c, "reviews", "returned"))),
    Indicator("resources_mounted", N_("资源挂接"),
              N_("已发布条目中挂接了实际资源（数据库表、接口或文件）的比例"),
              lambda c: Measure(_get(c, "mounts", "mounted"), _get(c, "mounts", "published"))),
)}
