"""The annual reports (nanyang §60): each department's on its year, due by the end of January; the
authority's city-wide report, due by the end of February — both drawn from the year's assessment."""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from registry.accounts.models import Role
from registry.accounts.permissions import require
from registry.core.context import Context
from registry.core.errors import FieldError, ValidationError
from registry.core.localtime import local_today
from registry.requests.engine import REQUEST_TYPES

from .operations import Assessment, OrgAssessment, assess, department_by_code
from .periods import Period, year_period
from .queries import ANSWER_TYPES


@dataclass(frozen=True)
class AnnualReport:
    """One year's report: a department's (``org`` set) or the city-wide one (``org`` is ``None``)."""

    year: int
    assessment: Assessment
    org: OrgAssessment | None
    due: date  # submit by this day of the following year
    due_basis: str  # the article (or the note saying it is a default)
    figures: tuple[tuple[str, int | float | str], ...]
    to_improve: tuple[str, ...]  # indicators below the pass threshold (a department), or departments graded 不合格

    @property
    def period(self) -> Period:
        return self.assessment.period

    @property
    def title(self) -> str:
        if self.org is not None:
            return f"{self.org.name}{self.year}年度政务数据管理情况报告"
        return f"{self.assessment.profile_label}{self.year}年度政务数据管理情况报告"


def _year(value: int | str | None, today: date) -> int:
    if value in (None, ""):
        return today.year - 1  # the reports look back on the year just ended
    text = str(value).strip()
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ValidationError(FieldError("year", f"“{value}”不是有效的年份（如 2026）", "报告年度"))
    return int(text)


def _last_day(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def annual_report(ctx: Context, year: int | str | None = None, org_code: str | None = None,
                  today: date | None = None) -> AnnualReport:
    """The department's report (``org_code``) or, for the authority and the city reviewers, the city-wide one."""
    today = today or local_today()
    year = _year(year, today)
    if org_code is None and ctx.actor is not None and ctx.actor.role is Role.COMPILER:
        org_code = ctx.actor.organisation.department.code  # a compiler's report is their department's
    if org_code is None:
        require(ctx.actor, "assessment:all")
    else:
        department_by_code(ctx, org_code)
    result = assess(ctx, year_period(year), org_code, today=today)
    scheme = result.scheme
    basis = "；".join(part for part in (scheme.citation(scheme.annual_article), scheme.annual_note) if part)
    if org_code is not None:
        org = result.orgs[0]
        due = _last_day(year + 1, scheme.department_month)
        weak = tuple(f"{s.label}（{s.value:g}）" for s in org.scores
                     if s.value is not None and s.weight > 0 and s.value < scheme.thresholds["pass"])
        return AnnualReport(year, result, org, due, basis, department_figures(org), weak)
    due = _last_day(year + 1, scheme.authority_month)
    failing = tuple(f"{o.name}（{o.total:g}）" for o in result.orgs if o.grade == "fail" and o.total is not None)
    return AnnualReport(year, result, None, due, basis, city_figures(result), failing)


def _count(org: OrgAssessment, source: str, key: str) -> int:
    return org.counts.get(source, {}).get(key, 0)


def _figures_of(orgs: tuple[OrgAssessment, ...] | list[OrgAssessment]) -> list[tuple[str, int]]:
    def total(source: str, key: str) -> int:
        return sum(_count(o, source, key) for o in orgs)

    figures = [
        ("年末目录条目", total("catalog", "items")),
        ("其中已发布", total("catalog", "published")),
        ("其中向社会开放", total("catalog", "open")),
        ("违反目录规则的已发布条目", total("catalog", "flawed")),
        ("按更新周期监测的条目", total("freshness", "monitored")),
        ("其中超过更新周期", total("freshness", "stale")),
    ]
    for type_name in ANSWER_TYPES:
        received = sum(total("answers", f"{type_name}:{k}") for k in ("on_time", "late", "open_overdue", "pending"))
        if received:
            label = REQUEST_TYPES[type_name].label if type_name in REQUEST_TYPES else type_name
            figures.append((f"收到{label}（不含已撤回）", received))
    figures += [
        ("办理期限在本年的事项：按期办结", total("deadlines", "on_time")),
        ("办理期限在本年的事项：逾期办结", total("deadlines", "late")),
        ("办理期限在本年的事项：逾期未办结", total("deadlines", "open_overdue")),
        ("目录审核通过", total("reviews", "approved")),
        ("目录审核退回", total("reviews", "returned")),
    ]
    return figures


def department_figures(org: OrgAssessment) -> tuple[tuple[str, int | float | str], ...]:
    return (*_figures_of([org]), ("总分", "—" if org.total is None else org.total), ("等次", org.grade_label))


def city_figures(result: Assessment) -> tuple[tuple[str, int | float | str], ...]:
    totals = [o.total for o in result.orgs if o.total is not None]
    grades = tuple((f"评为{label}的部门", n) for _, label, n in result.grade_distribution())
    mean = round(sum(totals) / len(totals), 1) if totals else "—"
    return (("参加考核的部门", len(result.orgs)), ("平均总分", mean), *grades, *_figures_of(result.orgs))
