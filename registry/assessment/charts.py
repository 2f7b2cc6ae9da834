"""Bar charts drawn on the server as inline SVG: no script, nothing fetched, so any CSP allows them and they print."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from registry.core.i18n import N_, translate

if TYPE_CHECKING:
    from .annual import AnnualReport
    from .operations import Assessment

#: Above this many departments the totals chart shows the lowest ones only (a province has a thousand).
CHART_ROWS = 40

#: Bar colour per grade (and for plain bars); the text on them stays readable in print.
COLOURS = {"excellent": "#2f7d32", "good": "#1d4e89", "pass": "#b7791f", "fail": "#9b1c1c", None: "#5a6b7d"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    tone: str | None = None  # a grade key, for the colour


def bar_chart(bars: list[Bar], *, title: str, maximum: float | None = 100.0, chart_id: str = "",
              label_width: int = 180, width: int = 640, unit: str = "") -> Markup:
    """Horizontal bars, one row per bar, the value written at the end; ``None`` draws no bar and says “—”."""
    row, top = 22, 26
    top_value = maximum or max([b.value or 0 for b in bars] + [1])
    span = width - label_width - 60
    height = top + row * len(bars) + 8
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="assessment-chart" role="img" id="{escape(chart_id)}" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{escape(title)}">')
    parts = [
        svg,
        f'<title>{escape(title)}</title>',
        f'<text x="0" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    for index, bar in enumerate(bars):
        y = top + index * row
        label = bar.label if len(bar.label) <= 14 else bar.label[:13] + "…"
        parts.append(f'<text x="{label_width - 6}" y="{y + 14}" font-size="12" text-anchor="end">'
                     f'<title>{escape(bar.label)}</title>{escape(label)}</text>')
        if bar.value is None:
            parts.append(f'<text x="{label_width + 4}" y="{y + 14}" font-size="12" fill="#6b7785">—</text>')
            continue
        length = max(0.0, min(bar.value / top_value, 1.0)) * span
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
                     f'fill="{COLOURS.get(bar.tone, COLOURS[None])}" data-value="{bar.value:g}"></rect>')
        parts.append(f'<text x="{label_width + length + 4:.1f}" y="{y + 14}" font-size="12">{bar.value:g}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


# -- the charts of the assessment pages (titles in the reader's language; Chinese outside a request) ----------

def totals_chart(result: Assessment) -> Markup:
    orgs = sorted(result.orgs, key=lambda o: (o.total is None, o.total or 0))
    if len(orgs) <= CHART_ROWS:
        title = translate(N_("各部门总分"))
    else:
        title = translate(N_("总分最低的 %(n)d 个部门")) % {"n": CHART_ROWS}
    return bar_chart([Bar(o.name, o.total, o.grade) for o in orgs[:CHART_ROWS]], title=title, chart_id="chart-totals")


def grades_chart(result: Assessment) -> Markup:
    return bar_chart([Bar(translate(label), n, key) for key, label, n in result.grade_distribution()],
                     title=translate(N_("等次分布")), maximum=None, chart_id="chart-grades", label_width=90)


def averages_chart(result: Assessment) -> Markup:
    return bar_chart([Bar(translate(label), value) for _, label, value in result.averages()],
                     title=translate(N_("各指标平均得分")), chart_id="chart-averages")


def assessment_charts(result: Assessment) -> tuple[Markup, ...]:
    return totals_chart(result), grades_chart(result), averages_chart(result)


def annual_charts(report: AnnualReport) -> tuple[Markup, ...]:
    """A department's indicators; the city's grade distribution and indicator averages."""
    if report.org is None:
        return grades_chart(report.assessment), averages_chart(report.assessment)
    return (bar_chart([Bar(translate(s.label), s.value) for s in report.org.scores],
                      title=translate(N_("各指标得分")), chart_id="chart-scores"),)
