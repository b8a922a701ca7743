"""journey_map.xlsx: one grid sheet per map, then Future state, Personas, Quotes and Evidence sheets.

A map sheet has the stages as columns and the lanes (actions, touchpoints,
motivations, pain points, emotions, quotes, opportunities) as rows, with wrapped
text, frozen headers and emotion cells coloured from red (negative) to green
(positive). A stage backed by a single participant is "thin": its header cell says
so and is shaded amber. The Future state sheet ranks each map's "How might we"
opportunities with the locations of the quotes behind them. Text cells are neutralised against formula injection (see
`safety`) and stored as plain strings. Control characters that XML cannot hold
are replaced by spaces. The file's bytes are deterministic: fixed workbook
dates and fixed zip entry times.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import shutil
import tempfile
import zipfile
from copy import copy
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from synth.atomic import write_stream
from synth.document import JourneyEntry, MapDocument, StageCell, UnitEntry
from synth.export.futuremap import FUTURE_HEADER, future_rows
from synth.export.safety import neutralise_cell
from synth.export.tables import EVIDENCE_COLUMNS, EXTRA_COLUMNS, evidence_rows
from synth.export.view import LANES, MapView, attribute_text, build_view, finding_text, lane_texts, percent, plural, quote_text, unit_stage
from synth.export.xlsx_rows import RowFile

FIXED_DATE = datetime.datetime(2026, 1, 1, 0, 0, 0)
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
MAX_TITLE = 31
BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")
RESERVED_TITLES = ("Future state", "Personas", "Quotes", "Evidence")
THIN_FILL = PatternFill("solid", fgColor="B7791F")
THIN_NOTE = "thin evidence: 1 participant"
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
LANE_FILL = PatternFill("solid", fgColor="E8EEF5")
HEADER_FONT = Font(bold=True, color="FFFFFF")
BOLD = Font(bold=True)
TOP_WRAP = Alignment(wrap_text=True, vertical="top")
LINE_HEIGHT = 15
TITLE_FONT = Font(bold=True, size=14)


# ---------------------------------------------------------------- cells and bytes


class Cells:
    """Makes one sheet's neutralised, wrapped cells (never a formula) for `ws.append`, in either workbook mode.

    A plain cell copies the style of the sheet's first plain cell instead of setting
    the alignment again: openpyxl hashes a style object on every assignment, a third
    of the time of writing 10,000 evidence rows (bench/scale.py profile).
    """

    def __init__(self, ws) -> None:
        self.ws = ws
        self._plain: Cell | None = None

    def __call__(self, value: Any, *, font: Font | None = None, fill: PatternFill | None = None) -> Cell:
        if isinstance(value, str):
            value = neutralise_cell(ILLEGAL_CHARACTERS_RE.sub(" ", value))
        plain = font is None and fill is None
        if plain and self._plain is not None:
            cell = Cell(self.ws, 1, 1, value, style_array=copy(self._plain._style))  # 1, 1: placed by append
        else:
            cell = Cell(self.ws, 1, 1, value)
            cell.alignment = TOP_WRAP
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            if plain:
                self._plain = cell
        if isinstance(value, str):
            cell.data_type = "s"
        return cell


class SplicedWorkbook(Workbook):
    """A write-only workbook whose table sheets' rows synth writes itself (`synth.export.xlsx_rows`):
    openpyxl writes each table's header and everything else, `save_workbook` splices the rows in."""

    def __init__(self) -> None:
        super().__init__(write_only=True)
        self.row_files: dict[str, RowFile] = {}  # sheet title -> its rows from row 2 on


