"""Time the processes of issues 7 and 10 on a provincial-scale demo catalog: their services, their screens over HTTP.

    nice .venv/bin/python bench/process_bench.py [--items 100000] [--requests 20000] [--mounts 200]
                                                 [--repeat 20] [--seed 1] [--instance DIR] [--keep]

Loads the demo catalog into a temporary instance (or reuses ``--instance``,
loading the demo only if it is empty), then seeds what the demo lacks, once
per instance:

- ``--requests`` open requests, three fifths share requests and two fifths
  demands (at the county, city, answer and deliver stages), from departments
  to departments at random, due from 20 days ago to 40 days ahead. They are
  opened one by one through the request engine's ``open_request`` — its
  flush, audit row and "new request" notices included — committed 500 at a
  time; only ``due_at`` (and a demand's stage) is set afterwards.
- ``--mounts`` table mounts on published database items, against an SQLite
  database made in the instance (``bench-source.db``, the connection ``bench``
  of the instance's ``connections.toml``): a table per item with a column per field,
  one in ten with a column missing and one added. These mounts all report
  drift all the same: their items declare Oracle, MySQL … as format type.

Then it times, through the service functions every interface calls: the
responsibility list (a department's and the city's first page, the city's
version stamp, and the xlsx workbook of one county, in a process of its own
for its peak RSS); one data one source (a cold detection in a process of its
own, and a page of the cached report); the assessment of every department and
of one for the current year; update-cycle monitoring; the mount rate and a
drift check of every mount; and ``mulu deadlines check --json`` as a
subprocess, first with no reminder yet written (the bench deletes earlier
ones) and again, when it must write nothing. Then the back office's process
screens and the API over real HTTP, signed in as the demo authority.

Prints p50/p95 in ms (one time for what runs once), the ratio to a baseline
measured in the same run — ``SELECT count(*) FROM catalog_item`` for services,
``/healthz`` for HTTP — and the peak RSS of what ran in a process of its own,
with what that process held before the work began (SQLite's page cache, up
to 64 MiB a connection, is part of both). Not a test: CI never runs it.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo_instance import bench_instance, load_demo_instance
from office_bench import Client

CONNECTION = "bench"
SOURCE_DB = "bench-source.db"
SEED_BATCH = 500
#: Column type per data type code (the national guide's), for the mounted tables.
COLUMN_TYPES = {"C": "VARCHAR", "N": "NUMERIC", "I": "INTEGER", "D": "DATE", "T": "DATETIME", "M": "TEXT",
                "L": "BOOLEAN", "G": "BLOB", "B": "DOUBLE", "F": "FLOAT", "Y": "NUMERIC"}


# -- figures ----------------------------------------------------------------------------------

@dataclass
class Row:
    label: str
    samples: list[float]  # ms
    peak_mb: float | None = None
    before_mb: float | None = None

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float | None:
        ordered = sorted(self.samples)
        return ordered[int(0.95 * (len(ordered) - 1))] if len(ordered) > 1 else None


def print_table(title: str, rows: list[Row]) -> None:
    """The first row is the baseline."""
    base = rows[0].p50
    print(f"\n{title:<52}{'p50 ms':>11}{'p95 ms':>11}{'× base':>9}{'peak MB':>16}")
    for row in rows:
        p95 = f"{row.p95:>11,.1f}" if row.p95 is not None else f"{'(once)':>11}"
        peak = "" if row.peak_mb is None else f"{row.peak_mb:,.0f}" + (
            f" (from {row.before_mb:,.0f})" if row.before_mb is not None else "")
        print(f"{row.label:<52}{row.p50:>11,.1f}{p95}{row.p50 / base:>9,.1f}{peak:>16}")


def _status_mb(key: str) -> float:
    """This process's ``VmHWM`` (peak) or ``VmRSS`` (now): the kernel's, for this process image alone."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- processes of their own -------------------------------------------------------------------

