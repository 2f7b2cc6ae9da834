"""Load benchmark: the app under gunicorn, mixed traffic from concurrent clients, then an index consistency check.

    nice .venv/bin/python bench/load_bench.py [--items 100000] [--seconds 60] [--clients 20] [--workers 4]
                                              [--seed 1] [--instance DIR] [--keep] [--cold]
    .ci/with-postgres nice .venv/bin/python bench/load_bench.py --database postgres [...]

Loads the demo catalog into a fresh instance (or reuses ``--instance``, loading
the demo only if its catalog is empty; ``--keep`` keeps a fresh one), serves it
with ``gunicorn wsgi:app`` (sync workers) on loopback, and drives it from this
process — a second process — with ``--clients`` threads for ``--seconds``:

- 50 % search: ``/api/v1/search?q=…`` and the public search page ``/?q=…``;
- 25 % item reads: the public item page and ``/api/v1/items/{code}`` (published items);
- 15 % lists: ``/api/v1/items`` pages, some filtered;
- 8 % edits: ``PATCH /api/v1/items/{code}`` with ``If-Match`` on the demo
  compiler's drafts, through an API token; each client edits drafts of its own,
  so a 412 would be a real error, not a lost race between clients;
- 2 % ``/healthz``, the baseline: a bare request under the same load;
- exactly one import, a third of the way in: ``mulu catalog template`` filled
  with a few entries, ``POST /api/v1/imports`` with ``mode=commit``.

Prints per kind: count, throughput, p50/p95/p99 in ms, the p50 as a multiple
of /healthz's, and errors (status ≥ 500, connection errors, any 4xx: every
request is valid). Then stops the server and runs ``mulu search check``.

``--database postgres`` takes the database from ``MULU_DATABASE_URL`` or from
``MULU_TEST_DATABASE_URL`` (set by ``.ci/with-postgres``) and uses the
``postgres`` search backend, the one the docs prescribe for several app
servers. On SQLite the Whoosh index serves several workers: writers take
``write.lock`` across processes, readers reopen the index when it changes.
Not a test: CI never runs it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_instance import load_demo_instance

VENV_BIN = Path(sys.executable).parent
#: (kind, weight); the import is not drawn, it runs once.
MIX = [("search", 50), ("item", 25), ("list", 15), ("edit", 8), ("healthz", 2)]
KINDS = ["healthz", "search", "item", "list", "edit", "import"]
READS = ("healthz", "search", "item", "list")
KEYWORDS = ["企业", "人口", "许可", "户籍人口", "建设工程", "社会保障卡", "不动产登记", "统一社会信用代码", "营业执照",
            "医疗机构", "食品经营许可", "住房公积金", "行政处罚", "残疾人", "义务教育", "交通违法", "纳税",
            "养老保险", "环境监测", "企业 年报", "市场主体 登记"]
GOAL_P95_MS = 300


# -- the instance and the server ----------------------------------------------------------------

def catalog_size() -> int:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from registry.app import Runtime
    from registry.core.config import load_settings

    runtime = Runtime(load_settings())
    try:
        with runtime.engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM catalog_item")).scalar_one()
    except DBAPIError:  # no schema yet
        return 0
    finally:
        runtime.engine.dispose()


def reference_loop_ms() -> float:
    """CPU time of a fixed pure-Python loop: the machine's speed when the figures were taken (lower is faster;
    on this shared machine it has ranged from about 390 to 740 ms, and the server's CPU per request with it)."""
    started, total = time.process_time(), 0
    for n in range(5_000_000):
        total += n * 2
    return (time.process_time() - started) * 1000


def void_public_results() -> None:
    """Start from nothing kept: PostgreSQL's shared results go (a publication does the same). Whoosh keeps
    results per process only, and the server's processes are new."""
    from registry.app import Runtime
    from registry.core.config import load_settings
    from registry.search import pg_cache

    runtime = Runtime(load_settings())
    try:
        if runtime.settings.search_backend == "postgres":
            with runtime.sessions() as session:
                pg_cache.public_changed(session)
                session.commit()
    finally:
        runtime.engine.dispose()


