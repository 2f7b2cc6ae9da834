"""The mounts tests' world: source databases with real tables, connection registries, people and entries."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from factories import entry, make_org_tree, uscc

from registry.accounts.operations import create_user
from registry.catalog.operations import create_item
from registry.core.context import Context
from registry.mounts.connections import Connection, ConnectionRegistry
from registry.mounts.network import HostPolicy
from registry.mounts.sources import Sources
from registry.orgs.operations import create_org
from registry.review.operations import approve, current_step, submit_item

PASSWORD = "Guajie#2026x"

#: A department's table as SQLite keeps it: comments by the ``-- …`` convention after each definition.
PERSON_DDL = """CREATE TABLE person ( -- 人口基本信息
  id INTEGER PRIMARY KEY, -- 序号
  sfzh VARCHAR(18) NOT NULL, -- 公民身份号码
  xm VARCHAR(50) NOT NULL, -- 姓名：户籍登记的姓名
  csrq DATE, -- 出生日期
  sg NUMERIC(5, 2), -- 身高（米）
  zp BLOB, -- 照片
  bz TEXT, -- 备注
  sfyx BOOLEAN, -- 是否有效
  gxsj DATETIME -- 更新时间
)"""

PERSON_ROWS = [
    (1, "110101199003077777", "张三", "1990-03-07", 1.75, None, None, 1, "2026-05-01 08:00:00"),
    (2, "11010119900307999X", "李四", "1990-03-07", 1.62, None, "无", 1, "2026-06-02 09:30:00"),
]


def make_source_db(path: Path, ddl: str = PERSON_DDL, rows=PERSON_ROWS, table: str = "person") -> str:
    """A real SQLite file holding ``table``; returns its SQLAlchemy URL."""
    with sqlite3.connect(path) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(ddl)
        if rows:
            conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    conn.close()
    return f"sqlite:///{path}"


def run_sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def sources(tmp_path: Path, allow: str | None = None, **urls: str) -> Sources:
    """Sources with the given named connections (serving every department) and an uploads folder under ``tmp_path``;
    ``allow`` is what ``MULU_MOUNT_ALLOWED_HOSTS`` would say (the tests' web servers are on 127.0.0.1)."""
    registry = ConnectionRegistry({name: Connection(name, url, label=f"{name}库", timeout=5, everyone=True)
                                   for name, url in urls.items()})
    return Sources(registry, tmp_path / "uploads", max_upload_bytes=64 * 1024, fetch_timeout=5,
                   allowed_hosts=HostPolicy.parse(allow))


@dataclass
class World:
    orgs: object
    users: dict

    def as_(self, ctx: Context, name: str) -> Context:
        return Context(session=ctx.session, profile=ctx.profile, actor=None if name == "system" else self.users[name])


def make_world(ctx: Context, *names: str) -> World:
    """The organisation tree, another county's department, and the named users (signing in is slow to set up)."""
    orgs = make_org_tree(ctx)
    county = create_org(ctx, {"code": "411322", "name": "方城县", "level": "county", "parent": orgs.city})
    create_org(ctx, {"code": uscc(5, "411322"), "name": "方城县市场监督管理局", "level": "department",
                     "parent": county, "catalog_code": "0301"})
    spec = {"compiler": ("compiler", orgs.dept), "other_compiler": ("compiler", orgs.other_dept),
            "county_reviewer": ("county_reviewer", orgs.county), "city_reviewer": ("city_reviewer", orgs.city),
            "authority": ("authority_admin", orgs.city), "system_admin": ("system_admin", orgs.city)}
    users = {name: create_user(ctx, name, *spec[name][:1], spec[name][1].code, PASSWORD) for name in names}
    return World(orgs, users)


PERSON_FIELDS = [
    {"name": "序号", "technical_name": "id", "data_type": "I", "is_primary_key": True},
    {"name": "公民身份号码", "technical_name": "sfzh", "data_type": "C", "length": 18, "identifier_kind": "citizen_id"},
    {"name": "姓名", "technical_name": "xm", "data_type": "C", "length": 50},
    {"name": "出生日期", "technical_name": "csrq", "data_type": "D"},
    {"name": "身高", "technical_name": "sg", "data_type": "N", "length": 5},
    {"name": "照片", "technical_name": "zp", "data_type": "G"},
    {"name": "备注", "technical_name": "bz", "data_type": "M"},
    {"name": "是否有效", "technical_name": "sfyx", "data_type": "L"},
    {"name": "更新时间", "technical_name": "gxsj", "data_type": "T"},
]


def person_item(ctx: Context, provider, **overrides):
    """A database entry declaring exactly the person table's columns."""
    data = entry(provider, **{"name": "人口基本信息", "subject": "natural_person", "fields": PERSON_FIELDS,
                              "format_type": "SQLite", "share_method_type": "database", **overrides})
    return create_item(ctx, data).item


def publish(ctx: Context, item) -> None:
    """Submit and approve at every level as the system."""
    system = Context(session=ctx.session, profile=ctx.profile)
    submit_item(system, item)
    while item.status.value != "published":
        approve(system, current_step(system, item))


# -- a live office ------------------------------------------------------------------------------

@dataclass
class Office:
    runtime: object
    base: str
    codes: dict  # organisation key → code, and "person" / "published" → item codes
    tokens: dict
    source: Path  # the SQLite file behind connection "hr"


@contextmanager
def live_office(instance: Path, database_url: str, names: tuple[str, ...]) -> Iterator[Office]:
    """A served instance whose ``connections.toml`` names ``hr`` (a real SQLite file) serving the department ``dept``
    only, with the organisation tree, the named users (each with an API token), a draft person entry and a published one."""
    from live import seeded_office

    from registry.accounts.tokens import create_token

    instance.mkdir(parents=True, exist_ok=True)
    source = instance.parent / "hr-source.db"
    url = make_source_db(source)

    def seed(ctx):
        world = make_world(ctx, *names)
        (instance / "connections.toml").write_text(
            f'[connections.hr]\nurl = "{url}"\nlabel = "人事库"\ntimeout = 10\norganisations = ["{world.orgs.dept.code}"]\n',
            encoding="utf-8")
        draft = person_item(ctx, world.orgs.dept)
        published = person_item(ctx, world.orgs.dept, name="人口基本信息（已发布）")
        publish(ctx, published)
        tokens = {name: create_token(ctx, user, "测试")[1] for name, user in world.users.items()}
        codes = {"dept": world.orgs.dept.code, "other_dept": world.orgs.other_dept.code, "city": world.orgs.city.code,
                 "person": draft.code, "published": published.code}
        return codes, tokens

    with seeded_office(instance, database_url, seed) as (runtime, base, (codes, tokens)):
        yield Office(runtime, base, codes, tokens, source)


def office_database(tmp_path_factory, name: str) -> Iterator[str]:
    """A database for one module's live office: a SQLite file, or a throwaway PostgreSQL database."""
    from databases import drop_postgres_database, is_postgres, new_postgres_database

    if not is_postgres():
        yield f"sqlite:///{tmp_path_factory.mktemp(name) / 'office.db'}"
        return
    url = new_postgres_database(f"mulu_{name}")
    yield url
    drop_postgres_database(url)


# -- a slow source, and whether the catalog's database is free meanwhile -----------------------------

class GatedFiles:
    """A local web server holding one file whose answers can be held back: while ``held``, a request waits (at most
    30 s) until :meth:`let_go`, after setting ``arrived`` — a source that is slow exactly as long as a test wants."""

    CONTENT = b"PK slow workbook"

    def __init__(self):
        import functools
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.arrived, self.gate, self.held = threading.Event(), threading.Event(), False
        gated = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._answer(True)

            def do_HEAD(self):
                self._answer(False)

            def _answer(self, body: bool) -> None:
                if gated.held:
                    gated.arrived.set()
                    gated.gate.wait(30)
                self.send_response(200)
                self.send_header("Content-Length", str(len(gated.CONTENT)))
                self.send_header("Last-Modified", "Sun, 01 Mar 2026 08:00:00 GMT")
                self.end_headers()
                if body:
                    self.wfile.write(gated.CONTENT)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/slow.xlsx"

    def hold(self) -> None:
        self.arrived.clear()
        self.gate.clear()
        self.held = True

    def let_go(self) -> None:
        self.held = False
        self.gate.set()

    def close(self) -> None:
        self.let_go()
        self.server.shutdown()
        self.server.server_close()


def assert_catalog_writable(database_url: str) -> None:
    """Another connection can write to the catalog's database now: on SQLite it takes the write lock within a second;
    on PostgreSQL no session of the catalog's database sits idle inside a transaction."""
    import sqlite3

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database, timeout=1, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")  # raises "database is locked" if a writer holds it
            conn.execute("ROLLBACK")
        finally:
            conn.close()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            idle = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'")).scalar()
    finally:
        engine.dispose()
    assert idle == 0, f"{idle} session(s) of the catalog's database idle in a transaction"


def run_in_thread(work):
    """Start ``work()`` in a thread; returns a function that waits for it and gives its result (or raises its error)."""
    import threading

    box: dict = {}

    def run():
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def result(timeout: float = 60):
        thread.join(timeout)
        assert not thread.is_alive(), "still running"
        if "error" in box:
            raise box["error"]
        return box["value"]

    return result