def _child_detect() -> dict:
    """A cold one-data-one-source detection: nothing cached in this process."""
    from sqlalchemy import text

    from registry.app import Runtime
    from registry.core.config import load_settings
    from registry.core.db import unit_of_work
    from registry.sourcing.report import current_findings

    runtime = Runtime(load_settings())
    with unit_of_work(runtime.sessions, write=False) as session:
        session.execute(text("SELECT 1"))
        before = _status_mb("VmRSS")
        started = time.perf_counter()
        findings = current_findings(runtime.context(session))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "findings": len(findings), "before_mb": before, "peak_mb": _status_mb("VmHWM")}


def _child_export(org_code: str, out: str) -> dict:
    """One organisation's responsibility list as the xlsx workbook the back office serves."""
    from sqlalchemy import text

    from registry.app import Runtime
    from registry.core.config import load_settings
    from registry.core.db import unit_of_work
    from registry.lists.responsibility import scope_for
    from registry.lists.responsibility_export import write_xlsx

    runtime = Runtime(load_settings())
    with unit_of_work(runtime.sessions, write=False) as session, open(out, "wb") as handle:
        session.execute(text("SELECT 1"))
        before = _status_mb("VmRSS")
        started = time.perf_counter()
        ctx = runtime.context(session)
        result = write_xlsx(ctx, scope_for(ctx, org_code), handle)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "items": result["items"], "fields": result["fields"], "bytes": os.path.getsize(out),
            "before_mb": before, "peak_mb": _status_mb("VmHWM")}


def _child_exec(command: list[str]) -> dict:
    """Run ``command``; its time and peak RSS. This small process forks it, so the peak it inherits is small:
    ``ru_maxrss`` counts the RSS of the process that forked, up to the ``exec``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=os.environ)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "returncode": process.returncode,
                "stdout": out.read().decode(), "stderr": err.read().decode()[-2000:]}


def run_child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=os.environ,
                          check=False)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_main(argv: list[str]) -> None:
    kind, rest = argv[0], argv[1:]
    if kind == "detect":
        result = _child_detect()
    elif kind == "export":
        result = _child_export(rest[0], rest[1])
    else:
        result = _child_exec(rest)
    print(json.dumps(result))


# -- what the demo lacks ------------------------------------------------------------------------

def seed_requests(runtime, count: int, seed: int) -> None:
    """Open share requests and demands through the engine until ``count`` exist; their due dates spread around today."""
    from sqlalchemy import func, select

    from registry.catalog.models import CatalogItem, ItemStatus, ShareType
    from registry.core.db import unit_of_work
    from registry.orgs.models import Organisation, OrgLevel
    from registry.requests.models import Request

    with unit_of_work(runtime.sessions, write=False) as session:
        have = session.scalar(select(func.count()).select_from(Request)
                              .where(Request.type.in_(("share_request", "demand")))) or 0
        published = session.execute(select(CatalogItem.id, CatalogItem.share_type)
                                    .where(CatalogItem.status == ItemStatus.PUBLISHED)).all()
        departments = list(session.scalars(select(Organisation.id).where(Organisation.level == OrgLevel.DEPARTMENT)))
    if have >= count:
        print(f"requests             {have:,} share requests and demands already there", flush=True)
        return
    pool = {"all": [i for i, _ in published], "conditional": [i for i, s in published if s is ShareType.CONDITIONAL]}
    rng = random.Random(seed + have)
    today = _today()
    started = time.perf_counter()
    for start in range(have, count, SEED_BATCH):
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            for n in range(start, min(count, start + SEED_BATCH)):
                opened = _share_request(ctx, rng, pool, departments) if n % 5 < 3 else _demand(ctx, rng, pool, departments)
                opened.due_at = today + timedelta(days=rng.randint(-20, 40))
    seconds = time.perf_counter() - started
    print(f"requests             {count - have:,} opened through open_request in {seconds:.0f} s "
          f"({(count - have) / seconds:,.0f}/s)", flush=True)


def _today():
    from registry.core.localtime import local_today

    return local_today()


def _pick(ctx, rng: random.Random, ids: list[int], model):
    return ctx.session.get(model, rng.choice(ids))


def _share_request(ctx, rng: random.Random, pool: dict, departments: list[int]):
    from registry.catalog.models import CatalogItem
    from registry.orgs.models import Organisation
    from registry.requests.engine import open_request

    item = _pick(ctx, rng, pool["conditional"], CatalogItem)
    requester = _pick(ctx, rng, departments, Organisation)
    while requester.id == item.provider.department.id:
        requester = _pick(ctx, rng, departments, Organisation)
    data = {"purpose": "用于业务协同办理", "scenario": "跨部门联办", "legal_basis": "政务数据共享管理办法",
            "use_until": (_today() + timedelta(days=365)).isoformat(),
            "fields": [f.name for f in item.fields[:5]], "item_version": item.version}
    return open_request(ctx, "share_request", organisation=item.provider, requester=requester, item=item, data=data,
                        title=f"{requester.name}申请共享{item.name}（{item.code}）")


def _demand(ctx, rng: random.Random, pool: dict, departments: list[int]):
    from registry.accounts.permissions import county_of
    from registry.catalog.models import CatalogItem
    from registry.orgs.models import Organisation
    from registry.requests.engine import open_request

    requester = _pick(ctx, rng, departments, Organisation)
    wanted = _pick(ctx, rng, pool["all"], CatalogItem)
    provider = wanted.provider.department
    county = county_of(requester)
    stage = rng.choice(("county", "city", "answer", "deliver") if county is not None else ("city", "answer", "deliver"))
    city = ([requester] + requester.ancestors)[-1]
    first = {"county": county, "city": city}.get(stage, provider)
    data = {"description": f"需要{wanted.name}", "fields": [f.name for f in wanted.fields[:8]], "purpose": "用于业务办理",
            "legal_basis": "", "scenario": "", "emergency": False,
            "provider": {"id": provider.id, "code": provider.code, "name": provider.name},
            "item": None, "fulfilled_items": [], "suggestions": [], "matched": True}
    demand = open_request(ctx, "demand", organisation=first, requester=requester, title=data["description"][:80], data=data)
    demand.stage = stage
    return demand


def write_connection(instance: Path) -> None:
    """The source database as the named connection ``bench`` in the instance's ``connections.toml``, for every department."""
    (instance / "connections.toml").write_text(
        f'[connections.{CONNECTION}]\nurl = "sqlite:///{(instance / SOURCE_DB).as_posix()}"\n'
        'label = "基准测试源库"\neveryone = true\n', encoding="utf-8")


