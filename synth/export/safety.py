"""Make participant text inert in every export format.

Participants (and survey respondents) can write anything, including text that a
spreadsheet would run or a browser would execute. Every exporter passes text
through one of these functions; none of them changes the words themselves.

Spreadsheets (CSV and XLSX): a cell whose text starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is a formula (or becomes one when the file is
opened or re-saved as CSV) in Excel, LibreOffice and Google Sheets: the classic
"CSV injection" (`=cmd|' /C calc'!A0`). We prefix such text with an apostrophe
``'``, the spreadsheet convention for "this is text", in both CSV and XLSX, so the
two formats agree and a reader can undo it by dropping one leading ``'``. In
XLSX the prefixed value is also stored as a plain string cell (openpyxl only
writes a formula for a ``str`` starting with ``=``), which `write_xlsx` checks.
Numbers (stage scores, sentiment) are written as numbers and never prefixed.

HTML: Jinja2 autoescape (`&`, `<`, `>`, `"`, `'`) does it; nothing here.

Markdown: `escape_markdown` backslash-escapes the characters that would start
emphasis, code, links, tables or headings, and turns ``<`` and ``>`` into
entities so a renderer that allows raw HTML never sees a tag.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"

_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MENTION = re.compile(r"(?<!\S)@")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)([#=+\-])", re.MULTILINE)
_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def neutralise_formula(text: str) -> str:
    """`text` with a leading ``'`` when a spreadsheet would read it as a formula."""
    if text.startswith(FORMULA_STARTS):
        return NEUTRALISER + text
    return text


def neutralise_cell(value):
    """A spreadsheet cell value made safe: strings neutralised, numbers and None kept."""
    if isinstance(value, str):
        return neutralise_formula(value)
    return value


def escape_markdown(text: str) -> str:
    """Text that renders as itself in CommonMark/GFM, with no raw HTML."""
    text = _ENTITY.sub("&amp;", text)
    text = _INLINE.sub(r"\\\1", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _MENTION.sub(r"\\@", text)
    text = _LINE_START.sub(r"\1\\\2", text)
    return _ORDERED.sub(r"\1\\\2", text)


def markdown_blockquote(text: str) -> str:
    """`text` escaped and quoted: every line starts with ``> ``."""
    lines = escape_markdown(text).splitlines() or [""]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def code_span(text: str) -> str:
    """`text` as a markdown code span (file paths), whatever backticks it holds."""
    text = one_line(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def one_line(text: str) -> str:
    """Whitespace runs (newlines included) collapsed to single spaces."""
    return " ".join(text.split())
