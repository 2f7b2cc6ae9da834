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


def sources(tmp_path: Path, **urls: str) -> Sources:
    """Sources with the given named connections and an uploads folder under ``tmp_path``."""
    registry = ConnectionRegistry({name: Connection(name, url, label=f"{name}库", timeout=5) for name, url in urls.items()})
    return Sources(registry, tmp_path / "uploads", max_upload_bytes=64 * 1024, fetch_timeout=5)


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
    """A served instance whose ``connections.toml`` names ``hr`` (a real SQLite file), with the organisation tree,
    the named users (each with an API token), a draft person entry and a published one."""
    from live import seeded_office

    from registry.accounts.tokens import create_token

    instance.mkdir(parents=True, exist_ok=True)
    source = instance.parent / "hr-source.db"
    url = make_source_db(source)
    (instance / "connections.toml").write_text(f'[connections.hr]\nurl = "{url}"\nlabel = "人事库"\n', encoding="utf-8")

    def seed(ctx):
        world = make_world(ctx, *names)
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