def mulu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "mulu"), *args], capture_output=True, text=True, cwd=ROOT, check=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with open(log, "ab") as handle:  # the server keeps its own copy of the descriptor
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
             "--graceful-timeout", "30", "wsgi:app"],
            cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}; see {log}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"gunicorn did not answer /healthz in 180 s; see {log}")


def cpu_seconds(master: int, postgres: bool) -> tuple[float, float]:
    """User + system CPU seconds so far (Linux /proc) of the gunicorn master's process tree and (with
    ``postgres``) of every local PostgreSQL server's: live processes' own, plus what ended children
    used (their parent's ``cutime``/``cstime``: PostgreSQL's backends and parallel workers come and go)."""
    procs: dict[int, tuple[str, int, int, int]] = {}  # pid → (name, parent, own ticks, ended children's ticks)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, IndexError, ValueError):  # the process ended meanwhile
            continue
        fields = rest.split()
        procs[int(stat.parent.name)] = (name, int(fields[1]), int(fields[11]) + int(fields[12]),
                                        int(fields[13]) + int(fields[14]))

    def tree(root: int) -> int:
        if root not in procs:
            return 0
        return sum(procs[root][2:]) + sum(own for _, parent, own, _ in procs.values() if parent == root)

    ticks = os.sysconf("SC_CLK_TCK")
    servers = [pid for pid, (name, parent, _, _) in procs.items()
               if postgres and name == "postgres" and procs.get(parent, ("",))[0] != "postgres"]
    return tree(master) / ticks, sum(tree(pid) for pid in servers) / ticks


# -- HTTP ----------------------------------------------------------------------------------------

def call(base: str, method: str, path: str, headers: dict | None = None, body: bytes | None = None,
         timeout: float = 120) -> tuple[int, dict, bytes]:
    """(status, headers, body); status 0 for a connection error."""
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()
    except OSError as exc:
        return 0, {}, str(exc).encode()


def get_json(base: str, path: str, headers: dict | None = None) -> dict:
    status, _, body = call(base, "GET", path, headers)
    if status != 200:
        sys.exit(f"GET {path}: {status} {body[:300]!r}")
    return json.loads(body)


def import_workbook(path: Path, entries: int) -> None:
    """``mulu catalog template`` filled with ``entries`` new entries of three 信息项 each (provider: the importer's own)."""
    from openpyxl import load_workbook

    from importers.template import DATA_SHEET, template_columns

    result = mulu("catalog", "template", "-o", str(path))
    if result.returncode:
        sys.exit(f"mulu catalog template: {result.stderr}")
    book = load_workbook(path)
    sheet = book[DATA_SHEET]
    columns = template_columns()
    tag = uuid.uuid4().hex[:6]
    row = 2
    for n in range(entries):
        item = {"class_code": "3", "item_code": "07", "category_code": "411", "name": f"压测导入企业信息{tag}-{n}",
                "summary": f"负载测试期间导入的第{n}个条目。", "format_class": "数据库", "format_type": "oracle",
                "share_type": "无条件共享", "share_method_class": "共享平台方式", "share_method_type": "接口",
                "open_type": "无条件开放", "update_cycle": "每日", "subject": "法人"}
        fields = [{"name": "统一社会信用代码", "technical_name": "TYSHXYDM", "data_type": "字符型（C）", "length": 18},
                  {"name": "企业名称", "technical_name": "QYMC", "data_type": "字符型（C）", "length": 200},
                  {"name": "成立日期", "technical_name": "CLRQ", "data_type": "日期型（D）", "length": 8}]
        for f, field in enumerate(fields):
            for column, (level, spec) in enumerate(columns, start=1):
                value = (item if f == 0 else {}).get(spec.key) if level == "item" else field.get(spec.key)
                if value is not None:
                    sheet.cell(row=row, column=column, value=value)
            row += 1
    book.save(path)


