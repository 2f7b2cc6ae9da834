"""How audit events read on screen and in the export: local times and the data as labelled lines."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

from registry.core.localtime import LOCAL_ZONE


def local_day_start(day: date) -> datetime:
    """Local midnight of ``day`` as a UTC time, for comparing with stored times."""
    return datetime.combine(day, time.min, LOCAL_ZONE).astimezone(UTC)


def _text(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def data_lines(data: dict[str, Any] | None) -> list[tuple[str, str]]:
    """``(path, text)`` lines for an event's data; an ``[old, new]`` pair inside a diff reads ``old → new``."""
    lines: list[tuple[str, str]] = []

    def walk(value: Any, path: str, in_diff: bool) -> None:
        if isinstance(value, dict) and value:
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key), in_diff or key == "diff")
        elif in_diff and isinstance(value, list) and len(value) == 2 and not any(isinstance(v, (dict, list)) for v in value):
            lines.append((path, f"{_text(value[0])} → {_text(value[1])}"))
        else:
            lines.append((path, _text(value)))

    walk(data or {}, "", False)
    return [(path, text) for path, text in lines if path]
