"""A separate process editing catalog items, one committed transaction per edit (for the consistency test).

    python writer.py NAME ROUNDS CODE[,CODE…]

Runs against the instance named by the ``MULU_*`` environment, through the
service layer, so each commit is indexed by this process's subscriber —
the way gunicorn workers, an import and the CLI write side by side.
"""
from __future__ import annotations

import sys
import time

from sqlalchemy.exc import OperationalError

from registry.app import Runtime
from registry.catalog import operations as ops
from registry.core.config import load_settings
from registry.core.db import unit_of_work


def edit(runtime: Runtime, name: str, round_: int, code: str) -> None:
    # SQLite refuses a write from a transaction that read before another process
    # committed ("database is locked", whatever the busy timeout): start over, as a client would.
    for attempt in range(50):
        try:
            with unit_of_work(runtime.sessions) as session:
                ctx = runtime.context(session)
                item = ops.get_item(ctx, code)
                ops.update_item(ctx, item, {"summary": f"{name}第{round_}轮修订：{item.summary[-60:]}"})
            return
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.02 * (attempt + 1))
    raise RuntimeError(f"{code} stayed locked")


def main(name: str, rounds: int, codes: list[str]) -> None:
    runtime = Runtime(load_settings())
    for round_ in range(rounds):
        for code in codes:
            edit(runtime, name, round_, code)
    runtime.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","))
