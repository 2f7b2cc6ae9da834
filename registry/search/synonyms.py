"""Synonyms for query expansion: a data file in the package, plus an optional local one.

Expansion happens at query time, so editing a list never needs a reindex.
``synonyms.txt`` beside this module holds the shipped groups; a deployment
adds its own in ``<instance>/synonyms.txt`` (same format).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from registry.search.analysis import normalise

SHIPPED = Path(__file__).with_name("synonyms.txt")
_SEPARATORS = re.compile(r"[,，、;；\s]+")
#: Alternatives per query chunk, so a long query cannot explode into hundreds of terms.
MAX_ALTERNATIVES = 8


@dataclass(frozen=True)
class Synonyms:
    """Groups of interchangeable terms, looked up by any member (normalised)."""

    groups: tuple[tuple[str, ...], ...]

    @property
    def by_term(self) -> dict[str, tuple[str, ...]]:
        return _index(self.groups)

    def expand(self, text: str) -> list[str]:
        """``text`` first, then the texts obtained by swapping in synonyms.

        A term equal to the whole text swaps in each group member; terms found
        inside the text are replaced in place, longest first and without
        overlapping (身份证号码 is one term, not 身份证号 + 码).
        """
        text = normalise(text)
        out = dict.fromkeys([text])
        for other in self.by_term.get(text, ()):
            out.setdefault(other)
        taken = [(0, len(text))] if text in self.by_term else []
        for term in sorted(self.by_term, key=len, reverse=True):
            if term == text or len(out) >= MAX_ALTERNATIVES:
                continue
            start = text.find(term)
            if start < 0 or any(start < end and begin < start + len(term) for begin, end in taken):
                continue
            taken.append((start, start + len(term)))
            for other in self.by_term[term]:
                out.setdefault(text[:start] + other + text[start + len(term):])
        return list(out)[:MAX_ALTERNATIVES]


@lru_cache(maxsize=8)
def _index(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    lookup: dict[str, list[str]] = {}
    for group in groups:
        for term in group:
            others = lookup.setdefault(term, [])
            others.extend(t for t in group if t != term and t not in others)
    return {term: tuple(others) for term, others in lookup.items()}


def parse(text: str) -> tuple[tuple[str, ...], ...]:
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        terms = tuple(dict.fromkeys(normalise(t) for t in _SEPARATORS.split(line) if t))
        if len(terms) > 1:
            groups.append(terms)
    return tuple(groups)


def load_synonyms(instance_path: Path | None = None) -> Synonyms:
    """The shipped groups plus the instance's own, re-read when either file changes."""
    local = instance_path / "synonyms.txt" if instance_path else None
    stamps = tuple(_mtime(p) for p in (SHIPPED, local) if p is not None)
    return _load(str(local) if local else "", stamps)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@lru_cache(maxsize=4)
def _load(local: str, _stamps: tuple[float, ...]) -> Synonyms:
    # A build that left the data file out still searches, just without shipped synonyms.
    groups = parse(SHIPPED.read_text(encoding="utf-8")) if SHIPPED.is_file() else ()
    if local and Path(local).is_file():
        groups += parse(Path(local).read_text(encoding="utf-8"))
    return Synonyms(groups)
