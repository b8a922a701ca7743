"""Research notes in markdown: focus-group summaries, usability-test notes, workshop notes.

Such files hold comments and quotes under headings rather than a dialogue.
Each comment becomes one turn whose `heading` is the section it sits under:

- a *coded* comment starts with speaker codes, as in focus-group summaries:
  ``* (**A** d): “quote”``, ``**P, A** , i: ...``, ``R, _T_, d; ...``,
  ``-   **A (1) d:** ...``, ``**A** , d “quote”`` (codes end at a colon, a
  semicolon, an opening quote, or their closing parenthesis). The codes become
  the speaker: experience letters (lowercase d, i, g, s) are dropped, the rest
  are kept with their emphasis (bold = connection to autism, italic =
  organisation in the Autistica key), ordered bold, plain, italic:
  ``(**P** *F* d)`` -> speaker ``**P** *F*``. Code ``R`` (researcher, in any
  emphasis) makes the speaker an interviewer, any other code a participant;
  codes with no identity (``**d:**``) give an unattributed speaker. Lines that
  follow a comment without a blank line continue it. When coded comments make
  up most of a file (three or more, at least half as many as the other bullet
  items), its other text is the note-taker's (keys, conclusions) and is not
  read as speech; in other files only strong codes (in parentheses, or two
  letters or more) open a comment.
- otherwise each bullet item, and each other paragraph line, is a note of the
  person the file is about: ``Participant 2 (P2)`` near the top names them,
  else the speaker is ``unattributed``; both are participants. An item that
  starts with a speaker name used at least twice (``* Miguel: ...``), or with
  initials when several people are named by initials (``GB: ...``), is that
  person's; any speaker-line style of `synth.ingest.textlines` is accepted
  (``- **Interviewer:** ...``).

A comment that is a single quotation is cut inside its quotation marks. A
heading, a bold line or a paragraph line ending in "?" is the `question` of
the comments after it (until the next heading). Tables, links-only items and
code keys (``A = Autistica``) are not speech.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from synth.ingest.markdown import Layout, clean_heading
from synth.ingest.pieces import DraftTurn, cut_pieces
from synth.ingest.roles import label_role
from synth.ingest.textlines import match_label
from synth.records import Span

BULLET = re.compile(r"^(\s*)([-*+•·▪‣◦]|\d{1,3}[.)])\s+")
HEADING_MARKS = re.compile(r"^\s{0,3}#{1,6}\s*")
CODE_CHARS = re.compile(r"^[A-Za-z0-9 ,/*_()\t]+$")
CODE_END = re.compile(r"\s*[:;]\s*(?:\*\*|__)?|(?=&quot;|[“\"])")
CODE_TOKEN = re.compile(r"\*{1,3}|_{1,3}|\(\d{1,2}\)|[A-Za-z]+|\d+")
DECLARED = re.compile(
    r"^\s*(?:Participant|Respondent|Interviewee|User|Tester)\s*(?:\d{1,3}|[A-Z])?\s*"
    r"(?:\((?P<code>[A-Za-z]{1,3}\s?\d{1,3})\)|[:#]?\s*(?P<bare>[A-Za-z]{1,3}\s?\d{1,3}))\s*$"
)
KEY_LINE = re.compile(r"^[*_\s]*[A-Za-z]{1,2}[*_\s]*=")
BOLD_ONLY = re.compile(r"^(\*\*|__)(?!\s)(.+?)(?<!\s)\1\s*:?\s*$")
CONCLUSION = ("→", "=>", "->")
QUOTES = (("“", "”"), ('"', '"'), ("&quot;", "&quot;"), ("„", "“"), ("«", "»"))
EXPERIENCE = set("dgis")
UNATTRIBUTED = "unattributed"


@dataclass(frozen=True)
class Opening:
    """Where a comment starts: its speaker (None: the file's default), role hint and text offset."""

    speaker: str | None
    start: int
    coded: bool
    role: tuple[str, str] | None = None


@dataclass
class NoteState:
    lines: tuple[str, ...]
    heading: str | None = None
    question: str | None = None
    current: DraftTurn | None = None
    drafts: list[DraftTurn] = field(default_factory=list)


def count_coded(lines: tuple[str, ...], layout: Layout) -> tuple[set[int], int]:
    """(lines of coded comments, number of bullet items): evidence a file is notes, not a dialogue."""
    coded: set[int] = set()
    bullets = 0
    for number, line in enumerate(lines, 1):
        if number in layout.skip:
            continue
        start = _content_start(line, number in layout.headings)
        if number in layout.headings and start is None:
            continue
        if match_codes(line, start or 0) is not None:
            coded.add(number)
        elif BULLET.match(line):
            bullets += 1
    return coded, bullets


def read_notes(lines: tuple[str, ...], layout: Layout) -> tuple[list[DraftTurn], dict[str, tuple[str, str]]]:
    """Draft turns (one per comment) and role hints by speaker, as the module doc describes."""
    coded, bullets = count_coded(lines, layout)
    coded_file = len(coded) >= 3 and len(coded) * 2 >= bullets
    declared = None if coded_file else _declared_speaker(lines, layout)
    default = declared[1] if declared else UNATTRIBUTED
    hints: dict[str, tuple[str, str]] = {}
    hints[default] = ("participant", f"notes about participant '{default}'" if declared else "unattributed notes")
    named = {} if coded_file else _named_openings(lines, layout)
    state = NoteState(lines)
    for number, line in enumerate(lines, 1):
        if declared and number == declared[0]:
            continue
        opening = _opening(line, number, layout, coded_file, named)
        _read_line(state, lines, number, layout, opening, coded_file)
        if opening is not None and opening.role and opening.speaker:
            hints[opening.speaker] = opening.role
    _close(state)
    for draft in state.drafts:
        draft.speaker = draft.speaker or default
    used = {d.speaker for d in state.drafts}
    return state.drafts, {k: v for k, v in hints.items() if k in used}


def _read_line(state: NoteState, lines: tuple[str, ...], number: int, layout: Layout, opening: Opening | None, coded: bool) -> None:
    line = lines[number - 1]
    if opening is None and number in layout.headings:
        _close(state)
        state.heading = layout.headings[number]
        state.question = state.heading if state.heading.endswith("?") else None
    elif number in layout.skip or not line.strip():
        _close(state)
    elif opening is not None:
        _close(state)
        rest = line[opening.start :]
        if _is_speech(rest) or not rest.strip():
            state.current = DraftTurn(opening.speaker, cut_pieces(number, line, opening.start), None, state.heading)
            state.current.question = state.question
    elif state.current is not None and (coded or not BULLET.match(line)) and not _label_line(line):
        state.current.spans.extend(cut_pieces(number, line))
    else:
        _read_loose_line(state, line, number, coded)


def _read_loose_line(state: NoteState, line: str, number: int, coded: bool) -> None:
    """A paragraph line that starts no comment: a prompt, a conclusion, or (uncoded) a note."""
    _close(state)
    start = _content_start(line, False) or 0
    text = line[start:].strip()
    if text.endswith("?") or _bold_only(text):
        state.question = clean_heading(text) if text.rstrip(" *_:").endswith("?") else None
        return
    if coded or text.startswith(CONCLUSION) or not _is_speech(text):
        return
    state.current = DraftTurn(None, cut_pieces(number, line, start), None, state.heading, state.question)


def _close(state: NoteState) -> None:
    if state.current is not None and state.current.spans:
        state.current.spans = _inside_quotes(state.current.spans, state.lines)
        if state.current.spans:
            state.drafts.append(state.current)
    state.current = None


def _opening(line: str, number: int, layout: Layout, coded_file: bool, named: dict[int, Opening]) -> Opening | None:
    """The comment a line opens, if any."""
    if number in layout.skip:
        return None
    start = _content_start(line, number in layout.headings)
    if start is None:
        return None
    found = match_codes(line, start)
    if found is not None and (coded_file or _strong_codes(line[start : found[1]])):
        speaker, end, role = found
        return Opening(speaker, end, True, role)
    if number in layout.headings or coded_file:
        return None
    if number in named:
        return named[number]
    return Opening(None, start, False) if BULLET.match(line) else None


def _strong_codes(codes: str) -> bool:
    """Codes that open a comment even in a file of plain notes: in parentheses, or two letters or more."""
    return codes.lstrip().startswith("(") or len(re.findall(r"[A-Za-z]", codes)) >= 2


def _content_start(line: str, heading: bool) -> int | None:
    """Offset where a line's content starts, after a bullet or heading marks."""
    if heading:
        marks = HEADING_MARKS.match(line)
        return marks.end() if marks else None
    bullet = BULLET.match(line)
    return bullet.end() if bullet else len(line) - len(line.lstrip())


def match_codes(line: str, start: int) -> tuple[str | None, int, tuple[str, str]] | None:
    """(speaker, end of the codes, role hint) when `line[start:]` opens with speaker codes."""
    text = line[start:]
    if text.startswith("("):
        close = _closing_paren(text)
        if close is None:
            return None
        codes, end = text[1:close], close + 1
        colon = re.match(r"\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?", text[end:])
        end += colon.end() if colon else 0
    else:
        colon = CODE_END.search(text, 0, 48)
        if not colon:
            return None
        codes, end = text[: colon.start()], colon.end()
    parsed = _parse_codes(codes, colon is not None)
    if parsed is None:
        return None
    speaker, role = parsed
    return speaker, start + end, role


def _closing_paren(text: str) -> int | None:
    depth = 0
    for index, char in enumerate(text[:60]):
        depth += (char == "(") - (char == ")")
        if depth == 0:
            return index
    return None


def _parse_codes(codes: str, colon: bool = True) -> tuple[str | None, tuple[str, str]] | None:
    """Canonical speaker and role hint for a code group, or None when it is no code group.

    Without a colon after it, a group needs two letters: ``(a) first option`` is a list, not a speaker.
    """
    codes = re.sub(r"^\*\s+", "", codes.strip())
    if not codes.strip() or not CODE_CHARS.match(codes):
        return None
    tokens = CODE_TOKEN.findall(codes)
    letters = [t for t in tokens if t.isalpha()]
    if not letters or any(len(t) > 1 for t in letters) or any(t.isdigit() for t in tokens):
        return None
    if not colon and len(letters) < 2:
        return None
    identity = _identity(tokens)
    if not identity:
        return None, ("participant", "notes with no speaker code")
    names = [f"{mark}{letter}{mark}{number}" for _, letter, mark, number in sorted(identity)]
    speaker = " ".join(dict.fromkeys(names))
    if any(letter == "R" for _, letter, _, _ in identity):
        return speaker, ("interviewer", "speaker code R (researcher)")
    return speaker, ("participant", "speaker code")


def _identity(tokens: list[str]) -> list[tuple[int, str, str, str]]:
    """(order, letter, emphasis mark, number) for each identity code, emphasis tracked across tokens."""
    bold = italic = False
    found: list[list] = []
    for token in tokens:
        if token[0] in "*_":
            bold, italic = bold ^ (len(token) >= 2), italic ^ (len(token) % 2 == 1)
        elif token.startswith("("):
            if found:
                found[-1][3] = f" {token}"
        elif not (token.islower() and token in EXPERIENCE):
            mark = "**" if bold else "*" if italic else ""
            found.append([{"**": 0, "": 1, "*": 2}[mark], token.upper(), mark, ""])
    if len(found) > 1 and found[-1][2] == "" and found[-1][1] in "IG":
        found.pop()
    return [tuple(f) for f in found]


def _declared_speaker(lines: tuple[str, ...], layout: Layout) -> tuple[int, str] | None:
    """(line, code) of a 'Participant 2 (P2)' line among the first content lines."""
    seen = 0
    for number, line in enumerate(lines, 1):
        if number in layout.skip or number in layout.headings or not line.strip():
            continue
        match = DECLARED.match(line)
        if match:
            return number, "".join((match.group("code") or match.group("bare")).split())
        seen += 1
        if seen >= 5:
            return None
    return None


def _named_openings(lines: tuple[str, ...], layout: Layout) -> dict[int, Opening]:
    """Comments opened by a speaker name: used twice, a role, or initials among several initials."""
    found: dict[int, tuple[str, int]] = {}
    for number, line in enumerate(lines, 1):
        if layout.skipped(number):
            continue
        start = _content_start(line, False) or 0
        match = match_label(line[start:])
        if match and line[start + match.text_start :].strip():
            found[number] = (match.name, start + match.text_start)
    counts = Counter(name for name, _ in found.values())
    initials = {n for n in counts if re.fullmatch(r"[A-Z]{2,3}", n)}
    keep = {n for n, c in counts.items() if c >= 2 or label_role(n) or (n in initials and len(initials) >= 2)}
    return {number: Opening(name, start, False, None) for number, (name, start) in found.items() if name in keep}


def _is_speech(text: str) -> bool:
    """False for links-only items, code keys and lines with no words."""
    bare = re.sub(r"\[([^\[\]]*)\]\([^()]*\)", r"\1", text)
    bare = re.sub(r"<?https?://\S+>?", "", bare)
    return bool(re.search(r"[^\W\d_]{2,}", bare)) and not KEY_LINE.match(text) and not _links_only(text)


def _links_only(text: str) -> bool:
    return not re.sub(r"\[[^\[\]]*\]\([^()]*\)|<?https?://\S+>?|[\s*_.,;:()\-]", "", text)


def _label_line(line: str) -> bool:
    """A sub-heading written as a bold line or bullet, or a note-taker's conclusion (→ ...)."""
    start = _content_start(line, False) or 0
    text = line[start:].strip()
    return _bold_only(text) or text.startswith(CONCLUSION)


def _bold_only(text: str) -> bool:
    return bool(BOLD_ONLY.match(text))


def _inside_quotes(spans: list[Span], lines: tuple[str, ...]) -> list[Span]:
    """Cut a comment that is one quotation inside its quotation marks."""
    first, last = spans[0], spans[-1]
    head = lines[first.line - 1][first.start : first.end]
    tail = lines[last.line - 1][last.start : last.end]
    whole = " ".join(lines[s.line - 1][s.start : s.end] for s in spans)
    for opener, closer in QUOTES:
        inner_count = whole.count(opener) + (whole.count(closer) if closer != opener else 0)
        if head.startswith(opener) and tail.endswith(closer) and inner_count == 2 and len(whole) > 2 * len(opener):
            return _trim(spans, lines, len(opener), len(closer))
    return spans


def _trim(spans: list[Span], lines: tuple[str, ...], left: int, right: int) -> list[Span]:
    spans = list(spans)
    first = spans[0]
    spans[0:1] = cut_pieces(first.line, lines[first.line - 1], first.start + left, first.end)
    if not spans:
        return []
    last = spans[-1]
    spans[-1:] = cut_pieces(last.line, lines[last.line - 1], last.start, last.end - right)
    return spans
