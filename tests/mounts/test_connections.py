"""Named connections: defined outside the catalog, masked wherever shown, read-only and time-limited."""
from __future__ import annotations

import time

import pytest
from mountkit import make_source_db
from sqlalchemy import text

from registry.core.errors import ConfigError
from registry.mounts.connections import (
    Connection,
    ConnectionRegistry,
    SourceError,
    adhoc_connection,
    engine_options,
    mask_url,
    opened,
)

SECRET = "S3cr@t!pw"
PG_URL = "postgresql+psycopg://reader:S3cr%40t%21pw@127.0.0.1:1/hr"  # nothing listens on port 1


def test_connections_come_from_the_instance_file_and_the_environment(tmp_path):
    (tmp_path / "connections.toml").write_text(
        '[connections.HR]\nurl = "sqlite:////data/hr.db"\nlabel = "人事库"\ntimeout = 3\norganisations = ["11411300000000010p"]\n'
        '[connections.tax]\nurl = "postgresql+psycopg://u:old@db/tax"\nlabel = "税务库"\neveryone = true\n'
        '[connections.secret]\nurl = "sqlite:////data/secret.db"\n', encoding="utf-8")
    registry = ConnectionRegistry.load(tmp_path, {"MULU_CONNECTION_TAX": PG_URL, "MULU_CONNECTION_GIS": "sqlite:////data/gis.db",
                                                  "UNRELATED": "x"})
    assert registry.names() == ["gis", "hr", "secret", "tax"]
    hr = registry.get("hr")
    assert (hr.label, hr.timeout, hr.organisations, hr.everyone) == ("人事库", 3.0, frozenset({"11411300000000010P"}), False)
    assert hr.serves("11411300000000010P") and not hr.serves("OTHER") and not hr.serves(None)
    tax = registry.get("TAX")
    assert tax.url == PG_URL and tax.label == "税务库" and tax.everyone  # the environment's URL wins, the file's rest stays
    assert tax.serves("ANY") and tax.serves(None)
    # Deny by default: a connection that names no department, nor says everyone, serves none.
    assert not registry.get("gis").serves("ANY") and not registry.get("secret").serves("11411300000000010P")
    assert [c.name for c in registry.usable_by("OTHER")] == ["tax"]
    assert [c.name for c in registry.usable_by("11411300000000010P")] == ["hr", "tax"]
    assert [c.name for c in registry.usable_by("OTHER", everything=True)] == ["gis", "hr", "secret", "tax"]
    with pytest.raises(SourceError, match="未配置名为“nope”的连接"):
        registry.get("nope")


def test_an_environment_connection_says_who_may_use_it(tmp_path):
    (tmp_path / "connections.toml").write_text('[connections.hr]\nurl = "sqlite:////data/hr.db"\neveryone = true\n', encoding="utf-8")
    registry = ConnectionRegistry.load(tmp_path, {
        "MULU_CONNECTION_GIS": "sqlite:////data/gis.db", "MULU_CONNECTION_GIS_ORGANISATIONS": " a1, B2 ,",
        "MULU_CONNECTION_OPEN": "sqlite:////data/open.db", "MULU_CONNECTION_OPEN_ORGANISATIONS": "*",
        "MULU_CONNECTION_HR_ORGANISATIONS": "C3",  # narrows the file's connection
        "MULU_CONNECTION_BARE": "sqlite:////data/bare.db"})
    assert registry.names() == ["bare", "gis", "hr", "open"]  # the _ORGANISATIONS variables are not connections
    gis, hr, opened_to_all, bare = (registry.get(n) for n in ("gis", "hr", "open", "bare"))
    assert (gis.organisations, gis.everyone) == (frozenset({"A1", "B2"}), False)
    assert gis.serves("a1") and not gis.serves("C3")
    assert (hr.organisations, hr.everyone) == (frozenset({"C3"}), False)
    assert opened_to_all.everyone and opened_to_all.serves("ANY")
    assert not bare.serves("A1") and "不能挂接" in bare.served
    with pytest.raises(ConfigError, match="没有名为“ghost”的连接"):
        ConnectionRegistry.load(tmp_path, {"MULU_CONNECTION_GHOST_ORGANISATIONS": "A1"})
    with pytest.raises(ConfigError, match="单独一个 \\*"):
        ConnectionRegistry.load(tmp_path, {"MULU_CONNECTION_HR_ORGANISATIONS": "A1,*"})