def seed_mounts(runtime, instance: Path, count: int, seed: int) -> None:
    """``count`` table mounts on published items spread over the catalog, against tables made to match (a tenth drifted)."""
    from sqlalchemy import func, select

    from registry.catalog.models import CatalogItem, ItemStatus
    from registry.core.db import unit_of_work
    from registry.mounts.models import ResourceMount
    from registry.mounts.operations import add_table_mount
    from registry.mounts.sources import Sources

    with unit_of_work(runtime.sessions, write=False) as session:
        have = session.scalar(select(func.count()).select_from(ResourceMount).where(ResourceMount.connection == CONNECTION))
        ids = list(session.scalars(select(CatalogItem.id).where(CatalogItem.status == ItemStatus.PUBLISHED,
                                                                CatalogItem.format_class == "database")
                                   .order_by(CatalogItem.id)))
    if have:
        print(f"mounts               {have:,} table mounts already there", flush=True)
        return
    chosen = ids[:: max(1, len(ids) // count)][:count]
    rng = random.Random(seed)
    (instance / SOURCE_DB).unlink(missing_ok=True)  # left by a run stopped before its mounts were committed
    sources = Sources.for_instance(instance)
    source = sqlite3.connect(instance / SOURCE_DB)
    started = time.perf_counter()
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        for n, item_id in enumerate(chosen):
            item = session.get(CatalogItem, item_id)
            table, stamp = _source_table(source, item, n, rng)
            add_table_mount(ctx, item, sources, connection=CONNECTION, table=table, timestamp_column=stamp, verify=False)
    source.commit()
    source.close()
    print(f"mounts               {len(chosen):,} table mounts on tables of {SOURCE_DB} in "
          f"{time.perf_counter() - started:.0f} s", flush=True)


def _source_table(db: sqlite3.Connection, item, n: int, rng: random.Random) -> tuple[str, str | None]:
    """The item's table: a column per field by its 英文名 (else its name) and type; every tenth one drifted."""
    columns: dict[str, str] = {}
    for field in item.fields:
        name = (field.technical_name or field.name or "").strip()
        kind = COLUMN_TYPES.get(field.data_type or "C", "VARCHAR")
        if field.length and kind in ("VARCHAR", "NUMERIC"):
            kind += f"({field.length})"
        columns.setdefault(name.lower(), f'"{name}" {kind}')
    stamp = next(((f.technical_name or f.name).strip() for f in item.fields if f.data_type in ("D", "T")), None)
    if n % 10 == 0 and len(columns) > 1:  # drifted: the last column dropped, a new one added
        last = list(columns)[-1]
        if stamp is None or last != stamp.lower():
            columns.pop(last)
        columns["备用字段"] = '"备用字段" VARCHAR(50)'
    table = f"t{n:04d}"
    db.execute(f'CREATE TABLE {table} ({", ".join(columns.values())})')
    if stamp is not None:
        when = datetime.now() - timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 23))
        db.execute(f'INSERT INTO {table} ("{stamp}") VALUES (?)', (when.strftime("%Y-%m-%d %H:%M:%S"),))
    return table, stamp


