"""Import benchmark: a national-layout workbook of N items (≈20 信息项 each), measured in one run.

Prints, for the same file: the floor (python-calamine reading every row and
nothing else), the dry run (read + match + validate every entry), the commit
on a fresh SQLite database, and peak memory of each phase, with ratios
against the floor. Each phase runs in its own process so peak RSS is its own.

    python bench/import_bench.py --items 100000
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADERS = ["*类", "*项", "目", "*信息资源名称", "信息资源提供方", "*信息资源摘要", "*信息资源格式分类", "信息资源格式类型",
           "*共享类型", "共享条件", "共享方式分类", "共享方式类型", "*开放类型", "开放条件", "*更新周期",
           "信息项名称", "信息项英文名", "数据类型", "数据长度", "信息项描述"]
FIELD_WORDS = ["名称", "代码", "日期", "地址", "类型", "状态", "编号", "金额", "数量", "说明", "联系人", "电话", "区划", "级别"]
SUBJECTS = ["企业", "个体工商户", "社会组织", "建设项目", "不动产", "车辆", "药品", "食品经营", "学校", "医疗机构"]
DEPARTMENTS = [f"市第{i}局" for i in range(1, 41)]


def make_workbook(path: Path, items: int, seed: int = 7) -> int:
    """Write the workbook with xlsxwriter (constant memory); returns the number of 信息项 rows."""
    import xlsxwriter

    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheets = 0

    def new_sheet():
        nonlocal sheets
        sheets += 1
        sheet = book.add_worksheet("目录" if sheets == 1 else f"目录{sheets}")
        sheet.write_row(0, 0, HEADERS)
        return sheet

    # An .xlsx sheet holds 1,048,576 rows, so a provincial catalog spans several sheets
    # (目录, 目录2, …); a resource's rows never straddle two.
    sheet, row, total = new_sheet(), 1, 0
    for n in range(items):
        subject = rng.choice(SUBJECTS)
        fields = rng.randint(10, 30)
        if row + fields > 1_048_575:
            sheet, row = new_sheet(), 1
        conditional = n % 3 == 0
        resource = ["3", "07", "411", f"{subject}信息{n}", DEPARTMENTS[n % len(DEPARTMENTS)],
                    f"记录本市{subject}的基本情况和变更信息，第{n}号资源。", "数据库", "oracle",
                    "有条件共享" if conditional else "无条件共享", "仅限履职使用" if conditional else None,
                    "共享平台方式", "接口", "不予开放", None, rng.choice(["每日", "每月", "实时", "每季度"])]
        for f in range(fields):
            word = FIELD_WORDS[f % len(FIELD_WORDS)]
            sheet.write_row(row, 0, (resource if f == 0 else [None] * len(resource)) +
                            [f"{subject}{word}{f}", f"F{f}", "字符型", 50 + f, f"{subject}的{word}"])
            row += 1
            total += 1
    book.close()
    return total


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_parse(path: str, out) -> None:
    import python_calamine

    started = time.perf_counter()
    rows = 0
    workbook = python_calamine.CalamineWorkbook.from_path(path)
    for name in workbook.sheet_names:
        for _ in workbook.get_sheet_by_name(name).iter_rows():
            rows += 1
    out.put({"seconds": time.perf_counter() - started, "rows": rows, "peak_mb": _peak_mb()})


def _context(url: str):
    from sqlalchemy.orm import Session

    from registry.core.context import Context
    from registry.core.db import make_engine
    from registry.profiles import load_profile

    engine = make_engine(url)
    return Context(Session(engine), load_profile("national")), engine


def setup_database(url: str) -> None:
    from registry.core.migrate import upgrade
    from registry.orgs.operations import create_org

    sys.path.insert(0, str(ROOT / "tests"))
    from factories import uscc

    ctx, engine = _context(url)
    upgrade(engine)
    city = create_org(ctx, {"code": "411300", "name": "某市", "level": "city"})
    for i, name in enumerate(DEPARTMENTS, start=1):
        create_org(ctx, {"code": uscc(i), "name": name, "level": "department", "parent": city, "catalog_code": f"{i:04d}"})
    ctx.session.commit()


def phase_import(path: str, url: str, commit: bool, out) -> None:
    from registry.imports.operations import commit_import, plan_import

    ctx, _ = _context(url)
    started = time.perf_counter()
    plan = plan_import(ctx, path)
    planned = time.perf_counter() - started
    result = {"plan_seconds": planned, "created": plan.count("create"), "rejected": plan.count("rejected"),
              "problems": len(plan.problems)}
    if commit:
        commit_import(ctx, plan)
        ctx.session.commit()
        result["commit_seconds"] = time.perf_counter() - started - planned
    result["total_seconds"] = time.perf_counter() - started
    result["peak_mb"] = _peak_mb()
    out.put(result)


def run_phase(target, *args) -> dict:
    out = mp.get_context("fork").Queue()
    process = mp.get_context("fork").Process(target=target, args=(*args, out))
    process.start()
    result = out.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="mulu-import-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"national-{args.items}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        fields = make_workbook(path, args.items)
        print(f"generated {path.name}: {args.items} items, {fields} 信息项 rows, {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s")
    url = f"sqlite:///{workdir / 'bench.db'}"
    for suffix in ("", "-wal", "-shm"):
        Path(str(workdir / "bench.db") + suffix).unlink(missing_ok=True)
    setup_database(url)
    parse = run_phase(phase_parse, str(path))
    dry = run_phase(phase_import, str(path), url, False)
    full = run_phase(phase_import, str(path), url, True)
    floor = parse["seconds"]
    report = {
        "items": args.items, "rows": parse["rows"],
        "parse_floor_s": round(floor, 2), "parse_peak_mb": round(parse["peak_mb"]),
        "dry_run_s": round(dry["plan_seconds"], 2), "dry_run_ratio": round(dry["plan_seconds"] / floor, 2), "dry_run_peak_mb": round(dry["peak_mb"]),
        "import_s": round(full["total_seconds"], 2), "import_ratio": round(full["total_seconds"] / floor, 2),
        "commit_only_s": round(full["commit_seconds"], 2), "import_peak_mb": round(full["peak_mb"]),
        "created": full["created"], "rejected": full["rejected"],
        "database_mb": round(os.path.getsize(workdir / "bench.db") / 1e6),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"goal: full import ≤ 3× the parse floor ({report['import_ratio']}×) and < 2048 MB peak ({report['import_peak_mb']} MB)")


if __name__ == "__main__":
    main()
