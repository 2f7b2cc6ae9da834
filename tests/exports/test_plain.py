"""Plain CSV/JSON exports, the export command and the download endpoint: scope, filters, safety."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from factories import entry, make_org_tree
from live import seeded_office

from exports.base import Selection
from exports.service import run_export
from registry.accounts.models import User
from registry.accounts.operations import create_user
from registry.accounts.tokens import create_token
from registry.audit.models import AuditEvent
from registry.catalog.operations import create_item, publish_item
from registry.cli import main
from registry.core.context import Context
from registry.core.db import unit_of_work

PASSWORD = "Daochu#2026x"


def _catalog(ctx: Context) -> dict:
    orgs = make_org_tree(ctx)
    published = create_item(ctx, entry(orgs.dept, name="=HYPERLINK(\"http://evil\")企业登记")).item
    publish_item(ctx, published)
    other = create_item(ctx, entry(orgs.other_dept, name="公安已发布", class_code="1", item_code="01", category_code="001")).item
    publish_item(ctx, other)
    create_item(ctx, entry(orgs.dept, name="市场监管草稿"))
    create_item(ctx, entry(orgs.other_dept, name="公安草稿"))
    compiler = create_user(ctx, "bianmu", "compiler", orgs.dept.code, PASSWORD)
    return {"orgs": orgs, "token": create_token(ctx, compiler, "导出")[1], "dept": orgs.dept.code}


def test_csv_lists_the_published_items_by_default_with_formulas_neutralised(ctx):
    _catalog(ctx)
    out = io.BytesIO()
    result = run_export(ctx, "items-csv", Selection(), out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert result.items == 2 and len(rows) == 3 and rows[0][:2] == ["信息资源代码", "状态"]
    names = {row[rows[0].index("信息资源名称")] for row in rows[1:]}
    assert names == {"'=HYPERLINK(\"http://evil\")企业登记", "公安已发布"}
    shares = {row[rows[0].index("共享类型")] for row in rows[1:]}
    assert shares == {"无条件共享"}  # labels, not codes


def test_fields_csv_and_json_follow_the_filters(ctx):
    seeded = _catalog(ctx)
    fields = io.BytesIO()
    result = run_export(ctx, "fields-csv", Selection(org_code=seeded["dept"]), fields)
    rows = list(csv.reader(io.StringIO(fields.getvalue().decode("utf-8-sig"))))
    assert result.items == 1 and result.fields == 3 == len(rows) - 1
    assert [row[3] for row in rows[1:]] == ["统一社会信用代码", "企业名称", "成立日期"]
    out = io.BytesIO()
    run_export(ctx, "catalog-json", Selection(class_code="1", statuses=("published", "draft")), out)
    items = json.loads(out.getvalue())
    assert [i["name"] for i in items] == ["公安已发布"] and items[0]["fields"][0]["data_type"] == "C"
    assert items[0]["provider"]["name"] == "南阳市公安局" and items[0]["share_type"] == "unconditional"


def test_a_compilers_export_includes_their_own_drafts_and_nobody_elses(ctx):
    _catalog(ctx)
    compiler = Context(ctx.session, ctx.profile, actor=ctx.session.query(User).filter_by(username="bianmu").one())
    out = io.BytesIO()
    run_export(compiler, "catalog-json", Selection(statuses=("published", "change_pending", "draft")), out)
    names = {i["name"] for i in json.loads(out.getvalue())}
    assert names == {"=HYPERLINK(\"http://evil\")企业登记", "公安已发布", "市场监管草稿"}  # not 公安草稿


def test_the_command_lists_formats_writes_the_file_and_audits(cli_env, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    from registry.app import Runtime
    from registry.core.config import load_settings

    runtime = Runtime(load_settings())
    with unit_of_work(runtime.sessions) as session:
        _catalog(runtime.context(session))
    listed = runner.invoke(main, ["export", "--list"])
    assert listed.exit_code == 0 and "items-csv" in listed.output and "catalog-json" in listed.output
    target = tmp_path / "out.json"
    done = runner.invoke(main, ["export", "catalog-json", "-o", str(target), "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output.strip().splitlines()[-1])["items"] == 2 and len(json.loads(target.read_text())) == 2
    bad = runner.invoke(main, ["export", "no-such-format", "-o", str(tmp_path / "x")])
    assert bad.exit_code != 0 and "没有名为" in bad.output and not (tmp_path / "x").exists()
    with unit_of_work(runtime.sessions, write=False) as session:
        assert session.query(AuditEvent).filter_by(tag="export:run").count() == 1
    runtime.engine.dispose()


@pytest.fixture()
def served(tmp_path, fresh_database_url):
    with seeded_office(tmp_path / "instance", fresh_database_url, _catalog) as office:
        yield office


def test_download_over_http_needs_a_reader_for_internal_formats(served):
    import requests

    _, base, seeded = served
    assert requests.get(f"{base}/api/v1/exports/items-csv", timeout=10).status_code == 401
    response = requests.get(f"{base}/api/v1/exports/items-csv", headers={"Authorization": f"Bearer {seeded['token']}"}, timeout=30)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert "市场监管草稿" not in response.content.decode("utf-8-sig")  # published by default
    listed = requests.get(f"{base}/api/v1/exports", timeout=10).json()
    assert {"items-csv", "fields-csv", "catalog-json"} <= {f["name"] for f in listed}


def test_the_export_screen_offers_every_format_to_catalog_users_only(served):
    from client import signed_in

    runtime, base, seeded = served
    with unit_of_work(runtime.sessions) as session:
        create_user(runtime.context(session), "shenji", "audit_admin", seeded["orgs"].city.code, PASSWORD)
    status, page = signed_in(base, "bianmu", PASSWORD).request("/admin/exports/")
    assert status == 200 and all(f'data-format="{name}"' in page for name in ("items-csv", "fields-csv", "catalog-json"))
    assert signed_in(base, "shenji", PASSWORD).request("/admin/exports/")[0] == 403
