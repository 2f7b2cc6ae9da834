"""Running an export: the one entry point for the CLI, the REST API and the back office."""
from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from exports.base import FORMATS, ExportFormat, ExportJob, ExportResult, Selection
from exports.source import count
from registry.audit.operations import record_event
from registry.core.context import Context
from registry.core.errors import NotFound, PermissionDenied


def load_formats() -> dict[str, ExportFormat]:
    """Every format, imported once so each registers itself."""
    import exports.formats  # noqa: F401

    return FORMATS


def get_format(name: str) -> ExportFormat:
    formats = load_formats()
    if name not in formats:
        raise NotFound(f"没有名为“{name}”的导出格式；可选：{'、'.join(sorted(formats))}")
    return formats[name]


def run_export(ctx: Context, name: str, selection: Selection, out: BinaryIO, public: bool = False,
               progress_for: Callable[[int], Callable[[int], None]] | None = None) -> ExportResult:
    """Write format ``name`` of the selected items that the reader may see to ``out``.

    ``progress_for(total)`` gives the callback that hears how many items are written.
    Anonymous readers (``public``) may run only public formats, and see only published items.
    It only reads: the caller records the run with :func:`audit_export` in a write transaction.
    """
    fmt = get_format(name)
    if public and not fmt.public:
        raise PermissionDenied("请登录后导出此格式")
    job = ExportJob(ctx, selection, public=public)
    job.total = count(job)
    job.progress = progress_for(job.total) if progress_for else None
    return fmt.write(job, out)


def audit_export(ctx: Context, name: str, selection: Selection, result: ExportResult) -> None:
    """Who carried what out of the system: every signed-in export is an audit event."""
    record_event(ctx, "export:run", "export", name, {
        "org": selection.org_code, "statuses": list(selection.statuses), "class": selection.class_code,
        "items": result.items, "fields": result.fields,
    })
