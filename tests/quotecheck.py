"""An independent check that quotes are verbatim in their sources at the location given.

Re-reads the raw input files (not synth's parsed records) and compares them with
what a run wrote. Redaction placeholders (P03, [email], Interviewer, ...) match
any text, so the check also works on redacted runs.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

PLACEHOLDER = re.compile(r"\\\[(?:email|phone|card|account|url|ip|name)\\\]|P\d{2,4}|Interviewer")


def raw_lines(path: Path) -> list[str]:
    """A file's lines as synth numbers them (docx paragraphs, text lines)."""
    if path.suffix.lower() == ".docx":
        import docx

        document = docx.Document(str(path))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.extend(cell.text for cell in row.cells)
        return lines
    data = path.read_bytes()
    odd_nuls = data[1:4096:2].count(0) > 0.6 * len(data[1:4096:2]) if len(data) > 8 else False
    if not odd_nuls and not data.startswith(b"\xef\xbb\xbf"):
        from synth.ingest.encoding import decode_mixed

        mixed = decode_mixed(data)
        if mixed is not None:  # UTF-8 and cp1252 lines pasted together
            return mixed.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for encoding in (("utf-16-le",) if odd_nuls else ()) + ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def pattern_for(quote: str) -> re.Pattern:
    escaped = re.escape(quote)
    escaped = PLACEHOLDER.sub(lambda m: r".+?", escaped)
    return re.compile(escaped, re.DOTALL)


def location_lines(location: str) -> tuple[int, int] | None:
    match = re.search(r"lines? (\d+)(?:-(\d+))?", location)
    if not match:
        return None
    first = int(match.group(1))
    return first, int(match.group(2) or first)


def source_file(root: Path, shown: str) -> Path:
    """The input file a shown source path names. A file name holding a person's name is
    shown with the alias (P03, [name]) in its place, which matches any text, like in quotes."""
    path = root / shown
    if path.exists() or not PLACEHOLDER.search(re.escape(shown)):
        return path
    pattern = pattern_for(shown)
    found = [p for p in root.rglob("*") if p.is_file() and pattern.fullmatch(p.relative_to(root).as_posix())]
    return found[0] if len(found) == 1 else path


def check_unit(unit: dict, root: Path) -> str | None:
    """None when the unit's quote is at its location in its source; else what is wrong."""
    path = source_file(root, unit["source"])
    quote = unit["text"]
    if quote.startswith("'") and quote[1:2] in "=+-@":
        quote = quote[1:]
    if unit["location"].startswith("row "):
        row = int(re.match(r"row (\d+)", unit["location"]).group(1))
        return _check_row(path, row, quote, unit["id"])
    span = location_lines(unit["location"])
    if span is None:
        return f"{unit['id']}: location {unit['location']!r} names no line"
    lines = raw_lines(path)
    if unit.get("spans"):
        return _check_spans(unit, lines, quote, span)
    window = " ".join(lines[span[0] - 1 : span[1]])
    window = re.sub(r"\s+", " ", window)
    if not pattern_for(re.sub(r"\s+", " ", quote)).search(window):
        return f"{unit['id']}: quote not found at {unit['source']} {unit['location']}"
    return None


def _check_spans(unit: dict, lines: list[str], quote: str, span: tuple[int, int]) -> str | None:
    """The exact pieces the unit names, joined by a space, must read as its quote; the
    location must cover those lines. Stricter than a window search: it also holds for
    units cut across caption cues, where cue numbers and times sit between the pieces."""
    numbers = [line for line, _, _ in unit["spans"]]
    if min(numbers) != span[0] or max(numbers) != span[1]:
        return f"{unit['id']}: location {unit['location']!r} does not cover its spans"
    if max(numbers) > len(lines):
        return f"{unit['id']}: span beyond the end of {unit['source']}"
    pieces = " ".join(lines[line - 1][start:end] for line, start, end in unit["spans"])
    if not pattern_for(re.sub(r"\s+", " ", quote)).fullmatch(re.sub(r"\s+", " ", pieces)):
        return f"{unit['id']}: quote is not the text at {unit['source']} {unit['location']}"
    return None


def _check_row(path: Path, row: int, quote: str, uid: str) -> str | None:
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        import openpyxl

        sheet_rows = []
        for sheet in openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets:
            sheet_rows.extend(list(sheet.iter_rows(values_only=True)))
        cells = [str(c) for c in (sheet_rows[row - 1] if row - 1 < len(sheet_rows) else []) if c is not None]
    else:
        text = "\n".join(raw_lines(path))
        dialect = csv.Sniffer().sniff(text[:5000], delimiters=",;\t|")
        rows = list(csv.reader(text.splitlines(keepends=True) and __import__("io").StringIO(text), dialect))
        cells = rows[row - 1] if row - 1 < len(rows) else []
    pattern = pattern_for(quote)
    if any(pattern.search(cell) for cell in cells):
        return None
    return f"{uid}: quote not found in row {row} of {path.name}"
