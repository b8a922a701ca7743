"""The size limits ingest enforces, so hostile or accidental input gives a problem, never a hang or a crash.

Each limit is a named constant in `LIMITS`, listed in ``run.json`` (`as_dict`)
and explained in ``docs/limits.md``; ``bench/limits.py`` measures what reading
an input at each limit costs. What each one guards:

- `max_file_bytes`: a file is read whole into memory and becomes records; the
  worst case, short speaker lines, costs about 35 MiB and 3 s of ingest per MiB
  of file (bench/limits.py), so 16 MiB keeps ingest under about 600 MiB. A
  bigger file is refused before a byte of it is read. (The largest file in the
  shared data sets is under 4 MiB.)
- `max_turn_chars`: one turn is handed to spaCy whole, and spaCy refuses texts
  over ``nlp.max_length`` (1,000,000 characters) with a ValueError that used to
  stop the run. A longer turn is split into consecutive turns of the same
  speaker (at a sentence end, else a space, else anywhere), with a warning.
- `max_zip_members`, `max_zip_bytes`, `max_zip_xml_bytes`: a .docx or .xlsx is
  a zip; python-docx and openpyxl read every part into memory and parse the XML
  ones. The declared (uncompressed) sizes in the zip's directory are checked
  before anything is decompressed; `zipfile` never returns more than a member
  declares (a member that lies fails its CRC check and the reader reports a
  damaged file), so the declared sizes bound memory and parse time.
  `max_zip_xml_bytes` is per format: Word XML costs about 4 s a megabyte to
  read through python-docx, so its limit is far lower than a workbook's.
- `max_rows`, `max_columns`: a survey table larger than this is refused; the
  per-file limit already bounds memory, these bound the work after ingest
  (every row a participant to cluster, every open column units to embed).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from synth.errors import InputError
from synth.records import Problem, Source, Span, Turn

MIB = 1 << 20
ZIP_SUFFIXES = {".docx": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "xlsx"}  # suffix: XML limit
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s")


@dataclass(frozen=True)
class Limits:
    """What ingest accepts; see the module docstring for what each limit guards."""

    max_file_bytes: int = 16 * MIB
    max_turn_chars: int = 100_000
    max_zip_members: int = 10_000
    max_zip_bytes: int = 256 * MIB
    max_zip_xml_bytes_docx: int = 16 * MIB
    max_zip_xml_bytes_xlsx: int = 128 * MIB
    max_rows: int = 100_000
    max_columns: int = 2_000


LIMITS = Limits()


def as_dict(limits: Limits | None = None) -> dict[str, int]:
    """The limits for run.json."""
    return asdict(limits or LIMITS)


def check_file_size(path: Path, rel: str, limits: Limits | None = None) -> None:
    """Refuse a file over `max_file_bytes` before reading it."""
    limits = limits or LIMITS
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise InputError(
            rel,
            f"the file is {_mib(size)}, over the {_mib(limits.max_file_bytes)} synth reads from one file",
            hint="split it into smaller files (for example one per interview or per survey wave)",
        )


def check_zip(path: Path, rel: str, limits: Limits | None = None) -> None:
    """Refuse a .docx/.xlsx whose zip directory declares too many members or too many bytes.

    A file that is no zip at all is left to its reader, which reports it as damaged.
    """
    limits = limits or LIMITS
    family = ZIP_SUFFIXES.get(path.suffix.lower())
    fmt = path.suffix.lower().lstrip(".")
    if family is None or not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    hint = "open it and save it again without embedded media, or export it as .txt/.csv"
    if len(members) > limits.max_zip_members:
        raise InputError(rel, f"the {fmt} package holds {len(members):,} parts, over the limit of "
                         f"{limits.max_zip_members:,}", hint=hint)  # fmt: skip
    total = sum(m.file_size for m in members)
    if total > limits.max_zip_bytes:
        raise InputError(rel, f"the {fmt} package unpacks to {_mib(total)}, over the limit of "
                         f"{_mib(limits.max_zip_bytes)} (a zip bomb?)", hint=hint)  # fmt: skip
    xml = sum(m.file_size for m in members if m.filename.lower().endswith((".xml", ".rels")))
    xml_limit = getattr(limits, f"max_zip_xml_bytes_{family}")
    if xml > xml_limit:
        raise InputError(rel, f"the {fmt} package holds {_mib(xml)} of XML, over the limit of "
                         f"{_mib(xml_limit)} (a zip bomb?)", hint=hint)  # fmt: skip


def check_table(source: Source, limits: Limits | None = None) -> None:
    """Refuse a survey table with more rows or columns than the limits."""
    limits = limits or LIMITS
    if source.kind == "transcript":
        return
    hint = "sample the respondents, or keep only the columns you need, and export again"
    rows = data_rows(source)
    if rows > limits.max_rows:
        raise InputError(source.path, f"the table has {rows:,} rows, over the limit of "
                         f"{limits.max_rows:,}", hint=hint)  # fmt: skip
    if len(source.columns) > limits.max_columns:
        raise InputError(source.path, f"the table has {len(source.columns):,} columns, over the limit of "
                         f"{limits.max_columns:,}", hint=hint)  # fmt: skip


def split_long_turns(source: Source, limits: Limits | None = None) -> Source:
    """`source` with every turn over `max_turn_chars` split into consecutive turns, one warning each."""
    limits = limits or LIMITS
    if all(len(t.text) <= limits.max_turn_chars for t in source.turns):
        return source
    turns: list[Turn] = []
    problems = list(source.problems)
    for turn in source.turns:
        if len(turn.text) <= limits.max_turn_chars:
            turns.append(turn)
            continue
        parts = _split_turn(source.lines, turn, limits.max_turn_chars)
        turns.extend(parts)
        if len(parts) > 1:  # a turn over the limit only by a run of spaces fits once they are one space
            problems.append(_split_problem(source, turn, len(parts), limits.max_turn_chars))
    return replace(source, turns=tuple(turns), problems=tuple(problems))


def _split_problem(source: Source, turn: Turn, parts: int, limit: int) -> Problem:
    first = turn.spans[0]
    where = {"row": first.line, "column": turn.column} if turn.column is not None else {"line": first.line}
    return Problem(
        source.path,
        f"a turn of {len(turn.text):,} characters was split into {parts} turns of at most {limit:,}",
        hint="check the file: a turn this long usually means missing speaker labels or line breaks",
        severity="warning",
        **where,
    )


def _split_turn(lines, turn: Turn, limit: int) -> list[Turn]:
    """The turn cut into turns whose texts (spans joined by one space) are at most `limit` long."""
    groups: list[list[Span]] = [[]]
    size = -1  # the joining space before the first piece does not count
    for span in turn.spans:
        for piece in _cut_span(lines[span.line - 1], span, limit):
            length = piece.end - piece.start
            if groups[-1] and size + 1 + length > limit:
                groups.append([])
                size = -1
            groups[-1].append(piece)
            size += 1 + length
    return [
        replace(
            turn,
            text=" ".join(lines[s.line - 1][s.start : s.end] for s in spans),
            spans=tuple(spans),
            timestamp=turn.timestamp if number == 0 else None,
        )
        for number, spans in enumerate(groups)
    ]


def _cut_span(line: str, span: Span, limit: int) -> list[Span]:
    """A span longer than `limit` cut into stripped pieces of at most `limit` characters."""
    pieces: list[Span] = []
    start, end = span.start, span.end
    while end - start > limit:
        cut = _cut_point(line, start, limit)
        left_end = cut
        while left_end > start and line[left_end - 1].isspace():
            left_end -= 1
        pieces.append(Span(span.line, start, left_end))
        start = cut
        while start < end and line[start].isspace():
            start += 1
    if start < end:
        pieces.append(Span(span.line, start, end))
    return pieces


def _cut_point(line: str, start: int, limit: int) -> int:
    """Where to cut `line[start:start + limit]`: after its last sentence end in the second
    half, else at its last space in the second half, else at the limit."""
    window = line[start : start + limit]
    ends = [m.end() for m in SENTENCE_END.finditer(window, limit // 2)]
    if ends:
        return start + ends[-1]
    space = max(window.rfind(" "), window.rfind("\t"))
    return start + space if space > limit // 2 else start + limit


def _mib(size: int) -> str:
    return f"{size / MIB:,.1f} MiB" if size >= MIB else f"{size:,} bytes"


def data_rows(source: Source) -> int:
    """Rows below the header, the ones `max_rows` counts: every respondent row of a survey, kept or dropped,
    every row of a roster. Header lines (one to three, by export tool) do not count, so a form of exactly
    `max_rows` respondents is read."""
    if source.kind == "survey":
        return len(source.speakers) + source.dropped_rows
    if source.rows:
        return len(source.rows)
    return max(len(source.lines) - 1, 0)
