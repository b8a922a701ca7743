"""Word and PDF transcripts, turned into lines for the text-transcript parser.

- docx: a line is a paragraph, in python-docx ``Document.paragraphs`` order,
  then one line per table cell (``cell.text``, row by row, as ``row.cells``
  lists them; a merged cell's repeats keep their line but are not read again).
  A paragraph that opens with a bold name (``**Jane:** text``, ``**Jane** text``
  followed by nothing but a colon or a time, or a bold name alone) is a speaker
  line; other styles (``Name: text``, ``Name  0:03``) are found in the text.
- pdf: a line is a line of a page's extracted text, numbered across the whole
  document. A PDF without a text layer (a scan) cannot be read. Page furniture
  (a line-number column, "115 116 117 ...", page counters "2/6", "Page 2 of 6")
  is masked before speaker lines are read (`mask_furniture`): the masked
  characters become line breaks, so no span covers them and every span still
  points into the verbatim line.
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

from synth.errors import InputError
from synth.ingest.encoding import split_lines
from synth.ingest.pieces import clock_label
from synth.ingest.textlines import TS, LabelMatch, looks_like_name

log = logging.getLogger(__name__)

NUMBER_RUN = re.compile(r"(?<!\S)\d{1,4}(?:[ \t]+\d{1,4}){2,}(?!\S)")  # a line-number column read as a row
PAGE_COUNTER = re.compile(
    r"^\s*(?:(?i:page)\s+)?\d{1,3}\s*(?:/|(?i:of))\s*\d{1,3}(?=\s|$)|(?<=\s)(?:(?i:page)\s+)?\d{1,3}\s*(?:/|(?i:of))"
    r"\s*\d{1,3}\s*$|^\s*(?i:page)\s+\d{1,4}\s*$"
)
LEADING_NUMBER = re.compile(r"^\s*\d{1,4}(?=\s|$)")
TRAILING_NUMBER = re.compile(r"(?<=\S)\s+\d{1,4}\s*$")  # a right-margin line number
LONE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")  # a line-number column read as lines of its own
AFTER_BOLD = re.compile(rf"\s*(?:[(\[]?(?P<ts>{TS})[)\]]?)?\s*(?::\s*)?")


def read_docx(path: Path, rel: str) -> tuple[tuple[str, ...], dict[int, LabelMatch], set[int]]:
    """Lines of a .docx, the speaker labels its bold runs mark, and the lines that repeat a merged cell."""
    document = _open_docx(path, rel)
    lines: list[str] = []
    labels: dict[int, LabelMatch] = {}
    style_bold: dict[str | None, bool] = {}
    for paragraph in document.paragraphs:
        text = paragraph.text
        lines.append(text)
        label = _bold_label(paragraph, text, style_bold)
        if label is not None:
            labels[len(lines)] = label
    repeats = _add_cells(document, lines)
    return tuple(lines), labels, repeats


def _add_cells(document, lines: list[str]) -> set[int]:
    """Append one line per table cell, row by row; return the lines of merged-cell repeats."""
    repeats: set[int] = set()
    seen: dict[int, object] = {}  # holding the elements keeps their ids unique
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.append(cell.text)
                if id(cell._tc) in seen:
                    repeats.add(len(lines))
                seen[id(cell._tc)] = cell._tc
    return repeats


def _open_docx(path: Path, rel: str):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    hint = "open it in Word and save it again as .docx, or export the transcript as .txt"
    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        log.debug("docx open failed for %s: %s", rel, type(exc).__name__)
        raise InputError(rel, "the Word file is damaged or not a .docx (not a valid zip package)", hint=hint) from None
    except Exception as exc:  # lxml or zip internals: any failure means an unreadable package
        raise InputError(rel, f"the Word file could not be opened ({type(exc).__name__})", hint=hint) from None


def _bold_label(paragraph, text: str, style_bold: dict[str | None, bool]) -> LabelMatch | None:
    """The label a paragraph's leading bold runs give, if they name a speaker."""
    bold = ""
    for item in paragraph.iter_inner_content():
        if not _is_bold(item, style_bold):
            break
        bold += item.text or ""
    if not bold.strip() or not text.startswith(bold):
        return None
    name = bold.strip().rstrip(":").strip()
    after = AFTER_BOLD.match(text, len(bold))
    if after is None:  # the pattern matches the empty string, so this does not happen
        return None
    rest = text[after.end() :]
    colon = bold.strip().endswith(":") or ":" in text[len(bold) : after.end()]
    if not (colon or after.group("ts") or not rest.strip()) or not looks_like_name(name):
        return None
    return LabelMatch(" ".join(name.split()), clock_label(after.group("ts")), after.end())


def _is_bold(item, style_bold: dict[str | None, bool]) -> bool:
    """A run's own bold, else its character style's, looked up once per style id.

    python-docx resolves a run's style by scanning every style of the document
    (9 ms a run on a Word file with 30 styles), which made a 50,000-paragraph
    file take minutes; the cache makes it one lookup per style id.
    """
    bold = getattr(item, "bold", None)
    if bold is None and hasattr(item, "_r"):
        key = item._r.style
        if key not in style_bold:
            style = item.style
            style_bold[key] = bool(style is not None and style.font.bold)
        bold = style_bold[key]
    return bool(bold)


def read_pdf(path: Path, rel: str) -> tuple[str, ...]:
    """Text lines of every page, numbered across the document."""
    pages = [split_lines(text) for text in _pdf_pages(path, rel)]
    lines = tuple(line for page in pages for line in page)
    if not any(line.strip() for line in lines):
        raise InputError(
            rel,
            "the PDF has no text layer (it is probably a scan)",
            hint="run OCR on it first (e.g. ocrmypdf), or export the transcript as .txt or .docx",
        )
    return lines


def mask_furniture(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The lines with page furniture replaced by line breaks of the same length: runs of
    three or more small numbers, page counters at a line's start or end, and line numbers
    where the page has them: at most lines' start, at most lines' end (right margin), or
    on lines of their own that count up (a number column extracted as lines)."""
    patterns = [NUMBER_RUN, PAGE_COUNTER]
    patterns += [p for p, least in ((LEADING_NUMBER, 0.5), (TRAILING_NUMBER, 0.5), (LONE_NUMBER, 0.0)) if _numbered(lines, p, least)]
    return tuple(_mask_line(line, patterns) for line in lines)


def _numbered(lines: tuple[str, ...], pattern: re.Pattern, least: float) -> bool:
    """True when at least `least` of the non-empty lines (and 3 or more) carry a number in `pattern`'s
    place, and those numbers mostly increase (70%): a numbering, not numbers people said."""
    found = [pattern.search(line) for line in lines if line.strip()]
    numbers = [int(m.group().strip()) for m in found if m]
    rising = sum(1 for a, b in zip(numbers, numbers[1:]) if b > a)
    return len(found) >= 5 and len(numbers) >= max(3, least * len(found)) and rising >= 0.7 * max(1, len(numbers) - 1)


def _mask_line(line: str, patterns) -> str:
    for pattern in patterns:
        line = pattern.sub(lambda m: "\n" * len(m.group()), line)
    return line


def _pdf_pages(path: Path, rel: str) -> list[str]:
    from pypdf import PdfReader

    hint = "open it and save or print it again as PDF, or export the transcript as .txt"
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(rel, "the PDF is password-protected", hint="save an unprotected copy and run again")
        return [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        log.debug("pdf read failed for %s: %s", rel, type(exc).__name__)
        raise InputError(rel, f"the PDF is damaged and could not be read ({type(exc).__name__})", hint=hint) from None
