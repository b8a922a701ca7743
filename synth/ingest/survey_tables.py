"""Survey tables as cells: CSV/TSV text (any encoding and delimiter) and Excel workbooks.

`load_table` gives every record of the file, header rows included, as tuples of
cell text exactly as exported, so that ``"\\t".join(row)`` is the source line a
quote is checked against. Workbook cells that are not text are written the way
a spreadsheet shows them (``5`` not ``5.0``, ``2021-01-22 12:01:17``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from synth.errors import InputError
from synth.ingest.encoding import bomless_utf16, decode_bytes, looks_binary

log = logging.getLogger(__name__)

DELIMITERS = (",", ";", "\t", "|")
MAX_CELL = 16 * 1024 * 1024  # the csv module's default limit (128 KB) drops a whole file for one long answer
SNIFF_RECORDS = 50
# charset_normalizer sometimes names a rare codepage (hp_roman8, mac_*) for a plain
# latin-1 export; survey tools write UTF-8, UTF-16 or a Windows/ISO codepage.
TRUSTED_ENCODINGS = ("utf", "cp125", "windows-125", "iso8859", "latin", "ascii", "koi8", "shift_jis", "cp932", "euc", "gb", "big5", "cp949")
WORKBOOK_HINT = "open it in Excel and save it again as .xlsx, or export the responses as CSV"


@dataclass(frozen=True)
class Table:
    """Every record of a table, header rows included, as cell text."""

    rows: tuple[tuple[str, ...], ...]
    delimiter: str | None = None  # text files only
    encoding: str | None = None  # text files only
    sheet: str | None = None  # workbooks only
    sheets: tuple[str, ...] = ()  # every sheet of a workbook


def load_table(path: Path, rel: str, *, sheet: str | None = None) -> Table:
    """The table in a CSV/TSV file or an Excel workbook; raises InputError."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return load_workbook(path, rel, sheet=sheet)
    return parse_text(decode_table(path.read_bytes(), rel), rel, suffix=path.suffix.lower())


def decode_table(data: bytes, rel: str) -> str:
    """Decoded text of a table file; a latin-1 export stays latin-1 (see TRUSTED_ENCODINGS)."""
    if looks_binary(data):
        raise InputError(rel, "the file holds binary data, not a text table", hint="export the survey as CSV")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff")) or bomless_utf16(data)
    if b"\x00" in data and not utf16:  # a stray NUL byte (a damaged export): dropped, the rest is read
        data = data.replace(b"\x00", b"")
    try:
        text, encoding = decode_bytes(data, rel)
    except InputError:
        text, encoding = data.decode("latin-1"), "latin-1"
    if not encoding.lower().replace("_", "-").startswith(TRUSTED_ENCODINGS):
        text = _windows_or_latin1(data)
    return text.lstrip("\ufeff")


def _windows_or_latin1(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse_text(text: str, rel: str, *, suffix: str = ".csv") -> Table:
    """Records of delimited text, with the delimiter guessed from the first records."""
    if not text.strip():
        raise InputError(rel, "the table is empty", hint="export the survey responses again")
    delimiter = guess_delimiter(text, prefer="\t" if suffix in {".tsv", ".tab"} else ",")
    limit = csv.field_size_limit(MAX_CELL)
    try:
        rows = [tuple(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)]
    except csv.Error as exc:  # a field over MAX_CELL
        raise InputError(rel, f"the table could not be parsed ({exc})", hint="export it again as CSV") from None
    finally:
        csv.field_size_limit(limit)
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(rel, "the table is empty", hint="export the survey responses again")
    return Table(rows=tuple(rows), delimiter=delimiter)


def guess_delimiter(text: str, *, prefer: str = ",") -> str:
    """The delimiter that splits the first records into the most, equally wide, fields."""
    sample = text[:65536]
    best, best_score = prefer, 0.0
    for delimiter in sorted(DELIMITERS, key=lambda d: d != prefer):
        score = _delimiter_score(sample, delimiter)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _delimiter_score(sample: str, delimiter: str) -> float:
    """Fields per record times the share of records with that width (0 when it never splits)."""
    try:
        records = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False) if r]
    except csv.Error:
        return 0.0
    records = records[:-1] if len(records) > 1 and len(sample) >= 65536 else records
    records = records[:SNIFF_RECORDS]
    widths = [len(r) for r in records]
    if not widths:
        return 0.0
    mode = max(sorted(set(widths)), key=widths.count)
    return 0.0 if mode < 2 else mode * widths.count(mode) / len(widths)


def load_workbook(path: Path, rel: str, *, sheet: str | None = None) -> Table:
    """The response sheet of a workbook (the named one, or the fullest; see `choose_sheet`)."""
    book = _open_workbook(path, rel)
    try:
        names = tuple(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise InputError(
                rel, f"survey.yaml names sheet {sheet!r}, which the workbook does not have", hint=f"sheets: {', '.join(names)}"
            )
        grids = {name: _sheet_rows(book[name], rel) for name in ([sheet] if sheet else names)}
    finally:
        book.close()
    chosen = sheet or choose_sheet(grids)
    if chosen is None:
        raise InputError(rel, "no sheet of the workbook holds a table", hint=WORKBOOK_HINT)
    return Table(rows=grids[chosen], sheet=chosen, sheets=names)


def _open_workbook(path: Path, rel: str):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        log.debug("openpyxl failed on %s: %s", rel, type(exc).__name__)
        raise InputError(rel, "not a readable Excel workbook", hint=WORKBOOK_HINT) from None


def _sheet_rows(worksheet, rel: str) -> tuple[tuple[str, ...], ...]:
    """The sheet's rows as text, trailing empty rows and columns cut."""
    try:
        rows = [[cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
    except Exception as exc:  # a damaged sheet part: report the file, never crash
        log.debug("sheet unreadable in %s: %s", rel, type(exc).__name__)
        raise InputError(rel, "a sheet of the workbook could not be read", hint=WORKBOOK_HINT) from None
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, c in enumerate(r) if c.strip()), default=0) for r in rows), default=0)
    return tuple(tuple((r + [""] * width)[:width]) for r in rows)


def cell_text(value) -> str:
    """A workbook value as a spreadsheet shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


CODE_VALUES = frozenset({"", "0", "1", "x", "yes", "no", "true", "false", "y", "n", "-", "0.0", "1.0"})


def choose_sheet(grids: dict[str, tuple[tuple[str, ...], ...]]) -> str | None:
    """The response sheet, by content: the sheet with the most respondents' rows, then the most
    answer columns; first sheet on a tie.

    A coder's sheet beside the responses ("N3 (primary)" in a Qualtrics coding workbook) repeats
    the respondents with a column of answers and many 0/1 code columns; counting every filled
    column made it win over "All Responses". Code columns (only 0/1, x, yes/no values) and
    columns that repeat one value on every row therefore do not count as answers.
    """
    best, best_size = None, (0, 0)
    for name, rows in grids.items():
        filled_rows = sum(1 for r in rows if sum(1 for c in r if c.strip()) >= 2)
        if filled_rows < 2:
            continue
        size = (filled_rows, _answer_columns(rows))
        if size > best_size:
            best, best_size = name, size
    return best


def _answer_columns(rows: tuple[tuple[str, ...], ...]) -> int:
    """Columns holding answers: more than one distinct value below the header, not all codes."""
    count = 0
    for i in range(len(rows[0]) if rows else 0):
        values = {r[i].strip().casefold() for r in rows[1:] if i < len(r)} - {""}
        if len(values) > 1 and not values <= CODE_VALUES:
            count += 1
    return count
