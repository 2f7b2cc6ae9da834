"""What an export format is, and what a run of one is given."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from registry.core.context import Context

#: Item statuses exported unless the caller asks otherwise: what is published (a change under
#: review still shows its published version).
PUBLISHED = ("published", "change_pending")


@dataclass(frozen=True)
class Selection:
    """Which items: one organisation (and its units), some statuses, one class (基础/主题/部门)."""

    org_code: str | None = None
    statuses: tuple[str, ...] = PUBLISHED
    class_code: str | None = None


@dataclass
class ExportJob:
    ctx: Context
    selection: Selection
    public: bool = False  # an anonymous reader: only what the public may see
    progress: Callable[[int], None] | None = None
    total: int = 0  # items selected, counted before writing (for progress and manifests)


@dataclass
class ExportResult:
    items: int = 0
    fields: int = 0
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    suffix: str
    media_type: str
    write: Callable[[ExportJob, BinaryIO], ExportResult]
    description: str = ""
    #: Open to anonymous readers (they get only public items): the open catalog, DCAT.
    public: bool = False


FORMATS: dict[str, ExportFormat] = {}


def register(fmt: ExportFormat) -> ExportFormat:
    FORMATS[fmt.name] = fmt
    return fmt
