"""A real HTTP server for tests: the app on a free loopback port, stopped afterwards."""
from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from registry.app import Runtime, create_app
from registry.core.config import Settings, load_settings
from registry.core.context import Context
from registry.core.db import unit_of_work
from registry.core.migrate import upgrade


@contextmanager
def migrated_runtime(settings: Settings) -> Iterator[Runtime]:
    """A runtime on a database upgraded to head; its engine is disposed afterwards."""
    runtime = Runtime(settings)
    upgrade(runtime.engine)
    try:
        yield runtime
    finally:
        runtime.engine.dispose()


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """Serve the app (threaded, like a real deployment's concurrent requests); yields its base URL."""
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def get(url: str) -> tuple[int, str]:
    """GET a page: status and text, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


@contextmanager
def seeded_office(instance: Path, database_url: str, seed: Callable[[Context], Any], profile: str = "national",
                  env: dict[str, str] | None = None) -> Iterator[tuple[Runtime, str, Any]]:
    """A fresh instance under ``profile`` (and ``env``'s other ``MULU_*`` settings), seeded by ``seed(ctx)``
    as the system and committed, then served. Yields the runtime, the base URL and what ``seed`` returned.
    """
    settings = load_settings({"MULU_PROFILE": profile, **(env or {})}, instance_path=instance, database_url=database_url)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:
            seeded = seed(runtime.context(session))
        with serving(settings) as base:
            yield runtime, base, seeded
