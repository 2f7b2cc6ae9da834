"""The audit log as CSV, written row by row so an export of any size streams."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from registry.audit.models import AuditEvent
from registry.core.cells import neutralise
from registry.core.localtime import local_time

HEADER = ("编号", "时间", "操作人", "机构编号", "动作", "对象类型", "对象标识", "内容", "来源IP", "哈希")
def _cell(value: object) -> object:
    return neutralise("" if value is None else str(value))


def _row(event: AuditEvent) -> list[str]:
    return [_cell(v) for v in (
        event.id, local_time(event.created_at).strftime("%Y-%m-%d %H:%M:%S"), event.actor_name, event.organisation_id,
        event.tag, event.object_type, event.object_id, json.dumps(event.data or {}, ensure_ascii=False, sort_keys=True),
        event.ip, event.hash,
    )]


def csv_chunks(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The CSV text in chunks of about 64 KB, starting with a BOM (so Excel reads UTF-8) and the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    buffer.write("\ufeff")
    writer.writerow(HEADER)
    for event in events:
        writer.writerow(_row(event))
        if buffer.tell() > 65536:
            yield take()
    yield take()