# -- services, in this process -------------------------------------------------------------------

class Services:
    """Each call in a unit of work of its own, as a web request has, acting as ``username``."""

    def __init__(self, runtime, username: str) -> None:
        from sqlalchemy import select

        from registry.accounts.models import User
        from registry.core.db import unit_of_work

        self.runtime = runtime
        with unit_of_work(runtime.sessions, write=False) as session:
            self.actor_id = session.scalar(select(User.id).where(User.username == username))

    def time(self, label: str, work, repeat: int, *, write: bool = False, warm: bool = True) -> Row:
        """``repeat`` timed calls (commit included) after a warm-up call unless ``warm`` is false."""
        from registry.accounts.models import User
        from registry.core.db import unit_of_work

        samples = []
        for n in range(repeat + warm):
            with unit_of_work(self.runtime.sessions, write=write) as session:
                ctx = self.runtime.context(session, actor=session.get(User, self.actor_id))
                started = time.perf_counter()
                work(ctx)
            if n >= warm:
                samples.append((time.perf_counter() - started) * 1000)
        return Row(label, samples)


def pick_orgs(runtime) -> tuple[str, str]:
    """The department with the most listed items (its units' included), and the first county by code."""
    from sqlalchemy import select

    from registry.core.db import unit_of_work
    from registry.lists.responsibility import scope_for, tallies
    from registry.orgs.models import Organisation, OrgLevel

    with unit_of_work(runtime.sessions, write=False) as session:
        ctx = runtime.context(session)
        counted = tallies(ctx, scope_for(ctx, None))
        orgs = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(counted)))}
        department = max((i for i in counted if orgs[i].level is OrgLevel.DEPARTMENT), key=lambda i: counted[i].items)
        county = session.scalar(select(Organisation.code).where(Organisation.level == OrgLevel.COUNTY)
                                .order_by(Organisation.code).limit(1))
        return orgs[department].code, county


