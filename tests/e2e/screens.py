"""Screenshots of the main screens, saved by the browser tests for people to look at."""
from __future__ import annotations

import os
from pathlib import Path

SCREENSHOTS = Path(os.environ.get("MULU_SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "build" / "screenshots"))


def screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
