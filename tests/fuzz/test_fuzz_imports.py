"""Hostile uploads through the import service (plan → commit → report), on the real database.

Every generated workbook must end in a clean import or in row errors: never an unexpected
exception, never a half-written catalog. Whole-file problems may only be our own errors,
worded in Chinese. A clean import uploaded again updates instead of duplicating.
"""
from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import pytest
from fuzzing import (
    EXAMPLES,
    HOSTILE,
    assert_whole_file_error,
    chinese,
    counts,
    example_ctx,
    for_csv,
    for_xlsx,
    fuzz,
    shared_connection,
)
from hypothesis import given
from hypothesis import strategies as st
from imports.workbooks import NATIONAL_HEADERS, national_rows
from openpyxl import Workbook

from registry.catalog.schema import FIELD_ELEMENTS, ITEM_ELEMENTS
from registry.imports.models import ImportOutcome
from registry.imports.operations import commit_import, plan_import

# The national template's columns and two valid resources, as the import tests write them.
HEADERS = NATIONAL_HEADERS
valid_rows = national_rows


PROVIDER = "南阳市市场监督管理局"  # tests/factories.make_org_tree's department


@pytest.fixture(scope="module")
def connection(engine):
    with shared_connection(engine) as connection:
        yield connection

# -- writing workbooks --------------------------------------------------------------

ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030")


def write_xlsx(path: Path, sheets: list[tuple[str, list[list[object]]]], merges: list[str] = ()) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, (name, rows) in enumerate(sheets):
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append([for_xlsx(v) for v in row])
        if index == 0:
            for merged in merges:
                sheet.merge_cells(merged)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str, delimiter: str) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([[for_csv(v) for v in row] for row in rows])
    # Characters GBK cannot hold become "?", as a Windows export does.
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    return path


@st.composite
def workbook_files(draw, rows_strategy):
    """A file of rows: an openpyxl workbook (random extra sheets, merges, blank rows) or a CSV."""
    rows = draw(rows_strategy)
    kind = draw(st.sampled_from(["xlsx", "xlsx", "csv"]))
    if kind == "csv":
        encoding = draw(st.sampled_from(ENCODINGS))
        delimiter = draw(st.sampled_from([",", ",", "\t", ";", "|"]))
        return "csv", rows, {"encoding": encoding, "delimiter": delimiter}
    extra = draw(st.lists(st.tuples(st.text(alphabet="目录信息项表Sheet123", min_size=1, max_size=8),
                                    st.lists(st.lists(HOSTILE, max_size=4), max_size=3)), max_size=2))
    merges = draw(st.lists(st.sampled_from(["A3:A5", "E3:E5", "B2:D2", "R4:T4", "F6:F7", "A1:C1"]), max_size=2, unique=True))
    return "xlsx", rows, {"extra": extra, "merges": merges}


def materialise(folder: Path, spec) -> Path:
    kind, rows, options = spec
    if kind == "csv":
        return write_csv(folder / "目录.csv", rows, options["encoding"], options["delimiter"])
    names = {"目录"}
    sheets = [("目录", rows)]
    for name, extra_rows in options["extra"]:
        if name not in names:  # openpyxl renames duplicates; keep the test's names exact
            names.add(name)
            sheets.append((name, extra_rows))
    return write_xlsx(folder / "目录.xlsx", sheets, options["merges"])


# -- the invariants --------------------------------------------------------------------

def check_import(ctx, path: Path, test: str) -> str:
    """Plan, commit and (if rejected) report one upload; counted by outcome, so a run shows it
    reached clean imports (and their re-upload) as well as rejections and refusals."""
    EXAMPLES[test] += 1
    outcome = _check_import(ctx, path)
    EXAMPLES[f"{test}: {outcome}"] += 1
    return outcome


def _check_import(ctx, path: Path) -> str:
    from importers.report import write_report

    before = counts(ctx.session)
    try:
        plan = plan_import(ctx, path)
    except Exception as exc:  # noqa: BLE001 — the property: only our own whole-file errors
        assert_whole_file_error(exc)
        assert counts(ctx.session) == before
        return "refused"
    assert counts(ctx.session) == before, "planning wrote to the database"
    for problem in plan.problems:
        assert chinese(problem.message), problem
    for entry in plan.entries:
        if entry.action == "rejected":
            assert entry.problems, entry
            # Each names its row; and its column, unless the sheet lacks that column (then the message names it).
            assert all(p.row is not None and p.sheet for p in entry.problems), entry.problems
            assert all(p.column or "：" in p.message for p in entry.problems), entry.problems
    batch = commit_import(ctx, plan)
    after = counts(ctx.session)
    if not plan.clean:
        assert batch.outcome is ImportOutcome.REJECTED
        assert after == {**before, "batches": before["batches"] + 1, "rejects": before["rejects"] + 1}, "a rejected import wrote rows"
        write_report(plan, path, io.BytesIO())  # the annotated workbook for whatever was rejected
        return "rejected"
    assert batch.outcome is ImportOutcome.COMMITTED
    assert after["items"] == before["items"] + plan.count("create")
    if plan.count("create"):
        again = plan_import(ctx, path)  # the same file re-uploaded: matched, never duplicated
        assert again.clean and again.count("create") == 0, [p.message for p in again.problems]
        commit_import(ctx, again)
        assert counts(ctx.session)["items"] == after["items"]
    return "clean"


# -- strategies: cells --------------------------------------------------------------

