"""A streamed workbook's table rows written as sheet XML by synth, spliced into openpyxl's file at save.

Why not openpyxl's write-only `append`: at 100,000 answers the Evidence sheet has 1.9 million
cells, and openpyxl spends ~20 us on each (a `Cell`, its style looked up and hashed, lxml's
incremental writer): 40 of the 59 s of the export stage (bench/scale.py, profiled with py-spy).
XlsxWriter in constant-memory mode took 17.7 s for the same cells. The rows of a plain table are
a small, fixed piece of SpreadsheetML, so they are written here, bytes for bytes as openpyxl
writes them (inline strings, numbers, one shared wrapped style, the row height), and openpyxl
still writes everything else: the header row, the styles, freeze panes, the autofilter, page
setup, the workbook. tests/export/test_xlsx.py reads a streamed workbook back and checks every
cell, style and row height against the workbook openpyxl writes on its own.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from synth.export.safety import neutralise_cell

MAX_CELL = 32_767  # characters Excel holds in a cell; openpyxl cuts longer text to this (`Cell.check_string`)
BATCH = 2_000  # rows encoded and written at a time


class RowFile:
    """The `<row>` elements of one sheet, from row 2 on, in a temporary file until the workbook is saved."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()
        self.rows = 0

    def write(self, rows: Iterable[Sequence[Any]], height: Callable[[Sequence[Any]], float], style_id: int) -> int:
        """Write `rows` (str, int, float or None cells), each `height(row)` tall, in the wrapped plain
        style `style_id`; the number of the last row."""
        columns: list[str] = []
        batch: list[str] = []
        number = 1
        for number, row in enumerate(rows, start=2):
            while len(columns) < len(row):
                columns.append(get_column_letter(len(columns) + 1))
            batch.append(_row_xml(number, row, height(row), columns, f' s="{style_id}"'))
            if len(batch) == BATCH:
                self._flush(batch)
        self._flush(batch)
        self.rows = number - 1
        return number

    def _flush(self, batch: list[str]) -> None:
        self.file.write("".join(batch).encode("ascii", "xmlcharrefreplace"))  # lxml's output: ASCII, &#NNN;
        batch.clear()

    def splice(self, sheet_xml: bytes, out: IO[bytes]) -> None:
        """openpyxl's sheet XML (header row only) with these rows inserted before `</sheetData>`."""
        at = sheet_xml.rindex(b"</sheetData>")
        out.write(sheet_xml[:at])
        self.file.seek(0)
        shutil.copyfileobj(self.file, out, 1 << 20)
        out.write(sheet_xml[at:])

    def close(self) -> None:
        self.file.close()


def _row_xml(number: int, row: Sequence[Any], height: float, columns: list[str], style: str) -> str:
    cells = [f'<row r="{number}" ht="{_number(height)}" customHeight="1">']
    for column, value in zip(columns, row):
        ref = f'<c r="{column}{number}"{style}'
        if value is None:
            cells.append(f'{ref} t="n"></c>')
        elif isinstance(value, str):
            cells.append(f"{ref} {_inline_string(value)}</c>")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            cells.append(f'{ref} t="n"><v>{_number(value)}</v></c>')
        else:
            raise TypeError(f"a table cell holds str, int, float or None, not {type(value).__name__}")
    cells.append("</row>")
    return "".join(cells)


def _inline_string(value: str) -> str:
    """`t="inlineStr">...` of a text cell, neutralised and cut as `synth.export.xlsx.Cells` and openpyxl do."""
    text = neutralise_cell(ILLEGAL_CHARACTERS_RE.sub(" ", value))[:MAX_CELL]
    if not text:
        return 't="inlineStr">'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")  # as lxml
    return f't="inlineStr"><is><t{space}>{text}</t></is>'


def _number(value: float) -> str:
    """A number as openpyxl writes it (`safe_string`): 16 significant digits, "" for NaN and infinity."""
    return "" if math.isnan(value) or math.isinf(value) else "%.16g" % value
