"""Weighted totals and grades (优秀/良好/合格/不合格), with the profile's weights and thresholds."""
from __future__ import annotations

from collections.abc import Iterable

from registry.profiles import GRADES, AssessmentScheme

GRADE_LABELS = dict(GRADES)


def weighted_total(scored: Iterable[tuple[float | None, float]]) -> float | None:
    """The weighted mean of (value, weight) pairs, over the applicable ones (value not ``None``), to one decimal.

    ``None`` when nothing applicable carries weight. Weights need not add up to
    100: a profile's weights are shares of whatever applies.
    """
    pairs = [(value, weight) for value, weight in scored if value is not None and weight > 0]
    weight = sum(w for _, w in pairs)
    if weight == 0:
        return None
    return round(sum(v * w for v, w in pairs) / weight, 1)


def grade_for(total: float | None, scheme: AssessmentScheme) -> str | None:
    """The grade key for a total: the best grade whose threshold it reaches (``>=``); ``fail`` below them all."""
    if total is None:
        return None
    for key, _label in GRADES[:-1]:
        if total >= scheme.thresholds[key]:
            return key
    return GRADES[-1][0]