@st.composite
def hostile_cells(draw):
    """The valid national workbook with hostile values dropped into random cells and blank rows."""
    rows = [list(HEADERS), *valid_rows(PROVIDER)]
    for _ in range(draw(st.integers(0, 6))):
        r = draw(st.integers(1, len(rows) - 1))
        c = draw(st.integers(0, len(HEADERS) + 1))
        row = rows[r]
        row.extend([None] * (c + 1 - len(row)))
        row[c] = draw(HOSTILE)
    for _ in range(draw(st.integers(0, 2))):
        rows.insert(draw(st.integers(1, len(rows))), [None] * draw(st.integers(0, 5)))
    if draw(st.booleans()):
        rows.insert(0, ["某市政务信息资源目录（2026年版）"])  # a title row above the header
    return rows


@fuzz(2)
@given(spec=workbook_files(hostile_cells()))
def test_hostile_cell_values_end_in_clean_import_or_row_errors(connection, spec):
    with example_ctx(connection) as ctx, tempfile.TemporaryDirectory() as folder:
        check_import(ctx, materialise(Path(folder), spec), "hostile cell values")


# -- strategies: headers --------------------------------------------------------------

_SYNONYMS = [(spec.label, name) for spec in (*ITEM_ELEMENTS, *FIELD_ELEMENTS) for name in spec.synonyms]


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else "\u3000" if ch == " " else ch for ch in text)


@st.composite
def header_variants(draw):
    """Shuffled, duplicated, dropped, renamed, padded and unknown columns; the data moves with its column."""
    columns = [[h, *(row + [None] * len(HEADERS))[:len(HEADERS)]] for h, row in
               zip(HEADERS, [[r[i] if i < len(r) else None for r in valid_rows(PROVIDER)] for i in range(len(HEADERS))])]
    columns = [list(c) for c in columns]
    columns = draw(st.permutations(columns)) if draw(st.booleans()) else columns
    columns = list(columns)
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["drop", "duplicate", "synonym", "pad", "fullwidth", "unknown", "blank", "marker"]))
        i = draw(st.integers(0, len(columns) - 1))
        header = str(columns[i][0])
        if op == "drop" and len(columns) > 1:
            columns.pop(i)
        elif op == "duplicate":
            copy = list(columns[i])
            if draw(st.booleans()):
                copy[1:] = [draw(HOSTILE) for _ in copy[1:]]
            columns.insert(draw(st.integers(0, len(columns))), copy)
        elif op == "synonym":
            matches = [name for label, name in _SYNONYMS if label == unicodedata.normalize("NFKC", header).strip("*")]
            columns[i][0] = draw(st.sampled_from(matches or [s for _, s in _SYNONYMS]))
        elif op == "pad":
            columns[i][0] = draw(st.sampled_from([" ", "\n", "\u3000", "\t"])) + header + draw(st.sampled_from([" ", "\r\n", "（必填）", "(选填)"]))
        elif op == "fullwidth":
            columns[i][0] = _full_width(header)
        elif op == "unknown":
            columns.insert(i, [draw(st.text(max_size=12))] + [draw(HOSTILE) for _ in range(5)])
        elif op == "blank":
            columns[i][0] = None
        elif op == "marker":
            columns[i][0] = draw(st.sampled_from(["*", "＊", "※"])) + header
    return [list(row) for row in zip(*columns)]


@fuzz(2)
@given(spec=workbook_files(header_variants()))
def test_header_variants_end_in_clean_import_or_row_errors(connection, spec):
    with example_ctx(connection) as ctx, tempfile.TemporaryDirectory() as folder:
        check_import(ctx, materialise(Path(folder), spec), "header variants")


# -- strategies: files that are not what their name says ------------------------------------

def _valid_xlsx_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return write_xlsx(Path(folder) / "v.xlsx", [("目录", [HEADERS, *valid_rows(PROVIDER)])]).read_bytes()


VALID_XLSX = _valid_xlsx_bytes()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb(size: int) -> bytes:
    """A workbook whose sheet inflates a thousandfold (kept to a few MB: the property, not the machine, is tested)."""
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/"))
    members[sheet] = members[sheet].replace(b"</sheetData>", b"<row r=\"999\">" + b" " * size + b"</row></sheetData>")
    return _zip(members)


FILE_BYTES = st.one_of(
    st.binary(max_size=2048),
    st.integers(0, len(VALID_XLSX)).map(lambda n: VALID_XLSX[:n]),  # truncated uploads
    st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.binary(min_size=1, max_size=64)).map(  # bytes flipped inside
        lambda t: VALID_XLSX[:t[0]] + t[1] + VALID_XLSX[t[0] + len(t[1]):]),
    st.dictionaries(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                     "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml"]),
                    st.binary(max_size=200), max_size=4).map(_zip),
    st.sampled_from([b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe",
                     "信息资源名称,信息资源摘要\n".encode("utf-16"), b"\x00" * 100]),
    st.integers(1 << 20, 4 << 20).map(_bomb),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", errors="surrogatepass")),  # lone surrogates, as bytes
)


@fuzz(4)
@given(data=FILE_BYTES, name=st.sampled_from(["目录.xlsx", "目录.xls", "目录.csv", "目录", "目录.txt", "目录.XLSX"]))
def test_random_bytes_under_spreadsheet_names_are_refused_or_read(connection, data, name):
    with example_ctx(connection) as ctx, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        check_import(ctx, path, "random bytes and broken files")
