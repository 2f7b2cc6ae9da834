"""反编目: read a live table's structure and propose a catalog entry for it.

:func:`read_table` reflects the columns (name, type, length, nullability,
comment, primary key) through SQLAlchemy's inspector; :func:`propose_from_table`
turns them into an entry in the very shape :func:`registry.catalog.operations.create_item`
accepts — comments become the Chinese 信息项 names, the table comment the
item's name — with the profile's defaults for what a table cannot tell. The
proposal is only a proposal: it is saved through ``create_item`` (the normal
validation, a draft, the normal review), see :func:`save_proposal`.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import column as sql_column
from sqlalchemy import func, inspect, select, text
from sqlalchemy import table as sql_table
from sqlalchemy.engine import Connection as DBConnection
from sqlalchemy.exc import SAWarning

from registry.catalog.identifiers import guess_identifier_kind
from registry.catalog.operations import ItemResult, create_item
from registry.catalog.validation import OrgResolver, validate_entry
from registry.core.context import Context
from registry.core.errors import FieldError, ValidationError
from registry.mounts.connections import (
    Connection,
    SourceError,
    adhoc_connection,
    opened,
)
from registry.mounts.transactions import Release, stay
from registry.mounts.types import map_type, type_text
from registry.orgs.models import Organisation

#: How each dialect is written as a 信息资源格式类型 (the profile's own spelling wins when it lists the type).
FORMAT_TYPES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MySQL", "mariadb": "MariaDB",
                "oracle": "oracle", "mssql": "sql server"}
_NAME_END = re.compile(r"[：:，,；;。（(\n\r\t]")


@dataclass(frozen=True)
class LiveColumn:
    name: str
    type: str
    data_type: str
    length: int | None
    nullable: bool
    primary_key: bool
    comment: str | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "data_type": self.data_type, "length": self.length,
                "nullable": self.nullable, "primary_key": self.primary_key, "comment": self.comment, "note": self.note}


@dataclass(frozen=True)
class LiveTable:
    dialect: str
    schema: str | None
    name: str
    comment: str | None
    columns: tuple[LiveColumn, ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


# -- reading --------------------------------------------------------------------------

def reflect_table(conn: DBConnection, table: str, schema: str | None = None) -> LiveTable:
    """The table's structure as the database describes it; :class:`SourceError` if there is no such table."""
    with warnings.catch_warnings():
        # A department's database is not ours: a type SQLAlchemy does not know is reported as a note, not a warning.
        warnings.simplefilter("ignore", SAWarning)
        return _reflect(conn, table, schema)


def _reflect(conn: DBConnection, table: str, schema: str | None) -> LiveTable:
    inspector = inspect(conn)
    where = f"{schema}.{table}" if schema else table
    if not inspector.has_table(table, schema=schema):
        raise SourceError(f"表“{where}”不存在（或当前账号无权读取）")
    keys = set((inspector.get_pk_constraint(table, schema=schema) or {}).get("constrained_columns") or [])
    sqlite_notes = _sqlite_comments(conn, table) if conn.dialect.name == "sqlite" else ({}, None)
    columns = []
    for col in inspector.get_columns(table, schema=schema):
        mapped = map_type(col["type"])
        comment = _clean(col.get("comment")) or sqlite_notes[0].get(col["name"].lower())
        columns.append(LiveColumn(col["name"], type_text(col["type"], conn.dialect), mapped.data_type, mapped.length,
                                  bool(col.get("nullable", True)), col["name"] in keys, comment, mapped.note))
    try:
        table_comment = _clean((inspector.get_table_comment(table, schema=schema) or {}).get("text"))
    except NotImplementedError:  # SQLite keeps no comments; a leading "-- …" in its DDL stands in
        table_comment = sqlite_notes[1]
    return LiveTable(conn.dialect.name, schema, table, table_comment, tuple(columns))


def read_table(connection: Connection, table: str, schema: str | None = None) -> LiveTable:
    with opened(connection) as conn:
        return reflect_table(conn, table, schema)


def list_tables(connection: Connection, schema: str | None = None) -> list[tuple[str, str | None]]:
    """The tables (and views) a connection shows, with their comments where the database keeps them."""
    with opened(connection) as conn:
        inspector = inspect(conn)
        names = sorted(set(inspector.get_table_names(schema=schema)) | set(inspector.get_view_names(schema=schema)))
        try:
            comments = {name: _clean((inspector.get_table_comment(name, schema=schema) or {}).get("text")) for name in names}
        except NotImplementedError:
            comments = {name: _sqlite_comments(conn, name)[1] for name in names} if conn.dialect.name == "sqlite" else {}
        return [(name, comments.get(name)) for name in names]


