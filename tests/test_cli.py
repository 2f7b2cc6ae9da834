"""The ``mulu`` command as an operator uses it, against a fresh database."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner
from sqlalchemy import text

from factories import uscc
from registry.cli import main
from registry.core.db import make_engine


def mulu(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_db_upgrade_then_check_succeeds(cli_env):
    result = mulu("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "节假日" in result.output
    result = mulu("db", "check")
    assert result.exit_code == 0 and "一致" in result.output


def test_db_check_fails_before_upgrade_and_on_drift(cli_env):
    result = mulu("db", "check")
    assert result.exit_code == 1 and "mulu db upgrade" in result.output
    assert mulu("db", "upgrade").exit_code == 0
    engine = make_engine(cli_env["MULU_DATABASE_URL"])
    with engine.begin() as conn:  # someone altered the schema by hand
        conn.execute(text("ALTER TABLE organisation ADD COLUMN fax VARCHAR(20)"))
    engine.dispose()
    result = mulu("db", "check")
    assert result.exit_code == 1 and "不一致" in result.output


def test_org_create_and_list_json(cli_env):
    mulu("db", "upgrade")
    assert mulu("org", "create", "411300", "南阳市", "--level", "city").exit_code == 0
    assert mulu("org", "create", uscc(7), "南阳市教育局", "--level", "department", "--parent", "411300").exit_code == 0
    result = mulu("org", "list", "--json")
    rows = json.loads(result.output)
    assert [(r["name"], r["parent"]) for r in rows] == [("南阳市", None), ("南阳市教育局", "411300")]


def test_org_create_rejects_bad_code_with_field_message(cli_env):
    mulu("db", "upgrade")
    result = mulu("org", "create", "91350100M000100Y44", "某局", "--level", "city")
    assert result.exit_code == 1
    assert "机构代码" in result.output and "不是有效的" in result.output


def test_user_create_prompts_for_password_and_enforces_policy(cli_env):
    mulu("db", "upgrade")
    mulu("org", "create", "411300", "南阳市", "--level", "city")
    weak = mulu("user", "create", "zhang", "--role", "compiler", "--org", "411300", "--password", "abcdefgh")
    assert weak.exit_code == 1 and "三类" in weak.output
    prompted = mulu("user", "create", "zhang", "--role", "city_reviewer", "--org", "411300", input="Secret#2026\nSecret#2026\n")
    assert prompted.exit_code == 0, prompted.output
    assert "市级审核员" in prompted.output
    again = mulu("user", "create", "zhang", "--role", "compiler", "--org", "411300", "--password", "Secret#2026")
    assert again.exit_code == 1 and "已被使用" in again.output


def test_user_create_refuses_unknown_role(cli_env):
    result = CliRunner().invoke(main, ["user", "create", "li", "--role", "boss", "--org", "411300", "--password", "Secret#2026"])
    assert result.exit_code == 2


def test_unknown_profile_stops_start_up_with_a_clear_message(tmp_path):
    env = {**os.environ, "MULU_PROFILE": "atlantis", "MULU_INSTANCE_PATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "registry", "org", "list"], env=env, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "未知的辖区配置" in proc.stderr and "atlantis" in proc.stderr and "nanyang" in proc.stderr
    wsgi = subprocess.run([sys.executable, "-c", "import wsgi"], env=env, capture_output=True, text=True,
                          cwd=os.path.dirname(os.path.dirname(__file__)))
    assert wsgi.returncode != 0 and "未知的辖区配置" in wsgi.stderr


def test_calendar_deadline_over_national_day(cli_env):
    mulu("db", "upgrade")
    assert mulu("calendar", "add-workdays", "2026-09-30", "3").output.strip() == "2026-10-10"
    assert mulu("calendar", "set", "2026-10-09", "--holiday", "--name", "国庆节（补录）").exit_code == 0
    assert mulu("calendar", "add-workdays", "2026-09-30", "2").output.strip() == "2026-10-10"
