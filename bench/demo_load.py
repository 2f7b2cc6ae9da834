"""Measure ``mulu demo load`` in a fresh temporary instance.

    .venv/bin/python bench/demo_load.py [--items 100000] [--seed 1] [--profile national] [--keep]

Prints the time to generate the entries alone (no database), the total load
time (organisations, validation, inserts and commit), items/s and fields/s,
the database size and the process's peak RSS.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", default=os.environ.get("MULU_PROFILE", "national"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance and print its path")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="mulu-bench-"))
    os.environ["MULU_INSTANCE_PATH"] = str(instance)
    os.environ.pop("MULU_DATABASE_URL", None)
    os.environ["MULU_PROFILE"] = args.profile

    from registry.core.signals import items_committed

    # Connected before the search index subscribes, so it marks the moment the data is committed:
    # what follows is the after-commit indexing, timed separately.
    marks: dict[str, float] = {}
    items_committed.connect(lambda *_, **__: marks.setdefault("committed", time.perf_counter()), weak=False)

    from registry.app import Runtime
    from registry.core import migrate
    from registry.core.calendar import seed_calendar
    from registry.core.config import load_settings
    from registry.core.db import unit_of_work
    from registry.demo.generator import generate_entries
    from registry.demo.loader import load_demo

    runtime = Runtime(load_settings())
    migrate.upgrade(runtime.engine)  # what `mulu db upgrade` does
    with unit_of_work(runtime.sessions) as session:
        seed_calendar(session)

    started = time.perf_counter()
    generated = fields = 0
    for entry in generate_entries(runtime.profile, args.items, args.seed):
        generated += 1
        fields += len(entry["fields"])
    generation = time.perf_counter() - started

    started = time.perf_counter()
    with unit_of_work(runtime.sessions) as session:
        stats = load_demo(runtime.context(session), items=args.items, seed=args.seed)
    total = time.perf_counter() - started
    runtime.engine.dispose()

    database = Path(runtime.settings.database_url.removeprefix("sqlite:///"))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"profile              {args.profile}")
    print(f"items / fields       {stats.items:,} / {stats.fields:,} (generated {generated:,} / {fields:,}), "
          f"{stats.organisations} organisations")
    print(f"generation alone     {generation:.1f} s  ({generated / generation:,.0f} items/s, {fields / generation:,.0f} fields/s)")
    committed = marks.get("committed", started + total) - started
    print(f"load and commit      {committed:.1f} s  ({stats.items / committed:,.0f} items/s, {stats.fields / committed:,.0f} fields/s)")
    print(f"search indexing      {total - committed:.1f} s  (after the commit, by the search subscriber)")
    print(f"total                {total:.1f} s")
    if database.exists():
        print(f"database size        {_size(database) / 2**20:,.0f} MiB ({database.name} with WAL)")
    print(f"peak RSS             {peak_mb:,.0f} MiB")
    if args.keep:
        print(f"instance kept at     {instance}")
    else:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
