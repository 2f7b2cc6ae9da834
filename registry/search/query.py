"""What a search asks and what it answers, the same for every backend and every interface.

The query language is small on purpose, because the people typing are not
search experts: words separated by spaces must all match (each as a
substring of the item's text, or as one of its synonyms); text in quotes is
an exact phrase (no synonyms, no relaxing); a resource code or its leading
part (``3070411800001``, ``307041/0000``) matches codes by prefix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from registry.core.errors import ValidationError
from registry.core.i18n import N_
from registry.search.analysis import normalise, runs
from registry.search.synonyms import Synonyms

SORTS = {"relevance": N_("相关度"), "published": N_("发布日期"), "updated": N_("更新时间")}
FIELD_MODES = ("exact", "fuzzy")
MAX_PER_PAGE = 100
MAX_RESULTS = 10_000  # deepest page reachable, as in most search engines

_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|\S+')
_CODE = re.compile(r"^\d{2,}(/\d*)?$")


@dataclass(frozen=True)
class SearchRequest:
    """One search: text, facet filters, an optional field-name criterion, sort and page."""

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    field_name: str | None = None
    field_mode: str = "exact"
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True

    def __post_init__(self) -> None:
        problems = []
        if self.sort not in SORTS:
            problems.append(f"排序方式只能是 {'、'.join(SORTS)}，而不是“{self.sort}”")
        if self.field_mode not in FIELD_MODES:
            problems.append(f"信息项匹配方式只能是 exact（精确）或 fuzzy（模糊），而不是“{self.field_mode}”")
        if self.page < 1 or self.per_page < 0 or self.per_page > MAX_PER_PAGE:
            problems.append(f"页码须从 1 开始，每页 0–{MAX_PER_PAGE} 条（0 条即只要总数和分面）")
        elif self.page * self.per_page > MAX_RESULTS:
            problems.append(f"最多翻到第 {MAX_RESULTS} 条结果，请增加筛选条件")
        if problems:
            raise ValidationError("；".join(problems), field="q")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Chunk:
    """One part of the query that must match: its normalised text and the alternatives that count."""

    text: str
    alternatives: tuple[str, ...]
    phrase: bool = False

    @property
    def code_like(self) -> bool:
        return _CODE.match(self.text) is not None


def parse_query(text: str, synonyms: Synonyms) -> list[Chunk]:
    """Split the query into chunks; unquoted chunks gain their synonyms."""
    chunks: list[Chunk] = []
    for match in _QUOTED.finditer(text or ""):
        quoted = next((g for g in match.groups() if g is not None), None)
        raw = quoted if quoted is not None else match.group()
        norm = normalise(raw).strip()
        if not runs(norm):
            continue  # punctuation alone matches nothing and should not empty the results
        if quoted is not None:
            chunks.append(Chunk(norm, (norm,), phrase=True))
        else:
            chunks.append(Chunk(norm, tuple(synonyms.expand(norm))))
    return chunks


@dataclass
class SearchHit:
    """One item in the results, with the passages that matched marked up."""

    code: str
    name: str
    provider: str
    summary: str
    status: str
    share_type: str
    open_type: str
    update_cycle: str
    format_class: str
    security_grade: str | None
    class_code: str
    item_code: str
    publish_date: str | None
    updated_at: str
    score: int = 0
    highlights: dict[str, Any] = field(default_factory=dict)
    matched_fields: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class SearchResponse:
    """``total`` items match; ``results`` is the requested page; ``facets`` counts values by facet.

    ``relaxed`` says no item matched every word, so items matching some of
    them are shown instead (the page says so).
    """

    total: int
    results: list[SearchHit]
    facets: dict[str, dict[str, int]]
    page: int = 1
    per_page: int = 20
    relaxed: bool = False
    facet_labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, MAX_RESULTS) // self.per_page)) if self.per_page else 1

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total, "page": self.page, "per_page": self.per_page, "relaxed": self.relaxed,
            "results": [hit.to_json() for hit in self.results], "facets": self.facets,
            "facet_labels": self.facet_labels,
        }
