"""``mulu lists responsibility`` as an operator runs it: a workbook, a CSV, JSON; bad use exits 2."""
from __future__ import annotations

import csv
import json

from click.testing import CliRunner
from lists_world import make_world
from openpyxl import load_workbook

from registry.app import Runtime
from registry.cli import main
from registry.core.config import load_settings
from registry.core.db import unit_of_work


def mulu(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _seeded(cli_env) -> dict:
    assert mulu("db", "upgrade").exit_code == 0
    runtime = Runtime(load_settings())
    with unit_of_work(runtime.sessions) as session:
        world = make_world(runtime.context(session))
        seeded = {"dept": world.people.orgs.dept.code, "licences": world.licences.code, "residents": world.residents.code,
                  "draft": world.draft.code}
    runtime.engine.dispose()
    return seeded


def test_responsibility_list_to_xlsx_csv_and_json_and_bad_use_explained(cli_env, tmp_path):
    seeded = _seeded(cli_env)
    out = tmp_path / "清单.xlsx"
    result = mulu("lists", "responsibility", "-o", str(out))
    assert result.exit_code == 0 and "条目 2，信息项 6" in result.output, result.output
    book = load_workbook(out, read_only=True)
    assert {r[3] for r in book["责任清单"].iter_rows(min_row=2, values_only=True)} == {seeded["licences"], seeded["residents"]}

    result = mulu("lists", "responsibility", "--org", seeded["dept"], "-o", str(tmp_path / "dept.csv"), "--json")
    summary = json.loads(result.output)
    assert (summary["org"], summary["items"], summary["fields"]) == (seeded["dept"], 1, 3)
    with open(tmp_path / "dept.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [r[13] for r in rows[1:]] == ["统一社会信用代码", "企业名称", "成立日期"]

    listed = json.loads(mulu("lists", "responsibility", "--json").output)
    assert listed["total"] == 2 and len(listed["version"]) == 16
    assert sorted(i["code"] for i in listed["items"]) == sorted([seeded["licences"], seeded["residents"]])
    assert seeded["draft"] not in json.dumps(listed)

    # Bad use is explained: exit 2 for the command line, 1 for what the service refuses.
    assert mulu("lists", "responsibility").exit_code == 2
    result = mulu("lists", "responsibility", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2 and ".xlsx 或 .csv" in result.output
    result = mulu("lists", "responsibility", "--org", "NOPE", "--json")
    assert result.exit_code == 1 and "没有代码为“NOPE”的机构" in result.output
