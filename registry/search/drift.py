"""Comparing an index with the database: what ``mulu search check`` reports and reindex repairs."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Drift:
    """Items whose index entry is missing, stale (older version), extra (item gone) or duplicated."""

    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    pending: int = 0
    indexed: int = 0
    items: int = 0
    #: Entries written in an older document format (all stale too): only a reindex rewrites them all.
    outdated: int = 0

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.duplicated or self.pending)

    @property
    def codes_to_write(self) -> set[str]:
        return set(self.missing) | set(self.stale) | set(self.duplicated)

    def to_json(self) -> dict:
        return {
            "clean": self.clean, "items": self.items, "indexed": self.indexed, "missing": self.missing,
            "stale": self.stale, "extra": self.extra, "duplicated": self.duplicated, "pending": self.pending,
            "outdated": self.outdated,
        }


def compare(database: dict[int, tuple[str, str]], index: dict[int, list[str]]) -> Drift:
    """``database``: item id → (code, stamp); ``index``: item id → the stamps of its live entries."""
    from registry.search.documents import DOC_FORMAT

    drift = Drift(items=len(database), indexed=sum(len(v) for v in index.values()))
    current = f"{DOC_FORMAT}:"
    drift.outdated = sum(1 for stamps in index.values() for stamp in stamps if not stamp.startswith(current))
    for item_id, (code, stamp) in database.items():
        stamps = index.get(item_id)
        if not stamps:
            drift.missing.append(code)
        elif len(stamps) > 1:
            drift.duplicated.append(code)
        elif stamps[0] != stamp:
            drift.stale.append(code)
    drift.extra = sorted(str(i) for i in index if i not in database)
    for codes in (drift.missing, drift.stale, drift.duplicated):
        codes.sort()
    return drift