def multipart(fields: dict[str, str], file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
                 "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
                 + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# -- traffic -------------------------------------------------------------------------------------

class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, Counter] = defaultdict(Counter)
        self.examples: list[str] = []
        self.reads: list[tuple[float, float]] = []  # (when it ended, ms)

    def add(self, kind: str, ms: float, status: int, expected: int, path: str, body: bytes) -> None:
        with self.lock:
            self.samples[kind].append(ms)
            if kind in READS:
                self.reads.append((time.monotonic(), ms))
            if status != expected:
                self.errors[kind][status] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{kind} {path} → {status or 'connection error'}: "
                                         f"{body[:200].decode(errors='replace')}")


def client(number: int, base: str, stop_at: float, rng: random.Random, published: list[str],
           drafts: list[list], auth: dict, recorder: Recorder) -> None:
    kinds, weights = zip(*MIX)
    while time.monotonic() < stop_at:
        kind = rng.choices(kinds, weights)[0]
        if kind == "edit" and not drafts:
            kind = "item"
        method, headers, body, expected = "GET", {}, None, 200
        if kind == "search":
            q = urllib.parse.quote(rng.choice(KEYWORDS))
            path = f"/api/v1/search?q={q}&per_page=20" if rng.random() < 0.5 else f"/?q={q}"
            if rng.random() < 0.2:
                path += "&share_type=conditional"
        elif kind == "item":
            code = urllib.parse.quote(rng.choice(published))
            path = f"/items/{code}" if rng.random() < 0.5 else f"/api/v1/items/{code}"
        elif kind == "list":
            path = rng.choice([f"/api/v1/items?per_page=50&page={rng.randint(1, 20)}",
                               f"/api/v1/items?status=published&class_code={rng.randint(1, 3)}&per_page=50",
                               f"/?page={rng.randint(1, 20)}"])
        elif kind == "edit":
            entry = rng.choice(drafts)  # [code, etag, edits] of this client's own
            entry[2] += 1
            path, method = f"/api/v1/items/{urllib.parse.quote(entry[0])}", "PATCH"
            headers = {**auth, "If-Match": entry[1], "Content-Type": "application/json"}
            body = json.dumps({"summary": f"负载测试第{number}号客户端第{entry[2]}次修改：记录本单位业务办理情况。"},
                              ensure_ascii=False).encode()
        else:
            path = "/healthz"
        started = time.perf_counter()
        status, response_headers, content = call(base, method, path, headers, body)
        ms = (time.perf_counter() - started) * 1000
        if kind == "edit" and status == 200:
            entry[1] = response_headers.get("ETag", entry[1])
        recorder.add(kind, ms, status, expected, path, content)


def run_import(base: str, auth: dict, workbook: Path, recorder: Recorder, result: dict) -> None:
    body, content_type = multipart({"mode": "commit"}, workbook.name, workbook.read_bytes())
    started = time.perf_counter()
    status, _, content = call(base, "POST", "/api/v1/imports", {**auth, "Content-Type": content_type}, body)
    recorder.add("import", (time.perf_counter() - started) * 1000, status, 200, "/api/v1/imports", content)
    result["status"] = status
    try:
        result["body"] = json.loads(content)
    except ValueError:
        result["body"] = content[:300]


def percentile(ordered: list[float], p: float) -> float:
    """Nearest rank."""
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def print_table(recorder: Recorder, seconds: float) -> dict:
    base_p50 = None
    healthz = sorted(recorder.samples.get("healthz", []))
    if healthz:
        base_p50 = percentile(healthz, 50)
    print(f"\n{'kind':<16}{'count':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'× healthz':>11}{'errors':>8}")
    groups = [(k, recorder.samples.get(k, [])) for k in KINDS]
    reads = [ms for k in READS for ms in recorder.samples.get(k, [])]
    every = [ms for k in KINDS for ms in recorder.samples.get(k, [])]
    errors = {k: sum(recorder.errors[k].values()) for k in KINDS}
    groups += [("reads (all)", reads), ("overall", every)]
    errors["reads (all)"] = sum(errors[k] for k in READS)
    errors["overall"] = sum(errors[k] for k in KINDS)
    figures = {}
    for label, samples in groups:
        if not samples:
            continue
        ordered = sorted(samples)
        p50, p95, p99 = (percentile(ordered, p) for p in (50, 95, 99))
        ratio = f"{p50 / base_p50:>11.1f}" if base_p50 else f"{'':>11}"
        print(f"{label:<16}{len(ordered):>8,}{len(ordered) / seconds:>8.1f}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
              f"{ratio}{errors[label]:>8}")
        figures[label] = {"count": len(ordered), "p95": p95, "errors": errors[label]}
    return figures


