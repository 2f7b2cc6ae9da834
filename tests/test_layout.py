"""The suite's own layout: test modules are imported by basename (no packages), so each name must be unique."""
from __future__ import annotations

from collections import Counter
from pathlib import Path


def test_no_two_test_modules_share_a_name():
    names = Counter(path.name for path in Path(__file__).parent.rglob("test_*.py"))
    assert [name for name, n in names.items() if n > 1] == []
