"""Time the back office's main screens and the REST API on a provincial-scale demo catalog, over real HTTP.

    .venv/bin/python bench/office_bench.py [--items 100000] [--repeat 30] [--instance DIR]

Loads the demo catalog into a fresh instance (or reuses ``--instance`` from an
earlier ``--keep`` run), serves the app on loopback, signs in as the demo
authority and the demo compiler, and prints p50/p95 per screen in ms, with
the ratio to ``/healthz`` measured in the same run (the cost of a bare request).
"""
from __future__ import annotations

import argparse
import http.cookiejar
import logging
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo_instance import load_demo_instance  # noqa: E402


class Client:
    def __init__(self, base: str, username: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.get("/login")
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": "Mulu#2026demo"}).encode()
        self.opener.open(urllib.request.Request(base + "/login", data=body), timeout=60).read()

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()


def _time(client: Client, path: str, repeat: int) -> list[float]:
    client.get(path)  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--instance", type=Path, help="reuse this instance instead of loading a new one")
    args = parser.parse_args()

    instance = args.instance or Path(tempfile.mkdtemp(prefix="mulu-office-bench-"))
    os.environ["MULU_INSTANCE_PATH"] = str(instance)
    os.environ.pop("MULU_DATABASE_URL", None)
    os.environ.setdefault("MULU_PROFILE", "national")
    if args.instance is None:
        load_demo_instance(instance, args.items)

    from werkzeug.serving import make_server

    from registry.app import create_app

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would drown the figures
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    admin, compiler = Client(base, "admin"), Client(base, "compiler")
    queue = admin.get("/admin/review/")
    step = re.search(r'href="(/admin/review/\d+)"', queue).group(1)
    items = compiler.get("/admin/items/")
    item = urllib.parse.unquote(re.search(r'href="(/admin/items/\d[^"]*)"', items).group(1))
    screens = [
        ("bare request /healthz", admin, "/healthz"),
        ("dashboard, authority (whole city)", admin, "/admin/"),
        ("dashboard, compiler", compiler, "/admin/"),
        ("review queue", admin, "/admin/review/"),
        ("review queue, overdue filter", admin, "/admin/review/?due=overdue"),
        ("review step page", admin, step),
        ("item list, authority", admin, "/admin/items/"),
        ("item page, compiler", compiler, urllib.parse.quote(item)),
        ("item edit form, compiler", compiler, urllib.parse.quote(item) + "/edit"),
        ("API: item list, authority", admin, "/api/v1/items?per_page=50"),
        ("API: item list, filtered", admin, "/api/v1/items?status=published&class_code=3&per_page=50"),
        ("API: one item, compiler", compiler, "/api/v1/items/" + item.removeprefix("/admin/items/")),
        ("API: review queue, authority", admin, "/api/v1/reviews"),
    ]
    baseline = None
    print(f"{'screen':<36}{'p50 ms':>9}{'p95 ms':>9}{'× bare':>9}")
    for label, client, path in screens:
        samples = sorted(_time(client, path, args.repeat))
        p50, p95 = statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]
        baseline = baseline or p50
        print(f"{label:<36}{p50:>9.1f}{p95:>9.1f}{p50 / baseline:>9.1f}")
    server.shutdown()


if __name__ == "__main__":
    main()