@pytest.mark.parametrize("content,message", [
    ('[connections.hr]\nlabel = "x"\n', "须有 url"),
    ('[connections.hr]\nurl = "not a url"\n', "不是有效的 SQLAlchemy URL"),
    ('[connections."bad name"]\nurl = "sqlite://"\n', "只能由字母"),
    ('[connections.hr]\nurl = "sqlite://"\ntimeout = 0\n', "timeout"),
    ('[connections.hr]\nurl = "sqlite://"\norganisations = "X"\n', "organisations"),
    ('[connections.hr]\nurl = "sqlite://"\neveryone = "yes"\n', "everyone 应为 true 或 false"),
    ('[connections.hr]\nurl = "sqlite://"\neveryone = true\norganisations = ["X"]\n', "不能同时写"),
    ("[connections.hr\n", "格式不正确"),
])
def test_a_bad_connection_file_stops_with_a_chinese_message(tmp_path, content, message):
    (tmp_path / "connections.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        ConnectionRegistry.load(tmp_path, {})


def test_a_url_is_shown_only_masked():
    connection = Connection("tax", PG_URL, "税务库")
    for shown in (mask_url(PG_URL), connection.masked_url, str(connection), repr(connection)):
        assert SECRET not in shown and "S3cr%40t" not in shown
    assert mask_url(PG_URL) == "postgresql+psycopg://reader:***@127.0.0.1:1/hr"


def test_sessions_are_time_limited_and_read_only_per_dialect():
    pg = engine_options("postgresql+psycopg://u@h/db", 7)["connect_args"]
    assert pg["connect_timeout"] == 7
    assert "statement_timeout=7000" in pg["options"] and "default_transaction_read_only=on" in pg["options"]
    for url in ("mysql+pymysql://u@h/db", "mariadb+mysqldb://u@h/db"):
        my = engine_options(url, 7)["connect_args"]
        assert (my["connect_timeout"], my["read_timeout"]) == (7, 7)
        assert my["init_command"] == "SET SESSION TRANSACTION READ ONLY"
    assert engine_options("sqlite:////x.db", 2.5)["connect_args"] == {"timeout": 2.5}


def test_a_long_sqlite_statement_is_stopped_at_the_timeout(tmp_path):
    connection = Connection("hr", make_source_db(tmp_path / "hr.db"), timeout=0.3)
    started = time.monotonic()
    with pytest.raises(SourceError, match="超时"), opened(connection) as conn:
        conn.execute(text("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r"))
    assert time.monotonic() - started < 5


def test_a_source_cannot_be_written_nor_created(tmp_path):
    connection = Connection("hr", make_source_db(tmp_path / "hr.db"))
    with pytest.raises(SourceError, match="readonly|read-only|只读|attempt to write"), opened(connection) as conn:
        conn.execute(text("DELETE FROM person"))
    with opened(connection) as conn:
        assert conn.execute(text("SELECT count(*) FROM person")).scalar() == 2
    missing = tmp_path / "missing.db"
    with pytest.raises(SourceError, match="数据库不存在或无法打开"), opened(adhoc_connection(f"sqlite:///{missing}")) as conn:
        conn.execute(text("SELECT 1"))
    assert not missing.exists()


def test_a_failed_connection_says_why_in_chinese_without_the_password():
    with pytest.raises(SourceError) as caught, opened(Connection("tax", PG_URL, timeout=3)) as conn:
        conn.execute(text("SELECT 1"))
    message = str(caught.value)
    assert message.startswith("连接“tax”（postgresql+psycopg://reader:***@127.0.0.1:1/hr）：无法连接数据库服务器")
    assert SECRET not in message and "S3cr%40t" not in message
    # The driver's exception (whose arguments may carry the connection string) is not chained.
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_an_unreadable_url_is_refused():
    with pytest.raises(SourceError, match="连接地址无法解析"):
        adhoc_connection("not a url")
