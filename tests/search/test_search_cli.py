"""``mulu search`` as an operator uses it: query, JSON for scripts, reindex and check."""
from __future__ import annotations

import json

from click.testing import CliRunner

from registry.cli import main


def mulu(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_search_json_reindex_and_check(cli_env):
    assert mulu("db", "upgrade").exit_code == 0
    assert mulu("search", "check").exit_code == 0  # nothing to index yet: consistent
    assert mulu("demo", "load", "--items", "80").exit_code == 0
    result = mulu("search", "许可", "--json", "--per-page", "5")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert set(answer) >= {"total", "results", "facets"} and answer["total"] > 0
    hit = answer["results"][0]
    assert {"code", "name", "provider", "highlights"} <= set(hit) and "<mark>" in json.dumps(hit["highlights"], ensure_ascii=False)
    assert set(answer["facets"]) >= {"provider", "class_code", "share_type", "open_type", "update_cycle",
                                     "format_class", "status", "security_grade"}
    assert all(isinstance(n, int) for counts in answer["facets"].values() for n in counts.values())

    narrowed = json.loads(mulu("search", "许可", "--json", "--filter", "share_type=conditional").output)
    assert narrowed["total"] == answer["facets"]["share_type"].get("conditional", 0)
    public = json.loads(mulu("search", "--json", "--public", "--per-page", "0").output)
    assert set(public["facets"]["status"]) <= {"published", "change_pending"} and public["results"] == []

    text = mulu("search", "--field", "统一社会信用代码", "--per-page", "3")
    assert text.exit_code == 0 and "共" in text.output and "【统一社会信用代码】" in text.output

    reindex = mulu("search", "reindex")
    assert reindex.exit_code == 0 and "80 个条目" in reindex.output
    check = mulu("search", "check")
    assert check.exit_code == 0 and "一致" in check.output


def test_bad_use_is_refused_with_chinese_messages(cli_env):
    mulu("db", "upgrade")
    assert mulu("search", "企业", "--filter", "share_type").exit_code == 2
    refused = mulu("search", "企业", "--filter", "colour=red")
    assert refused.exit_code == 1 and "未知的筛选项" in refused.output
    assert mulu("search", "query", "reindex", "--json").exit_code == 0  # a query that is a command's name
