"""Opening what compilers upload: .xlsx, .xls and .csv (UTF-8 or GBK/GB18030).

Everything is read with python-calamine (the fastest reader measured here);
files that are not spreadsheets, are encrypted, empty or hold formulas
without values are refused with a message a compiler can act on.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import python_calamine as calamine

#: Longest text a cell may hold (Excel's own limit); longer ones are row errors, never stored.
MAX_CELL_CHARS = 32767
#: After this many blank rows in a row, the rest of a sheet is taken as empty (a 1,000,000-row blank sheet).
MAX_BLANK_RUN = 5000
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_CACHED_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>|<is>")


class ImportFileError(Exception):
    """The file cannot be read at all; the message says why, in Chinese."""


@dataclass
class Sheet:
    """One sheet: its first rows (to find the header) and a way to stream all of them.

    Rows are lists of cell values with ``None`` for empty cells. They are
    streamed, not kept: a provincial workbook has two million rows.
    """

    name: str
    open_rows: Callable[[], Iterator[list[object]]]
    head: list[list[object]] = field(default_factory=list)

    def rows(self) -> Iterator[list[object]]:
        return self.open_rows()


HEAD_ROWS = 15


def _sheet(name: str, open_rows: Callable[[], Iterator[list[object]]]) -> Sheet:
    return Sheet(name, open_rows, list(islice(open_rows(), HEAD_ROWS)))


@dataclass
class Source:
    filename: str
    kind: str  # xlsx, xls, csv
    sheets: list[Sheet]


def open_source(path: str | Path, filename: str | None = None) -> Source:
    """Read every sheet of an uploaded file, or raise :class:`ImportFileError`."""
    path = Path(path)
    filename = filename or path.name
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise ImportFileError("文件是空的")
    suffix = Path(filename).suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        _refuse_formulas(path)
        return Source(filename, "xlsx", _read_calamine(path))
    if head == _CFB_MAGIC:
        if _is_encrypted_ooxml(path):
            raise ImportFileError("文件设置了打开密码，请取消密码后再上传")
        return Source(filename, "xls", _read_calamine(path))
    if suffix in (".csv", ".txt") or (not suffix and _looks_like_text(path)):
        return Source(filename, "csv", [_read_csv(path, Path(filename).stem)])
    raise ImportFileError("无法识别的文件格式：请上传 Excel（.xlsx、.xls）或 CSV 文件")


def _read_calamine(path: Path) -> list[Sheet]:
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise ImportFileError("文件设置了打开密码，请取消密码后再上传") from None
    except calamine.CalamineError as exc:
        raise ImportFileError(f"文件已损坏或不是 Excel 工作簿（{exc}）") from None
    sheets = []
    for meta in workbook.sheets_metadata:
        if str(meta.visible) != str(calamine.SheetVisibleEnum.Visible) or str(meta.typ) != str(calamine.SheetTypeEnum.WorkSheet):
            continue  # hidden sheets hold vocabularies and markers, not catalog rows
        sheets.append(_sheet(meta.name, _CalamineRows(workbook, meta.name)))
    return sheets


class _CalamineRows:
    """Streams a sheet's rows. The parsed sheet is kept between the header scan and the full read,
    and let go once a full read ends: a million-row sheet holds half a gigabyte."""

    def __init__(self, workbook, name: str):
        self.workbook, self.name, self.sheet = workbook, name, None

    def __call__(self) -> Iterator[list[object]]:
        if self.sheet is None:
            self.sheet = self.workbook.get_sheet_by_name(self.name)
        return self._read(self.sheet)

    def _read(self, sheet) -> Iterator[list[object]]:
        yield from _trimmed(sheet.iter_rows())
        self.sheet = None


def hidden_sheet_rows(path: str | Path, name: str) -> list[list[object]] | None:
    """Rows of a (hidden) sheet by name, e.g. the template's version marker; ``None`` if absent."""
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
        return workbook.get_sheet_by_name(name).to_python()
    except Exception:  # any reader failure simply means "no marker"
        return None


def _cell(value: object) -> object:
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _trimmed(rows: Iterator[list[object]]) -> Iterator[list[object]]:
    """Rows with empty cells as ``None``, trailing blank rows dropped, endless blank tails cut."""
    blank_run: list[list[object]] = []
    for row in rows:
        cells = [_cell(v) for v in row]
        if any(v is not None for v in cells):
            yield from blank_run
            blank_run = []
            yield cells
        else:
            blank_run.append(cells)
            if len(blank_run) > MAX_BLANK_RUN:
                return


def _refuse_formulas(path: Path) -> None:
    """Formulas saved without computed values read as empty cells: refuse rather than import blanks."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with archive.open(info) as member:
                        if _has_uncached_formula(member):
                            raise ImportFileError("工作表中含有公式：请复制后“选择性粘贴为数值”再上传")
    except (zipfile.BadZipFile, zlib.error, EOFError):
        # A damaged member fails only when read (zlib.error, EOFError), not when the archive opens (found by tests/fuzz).
        raise ImportFileError("文件已损坏或不是 Excel 工作簿") from None


def _has_uncached_formula(member) -> bool:
    tail = b""
    while chunk := member.read(1 << 20):
        block = tail + chunk
        for match in _FORMULA_TAG.finditer(block):
            # A formula cell with a cached value is <c><f>…</f><v>…</v></c>; without one, the value is lost.
            end = block.find(b"</c>", match.end())
            if end != -1 and not _CACHED_VALUE.search(block, match.end(), end):
                return True
        tail = block[-4096:]
    return False


def _is_encrypted_ooxml(path: Path) -> bool:
    with path.open("rb") as handle:
        directory = handle.read(1 << 16)
    return "EncryptionInfo".encode("utf-16-le") in directory or "EncryptedPackage".encode("utf-16-le") in directory


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(4096)
    return b"\x00" not in sample


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK 编码")


def _read_csv(path: Path, name: str) -> Sheet:
    # Universal newlines: a lone CR inside an unquoted field made csv.reader raise csv.Error (found by tests/fuzz).
    text = _decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
    csv.field_size_limit(1 << 30)  # oversized cells become row errors, not reader crashes
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return _sheet(name, lambda: _trimmed(csv.reader(io.StringIO(text), dialect)))