def latest_timestamp(conn: DBConnection, table: str, schema: str | None, column_name: str) -> Any:
    """``SELECT max(column) FROM table``: the only query Mulu runs on a source's data."""
    source = sql_table(table, sql_column(column_name), schema=schema)
    return conn.execute(select(func.max(source.c[column_name]))).scalar()


def _clean(text_value: str | None) -> str | None:
    value = (text_value or "").strip()
    return value or None


# Matched against a stripped line, with no two neighbouring parts able to take the same characters: a pattern
# like ``\s+[^-]*?`` or ``(.+?)\s*$`` backtracks quadratically over a long run of spaces in a department's DDL.
_SQLITE_COLUMN_NOTE = re.compile(r'[`"\[]?([^\s`"\]]+)[`"\]]?\s[^-]*--\s*(\S.*)')
_SQLITE_TABLE_NOTE = re.compile(r"\(\s*--(.*)")


def _sqlite_comments(conn: DBConnection, table: str) -> tuple[dict[str, str], str | None]:
    """SQLite has no COMMENT: by convention ``-- 说明`` after a column's definition in the CREATE TABLE, and
    after its opening parenthesis for the table."""
    ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": table}).scalar() or ""
    return sqlite_ddl_comments(ddl)


def sqlite_ddl_comments(ddl: str) -> tuple[dict[str, str], str | None]:
    """The ``-- 说明`` comments of a CREATE TABLE statement: per column (lower-cased name), and the table's."""
    lines = ddl.splitlines()
    columns = {}
    for line in lines[1:]:
        match = _SQLITE_COLUMN_NOTE.match(line.strip())
        if match:
            columns[match.group(1).lower()] = match.group(2)
    table_note = _SQLITE_TABLE_NOTE.search(lines[0]) if lines else None
    return columns, (table_note.group(1).strip() or None) if table_note else None


# -- proposing ------------------------------------------------------------------------

@dataclass
class Proposal:
    """A proposed entry for a table, what the user should know about it, and what validation would refuse."""

    source: str
    connection: str | None
    table: LiveTable
    entry: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    problems: list[FieldError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "connection": self.connection, "schema": self.table.schema, "table": self.table.name,
            "entry": self.entry, "columns": [c.as_dict() for c in self.table.columns], "notes": self.notes,
            "problems": [{"field": p.field, "label": p.label or p.field, "message": p.message} for p in self.problems],
        }


def propose_from_table(ctx: Context, source: str | Connection, table: str, schema: str | None = None,
                       org: Organisation | str | None = None, overrides: dict[str, Any] | None = None,
                       release: Release = stay) -> Proposal:
    """Reflect ``table`` and propose an entry for it (``org`` as the provider); nothing is written.

    ``source`` is a configured :class:`Connection` or a SQLAlchemy URL (the
    operator's CLI). ``overrides`` replace proposed elements (``open_basis``,
    ``update_cycle`` …) the table cannot tell. The table is read inside
    ``release()`` (see :mod:`registry.mounts.transactions`).
    """
    connection = source if isinstance(source, Connection) else adhoc_connection(source)
    with release():
        live = read_table(connection, table, schema)
    return proposal_for(ctx, live, connection, org, overrides)


def proposal_for(ctx: Context, live: LiveTable, connection: Connection, org: Organisation | str | None = None,
                 overrides: dict[str, Any] | None = None) -> Proposal:
    provider = OrgResolver(ctx.session)(org) if org else None
    notes: list[str] = []
    if org and provider is None:
        notes.append(f"找不到机构“{org}”")
    if not live.columns:
        notes.append("表中没有列")
    if not any(c.primary_key for c in live.columns):
        notes.append("表没有主键")
    notes += [f"列 {c.name}：{c.note}" for c in live.columns if c.note]
    fields = _fields(live.columns)
    entry = {**_defaults(ctx, live, connection, fields), **(overrides or {}), "fields": fields}
    entry["provider"] = provider.code if provider else (str(org) if org else None)
    entry = {k: v for k, v in entry.items() if v is not None}
    result = validate_entry(entry, ctx.profile, OrgResolver(ctx.session))
    problems = [p for p in result.errors if provider is not None or p.field != "provider"]
    if provider is None and not org:
        notes.append("未指定提供方：保存前须选择本单位")
    return Proposal(connection.masked_url, connection.name or None, live, entry, notes, problems)