def print_windows(recorder: Recorder, started: float, seconds: float, window: float = 10) -> None:
    """Reads p95 per window of the run: a cold start (nothing kept yet) shows in the first ones."""
    windows: dict[int, list[float]] = defaultdict(list)
    for at, ms in recorder.reads:
        windows[max(0, min(int((at - started) // window), int(seconds // window) - 1))].append(ms)
    figures = [f"{percentile(sorted(windows[n]), 95):.0f}" for n in sorted(windows)]
    print(f"reads p95 per {window:.0f} s: " + ", ".join(figures) + " ms")


# -- main ----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--instance", type=Path, help="reuse this instance (loads the demo only if its catalog is empty)")
    parser.add_argument("--keep", action="store_true", help="keep the fresh instance for a later --instance run")
    parser.add_argument("--cold", action="store_true",
                        help="no public result kept at the start, as after a publication (warm-up searches other words)")
    args = parser.parse_args()

    instance = args.instance or Path(tempfile.mkdtemp(prefix="mulu-load-bench-"))
    instance.mkdir(parents=True, exist_ok=True)
    os.environ["MULU_INSTANCE_PATH"] = str(instance)
    os.environ.setdefault("MULU_PROFILE", "national")
    if args.database == "postgres":
        url = os.environ.get("MULU_DATABASE_URL") or os.environ.get("MULU_TEST_DATABASE_URL")
        if not url:
            sys.exit("--database postgres needs MULU_DATABASE_URL, or run under .ci/with-postgres")
        os.environ["MULU_DATABASE_URL"] = url
        os.environ["MULU_SEARCH_BACKEND"] = "postgres"
    else:
        os.environ.pop("MULU_DATABASE_URL", None)
        os.environ["MULU_SEARCH_BACKEND"] = "whoosh"

    try:
        items = catalog_size()
        if items == 0:
            load_demo_instance(instance, args.items, seed=args.seed)
            items = catalog_size()
        backend = os.environ["MULU_SEARCH_BACKEND"]
        print(f"{args.database} + {backend}: {items:,} items, gunicorn {args.workers} sync workers, "
              f"{args.clients} clients for {args.seconds:.0f} s ({instance})", flush=True)
        print(f"{os.cpu_count()} CPUs; load average before the run {os.getloadavg()[0]:.1f}; "
              f"reference loop {reference_loop_ms():.0f} ms", flush=True)

        token = mulu("token", "create", "compiler", "--name", "负载测试")
        if token.returncode:
            sys.exit(f"mulu token create: {token.stderr}")
        auth = {"Authorization": "Bearer " + token.stdout.strip().splitlines()[-1]}
        workbook = instance / "load-bench-import.xlsx"
        import_workbook(workbook, 5)

        if args.cold:
            void_public_results()
        server, base = start_gunicorn(args.workers, instance / "gunicorn.log")
        try:
            published = [i["code"] for p in (1, 2, 3, 4)
                         for i in get_json(base, f"/api/v1/items?status=published&per_page=100&page={p}")["items"]]
            drafts = get_json(base, "/api/v1/items?status=draft&per_page=100", auth)["items"]
            mine = []
            for entry in drafts[: args.clients * 3]:
                status, headers, _ = call(base, "GET", f"/api/v1/items/{urllib.parse.quote(entry['code'])}", auth)
                if status == 200:
                    mine.append([entry["code"], headers["ETag"], 0])
            print(f"{len(published)} published items to read, {len(mine)} drafts of the demo compiler to edit", flush=True)

            # Warm every worker (imports, caches, the index readers) before timing.
            words = [f"预热{n}" for n in range(args.workers * 3)] if args.cold else KEYWORDS[: args.workers * 3]
            warm = [threading.Thread(target=call, args=(base, "GET", f"/api/v1/search?q={urllib.parse.quote(k)}"))
                    for k in words]
            for thread in warm:
                thread.start()
            for thread in warm:
                thread.join()

            recorder, import_result = Recorder(), {}
            stop_at = time.monotonic() + args.seconds
            threads = [threading.Thread(target=client, args=(
                n, base, stop_at, random.Random(args.seed * 1000 + n), published, mine[n :: args.clients], auth, recorder))
                for n in range(args.clients)]
            importer = threading.Timer(args.seconds / 3, run_import, args=(base, auth, workbook, recorder, import_result))
            started = time.monotonic()
            (cpu_before, db_before), client_before = cpu_seconds(server.pid, args.database == "postgres"), sum(os.times()[:2])
            for thread in threads:
                thread.start()
            importer.start()
            for thread in threads:
                thread.join()
            importer.join()
            elapsed = time.monotonic() - started
            load_after = os.getloadavg()[0]
            server_cpu, db_cpu = (after - before for after, before in zip(cpu_seconds(server.pid, args.database == "postgres"), (cpu_before, db_before)))
            client_cpu = sum(os.times()[:2]) - client_before
        finally:
            server.terminate()
            server.wait(timeout=60)

        figures = print_table(recorder, elapsed)
        print_windows(recorder, started, elapsed)
        print(f"{elapsed:.0f} s measured; load average at the end {load_after:.1f}; reference loop "
              f"{reference_loop_ms():.0f} ms (this machine is shared: its speed varies)")
        available = elapsed * os.cpu_count()
        requests = max(1, sum(len(v) for v in recorder.samples.values()))
        database = f", PostgreSQL on this machine {db_cpu:.0f} s ({db_cpu / available:.0%})" if db_cpu else ""
        print(f"CPU used: server {server_cpu:.0f} s ({server_cpu / available:.0%}){database}, this load generator "
              f"{client_cpu:.0f} s ({client_cpu / available:.0%}) of {available:.0f} s available; per request: "
              f"server {server_cpu * 1000 / requests:.1f} ms" + (f", PostgreSQL {db_cpu * 1000 / requests:.1f} ms" if db_cpu else ""))
        body = import_result.get("body")
        summary = {k: body.get(k) for k in ("created", "updated", "rejected", "fields", "written", "batch")} \
            if isinstance(body, dict) else body
        print(f"\nimport: HTTP {import_result.get('status')} {summary}")
        for kind in KINDS:
            if recorder.errors[kind]:
                print(f"errors, {kind}: " + ", ".join(f"{s or 'connection'}×{n}" for s, n in recorder.errors[kind].items()))
        for example in recorder.examples:
            print("  " + example)
        reads = figures.get("reads (all)", {})
        ok = figures.get("overall", {}).get("errors", 1) == 0 and reads.get("p95", 1e9) < GOAL_P95_MS
        print(f"goal (zero errors, reads p95 < {GOAL_P95_MS} ms at {args.clients} clients): "
              f"{'met' if ok else 'NOT met'} — reads p95 {reads.get('p95', float('nan')):.1f} ms, "
              f"{figures.get('overall', {}).get('errors')} errors")

        check = mulu("search", "check")
        print(f"\nmulu search check (exit {check.returncode}): database and index "
              f"{'agree' if check.returncode == 0 else 'DISAGREE'}")
        for line in (check.stdout + check.stderr).strip().splitlines()[:20]:
            print("  " + line)
    finally:
        if args.instance is None and not args.keep:
            shutil.rmtree(instance, ignore_errors=True)
        elif args.instance is None:
            print(f"kept {instance}")


if __name__ == "__main__":
    main()