def service_rows(runtime, instance: Path, args, department: str, county: str) -> list[Row]:
    from sqlalchemy import text

    svc, repeat, few = Services(runtime, "admin"), args.repeat, max(3, args.repeat // 4)

    def count(ctx) -> int:
        return ctx.session.scalar(text("SELECT count(*) FROM catalog_item"))

    return ([svc.time("baseline: SELECT count(*) FROM catalog_item", count, repeat)]
            + responsibility_rows(svc, instance, repeat, department, county) + sourcing_rows(svc, repeat)
            + assessment_rows(svc, repeat, few, department) + mount_rows(runtime, svc, instance, repeat, few)
            + deadline_rows(runtime))


def responsibility_rows(svc: Services, instance: Path, repeat: int, department: str, county: str) -> list[Row]:
    from registry.lists.responsibility import duties, scope_for, stamp

    print(f"one department       {department} (most listed items); county {county}", flush=True)
    rows = [svc.time("responsibility: one department, first page",
                     lambda ctx: duties(ctx, scope_for(ctx, department), limit=100), repeat),
            svc.time("responsibility: whole city, first page",
                     lambda ctx: duties(ctx, scope_for(ctx, None), limit=100), repeat),
            svc.time("responsibility: whole city, version stamp", lambda ctx: stamp(ctx, scope_for(ctx, None)), repeat)]
    export = run_child("export", county, str(instance / "bench-county.xlsx"))
    print(f"county workbook      {export['items']:,} items, {export['fields']:,} fields, "
          f"{export['bytes'] / 2**20:.1f} MB", flush=True)
    return rows + [Row("responsibility xlsx: one county (subprocess)", [export["seconds"] * 1000],
                       export["peak_mb"], export["before_mb"])]


def sourcing_rows(svc: Services, repeat: int) -> list[Row]:
    """A cold detection in a process of its own; then the report here, whose warm-up call detects once more."""
    from registry.sourcing.operations import list_findings

    detect = run_child("detect")
    print(f"one data one source  {detect['findings']:,} findings", flush=True)
    return [Row("one data one source: cold detection (subprocess)", [detect["seconds"] * 1000],
                detect["peak_mb"], detect["before_mb"]),
            svc.time("one data one source: cached report, first page", lambda ctx: list_findings(ctx)[:20], repeat)]


def assessment_rows(svc: Services, repeat: int, few: int, department: str) -> list[Row]:
    from registry.assessment.operations import assess
    from registry.assessment.periods import year_period
    from registry.monitoring.freshness import stale_items, staleness_by_org

    period = year_period(_today().year)
    return [svc.time(f"assessment {period.key}: every department", lambda ctx: assess(ctx, period), few),
            svc.time(f"assessment {period.key}: one department", lambda ctx: assess(ctx, period, department), repeat),
            svc.time("freshness: staleness_by_org", staleness_by_org, repeat),
            svc.time("freshness: stale_items, first page", lambda ctx: stale_items(ctx, limit=50), repeat)]


def mount_rows(runtime, svc: Services, instance: Path, repeat: int, few: int) -> list[Row]:
    """The mount rate, and ``few`` checks of every mount (each one committed, as the scheduled check is)."""
    from sqlalchemy import func, select

    from registry.mounts.checks import check_mounts
    from registry.mounts.models import ResourceMount
    from registry.mounts.queries import mount_rate_by_org
    from registry.mounts.sources import Sources

    sources = Sources.for_instance(instance)
    with runtime.sessions() as session:
        mounts = session.scalar(select(func.count()).select_from(ResourceMount))
    rows = [svc.time("mounts: mount_rate_by_org", mount_rate_by_org, repeat),
            svc.time(f"mounts: drift check of all {mounts} mounts", lambda ctx: check_mounts(ctx, sources), few,
                     write=True, warm=False)]
    with runtime.sessions() as session:
        found = session.execute(select(ResourceMount.status, func.count()).group_by(ResourceMount.status)).all()
    print("drift check          " + ", ".join(f"{n:,} {s.value if s else 'unchecked'}" for s, n in found), flush=True)
    return rows


def deadline_rows(runtime) -> list[Row]:
    """``mulu deadlines check --json`` with no reminder written yet, then again; and the CLI's bare start-up."""
    from sqlalchemy import delete

    from registry.core.db import unit_of_work
    from registry.notifications.models import DUE_KINDS, Notification

    with unit_of_work(runtime.sessions) as session:  # reminders of an earlier run on this instance
        session.execute(delete(Notification).where(Notification.kind.in_(DUE_KINDS)))
    script = Path(sys.executable).with_name("mulu")
    mulu = [str(script)] if script.exists() else [sys.executable, "-m", "registry"]
    startup = run_child("exec", *mulu, "deadlines", "check", "--help")
    rows = [Row("CLI start-up: mulu deadlines check --help", [startup["seconds"] * 1000], startup["peak_mb"])]
    for label in ("first run", "second run"):
        done = run_child("exec", *mulu, "deadlines", "check", "--json")
        if done["returncode"]:
            sys.exit(f"mulu deadlines check failed ({done['returncode']}):\n{done['stderr']}")
        totals = json.loads(done["stdout"])["totals"]
        print(f"deadlines, {label:<10} {totals['overdue']:,} overdue, {totals['due_soon']:,} due soon, "
              f"{totals['notified']:,} reminders written", flush=True)
        rows.append(Row(f"mulu deadlines check --json, {label}", [done["seconds"] * 1000], done["peak_mb"]))
    return rows


# -- screens, over HTTP -----------------------------------------------------------------------------

def http_rows(repeat: int, year: int) -> list[Row]:
    from werkzeug.serving import make_server

    from registry.app import create_app

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would drown the figures
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    admin = Client(f"http://127.0.0.1:{server.server_port}", "admin")
    screens = [("baseline: bare request /healthz", "/healthz"),
               ("dashboard /admin/", "/admin/"),
               ("demands /admin/demands/", "/admin/demands/"),
               ("share requests /admin/share-requests/", "/admin/share-requests/"),
               ("responsibility list /admin/responsibility/", "/admin/responsibility/"),
               ("duplicates /admin/duplicates/ (warm)", "/admin/duplicates/"),
               (f"assessment /admin/assessment/?period={year}", f"/admin/assessment/?period={year}"),
               ("freshness /admin/freshness/", "/admin/freshness/"),
               ("API /api/v1/responsibility-list", "/api/v1/responsibility-list"),
               (f"API /api/v1/assessments?period={year}", f"/api/v1/assessments?period={year}")]
    rows = []
    for label, path in screens:
        admin.get(path)  # warm
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            admin.get(path)
            samples.append((time.perf_counter() - started) * 1000)
        rows.append(Row(label, samples))
    server.shutdown()
    return rows


# -- the run ------------------------------------------------------------------------------------------

def prepare(instance: Path, args):
    """A migrated instance with the demo catalog and what the bench seeds; the runtime on it."""
    from sqlalchemy import func, select

    from registry.app import Runtime
    from registry.catalog.models import CatalogItem
    from registry.core import migrate
    from registry.core.config import load_settings

    runtime = Runtime(load_settings())
    migrate.upgrade(runtime.engine)
    with runtime.sessions() as session:
        items = session.scalar(select(func.count()).select_from(CatalogItem))
    if not items:
        runtime.engine.dispose()
        load_demo_instance(instance, args.items, seed=args.seed)
        runtime = Runtime(load_settings())
    seed_requests(runtime, args.requests, args.seed)
    write_connection(instance)
    seed_mounts(runtime, instance, args.mounts, args.seed)
    with runtime.sessions() as session:
        items = session.scalar(select(func.count()).select_from(CatalogItem))
    print(f"catalog              {items:,} items", flush=True)
    return runtime


def run(instance: Path, args) -> None:
    os.environ["MULU_INSTANCE_PATH"] = str(instance)
    os.environ.pop("MULU_DATABASE_URL", None)
    os.environ.setdefault("MULU_PROFILE", "national")
    for key in [k for k in os.environ if k.startswith("MULU_SMTP_")]:
        del os.environ[key]  # reminders stay in the back office: the bench mails nobody
    runtime = prepare(instance, args)
    department, county = pick_orgs(runtime)
    services = service_rows(runtime, instance, args, department, county)
    screens = http_rows(args.repeat, _today().year)
    runtime.engine.dispose()
    print_table("service (in process unless a peak is shown)", services)
    print_table("screen (HTTP, signed in as the demo authority)", screens)


def main() -> None:
    if sys.argv[1:2] == ["--child"]:  # the instance comes from the parent's environment
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20_000, help="open share requests and demands to seed")
    parser.add_argument("--mounts", type=int, default=200, help="table mounts to seed")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--instance", type=Path, help="reuse this instance (the demo is loaded only if it is empty)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance")
    args = parser.parse_args()
    with bench_instance(args.instance, args.keep, prefix="mulu-process-bench-") as instance:
        run(instance, args)


if __name__ == "__main__":
    main()
