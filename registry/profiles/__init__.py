"""Jurisdiction profiles: each regulation's vocabularies, rules, review levels and deadlines, as data.

A profile is a YAML file beside this module (``national.yaml`` …). The catalog
stores canonical codes (``conditional``); a profile says how its jurisdiction
labels them (有条件共享 / 条件共享类), which labels it also accepts, which
values exist at all, which regulation rules apply and what each deadline is.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from registry.core.errors import ConfigError
from registry.core.i18n import N_

PROFILE_DIR = Path(__file__).parent
DEFAULT_PROFILE = "national"

#: Vocabularies every profile must define.
REQUIRED_VOCABULARIES = ("share_type", "open_type", "update_cycle", "share_method", "format_class", "security_grade", "subject")


def normalise_label(text: str) -> str:
    """Fold full-width forms and drop spaces and common decorations, for label matching."""
    folded = unicodedata.normalize("NFKC", str(text)).strip()
    for junk in (" ", "\u3000", "\t", "\n", "\r", "*", "（必填）", "(必填)"):
        folded = folded.replace(junk, "")
    return folded.lower()


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary."""

    value: str
    label: str
    synonyms: tuple[str, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)
    children: tuple[Term, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """A profile's list of allowed values, with labels and synonyms."""

    name: str
    terms: tuple[Term, ...]

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for term in self.terms:
            for text in (term.value, term.label, *term.synonyms):
                lookup.setdefault(normalise_label(text), term.value)
        object.__setattr__(self, "_lookup", lookup)

    @property
    def values(self) -> list[str]:
        return [t.value for t in self.terms]

    def term(self, value: str) -> Term | None:
        return next((t for t in self.terms if t.value == value), None)

    def label(self, value: str | None) -> str:
        term = self.term(str(value)) if value is not None else None
        return term.label if term else (value or "")

    def resolve(self, text: object) -> str | None:
        """The canonical value for a value, label or synonym; ``None`` if unknown."""
        if text is None:
            return None
        lookup = self._lookup  # type: ignore[attr-defined]
        # Canonical values pass straight through; only other spellings need folding.
        return text if isinstance(text, str) and lookup.get(text) == text else lookup.get(normalise_label(str(text)))

    def labels(self) -> list[str]:
        return [t.label for t in self.terms]


@dataclass(frozen=True)
class Deadline:
    days: int
    article: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ClassNode:
    """A node of the classification tree (类 / 项 / 目)."""

    code: str
    label: str
    children: tuple[ClassNode, ...] = ()


#: The indicators an ``assessment:`` section may weigh (measured by :mod:`registry.assessment.indicators`).
ASSESSMENT_INDICATORS = ("catalog_compiled", "catalog_fields", "kept_current", "deadlines_met", "requests_answered",
                         "open_items", "data_quality", "review_pass", "resources_mounted")

#: The assessment grades, best first; a profile gives the lowest total of each but the last (不合格).
GRADES: tuple[tuple[str, str], ...] = (("excellent", N_("优秀")), ("good", N_("良好")), ("pass", N_("合格")), ("fail", N_("不合格")))


@dataclass(frozen=True)
class WeightedIndicator:
    """One assessment indicator a profile weighs: its key, weight, the article it rests on and where it belongs."""

    key: str
    weight: float
    article: str | None = None
    area: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class NotMeasured:
    """Something the regulation assesses that a catalog system cannot see (infrastructure, organisation)."""

    label: str
    article: str | None = None


@dataclass(frozen=True)
class AssessmentScheme:
    """A profile's ``assessment:`` section: weighted indicators, grade thresholds and annual-report deadlines.

    ``thresholds`` maps ``excellent``/``good``/``pass`` to the lowest total of that
    grade (strictly decreasing); a lower total is ``fail``. The annual reports are
    due by the end of ``department_month`` (departments) and ``authority_month``
    (the authority) of the following year (nanyang §60).
    """

    regulation: str
    indicators: tuple[WeightedIndicator, ...]
    thresholds: dict[str, float]
    grades_article: str | None = None
    grades_note: str | None = None
    not_measured: tuple[NotMeasured, ...] = ()
    department_month: int = 1
    authority_month: int = 2
    annual_article: str | None = None
    annual_note: str | None = None
    note: str | None = None

    def indicator(self, key: str) -> WeightedIndicator | None:
        return next((i for i in self.indicators if i.key == key), None)

    def citation(self, article: str | None) -> str:
        """``《…考核暂行办法》第十四条``; an article naming its own source (``1272号 …``) stays as it is."""
        if not article:
            return ""
        return f"《{self.regulation}》{article}" if article.startswith("第") and self.regulation else article


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    regulation: str
    source_file: str | None
    vocabularies: dict[str, Vocabulary]
    classification: tuple[ClassNode, ...]
    review_levels: tuple[str, ...]
    workflow: dict[str, bool]
    deadlines: dict[str, Deadline]
    rules: dict[str, str]
    assessment: AssessmentScheme | None = None

    def vocab(self, name: str) -> Vocabulary:
        return self.vocabularies[name]

    def applies(self, rule_id: str) -> bool:
        return rule_id in self.rules

    def citation(self, rule_id: str) -> str:
        """How this profile cites the article behind a rule: ``《南阳市…办法》第三十七条``.

        Articles written as ``第…条`` belong to the profile's own regulation;
        anything else (``1272号 §1.6``, ``GB 11643-1999``) already names its source.
        """
        article = self.rules.get(rule_id, "")
        if article.startswith("第") and self.regulation:
            return f"《{self.regulation}》{article}"
        return article or f"《{self.regulation}》"

    def deadline(self, key: str) -> Deadline | None:
        return self.deadlines.get(key)

    def class_node(self, class_code: str, item_code: str | None = None) -> ClassNode | None:
        node = next((c for c in self.classification if c.code == class_code), None)
        if node is None or item_code is None:
            return node
        return next((c for c in node.children if c.code == item_code), None)

    def share_method_types(self, class_value: str | None) -> Vocabulary:
        """The share-method types allowed under one share-method class."""
        term = self.vocab("share_method").term(class_value or "")
        return Vocabulary("share_method_type", term.children if term else ())

    def all_share_method_types(self) -> Vocabulary:
        return Vocabulary("share_method_type", tuple(t for c in self.vocab("share_method").terms for t in c.children))


def available_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


def _term(raw: dict[str, Any], child_key: str | None = None) -> Term:
    known = {"value", "label", "synonyms", child_key}
    children = tuple(_term(c) for c in raw.get(child_key) or ()) if child_key else ()
    return Term(
        value=str(raw["value"]),
        label=str(raw["label"]),
        synonyms=tuple(str(s) for s in raw.get("synonyms") or ()),
        attrs={k: v for k, v in raw.items() if k not in known},
        children=children,
    )


def _node(raw: dict[str, Any]) -> ClassNode:
    return ClassNode(str(raw["code"]), str(raw["label"]), tuple(_node(c) for c in raw.get("children") or ()))


@cache
def load_profile(name: str = DEFAULT_PROFILE) -> Profile:
    """Read and check one profile; cached, since profiles are read-only data."""
    path = PROFILE_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(f"未知的辖区配置 {name!r}；可选：{', '.join(available_profiles())}")
    return read_profile(path)


def read_profile(path: Path) -> Profile:
    """Read and check the profile in ``path`` (not cached); errors name the file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    name = raw.get("name") or path.stem
    missing = [v for v in REQUIRED_VOCABULARIES if v not in (raw.get("vocabularies") or {})]
    if missing:
        raise ConfigError(f"辖区配置 {name} 缺少词表：{', '.join(missing)}")
    vocabularies = {
        key: Vocabulary(key, tuple(_term(t, "types" if key == "share_method" else None) for t in terms))
        for key, terms in raw["vocabularies"].items()
    }
    deadlines = {
        key: Deadline(int(d["days"]), d.get("article"), d.get("note"))
        for key, d in (raw.get("deadlines") or {}).items()
        if isinstance(d, dict) and d.get("days") is not None
    }
    return Profile(
        name=raw["name"],
        label=raw["label"],
        regulation=raw.get("regulation") or "",
        source_file=raw.get("source_file"),
        vocabularies=vocabularies,
        classification=tuple(_node(n) for n in raw.get("classification") or ()),
        review_levels=tuple(raw.get("review_levels") or ("department", "city")),
        workflow={k: bool(v) for k, v in (raw.get("workflow") or {}).items()},
        deadlines=deadlines,
        rules={str(k): str(v or "") for k, v in (raw.get("rules") or {}).items()},
        assessment=_assessment(raw.get("assessment"), path.name) if raw.get("assessment") is not None else None,
    )


# -- the assessment section ------------------------------------------------------

def _number(value: Any, file: str, what: str) -> float:
    # bool is an int to Python, but "weight: yes" is a typo, not a weight.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"辖区配置文件 {file}：{what}必须是数字（现为 {value!r}）")
    if not 0 <= value <= 100:
        raise ConfigError(f"辖区配置文件 {file}：{what}须在 0 到 100 之间（现为 {value!r}）")
    return float(value)


def _text_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _assessment(raw: Any, file: str) -> AssessmentScheme:
    """The ``assessment:`` section, checked: numeric weights, thresholds decreasing from 优秀 to 合格."""
    if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), dict) or not raw["indicators"]:
        raise ConfigError(f"辖区配置文件 {file}：assessment 须包含 indicators（考核指标及其权重）")
    indicators = []
    for key, spec in raw["indicators"].items():
        if key not in ASSESSMENT_INDICATORS:
            raise ConfigError(f"辖区配置文件 {file}：未知的考核指标 {key}；可选：{'、'.join(ASSESSMENT_INDICATORS)}")
        if not isinstance(spec, dict) or "weight" not in spec:
            raise ConfigError(f"辖区配置文件 {file}：考核指标 {key} 须写明 weight（权重）")
        indicators.append(WeightedIndicator(
            str(key), _number(spec["weight"], file, f"考核指标 {key} 的权重"), _text_or_none(spec.get("article")),
            _text_or_none(spec.get("area")), _text_or_none(spec.get("note"))))
    if not any(i.weight > 0 for i in indicators):
        raise ConfigError(f"辖区配置文件 {file}：考核指标的权重不能全为 0")
    grades = raw.get("grades")
    if not isinstance(grades, dict):
        raise ConfigError(f"辖区配置文件 {file}：assessment 须包含 grades（等次分数线）")
    thresholds = {}
    for key, label in GRADES[:-1]:
        if key not in grades:
            raise ConfigError(f"辖区配置文件 {file}：grades 缺少“{label}”的分数线（{key}）")
        thresholds[key] = _number(grades[key], file, f"“{label}”的分数线")
    values = list(thresholds.values())
    if any(higher <= lower for higher, lower in pairwise(values)):
        shown = "，".join(f"{label} {thresholds[key]:g}" for key, label in GRADES[:-1])
        raise ConfigError(f"辖区配置文件 {file}：等次分数线须依次递减（优秀 > 良好 > 合格），现为：{shown}")
    annual = raw.get("annual_report") or {}
    months = {k: annual.get(k, default) for k, default in (("department_month", 1), ("authority_month", 2))}
    for key, month in months.items():
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise ConfigError(f"辖区配置文件 {file}：annual_report.{key} 须是 1–12 的月份（现为 {month!r}）")
    return AssessmentScheme(
        regulation=str(raw.get("regulation") or ""),
        indicators=tuple(indicators),
        thresholds=thresholds,
        grades_article=_text_or_none(grades.get("article")),
        grades_note=_text_or_none(grades.get("note")),
        not_measured=tuple(NotMeasured(str(n["label"]), _text_or_none(n.get("article")))
                           for n in raw.get("not_measured") or ()),
        department_month=months["department_month"],
        authority_month=months["authority_month"],
        annual_article=_text_or_none(annual.get("article")),
        annual_note=_text_or_none(annual.get("note")),
        note=_text_or_none(raw.get("note")),
    )
