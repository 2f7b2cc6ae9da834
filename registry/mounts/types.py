"""Database column types → the national guide's 信息项数据类型 (C N Y D T L M G B I F) and 数据长度.

The mapping goes by SQLAlchemy's generic type classes, which every dialect's
reflected types derive from (PostgreSQL ``DOUBLE_PRECISION`` is a ``Double``,
MySQL ``TINYINT`` an ``Integer``, Oracle ``DATE`` a ``DateTime``), so one
table serves SQLite, PostgreSQL, MySQL/MariaDB and the others SQLAlchemy
reflects. A few types no generic class covers are recognised by their class
name (``MONEY``, MySQL's ``*TEXT`` and ``YEAR``). Order matters: a subclass
comes before its parent (``Double`` before ``Float``; Oracle's ``NUMBER`` is
both a ``Numeric`` and an ``Integer`` and is a 数值型).

数据长度 is the column's declared length: characters for strings, precision
for decimals; types without one (dates, integers, text) have none.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import types as sat


@dataclass(frozen=True)
class MappedType:
    """A column type as the catalog declares it; ``note`` says when the mapping was a guess."""

    data_type: str
    length: int | None = None
    note: str | None = None


# (generic class or class names, data type code), first match wins.
_RULES: tuple[tuple[type | tuple[str, ...], str], ...] = (
    (sat.Boolean, "L"),
    (("MONEY", "SMALLMONEY"), "Y"),
    (sat.Double, "B"),
    (sat.Float, "F"),
    (sat.Numeric, "N"),
    (sat.Integer, "I"),
    (("YEAR",), "I"),
    (sat.DateTime, "T"),
    (sat.Date, "D"),
    (sat.Time, "T"),
    (sat.Interval, "C"),
    (("INTERVAL", "INET", "CIDR", "MACADDR", "MACADDR8"), "C"),
    (("XML",), "M"),
    (sat.Text, "M"),
    (("TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "NTEXT", "CLOB", "NCLOB"), "M"),
    (sat.String, "C"),
    (sat.Uuid, "C"),
    (sat.LargeBinary, "G"),
    (("BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BYTEA", "RAW", "IMAGE"), "G"),
    (sat.JSON, "M"),
    (sat.ARRAY, "M"),
)

#: Declared types a live type may stand for without counting as a change: 数值型 is the generic number,
#: 字符型 and 备注型 are both text, and 双精度/浮点 differ only in precision.
COMPATIBLE: frozenset[tuple[str, str]] = frozenset({
    ("N", "I"), ("N", "F"), ("N", "B"), ("N", "Y"),
    ("C", "M"), ("M", "C"),
    ("B", "F"), ("F", "B"),
})


def map_type(sqltype: sat.TypeEngine) -> MappedType:
    """The data type code and length for a reflected column type."""
    if _is_mysql_flag(sqltype):  # MySQL's BOOLEAN is stored as TINYINT(1)
        return MappedType("L")
    if type(sqltype).__name__.upper() == "BIT":
        width = getattr(sqltype, "length", None) or 1
        return MappedType("L") if width == 1 else MappedType("G", width)
    name = type(sqltype).__name__.upper()
    for rule, code in _RULES:
        if (name in rule) if isinstance(rule, tuple) else isinstance(sqltype, rule):
            return MappedType(code, _length(sqltype, code))
    if isinstance(sqltype, sat.NullType):
        return MappedType("C", None, "数据库未声明列类型，按字符型处理")
    return MappedType("C", None, f"未识别的列类型 {type_text(sqltype)}，按字符型处理")


def _is_mysql_flag(sqltype: sat.TypeEngine) -> bool:
    return type(sqltype).__name__ == "TINYINT" and getattr(sqltype, "display_width", None) == 1


def _length(sqltype: sat.TypeEngine, code: str) -> int | None:
    if code == "C":
        if isinstance(sqltype, sat.Uuid):
            return 36
        if isinstance(sqltype, sat.Enum):
            return sqltype.length or None
        if type(sqltype).__name__ == "SET" and getattr(sqltype, "values", None):  # MySQL: several values, comma-joined
            return sum(len(v) for v in sqltype.values) + len(sqltype.values) - 1
        length = getattr(sqltype, "length", None)
        return length if isinstance(length, int) and length > 0 else None
    if code == "N":
        precision = getattr(sqltype, "precision", None)
        return precision if isinstance(precision, int) and precision > 0 else None
    return None


def type_text(sqltype: sat.TypeEngine, dialect=None) -> str:
    """How the database names the type (``VARCHAR(18)``), for screens and reports."""
    try:
        return sqltype.compile(dialect=dialect) if dialect is not None else str(sqltype)
    except Exception:  # noqa: BLE001 - some dialect types cannot render without their own dialect
        return type(sqltype).__name__


def type_changed(declared: str | None, live: str) -> bool:
    """Whether a declared data type no longer describes the live column (compatible pairs are not a change)."""
    return declared is not None and declared != live and (declared, live) not in COMPATIBLE
