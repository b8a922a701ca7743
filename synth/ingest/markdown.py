"""The structure of a markdown file that is not anyone's speech.

`layout_markdown` finds the lines to leave out (front matter, code fences,
``:::`` containers, tables, HTML tags on their own line, rules, and lines that
are wholly in italics: a note-taker's remark by markdown convention) and the section
headings, cleaned of emphasis, links and bare URLs so they read as labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")
RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
HTML_LINE = re.compile(r"^\s*</?[A-Za-z][^>]*>(?:.*</[A-Za-z]+>)?\s*$")
ITALIC_LINE = re.compile(r"^(?:_(?!_)\S.*\S(?<!_)_|\*(?!\*)\S.*\S(?<!\*)\*)$")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
URL_IN_PARENS = re.compile(r"\(\s*<?https?://[^)\s]*>?\s*\)")
URL = re.compile(r"<?https?://\S+>?")
EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|`)")
MAX_HEADING_CHARS = 1_000  # a longer "# ..." line is text: its words would be copied as context into every unit


@dataclass
class Layout:
    """Line numbers (1-based) to leave out, and heading text by line number."""

    skip: set[int] = field(default_factory=set)
    headings: dict[int, str] = field(default_factory=dict)

    def skipped(self, number: int) -> bool:
        return number in self.skip or number in self.headings


def layout_markdown(lines: tuple[str, ...]) -> Layout:
    """Find front matter, fences, containers, tables, HTML lines, rules and headings."""
    layout = Layout()
    block: str | None = "front" if lines and lines[0].strip() == "---" else None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if block is not None:
            layout.skip.add(number)
            block = _block_after(block, stripped, number)
            continue
        block = _block_opened(stripped)
        if block is not None or _is_layout(stripped):
            layout.skip.add(number)
        elif (heading := HEADING.match(line)) is not None:
            text = clean_heading((heading.group(2) or "").rstrip().rstrip("#"))
            if not text:
                layout.skip.add(number)
            elif len(text) <= MAX_HEADING_CHARS:
                layout.headings[number] = text
    return layout


def _block_after(block: str, stripped: str, number: int) -> str | None:
    """The block still open after this line, or None when the line closes it."""
    if block == "front":
        return None if number > 1 and stripped in {"---", "..."} else "front"
    if block == ":::":
        return None if stripped == ":::" else ":::"
    return None if stripped.startswith(block) else block


def _block_opened(stripped: str) -> str | None:
    if FENCE.match(stripped):
        return stripped[:3]
    if stripped.startswith(":::") and stripped != ":::":
        return ":::"
    return None


def _is_layout(stripped: str) -> bool:
    if ITALIC_LINE.match(stripped) and stripped.count(stripped[0]) == 2:
        return True
    return bool(stripped.startswith("|") or RULE.match(stripped) or HTML_LINE.match(stripped) or stripped == ":::")


def clean_heading(text: str) -> str:
    """Heading text as a reader sees it: no emphasis marks, links as their text, no URLs."""
    text = URL_IN_PARENS.sub("", LINK.sub(r"\1", text))
    text = EMPHASIS.sub("", URL.sub("", text))
    return " ".join(text.split()).strip(" :")
