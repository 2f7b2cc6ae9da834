"""Fixtures for the import tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbooks import NATIONAL_HEADERS, national_rows, write_xlsx


@pytest.fixture()
def national_xlsx(tmp_path, orgs) -> Path:
    rows = [["某市政务信息资源目录（2026年版）"], NATIONAL_HEADERS, *national_rows(orgs.dept.name)]
    # Resource cells merged vertically as the national template does (rows 3–5 and 6–7).
    merges = [f"{c}3:{c}5" for c in "ABCDEFGHIJKLMNOPQ"] + [f"{c}6:{c}7" for c in "ABCDEFGHIJKLMNOPQ"]
    return write_xlsx(tmp_path / "目录.xlsx", {"目录": rows}, {"目录": merges})
