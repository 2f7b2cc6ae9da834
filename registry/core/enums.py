"""Helpers for enum columns: store the value, check it in the database."""
from __future__ import annotations

import enum

from sqlalchemy import Enum as SAEnum


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a Chinese label: ``Member = ("value", N_("标签"))``.

    The label stays Chinese everywhere (importers and validation match on it); screens
    translate it with the ``tr`` filter (:mod:`registry.core.i18n`).
    """

    def __new__(cls, value: str, label: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    def __str__(self) -> str:
        return self.value


def enum_column(enum_cls: type[enum.Enum], name: str) -> SAEnum:
    """A VARCHAR + CHECK column storing the enum *values* (not member names).

    Non-native so that adding a state is a plain migration on PostgreSQL too.
    """
    return SAEnum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