def merge(ws, ref: str) -> None:
    """Merge a range: write-only sheets only record it (their cells are already streamed)."""
    if isinstance(ws, WriteOnlyWorksheet):
        ws.merged_cells.add(ref)
    else:
        ws.merge_cells(ref)


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx bytes of `wb`, identical for identical content."""
    fixed = io.BytesIO()
    save_workbook(wb, fixed)
    return fixed.getvalue()


def save_workbook(wb: Workbook, target: BinaryIO) -> None:
    """`workbook_bytes` written into a seekable file: openpyxl's zip is made in a temporary file
    and copied entry by entry with fixed dates, each entry streamed (the Evidence sheet's XML is
    ~100 MB at 100,000 answers; deflate gives the same bytes however its input is cut)."""
    wb.properties.created = wb.properties.modified = FIXED_DATE
    wb.properties.creator = wb.properties.lastModifiedBy = "synth"
    row_files = getattr(wb, "row_files", {})
    with tempfile.TemporaryFile() as raw:
        ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
        spliced = {ws.path[1:]: row_files[ws.title] for ws in wb.worksheets if ws.title in row_files}
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as fixed:
            for info in source.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
                entry.compress_type = zipfile.ZIP_DEFLATED
                with fixed.open(entry, "w") as out:
                    if info.filename in spliced:
                        spliced[info.filename].splice(source.read(info), out)
                    else:
                        with source.open(info) as data:
                            shutil.copyfileobj(data, out, 1 << 20)
    for rows in row_files.values():
        rows.close()


def sheet_title(name: str, taken: set[str]) -> str:
    """An Excel-legal sheet title (<= 31 chars, no []:*?/\\), unique case-insensitively in `taken`.

    A name too long for a tab is shortened to whole words, never cut with an
    ellipsis: its first comma-separated part ("Family with children, Chat /
    messenger" -> "Family with children") or else as many leading words as fit.
    The full name stays in the sheet's title cell.
    """
    base = BAD_TITLE_CHARS.sub("-", " ".join(name.split())).strip("' ") or "Sheet"
    title, n = short_name(base, MAX_TITLE), 1
    while title.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        title = short_name(base, MAX_TITLE - len(suffix)) + suffix
    taken.add(title.casefold())
    return title


def short_name(text: str, limit: int) -> str:
    """`text` if it fits in `limit`, else its first part or leading whole words that fit."""
    if len(text) <= limit:
        return text
    head = text.split(",")[0].strip()
    if head and len(head) <= limit:
        return head
    words, out = head.split(), ""
    for word in words:
        if len(out) + len(word) + (1 if out else 0) > limit:
            break
        out = f"{out} {word}".strip()
    return out or text[:limit]


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def row_height(texts: Iterable[Any], widths: Iterable[int]) -> float:
    """A row height that shows all wrapped lines (Excel does not auto-fit on open).

    Lines per cell assume a column of width w holds about w characters of
    11 pt Calibri (w is measured in "0" digits, prose averages a little
    narrower); checked by rendering the demo workbook with LibreOffice.
    """
    lines = 1
    for text, width in zip(texts, widths):
        text = "" if text is None else str(text)
        per_line = max(6, int(width))
        lines = max(lines, sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n")))
    return min(409.0, LINE_HEIGHT * lines + 4)


def emotion_fill(mean: float | None) -> PatternFill | None:
    """Light red for -1 through near-white for 0 to light green for +1."""
    if mean is None:
        return None
    t = max(-1.0, min(1.0, float(mean)))
    neutral, end = (0xF5, 0xF5, 0xF5), ((0xF4, 0xB6, 0xB0) if t < 0 else (0xB7, 0xE1, 0xB0))
    rgb = [round(n + (e - n) * abs(t)) for n, e in zip(neutral, end)]
    return PatternFill("solid", fgColor="".join(f"{c:02X}" for c in rgb))


# ---------------------------------------------------------------- sheets


def write_map_sheet(ws, view: MapView, journey: JourneyEntry) -> None:
    """Stages as columns, lanes as rows; row 3 holds the stage labels. Rows are appended in order (streamable)."""
    cells, put = journey.stages, Cells(ws)
    last = get_column_letter(len(cells) + 1)
    _size_columns(ws, [18] + [44] * len(cells))
    ws.freeze_panes = "B4"
    page_setup(ws, repeat_rows="1:3")  # before the first row: a write-only sheet writes its properties first
    ws.row_dimensions[1].height = 24
    ws.append([put(view.map_title(journey), font=TITLE_FONT)])
    merge(ws, f"A1:{last}1")  # the title spans the grid instead of overflowing into the next cell
    ws.append([put(_map_subtitle(view, journey))])
    merge(ws, f"A2:{last}2")
    header = [put("Stage", font=HEADER_FONT, fill=HEADER_FILL)]
    for cell in cells:
        thin = bool(cell.evidence.thin)
        header.append(put(cell.label, font=HEADER_FONT, fill=THIN_FILL if thin else HEADER_FILL))
        if thin:  # the header keeps the stage's name (readers look columns up by it); the note says why it is amber
            header[-1].comment = Comment(f"{THIN_NOTE}: one voice, not yet a pattern", "synth")
    ws.append(header)
    for row, (lane, label) in enumerate(LANES, start=4):
        texts = [_lane_cell(view, journey, cell, lane) for cell in cells]
        ws.row_dimensions[row].height = row_height(texts, [44] * len(texts))
        line = [put(label, font=BOLD, fill=LANE_FILL)]
        for cell, text in zip(cells, texts):
            line.append(put(text, fill=emotion_fill(cell.emotion.mean) if lane == "emotion" else None))
        ws.append(line)
    ws.append([put("Evidence", font=BOLD, fill=LANE_FILL), *(put(evidence_text(cell)) for cell in cells)])


def evidence_text(cell: StageCell) -> str:
    """Evidence strength of a cell: units, participants with their share of the map, quotes, mean emotion."""
    ev, mean = cell.evidence, cell.emotion.mean
    quotes = ev.quotes if "quotes" in ev.model_fields_set else len(cell.quotes)  # a map written before the count
    text = (
        f"{plural(ev.units, 'unit')}, {plural(ev.participants, 'participant')} ({percent(ev.share)} of the map), {plural(quotes, 'quote')}"
    )
    text += f", mean emotion {mean:+.2f}" if mean is not None and cell.emotion.count else ""
    return text + (f"\n{THIN_NOTE}" if ev.thin else "")


MAP_WIDTH = 44
MAX_ROW_LINES = 26  # Excel's tallest row is 409 pt: 26 lines of 15 pt; taller text spills over the next row


def fitting_quotes(quotes: Sequence[str], width: int) -> str:
    """As many whole quotes as one row can show, then how many more the Quotes sheet holds."""
    kept: list[str] = []
    lines = 0
    for i, quote in enumerate(quotes):
        need = max(1, math.ceil(len(quote) / width)) + (1 if kept else 0)
        if lines + need > MAX_ROW_LINES - 2 and kept:
            rest = len(quotes) - i
            return "\n\n".join(kept) + f"\n\n+ {plural(rest, 'more quote')} on the Quotes sheet"
        kept.append(quote)
        lines += need
    return "\n\n".join(kept)


def _lane_cell(view: MapView, journey: JourneyEntry, cell: StageCell, lane: str) -> str:
    lines = lane_texts(view, journey, cell, lane)
    if lane == "quotes":
        return fitting_quotes(lines, MAP_WIDTH)
    if lane == "emotion":
        return "\n".join(lines)
    return "\n".join(f"• {line}" for line in lines)


def _map_subtitle(view: MapView, journey: JourneyEntry) -> str:
    persona = view.persona_of(journey)
    if persona is None:
        return f"All {journey.participants} participants"
    return (
        f"{persona.status.capitalize()} persona · {persona.size} participants · "
        f"{percent(persona.share)} of the sample · confidence {persona.confidence:.2f} · "
        f"stability {persona.stability:.2f}"
    )


def _size_columns(ws, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def write_table_sheet(ws, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> None:
    """A plain table: bold frozen header, wrapped cells, an autofilter. Rows are appended in order (streamable)."""
    put = Cells(ws)
    _size_columns(ws, widths)
    ws.freeze_panes = "A2"
    page_setup(ws, repeat_rows="1:1")
    ws.row_dimensions[1].height = row_height(header, widths)
    ws.append([put(name, font=HEADER_FONT, fill=HEADER_FILL) for name in header])
    row_files = getattr(ws.parent, "row_files", None)
    if row_files is not None:  # a SplicedWorkbook: the same rows, written by synth.export.xlsx_rows
        last = _spliced_rows(ws, put, row_files, rows, widths)
    else:
        last = 1
        for last, row in enumerate(rows, start=2):
            ws.row_dimensions[last].height = row_height(row, widths)
            ws.append([put(value) for value in row])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last}"


def _spliced_rows(ws, put: Cells, row_files: dict[str, RowFile], rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> int:
    """Rows 2 on into the sheet's RowFile; the last row's number (1 when there are none)."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 1
    style = put("").style_id  # the plain style, registered where openpyxl registers it: at the first row
    return row_files.setdefault(ws.title, RowFile()).write(chain([first], rows), lambda r: row_height(r, widths), style)


def page_setup(ws, *, repeat_rows: str) -> None:
    """Print as A4 landscape, all columns on one page width, the header rows on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4  # "9"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = repeat_rows
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


PERSONA_HEADER = (
    "persona_id",
    "name",
    "status",
    "participants",
    "share",
    "confidence",
    "stability",
    "flags",
    "distinguishing attributes",
    "motivations",
    "pain points",
    "touchpoints",
    "emotional high",
    "emotional low",
    "representative quotes",
)


def persona_rows(view: MapView) -> list[list[Any]]:
    rows = []
    for p in view.personas:
        rows.append(
            [
                p.id,
                p.name,
                p.status,
                p.size,
                round(p.share, 3),
                round(p.confidence, 3),
                round(p.stability, 3),
                "\n".join(p.flags),
                "\n".join(attribute_text(a) for a in p.attributes),
                "\n".join(finding_text(f) for f in p.motivations),
                "\n".join(finding_text(f) for f in p.pain_points),
                "\n".join(finding_text(f) for f in p.touchpoints),
                view.stage_labels.get(p.emotional_high or "", ""),
                view.stage_labels.get(p.emotional_low or "", ""),
                "\n\n".join(quote_text(u) for u in view.known(p.quotes)),
            ]
        )
    return rows


QUOTE_HEADER = ("unit_id", "persona", "stage", "quote", "participant", "source", "location")


def quote_rows(view: MapView) -> list[list[str]]:
    """Every quote a shown map displays, per map and stage, then a persona's unstaged quotes."""
    rows = []
    for journey in view.maps:
        title, seen = view.map_title(journey), set()
        for cell in journey.stages:
            for unit in view.stage_quotes(journey, cell):
                seen.add(unit.id)
                rows.append(_quote_row(unit, title, cell.label))
        persona = view.persona_of(journey)
        for unit in view.known(persona.quotes if persona else []):
            if unit.id not in seen:
                rows.append(_quote_row(unit, title, view.stage_labels.get(unit_stage(unit) or "", "")))
    return rows


def _quote_row(unit: UnitEntry, persona: str, stage: str) -> list[str]:
    return [unit.id, persona, stage, unit.text, unit.participant_id, unit.source, unit.location]


STREAM_ROWS = 20_000  # evidence rows above which the workbook streams (docs/performance.md, "journey_map.xlsx")


def build_workbook(view: MapView, *, streaming: bool | None = None) -> Workbook:
    """The journey-map workbook of a view; `streaming` (default: above STREAM_ROWS units) uses write-only mode.

    A write-only workbook streams each row to a temporary file as it is appended,
    so memory stays flat in the number of units (openpyxl keeps every cell object
    otherwise); the sheets, cells, styles, merges, notes and page setup are the same.
    """
    units = view.evidence_units()
    if streaming is None:
        streaming = len(units) > STREAM_ROWS
    wb = SplicedWorkbook() if streaming else Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    taken = {t.casefold() for t in RESERVED_TITLES}
    for journey in view.maps:
        write_map_sheet(wb.create_sheet(sheet_title(view.map_title(journey), taken)), view, journey)
    write_table_sheet(wb.create_sheet("Future state"), FUTURE_HEADER, future_rows(view), [30, 6, 18, 60, 16, 12, 8, 50])
    write_table_sheet(
        wb.create_sheet("Personas"), PERSONA_HEADER, persona_rows(view), [14, 30, 10, 12, 8, 11, 10, 28, 40, 40, 40, 32, 16, 16, 60]
    )
    write_table_sheet(wb.create_sheet("Quotes"), QUOTE_HEADER, quote_rows(view), [15, 30, 18, 70, 11, 34, 26])
    header, rows = EVIDENCE_COLUMNS + EXTRA_COLUMNS, evidence_rows(view.doc, units)  # made as the sheet takes them
    write_table_sheet(wb.create_sheet("Evidence"), header, rows, [15, 11, 34, 24, 12, 40, 70, 14, 10, 24, 20, 10, 18, 12, 30, 40])
    return wb


def write_xlsx(
    document: MapDocument | Mapping[str, Any],
    path: Path,
    *,
    persona: str | None = None,
    approved_only: bool = False,
    streaming: bool | None = None,
) -> Path:
    """journey_map.xlsx for the shown maps and personas (`streaming`: see `build_workbook`)."""
    view = build_view(document, persona=persona, approved_only=approved_only)
    wb = build_workbook(view, streaming=streaming)
    write_stream(Path(path), lambda handle: save_workbook(wb, handle))
    return Path(path)
