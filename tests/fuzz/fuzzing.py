"""Shared pieces of the property-based import tests: settings profiles, an example counter,
a per-example database transaction, hostile values and the invariants every import must keep.

``HYPOTHESIS_PROFILE=ci`` (the default) keeps the whole tests/fuzz run near a minute on the
2-core CI machine; ``HYPOTHESIS_PROFILE=deep`` is for long local runs. The settings are applied
per test (``@FUZZ``) rather than loaded globally, so other hypothesis tests keep theirs.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.audit.models import AuditEvent
from registry.catalog.models import CatalogItem, Field, ItemChange
from registry.core.context import Context
from registry.core.errors import MuluError
from registry.imports.models import ImportBatch
from registry.orgs.models import Organisation
from registry.profiles import load_profile

_COMMON = {"deadline": None, "database": None, "print_blob": True,
           # Each example opens its own savepoint inside the test (see example_ctx), never by a fixture.
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much]}
settings.register_profile("ci", max_examples=40, **_COMMON)
settings.register_profile("deep", max_examples=300, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "deep"):
    PROFILE = "ci"


def fuzz(weight: float = 1.0):
    """The active profile's settings, with ``weight`` × its max_examples (cheap tests run more)."""
    base = settings.get_profile(PROFILE)
    return settings(base, max_examples=max(3, int(base.max_examples * weight)))


#: Examples run per test, printed at the end of the session (see conftest.py).
EXAMPLES: Counter[str] = Counter()

_CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def assert_whole_file_error(exc: BaseException) -> None:
    """A file refused as a whole: only our own error types, with a message in Chinese."""
    from importers.sources import ImportFileError

    assert isinstance(exc, (ImportFileError, MuluError)), f"{type(exc).__name__}: {exc}"
    assert chinese(str(exc)), f"message not in Chinese: {exc}"


# -- the database, one transaction per example ----------------------------------------

@contextmanager
def shared_connection(engine):
    """One connection per test module with the org tree flushed, never committed (tests/factories)."""
    from factories import make_org_tree

    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        make_org_tree(Context(session=session, profile=load_profile("national")))
        session.commit()  # releases the session's savepoint into the connection's transaction, still uncommitted
        session.close()
        yield connection
    finally:
        transaction.rollback()
        connection.close()


@contextmanager
def example_ctx(connection, profile: str = "national"):
    """A context inside a savepoint that is rolled back after the example: every example sees
    the same org tree and an otherwise empty catalog (the ``ctx`` fixture is per test, not per example)."""
    savepoint = connection.begin_nested()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield Context(session=session, profile=load_profile(profile))
    finally:
        session.close()
        savepoint.rollback()


def counts(session) -> dict[str, int]:
    """Rows an import may write; an import's own batch and its import:reject event are counted apart."""
    def n(model, *where):
        return session.scalar(select(func.count()).select_from(model).where(*where))

    return {"items": n(CatalogItem), "fields": n(Field), "changes": n(ItemChange), "orgs": n(Organisation),
            "events": n(AuditEvent, AuditEvent.tag != "import:reject"), "rejects": n(AuditEvent, AuditEvent.tag == "import:reject"),
            "batches": n(ImportBatch)}


# -- hostile values ------------------------------------------------------------------

def _xlsx_safe(text: str) -> str:
    # openpyxl refuses the C0 control characters Excel cannot store; the writer decides what a file can hold.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


_HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(["=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\u202e反向\u202c",
                     "\u200b", "\u3000\u3000", "ＡＢＣ１２３", "１２３", "　", "是", "否", "TRUE", "NaN", "inf", "-1", "1e308",
                     "2024-02-30", "2024年13月1日", "20240101", "9999/12/31", "0000-00-00", "45292", "45292.5", "１９９９．１．１",
                     "普遍共享", "有条件共享", "不予共享", "数据库", "每天", "字符型C", "C", "N", "日期型", "数值型", "\ufeff名称",
                     "null", "None", "<script>", "'; DROP TABLE catalog_items; --", "\\x00", "𠀀𪚥", "é", "ﬁ"]),
    st.text(min_size=1, max_size=3).map(lambda s: s * 12000),  # longer than Excel's 32,767-character limit
)
HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64), _HOSTILE_TEXT,
    st.dates(), st.datetimes(),
)


def for_xlsx(value):
    return _xlsx_safe(value)[:40000] if isinstance(value, str) else value


def for_csv(value):
    # A CSV cell is text; NUL is what a broken export writes, so it stays.
    return "" if value is None else str(value)


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
