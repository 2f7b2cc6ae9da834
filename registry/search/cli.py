"""``mulu search …``: search from the command line, rebuild and check the index.

``mulu search QUERY`` runs a search; ``mulu search reindex`` and ``mulu
search check`` maintain the index (a query that is literally one of those
words can be given as ``mulu search query reindex``).
"""
from __future__ import annotations

import json
import os
import re
import sys
import time

import click

from registry.app import Runtime
from registry.cli import fail, handles_errors, pass_runtime


class SearchGroup(click.Group):
    """A group whose first argument is a query unless it names a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["query", *args]
        return super().parse_args(ctx, args)


@click.group(cls=SearchGroup)
def search() -> None:
    """全文检索：mulu search 关键词 [--json] [--filter 键=值] [--field 信息项名称]；mulu search reindex；mulu search check。"""


def _filters(pairs: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    filters: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"筛选条件应写作 键=值，如 share_type=conditional，而不是“{pair}”", 2)
        filters.setdefault(key.strip(), []).extend(v.strip() for v in value.split(",") if v.strip())
    return {k: tuple(v) for k, v in filters.items()}


@search.command("query")
@click.argument("words", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 {total, results, facets}")
@click.option("--filter", "filters", multiple=True, metavar="键=值",
              help="按分面筛选，可重复：provider、class_code、class_item、share_type、open_type、update_cycle、"
                   "format_class、status、security_grade")
@click.option("--field", "field_name", help="只要含有此名称信息项的条目")
@click.option("--fuzzy", is_flag=True, help="信息项名称模糊匹配（名称中包含即可）")
@click.option("--sort", type=click.Choice(["relevance", "published", "updated"]), default="relevance", show_default=True)
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--per-page", default=20, show_default=True, type=click.IntRange(0, 100), help="每页条数（0 只要总数和分面）")
@click.option("--public", is_flag=True, help="以公众身份检索（只含已发布条目）；默认按系统作业看到全部条目")
@pass_runtime
@handles_errors
def search_query(rt: Runtime, words: tuple[str, ...], as_json: bool, filters: tuple[str, ...], field_name: str | None,
                 fuzzy: bool, sort: str, page: int, per_page: int, public: bool) -> None:
    """检索目录条目。多个词须全部匹配；引号内为精确短语；资源代码按前缀匹配。"""
    from registry.search import SearchRequest, search as run_search

    request = SearchRequest(text=" ".join(words), filters=_filters(filters), field_name=field_name,
                            field_mode="fuzzy" if fuzzy else "exact", sort=sort, page=page, per_page=per_page)
    with rt.sessions() as session:
        response = run_search(rt, session, request, public=public)
    if as_json:
        click.echo(json.dumps(response.to_json(), ensure_ascii=False, indent=2))
        return
    _print_response(response)


_MARK = re.compile(r"</?mark>")


def _plain(html: str) -> str:
    from html import unescape

    return unescape(_MARK.sub(lambda m: "】" if m.group().startswith("</") else "【", html))


def _print_response(response) -> None:
    if response.relaxed:
        click.echo("没有同时包含全部检索词的条目，以下为包含其中部分词语的条目。")
    click.echo(f"共 {response.total:,} 条（第 {response.page}/{response.pages} 页）")
    for rank, hit in enumerate(response.results, start=(response.page - 1) * response.per_page + 1):
        name = _plain(hit.highlights.get("name", hit.name))
        click.echo(f"{rank:>3}. {name}  [{hit.code}]  {hit.provider}")
        if "summary" in hit.highlights:
            click.echo(f"     {_plain(hit.highlights['summary'])}")
        if hit.matched_fields:
            click.echo(f"     信息项：{'、'.join(hit.matched_fields[:6])}")
    from registry.search.facets import FACET_BY_NAME

    for name, counts in response.facets.items():
        labels = response.facet_labels.get(name, {})
        shown = "，".join(f"{labels.get(v, v)} {n}" for v, n in list(counts.items())[:6])
        if shown:
            click.echo(f"  {FACET_BY_NAME[name].label}（{name}）：{shown}")


def _progress_bar(total: int):
    """A progress bar on stderr when it is a terminal; silent otherwise (logs, CI), or one line
    per step with ``MULU_PROGRESS=lines``, as ``mulu catalog import`` does (for logs and wrapping tools)."""
    state = {"done": 0, "last": 0.0, "started": time.perf_counter()}
    lines = os.environ.get("MULU_PROGRESS") == "lines"

    def advance(n: int) -> None:
        state["done"] += n
        if lines:
            click.echo(f"重建索引：{min(state['done'], total)}/{total}", err=True)
            return
        now = time.perf_counter()
        if sys.stderr.isatty() and (now - state["last"] > 0.2 or state["done"] >= total):
            state["last"] = now
            done = min(state["done"], total)
            filled = done * 30 // max(total, 1)
            rate = done / max(now - state["started"], 1e-6)
            click.echo(f"\r重建索引 [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {rate:,.0f} 条/秒",
                       err=True, nl=False)

    return advance


@search.command("reindex")
@click.option("--procs", default=2, show_default=True, type=click.IntRange(1, 16), help="并行进程数")
@pass_runtime
@handles_errors
def search_reindex(rt: Runtime, procs: int) -> None:
    """重建检索索引：在旁边建好新索引再切换，检索不中断。"""
    from sqlalchemy import func, select

    from registry.catalog.models import CatalogItem
    from registry.search.backends import backend_for

    with rt.sessions() as session:
        total = session.scalar(select(func.count()).select_from(CatalogItem)) or 0
    started = time.perf_counter()
    items = backend_for(rt.settings, rt.profile).reindex(rt.engine, procs=procs, progress=_progress_bar(total))
    elapsed = time.perf_counter() - started
    if sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(f"已重建检索索引：{items:,} 个条目，用时 {elapsed:.1f} 秒（{items / max(elapsed, 1e-6):,.0f} 条/秒）")


@search.command("check")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_runtime
@handles_errors
def search_check(rt: Runtime, as_json: bool) -> None:
    """核对检索索引与数据库：有缺失、过期或多余的索引条目时退出码为 1。"""
    from registry.search.backends import backend_for

    with rt.sessions() as session:
        drift = backend_for(rt.settings, rt.profile).check(session)
    if as_json:
        click.echo(json.dumps(drift.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_drift(drift)
    if not drift.clean:
        sys.exit(1)


def _print_drift(drift) -> None:
    if drift.clean:
        click.echo(f"检索索引与数据库一致：{drift.items:,} 个条目均已索引且为最新版本")
        return
    for label, codes in (("缺失", drift.missing), ("过期", drift.stale), ("多余", drift.extra), ("重复", drift.duplicated)):
        if codes:
            shown = "、".join(codes[:20]) + (f" 等 {len(codes)} 个" if len(codes) > 20 else "")
            click.echo(f"{label}：{shown}", err=True)
    if drift.pending:
        click.echo(f"待索引队列中还有 {drift.pending} 个条目", err=True)
    if drift.outdated:
        click.echo(f"其中 {drift.outdated:,} 个条目是旧版程序写入的索引格式（公众检索可能匹配到敏感、涉密信息项），"
                   "须运行 mulu search reindex 全部重建", err=True)
    click.echo("检索索引与数据库不一致；运行 mulu search reindex 可修复", err=True)
