"""Assessing departments for a period: every interface (back office, API, CLI, reports) calls :func:`assess`.

Who sees what: the authority and the city reviewers every department, a county
reviewer the departments of their county (a county assesses its own, fuzhou
考核办法 §6), a compiler their own department.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from registry.accounts.models import Role
from registry.accounts.permissions import (
    any_of,
    can,
    county_of,
    declare,
    is_authority,
    is_system,
    reviews_city,
    subtree_ids,
)
from registry.catalog.rules import RULES
from registry.core.context import Context
from registry.core.errors import (
    ConfigError,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from registry.core.i18n import N_
from registry.core.localtime import local_today
from registry.orgs.models import Organisation, OrgLevel
from registry.profiles import AssessmentScheme

from . import queries
from .grading import GRADE_LABELS, grade_for, weighted_total
from .indicators import INDICATORS
from .periods import Period

declare("assessment:all", any_of(is_system, is_authority, reviews_city),
        "只有数据主管部门或市级审核员可以查看全市的考核结果")


@dataclass(frozen=True)
class Score:
    """One indicator of one department: its value (``None``: not applicable), weight and the counts behind it."""

    key: str
    label: str
    value: float | None
    weight: float
    numerator: int
    denominator: int
    article: str
    area: str | None

    @property
    def points(self) -> float | None:
        """The value times the weight, as it enters the total."""
        return None if self.value is None else round(self.value * self.weight / 100, 2)


@dataclass(frozen=True)
class OrgAssessment:
    org_id: int
    code: str
    name: str
    parent_name: str
    scores: tuple[Score, ...]
    total: float | None
    grade: str | None
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade or "", N_("无法评定"))

    def score(self, key: str) -> Score | None:
        return next((s for s in self.scores if s.key == key), None)


@dataclass(frozen=True)
class Assessment:
    """Every assessed department of one period, under one profile's scheme, as of one day."""

    period: Period
    profile_name: str
    profile_label: str
    scheme: AssessmentScheme
    as_of: date
    orgs: tuple[OrgAssessment, ...]
    quality_rules: tuple[tuple[str, str, str], ...]  # (rule id, summary, citation) of the rules checked

    @property
    def grades_citation(self) -> str:
        return self.scheme.citation(self.scheme.grades_article)

    def grade_distribution(self) -> list[tuple[str, str, int]]:
        """(grade, label, number of departments), best grade first."""
        return [(key, label, sum(1 for o in self.orgs if o.grade == key)) for key, label in GRADE_LABELS.items()]

    def averages(self) -> list[tuple[str, str, float | None]]:
        """(indicator, label, mean value over the departments where it applies)."""
        out = []
        for spec in self.scheme.indicators:
            values = [s.value for o in self.orgs if (s := o.score(spec.key)) and s.value is not None]
            out.append((spec.key, INDICATORS[spec.key].label, round(sum(values) / len(values), 1) if values else None))
        return out

    def ranking(self) -> list[OrgAssessment]:
        """The departments from the highest total down; those without a total last."""
        return sorted(self.orgs, key=lambda o: (o.total is None, -(o.total or 0), o.code))

    def org(self, code: str) -> OrgAssessment | None:
        return next((o for o in self.orgs if o.code == code), None)


def scheme_of(ctx: Context) -> AssessmentScheme:
    """The profile's assessment scheme (the loader has checked it); a profile without one is a configuration error."""
    if ctx.profile.assessment is None:
        raise ConfigError(f"辖区配置 {ctx.profile.name} 没有 assessment（考核）部分，无法考核")
    return ctx.profile.assessment


# -- who sees which departments -------------------------------------------------

def visible_departments(ctx: Context) -> list[int] | None:
    """The ids of the departments the actor may see assessed; ``None`` for all of them."""
    actor = ctx.actor
    if can(actor, "assessment:all"):
        return None
    if actor is not None and actor.role is Role.COUNTY_REVIEWER and county_of(actor.organisation) is not None:
        ids = subtree_ids(ctx.session, county_of(actor.organisation).id)
        return sorted(ctx.session.scalars(select(Organisation.id).where(
            Organisation.id.in_(ids), Organisation.level == OrgLevel.DEPARTMENT)))
    if actor is not None and actor.role is Role.COMPILER:
        return [actor.organisation.department.id]
    raise PermissionDenied("您的角色不查看考核结果（考核由数据主管部门、审核员和各部门编目人员查看）")


def department_by_code(ctx: Context, code: str) -> Organisation:
    """The department with ``code`` (an internal unit's code gives its department)."""
    org = ctx.session.scalar(select(Organisation).where(Organisation.code == code.strip()))
    if org is None:
        raise NotFound(f"没有代码为“{code}”的机构")
    org = org.department
    if org.level is not OrgLevel.DEPARTMENT:
        raise ValidationError(FieldError("org", f"“{org.name}”不是部门，考核对象是各部门", "考核对象"))
    return org


def _scope(ctx: Context, org_code: str | None) -> list[int] | None:
    visible = visible_departments(ctx)
    if not org_code:
        return visible
    org = department_by_code(ctx, org_code)
    if visible is not None and org.id not in visible:
        raise PermissionDenied("您只能查看本单位（或本县区各部门）的考核结果")
    return [org.id]


# -- assessing ------------------------------------------------------------------

def assess(ctx: Context, period: Period, org_code: str | None = None, today: date | None = None) -> Assessment:
    """Assess the departments the actor may see (or the one with ``org_code``) for ``period``.

    Everything is judged as of the period's last day, or ``today`` while the period runs.
    """
    scheme = scheme_of(ctx)
    today = today or local_today()
    as_of = period.as_of(today)
    ids = _scope(ctx, org_code)
    sources = {
        "catalog": queries.catalog_counts(ctx, period, ids),
        "deadlines": queries.deadline_counts(ctx, period, ids, today),
        "answers": queries.answer_counts(ctx, period, ids, today),
        "reviews": queries.review_counts(ctx, period, ids),
        "freshness": queries.freshness_counts(ctx, as_of, ids),
        "mounts": queries.mount_counts(ctx, ids),
    }
    orgs = tuple(_assess_one(ctx, scheme, org, {name: found.get(org.id, {}) for name, found in sources.items()})
                 for org in queries.departments(ctx, ids))
    rules = tuple((rule_id, RULES[rule_id].summary, ctx.profile.citation(rule_id))
                  for rule_id in queries.quality_rules(ctx.profile))
    return Assessment(period, ctx.profile.name, ctx.profile.label, scheme, as_of, orgs, rules)


def _assess_one(ctx: Context, scheme: AssessmentScheme, org: Organisation, counts: dict[str, dict[str, int]]) -> OrgAssessment:
    scores = []
    for spec in scheme.indicators:
        indicator = INDICATORS[spec.key]
        measure = indicator.compute(counts)
        scores.append(Score(spec.key, indicator.label, measure.value, spec.weight, measure.numerator, measure.denominator,
                            scheme.citation(spec.article), spec.area))
    total = weighted_total((s.value, s.weight) for s in scores)
    parent = org.parent.name if org.parent is not None else ""
    return OrgAssessment(org.id, org.code, org.name, parent, tuple(scores), total, grade_for(total, scheme), counts)
