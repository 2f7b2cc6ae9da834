"""Benchmark search on the demo catalog: index build rate and query latency, against two SQLite FTS5 baselines.

    .venv/bin/python bench/search_bench.py [--items 100000] [--seed 1] [--procs 2] [--rounds 3]
                                           [--instance DIR] [--keep]

In one run: loads the demo catalog into a temporary instance (or reuses
``--instance``), measures jieba segmentation alone of the items' text (the
floor for indexing Chinese), a full ``mulu search reindex`` (Whoosh), and the
p50/p95 latency of a fixed set of realistic queries — keyword, keyword with
facets, field-name search, facet counts only — answered by Mulu's search
function and by two FTS5 baselines over the same text: the trigram tokenizer,
and jieba-segmented text in a unicode61 table. Every engine answers the same
thing per query: the total, the top 10 by relevance and the counts of nine
facets, for the public (published items only). Not a test: CI never runs it.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

from demo_instance import bench_instance

FACETS = ("provider_id", "class_code", "class_item", "share_type", "open_type", "update_cycle", "format_class",
          "status", "security_grade")
PUBLIC = ("published", "change_pending")

# (category, text, filters, field name, fuzzy) — what people type into a government data catalog.
KEYWORDS = ["企业", "人口", "许可", "户籍人口", "建设工程", "社会保障卡", "不动产登记", "统一社会信用代码", "营业执照",
            "医疗机构", "食品经营许可", "住房公积金", "犬只登记", "行政处罚", "残疾人", "义务教育", "交通违法", "纳税",
            "养老保险", "出生医学证明", "环境监测", "2019年", "许可 注销", "企业 年报", "市场主体 登记"]
WITH_FACETS = [
    ("企业", {"share_type": ("conditional",)}), ("许可", {"update_cycle": ("monthly",), "format_class": ("database",)}),
    ("人口", {"class_code": ("1",)}), ("登记", {"security_grade": ("core",)}), ("信息", {"open_type": ("unconditional",)}),
    ("建设工程", {"share_type": ("unconditional", "conditional")}), ("社会保障", {"update_cycle": ("daily",)}),
    ("医疗", {"class_item": ("2.02",)}), ("备案", {"format_class": ("spreadsheet",), "open_type": ("not_open",)}),
    ("公积金", {"share_type": ("not_shared",)}), ("学校", {"security_grade": ("general",)}),
    ("统计信息", {"class_code": ("3",), "update_cycle": ("yearly",)}), ("车辆", {"open_type": ("conditional",)}),
    ("不动产", {"format_class": ("database",)}), ("税务", {"share_type": ("conditional",), "security_grade": ("important",)}),
]
FIELDS = [("统一社会信用代码", False), ("公民身份号码", False), ("法定代表人", False), ("联系电话", False),
          ("经营范围", False), ("身份", True), ("代码", True), ("地址", True), ("日期", True), ("名称", True)]
FACETS_ONLY = [{}, {"share_type": ("conditional",)}, {"class_code": ("1",)}, {"update_cycle": ("monthly",)},
               {"format_class": ("database",), "open_type": ("unconditional",)}, {"security_grade": ("core",)},
               {"class_item": ("2.03",)}, {"share_type": ("not_shared",), "class_code": ("3",)}]


def query_set() -> list[tuple[str, str, dict, str | None, bool]]:
    queries = [("keyword", text, {}, None, False) for text in KEYWORDS]
    queries += [("keyword+facets", text, filters, None, False) for text, filters in WITH_FACETS]
    queries += [("field", "", {}, name, fuzzy) for name, fuzzy in FIELDS]
    queries += [("facets only", "", filters, None, False) for filters in FACETS_ONLY]
    return queries


# -- the catalog ------------------------------------------------------------------------------

def prepare(instance: Path, items: int, seed: int):
    """A migrated instance holding the demo catalog (loaded without the search subscriber)."""
    os.environ["MULU_INSTANCE_PATH"] = str(instance)
    os.environ.pop("MULU_DATABASE_URL", None)
    from sqlalchemy import func, select

    from registry.app import Runtime
    from registry.catalog.models import CatalogItem
    from registry.core import migrate
    from registry.core.calendar import seed_calendar
    from registry.core.config import load_settings
    from registry.core.context import Context
    from registry.core.db import make_engine, make_session_factory, unit_of_work
    from registry.demo.loader import load_demo
    from registry.profiles import load_profile

    settings = load_settings()
    engine = make_engine(settings.database_url)  # not the runtime's: nobody indexes the load itself
    migrate.upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        if session.scalar(select(func.count()).select_from(CatalogItem)) == 0:
            started = time.perf_counter()
            seed_calendar(session)
            load_demo(Context(session, load_profile(settings.profile)), items=items, seed=seed)
            print(f"demo catalog         {items:,} items loaded in {time.perf_counter() - started:.0f} s")
    engine.dispose()
    return Runtime(settings)


def read_docs(runtime) -> list:
    from sqlalchemy.orm import Session

    from registry.search.documents import iter_docs

    with Session(runtime.engine) as session:
        return list(iter_docs(session, runtime.profile))


def doc_text(doc) -> str:
    return "\n".join([*doc.name_texts(), *doc.field_texts(), *doc.meta_texts(), *doc.body_texts()])


# -- indexing -------------------------------------------------------------------------------

def jieba_alone(docs: list, sample: int) -> float:
    """Items/s for jieba search-mode segmentation of each item's whole text (no caching)."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    texts = [doc_text(d) for d in docs[:sample]]
    started = time.perf_counter()
    for text in texts:
        jieba.lcut_for_search(text, HMM=False)
    return len(texts) / (time.perf_counter() - started)


