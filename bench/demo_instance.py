"""A demo catalog in a fresh instance, for the benchmarks that time screens and exports on it."""
from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def bench_instance(given: Path | None, keep: bool, prefix: str) -> Iterator[Path]:
    """``given`` as it is, or a fresh temporary instance, removed afterwards unless ``keep``."""
    instance = given or Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield instance
    finally:
        if given is None and not keep:
            shutil.rmtree(instance, ignore_errors=True)
        elif given is None:
            print(f"instance kept at     {instance}")


def load_demo_instance(instance: Path, items: int, seed: int = 1) -> None:
    """Migrate the instance named by ``MULU_INSTANCE_PATH`` and load ``items`` demo entries (indexed on commit)."""
    from registry.app import Runtime
    from registry.core import migrate
    from registry.core.calendar import seed_calendar
    from registry.core.config import load_settings
    from registry.core.db import unit_of_work
    from registry.demo.loader import load_demo

    runtime = Runtime(load_settings())
    migrate.upgrade(runtime.engine)
    started = time.perf_counter()
    with unit_of_work(runtime.sessions) as session:
        seed_calendar(session)
        load_demo(runtime.context(session), items, seed=seed)
    print(f"demo catalog of {items:,} items loaded and indexed in {time.perf_counter() - started:.0f} s ({instance})", flush=True)
    runtime.engine.dispose()
