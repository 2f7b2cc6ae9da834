"""信息资源代码: 分类码 (类 项 目 细目) ``/`` 顺序码, generated and checked by the national rules.

A sequence number, once handed out in a classification, is never handed out
again (1272号 §1.5: codes are unique and never reused): the high-water mark
lives in ``code_sequence`` and only ever grows, even when an entry is retired.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.catalog.models import CodeSequence

SEQUENCE_WIDTH = 6
CODE_PATTERN = re.compile(r"^(?P<class_code>[123])(?P<item_code>\d{2})(?P<category_code>\d{3})(?P<subcategory_code>\d*)/(?P<sequence>\d+)$")


@dataclass(frozen=True)
class ResourceCode:
    class_code: str
    item_code: str
    category_code: str
    subcategory_code: str
    sequence: int

    @property
    def classification_code(self) -> str:
        return f"{self.class_code}{self.item_code}{self.category_code}{self.subcategory_code}"

    def __str__(self) -> str:
        return f"{self.classification_code}/{self.sequence:0{SEQUENCE_WIDTH}d}"


def classification_code(class_code: str, item_code: str, category_code: str | None, subcategory_code: str | None) -> str:
    """The code's front segment; a missing 目 is written ``000`` so segments keep their places."""
    return f"{class_code}{item_code}{category_code or '000'}{subcategory_code or ''}"


def parse_code(code: str) -> ResourceCode | None:
    """Split a resource code into its segments, or ``None`` if it does not follow the rules."""
    match = CODE_PATTERN.match(code.strip())
    if not match or int(match["sequence"]) == 0:
        return None
    return ResourceCode(match["class_code"], match["item_code"], match["category_code"], match["subcategory_code"], int(match["sequence"]))


def next_sequence(session: Session, prefix: str) -> int:
    """Reserve the next sequence number of a classification."""
    return reserve_block(session, prefix, 1)


def reserve_block(session: Session, prefix: str, count: int) -> int:
    """Reserve ``count`` consecutive numbers atomically (SQLite and PostgreSQL); returns the first."""
    for _ in range(3):
        last = session.scalar(
            update(CodeSequence)
            .where(CodeSequence.classification_code == prefix)
            .values(last_value=CodeSequence.last_value + count)
            .returning(CodeSequence.last_value)
        )
        if last is not None:
            return last - count + 1
        try:
            with session.begin_nested():
                session.execute(insert(CodeSequence).values(classification_code=prefix, last_value=count))
            return 1
        except IntegrityError:  # another writer created the row first: take the update path
            continue
    raise RuntimeError(f"could not reserve sequence numbers for {prefix}")


def reserve_sequence(session: Session, prefix: str, sequence: int) -> None:
    """Record that an explicitly given code used ``sequence``, so it is never generated later."""
    current = session.scalar(select(CodeSequence.last_value).where(CodeSequence.classification_code == prefix))
    if current is None:
        session.execute(insert(CodeSequence).values(classification_code=prefix, last_value=sequence))
    elif current < sequence:
        session.execute(update(CodeSequence).where(CodeSequence.classification_code == prefix).values(last_value=sequence))
