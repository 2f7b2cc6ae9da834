"""Time the big exports on a provincial-scale demo catalog, against a bare xlsxwriter loop.

    .venv/bin/python bench/export_bench.py [--items 100000] [--instance DIR] [--formats national-xlsx,dcat-ttl]

Loads the demo catalog into a fresh instance (or reuses ``--instance``; the
export only reads it), then runs each export in a subprocess of its own so its
peak RSS is its own. The baseline, measured in the same run, writes as many
rows of as many cells, of the same values (read from the database beforehand,
so it times writing only), with a bare xlsxwriter ``constant_memory`` loop.
Prints seconds, rows/s, peak MB and the ratio to the baseline.
Goal for ``national-xlsx``: within 1.5× of the baseline and under 1 GB.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo_instance import load_demo_instance  # noqa: E402

SAMPLE_ITEMS = 2000  # items read for the baseline's rows, cycled to the export's row count


def _peak_mb() -> float:
    """This process's peak RSS. ``ru_maxrss`` would carry over the parent's from before ``exec``;
    the kernel's VmHWM belongs to this process image alone."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _child_export(name: str, out: Path) -> dict:
    from exports.base import Selection
    from exports.service import run_export
    from registry.app import Runtime
    from registry.core.config import load_settings
    from registry.core.db import unit_of_work

    runtime = Runtime(load_settings())
    started = time.perf_counter()
    with unit_of_work(runtime.sessions, write=False) as session, out.open("wb") as handle:
        result = run_export(runtime.context(session), name, Selection(), handle)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "items": result.items, "fields": result.fields,
            "rows": result.extra.get("rows") or result.fields or result.items, "bytes": out.stat().st_size, "peak_mb": _peak_mb()}


def _sample_rows() -> list[list[tuple[int, str, object]]]:
    """The national workbook's cells for the first items, as (column, kind, value) per row."""
    from exports.base import ExportJob, Selection
    from exports.formats.national import _labeller, columns
    from exports.source import entries
    from registry.app import Runtime
    from registry.core.config import load_settings
    from registry.core.db import unit_of_work

    runtime = Runtime(load_settings())
    cols = columns()
    kinds = {"int": "number", "float": "number", "date": "date"}
    sample: list[list[tuple[int, str, object]]] = []
    with unit_of_work(runtime.sessions, write=False) as session:
        ctx = runtime.context(session)
        labels = [_labeller(ctx.profile, c.spec) for c in cols]
        for entry in itertools.islice(entries(ExportJob(ctx, Selection())), SAMPLE_ITEMS):
            values = {**entry.values, "serial": len(sample) + 1, "provider": entry.provider.name,
                      "provider_code": entry.provider.code,
                      "provider_unit": entry.provider_unit.name if entry.provider_unit else None}
            for offset, field in enumerate(entry.fields or [{}]):
                row = []
                for index, column in enumerate(cols):
                    source = values if column.level == "item" else field
                    if column.level == "item" and offset:
                        continue
                    value = source.get(column.spec.key)
                    if value is not None:
                        value = labels[index](value) if column.spec.kind not in ("int", "float", "date") else value
                    if value is not None and value != "":
                        row.append((index, kinds.get(column.spec.kind, "string"), value))
                sample.append(row)
    return sample


def _child_baseline(rows: int, out: Path) -> dict:
    import xlsxwriter

    sample = _sample_rows()
    started = time.perf_counter()
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    writers = {"string": sheet.write_string, "number": sheet.write_number,
               "date": lambda r, c, v: sheet.write_datetime(r, c, v, date_format)}
    for column in range(60):
        sheet.write_string(0, column, f"列{column}")
    for row, cells in zip(range(1, rows + 1), itertools.cycle(sample)):
        for column, kind, value in cells:
            writers[kind](row, column, value)
    workbook.close()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows, "bytes": out.stat().st_size, "peak_mb": _peak_mb()}


def _run_child(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=os.environ, check=False)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--instance", type=Path, help="reuse this instance instead of loading a new one")
    parser.add_argument("--formats", default="national-xlsx,dcat-ttl", help="formats to time (missing ones skipped)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:  # the instance comes from the parent's environment
        result = _child_baseline(args.rows, args.out) if args.child == "baseline" else _child_export(args.child, args.out)
        print(json.dumps(result))
        return
    instance = args.instance or Path(tempfile.mkdtemp(prefix="mulu-export-bench-"))
    os.environ["MULU_INSTANCE_PATH"] = str(instance)
    os.environ.pop("MULU_DATABASE_URL", None)
    os.environ.setdefault("MULU_PROFILE", "national")
    if args.instance is None:
        load_demo_instance(instance, args.items)

    from exports.service import load_formats

    available = load_formats()
    names = [n for n in args.formats.split(",") if n in available]
    with tempfile.TemporaryDirectory(prefix="mulu-export-bench-out-") as outdir:
        # The workbook first (the baseline writes as many rows), the baseline right after it (same machine load).
        results = {name: _run_child(["--child", name, "--out", f"{outdir}/{name}"]) for name in names[:1]}
        national = results.get("national-xlsx")
        rows = national["rows"] if national else 2_000_000
        baseline = _run_child(["--child", "baseline", "--rows", str(rows), "--out", f"{outdir}/baseline.xlsx"])
        results.update({name: _run_child(["--child", name, "--out", f"{outdir}/{name}"]) for name in names[1:]})
    print(f"{'export':<34}{'s':>8}{'rows/s':>10}{'peak MB':>9}{'MB out':>8}{'× bare':>8}")
    print(f"{'bare xlsxwriter loop (baseline)':<34}{baseline['seconds']:>8.1f}{baseline['rows'] / baseline['seconds']:>10,.0f}"
          f"{baseline['peak_mb']:>9.0f}{baseline['bytes'] / 2**20:>8.0f}{1:>8.2f}")
    for name, r in results.items():
        print(f"{name:<34}{r['seconds']:>8.1f}{r['rows'] / r['seconds']:>10,.0f}{r['peak_mb']:>9.0f}"
              f"{r['bytes'] / 2**20:>8.0f}{r['seconds'] / baseline['seconds']:>8.2f}")
    if national:
        print(f"national-xlsx: {national['items']:,} items, {national['fields']:,} fields, {national['rows']:,} rows")


if __name__ == "__main__":
    main()
