"""Reports how many generated inputs each property-based test ran (the issue asks for the number)."""
from __future__ import annotations

from fuzzing import EXAMPLES, PROFILE


def pytest_terminal_summary(terminalreporter):
    if not EXAMPLES:
        return
    terminalreporter.section(f"generated inputs (hypothesis profile {PROFILE})")
    for name, count in sorted(EXAMPLES.items()):
        terminalreporter.write_line(f"{count:6d}  {name}")
    terminalreporter.write_line(f"{sum(v for k, v in EXAMPLES.items() if ':' not in k):6d}  total (the lines with “:” break a test down by outcome)")