def whoosh_reindex(runtime, procs: int) -> float:
    from registry.search.backends import backend_for

    started = time.perf_counter()
    count = backend_for(runtime.settings, runtime.profile).reindex(runtime.engine, procs=procs)
    return count / (time.perf_counter() - started)


# -- FTS5 baselines -------------------------------------------------------------------------------

def build_fts(path: Path, docs: list) -> dict[str, float]:
    """Both FTS5 tables and a facet table, over the same four text groups Mulu indexes."""
    import jieba

    from registry.search.analysis import normalise

    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE VIRTUAL TABLE tri USING fts5(name, fields, meta, body, tokenize='trigram')")
    db.execute("CREATE VIRTUAL TABLE seg USING fts5(name, fields, meta, body, tokenize='unicode61')")
    db.execute(f"CREATE TABLE facets (id INTEGER PRIMARY KEY, {', '.join(FACETS)})")
    for column in ("status", "share_type", "class_code", "update_cycle"):
        db.execute(f"CREATE INDEX ix_{column} ON facets ({column})")
    groups = [[normalise("\n".join(g)) for g in (d.name_texts(), d.field_texts(), d.meta_texts(), d.body_texts())]
              for d in docs]
    seconds = {}
    started = time.perf_counter()
    db.executemany("INSERT INTO tri (rowid, name, fields, meta, body) VALUES (?, ?, ?, ?, ?)",
                   ((d.item_id, *g) for d, g in zip(docs, groups)))
    db.commit()
    seconds["trigram"] = time.perf_counter() - started
    started = time.perf_counter()
    db.executemany("INSERT INTO seg (rowid, name, fields, meta, body) VALUES (?, ?, ?, ?, ?)",
                   ((d.item_id, *(" ".join(jieba.lcut_for_search(t, HMM=False)) for t in g)) for d, g in zip(docs, groups)))
    db.commit()
    seconds["jieba"] = time.perf_counter() - started
    db.executemany(f"INSERT INTO facets VALUES (?, {', '.join('?' * len(FACETS))})", (
        (d.item_id, d.provider_id, d.class_code, d.class_item, d.share_type, d.open_type, d.update_cycle,
         d.format_class, d.status, d.security_grade) for d in docs))
    db.commit()
    db.close()
    return seconds