def _fields(columns: tuple[LiveColumn, ...]) -> list[dict[str, Any]]:
    fields, used = [], set()
    for col in columns:
        name = _field_name(col)
        if name in used:
            name = f"{name}（{col.name}）"[:200]
        used.add(name)
        kind = guess_identifier_kind(name) or guess_identifier_kind(col.name)
        fields.append({key: value for key, value in {
            "name": name,
            "technical_name": col.name[:128],
            "data_type": col.data_type,
            "length": col.length,
            "description": col.comment if col.comment and col.comment != name else None,
            "is_primary_key": col.primary_key,
            "identifier_kind": kind,
        }.items() if value is not None})
    return fields


def _field_name(col: LiveColumn) -> str:
    """The comment's leading phrase (``姓名`` of ``姓名：申请人姓名``), else the column name."""
    if col.comment:
        head = _NAME_END.split(col.comment, maxsplit=1)[0].strip()
        return (head or col.comment.strip())[:200]
    return col.name[:200]


def _defaults(ctx: Context, live: LiveTable, connection: Connection, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """What a table cannot tell, as a compiler would first fill it in: a department's database resource,
    shared through the platform as 以共享为原则 asks, not opened to the public until someone decides to."""
    profile = ctx.profile
    name = _title(live)
    kinds = {f.get("identifier_kind") for f in fields}
    subject = "natural_person" if "citizen_id" in kinds else "legal_person" if "uscc" in kinds else None
    return {
        "class_code": "3",
        "item_code": _department_item_code(ctx),
        "name": name,
        "summary": _summary(name, live, fields),
        "format_class": "database",
        "format_type": _format_type(ctx, live.dialect),
        "share_type": "unconditional",
        "share_method_class": "platform",
        "share_method_type": _share_method_type(ctx),
        "open_type": "not_open",
        "update_cycle": "monthly" if profile.applies("update_cycle_at_least_monthly") else "irregular",
        "subject": subject if subject and subject in profile.vocab("subject").values else None,
        "has_personal_data": "citizen_id" in kinds,
        "source_system": (connection.label or None) if connection.name else None,
    }


#: How a database is best shared through the platform, in order of preference (the profile may not offer all).
_DATABASE_METHODS = ("database", "api", "cross_check", "batch_exchange")


def _share_method_type(ctx: Context) -> str | None:
    offered = ctx.profile.share_method_types("platform").values
    return next((m for m in _DATABASE_METHODS if m in offered), offered[0] if offered else None)


def _title(live: LiveTable) -> str:
    if live.comment:
        return live.comment.splitlines()[0].strip()[:200]
    return live.name[:200]


def _summary(name: str, live: LiveTable, fields: list[dict[str, Any]]) -> str:
    shown = "、".join(f["name"] for f in fields[:8])
    more = "等" if len(fields) > 8 else ""
    described = f"{live.comment}。" if live.comment and live.comment != name else ""
    return f"{described}{name}：数据库表 {live.qualified_name} 中的数据，含{shown}{more}{len(fields)}个信息项。"[:2000]


def _department_item_code(ctx: Context) -> str | None:
    node = ctx.profile.class_node("3")
    if node is None or not node.children:
        return None
    codes = [c.code for c in node.children]
    return "07" if "07" in codes else codes[0]


def _format_type(ctx: Context, dialect: str) -> str:
    wanted = FORMAT_TYPES.get(dialect, dialect)
    term = ctx.profile.vocab("format_class").term("database")
    listed = [str(t) for t in (term.attrs.get("types") or [])] if term else []
    return next((t for t in listed if t.lower() == wanted.lower()), wanted)


def save_proposal(ctx: Context, proposal: Proposal, reason: str | None = None) -> ItemResult:
    """Save the proposed entry as a draft through the normal validation (``ValidationError`` lists what to fix)."""
    if not proposal.entry.get("provider"):
        raise ValidationError(FieldError("provider", "保存前须选择提供方（本单位）", "信息资源提供方"))
    return create_item(ctx, proposal.entry, reason=reason or f"由数据库表 {proposal.table.qualified_name} 反编目生成")


def as_timestamp(value: Any) -> datetime | date | None:
    """A ``max(...)`` result as a time: drivers return datetimes, SQLite returns the text it stored."""
    if value is None or isinstance(value, (datetime, date)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC) if value > 10**9 else None  # Unix seconds
    text_value = str(value).strip().replace("/", "-")
    for candidate in (text_value, text_value.replace(" ", "T", 1)):
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            continue
    try:
        return date.fromisoformat(text_value[:10])
    except ValueError:
        return None
