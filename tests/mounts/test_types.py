"""Database types → 信息项数据类型 and 数据长度, for the types SQLite, PostgreSQL, MySQL/MariaDB (and others) reflect."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql, mysql, oracle, sqlite
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.types import NullType

from registry.mounts.types import map_type, type_changed

CASES = [
    # generic types, as SQLite reflects them
    ("VARCHAR(18)", sa.VARCHAR(18), "C", 18),
    ("CHAR(2)", sa.CHAR(2), "C", 2),
    ("VARCHAR", sa.VARCHAR(), "C", None),
    ("TEXT", sa.TEXT(), "M", None),
    ("INTEGER", sa.INTEGER(), "I", None),
    ("BIGINT", sa.BIGINT(), "I", None),
    ("SMALLINT", sa.SMALLINT(), "I", None),
    ("NUMERIC(12,2)", sa.NUMERIC(12, 2), "N", 12),
    ("DECIMAL", sa.DECIMAL(), "N", None),
    ("FLOAT", sa.FLOAT(), "F", None),
    ("REAL", sa.REAL(), "F", None),
    ("DOUBLE", sa.DOUBLE(), "B", None),
    ("DATE", sa.DATE(), "D", None),
    ("DATETIME", sa.DATETIME(), "T", None),
    ("TIMESTAMP", sa.TIMESTAMP(), "T", None),
    ("TIME", sa.TIME(), "T", None),
    ("BOOLEAN", sa.BOOLEAN(), "L", None),
    ("BLOB", sa.BLOB(), "G", None),
    ("sqlite DATETIME", sqlite.DATETIME(), "T", None),
    ("sqlite JSON", sqlite.JSON(), "M", None),
    # PostgreSQL
    ("pg DOUBLE PRECISION", pg.DOUBLE_PRECISION(), "B", None),
    ("pg MONEY", pg.MONEY(), "Y", None),
    ("pg BYTEA", pg.BYTEA(), "G", None),
    ("pg UUID", pg.UUID(), "C", 36),
    ("pg JSONB", pg.JSONB(), "M", None),
    ("pg ARRAY", pg.ARRAY(sa.Integer), "M", None),
    ("pg INTERVAL", pg.INTERVAL(), "C", None),
    ("pg INET", pg.INET(), "C", None),
    ("pg TIMESTAMP WITH TIME ZONE", pg.TIMESTAMP(timezone=True), "T", None),
    ("pg CITEXT", pg.CITEXT(), "M", None),
    ("pg NUMERIC(18,0)", pg.NUMERIC(18, 0), "N", 18),
    # MySQL / MariaDB
    ("mysql TINYINT(1) (BOOLEAN)", mysql.TINYINT(display_width=1), "L", None),
    ("mysql TINYINT(4)", mysql.TINYINT(display_width=4), "I", None),
    ("mysql MEDIUMINT", mysql.MEDIUMINT(), "I", None),
    ("mysql DOUBLE", mysql.DOUBLE(), "B", None),
    ("mysql FLOAT", mysql.FLOAT(), "F", None),
    ("mysql DECIMAL(10,2)", mysql.DECIMAL(10, 2), "N", 10),
    ("mysql LONGTEXT", mysql.LONGTEXT(), "M", None),
    ("mysql MEDIUMTEXT", mysql.MEDIUMTEXT(), "M", None),
    ("mysql TINYTEXT", mysql.TINYTEXT(), "M", None),
    ("mysql VARCHAR(64)", mysql.VARCHAR(64), "C", 64),
    ("mysql ENUM", mysql.ENUM("男", "女", "未知"), "C", 2),
    ("mysql SET (values comma-joined)", mysql.SET("甲", "乙乙"), "C", 4),
    ("mysql YEAR", mysql.YEAR(), "I", None),
    ("mysql BIT(1)", mysql.BIT(1), "L", None),
    ("mysql BIT(8)", mysql.BIT(8), "G", 8),
    ("mysql DATETIME", mysql.DATETIME(), "T", None),
    ("mysql LONGBLOB", mysql.LONGBLOB(), "G", None),
    ("mysql JSON", mysql.JSON(), "M", None),
    # others SQLAlchemy reflects
    ("oracle NUMBER(10,0)", oracle.NUMBER(10, 0), "N", 10),
    ("oracle DATE (has a time)", oracle.DATE(), "T", None),
    ("oracle CLOB", oracle.CLOB(), "M", None),
    ("oracle RAW", oracle.RAW(16), "G", None),
    ("mssql MONEY", mssql.MONEY(), "Y", None),
    ("mssql BIT", mssql.BIT(), "L", None),
]


@pytest.mark.parametrize("sqltype,code,length", [pytest.param(t, c, n, id=name) for name, t, c, n in CASES])
def test_each_database_type_maps_to_a_national_data_type(sqltype, code, length):
    mapped = map_type(sqltype)
    assert (mapped.data_type, mapped.length) == (code, length)
    assert mapped.note is None


def test_an_undeclared_or_unknown_type_is_character_with_a_note():
    assert map_type(NullType()).data_type == "C"
    assert "未声明" in map_type(NullType()).note
    unknown = map_type(pg.TSVECTOR())
    assert unknown.data_type == "C" and "TSVECTOR" in unknown.note


@pytest.mark.parametrize("declared,live,changed", [
    ("C", "C", False), ("C", "I", True), ("I", "C", True), ("D", "T", True), ("T", "D", True),
    ("N", "I", False), ("N", "Y", False), ("I", "N", True),  # 数值型 is the generic number, not the reverse
    ("C", "M", False), ("M", "C", False), ("B", "F", False), ("L", "I", True), (None, "C", False),
])
def test_compatible_declarations_are_not_a_type_change(declared, live, changed):
    assert type_changed(declared, live) is changed