class Fts:
    """One baseline: match with FTS5 into a temporary id table, then count, rank and group as SQL does."""

    def __init__(self, path: Path, table: str) -> None:
        import jieba

        self.db = sqlite3.connect(path)
        self.table, self.cut = table, lambda t: [w for w in jieba.lcut(t, HMM=False) if w.strip()]

    def _phrase(self, text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    def _match(self, text: str, field: str | None) -> tuple[str | None, list[str]]:
        """An FTS5 MATCH expression, and the chunks it cannot take: FTS5 trigram queries need
        three characters or more (its LIKE returns nothing for shorter ones), so those scan with instr()."""
        chunks = text.split()
        if self.table == "seg":
            terms = [" AND ".join(self._phrase(w) for w in self.cut(c)) for c in chunks]
            if field:
                terms.append("fields : (" + " AND ".join(self._phrase(w) for w in self.cut(field)) + ")")
            return " AND ".join(f"({t})" for t in terms if t) or None, []
        terms = [self._phrase(c) for c in chunks if len(c) >= 3]
        if field and len(field) >= 3:
            terms.append("fields : " + self._phrase(field))
        scans = [c for c in chunks if len(c) < 3] + ([field] if field and len(field) < 3 else [])
        return " AND ".join(terms) or None, scans

    def run(self, text: str, filters: dict, field: str | None, facets: bool = True) -> int:
        """Total, top 10 and (unless ``facets`` is false) the nine facet counts of one query."""
        expr, scans = self._match(text, field)
        db, t = self.db, self.table
        conditions = {k: f"{k} IN ({', '.join('?' * len(v))})" for k, v in filters.items()}
        values = {k: list(v) for k, v in filters.items()}
        # The matched, visible items with their facet values, once; counts then scan this small table.
        where, args = [f"f.status IN {PUBLIC!r}"], []
        source = "facets f"
        if expr:
            source = f"{t} JOIN facets f ON f.id = {t}.rowid"
            where.append(f"{t} MATCH ?")
            args.append(expr)
        for chunk in scans:
            source = f"{t} JOIN facets f ON f.id = {t}.rowid"
            where.append("(instr(name, ?) OR instr(fields, ?) OR instr(meta, ?) OR instr(body, ?))")
            args += [chunk] * 4
        db.execute("DROP TABLE IF EXISTS temp.m")
        db.execute(f"CREATE TEMP TABLE m AS SELECT f.* FROM {source} WHERE {' AND '.join(where)}", args)
        every = [x for v in values.values() for x in v]
        total = db.execute("SELECT count(*) FROM m" + _where(conditions.values()), every).fetchone()[0]
        for facet in FACETS if facets else ():
            others = [k for k in conditions if k != facet]
            db.execute(f"SELECT {facet}, count(*) FROM m{_where(conditions[k] for k in others)} GROUP BY {facet}",
                       [x for k in others for x in values[k]]).fetchall()
        if expr:
            db.execute(f"SELECT {t}.rowid FROM {t} JOIN facets f ON f.id = {t}.rowid WHERE {t} MATCH ? AND f.status IN {PUBLIC!r}"
                       + "".join(f" AND f.{c}" for c in conditions.values())
                       + f" ORDER BY bm25({t}, 8.0, 4.0, 2.0, 1.0) LIMIT 10", [expr, *every]).fetchall()
        return total


def _where(conditions) -> str:
    conditions = list(conditions)
    return " WHERE " + " AND ".join(conditions) if conditions else ""


# -- timing --------------------------------------------------------------------------------------

def time_queries(engines: dict, queries: list, rounds: int) -> dict[str, dict[str, list[float]]]:
    """engine → category → latencies (ms): one warm-up pass, then ``rounds`` timed passes."""
    out: dict[str, dict[str, list[float]]] = {name: {} for name in engines}
    cold: dict[str, list[float]] = {name: [] for name in engines}
    for round_ in range(rounds + 1):
        for category, text, filters, field, fuzzy in queries:
            for name, run in engines.items():
                started = time.perf_counter()
                run(text, filters, field, fuzzy)
                elapsed = (time.perf_counter() - started) * 1000
                if round_:
                    out[name].setdefault(category, []).append(elapsed)
                else:
                    cold[name].append(elapsed)
    for name in engines:
        out[name]["(first pass)"] = cold[name]
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def report(latencies: dict[str, dict[str, list[float]]]) -> dict[str, tuple[float, float]]:
    summary: dict[str, tuple[float, float]] = {}
    categories = ["keyword", "keyword+facets", "field", "facets only"]
    print(f"\n{'query latency (ms)':<22}" + "".join(f"{n:>24}" for n in latencies))
    print(f"{'':<22}" + "".join(f"{'p50 / p95':>24}" for _ in latencies))
    for category in [*categories, "all", "(first pass)"]:
        row = f"{category:<22}"
        for name, by_category in latencies.items():
            values = sum((by_category[c] for c in categories), []) if category == "all" else by_category[category]
            summary[f"{name}:{category}"] = (statistics.median(values), pct(values, 95))
            row += f"{summary[f'{name}:{category}'][0]:>13.1f} / {summary[f'{name}:{category}'][1]:>7.1f}"
        print(row)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jieba-sample", type=int, default=20_000)
    parser.add_argument("--instance", type=Path, help="reuse this instance (the demo is loaded only if it is empty)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance")
    parser.add_argument("--no-reindex", action="store_true", help="query the existing index (with --instance)")
    args = parser.parse_args()
    with bench_instance(args.instance, args.keep, prefix="mulu-search-bench-") as instance:
        run(instance, args)


def run(instance: Path, args) -> None:
    from sqlalchemy.orm import Session

    from registry.search import SearchRequest, search

    runtime = prepare(instance, args.items, args.seed)
    docs = read_docs(runtime)
    fields = sum(len(d.field_names) for d in docs)
    print(f"catalog              {len(docs):,} items, {fields:,} fields")
    floor = jieba_alone(docs, args.jieba_sample)
    print(f"jieba alone          {floor:,.0f} items/s (search mode, whole text of {min(args.jieba_sample, len(docs)):,} items)")
    rate = float("nan") if args.no_reindex else whoosh_reindex(runtime, args.procs)
    print(f"whoosh reindex       {rate:,.0f} items/s with {args.procs} processes = {rate / floor:.2f}× jieba alone (goal ≥ 0.5×)")
    fts_path = instance / "fts-baselines.db"
    fts_path.unlink(missing_ok=True)
    built = build_fts(fts_path, docs)
    print(f"fts5 builds          trigram {len(docs) / built['trigram']:,.0f} items/s, jieba+unicode61 "
          f"{len(docs) / built['jieba']:,.0f} items/s (segmentation included)")
    del docs
    session = Session(runtime.engine)

    def mulu(text, filters, field, fuzzy):
        return search(runtime, session, SearchRequest(text=text, filters=filters, field_name=field,
                                                      field_mode="fuzzy" if fuzzy else "exact", per_page=10), public=True)

    tri, seg = Fts(fts_path, "tri"), Fts(fts_path, "seg")
    engines = {"mulu (whoosh)": mulu, "fts5 jieba": lambda t, f, n, z: seg.run(t, f, n),
               "fts5 trigram": lambda t, f, n, z: tri.run(t, f, n),
               "fts5 jieba, no facets": lambda t, f, n, z: seg.run(t, f, n, facets=False)}
    queries = query_set()
    print(f"queries              {len(queries)} × {args.rounds} rounds after a warm-up pass; each answers total, top 10, 9 facets")
    summary = report(time_queries(engines, queries, args.rounds))
    ours, base = summary["mulu (whoosh):all"], summary["fts5 jieba:all"]
    kw_ours, kw_base = summary["mulu (whoosh):keyword"], summary["fts5 jieba:keyword"]
    print(f"\ngoal p95 ≤ 1.5× jieba-FTS5 p95:      {ours[1]:.1f} ms vs {1.5 * base[1]:.1f} ms — {'met' if ours[1] <= 1.5 * base[1] else 'NOT met'}")
    print(f"goal keyword p50 ≤ 3× its p50:       {kw_ours[0]:.1f} ms vs {3 * kw_base[0]:.1f} ms — {'met' if kw_ours[0] <= 3 * kw_base[0] else 'NOT met'}")
    print(f"goal reindex ≥ 0.5× jieba alone:     {rate:,.0f} vs {0.5 * floor:,.0f} items/s — {'met' if rate >= 0.5 * floor else 'NOT met'}")
    session.close()
    runtime.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
