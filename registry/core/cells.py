"""Spreadsheet safety for every file a user opens in Excel: reports, exports, the audit log."""
from __future__ import annotations

#: What makes a spreadsheet treat a cell as a formula (a tab or CR can precede one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text a spreadsheet would run as a formula is written as plain text (CSV injection); others as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
