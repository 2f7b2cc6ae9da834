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
from pathlib import Path
from typing import Any

import yaml

from registry.core.errors import ConfigError

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
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
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
    )
