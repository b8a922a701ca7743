"""Hand-built `Source` records for the segment and redact tests (no ingest reader involved)."""

from __future__ import annotations

import csv
import io
from typing import Mapping, Sequence

from synth.records import Column, Source, Span, Speaker, Turn


def transcript(
    path: str,
    turns: Sequence[tuple[str, str | Sequence[str]]],
    *,
    interviewers: Sequence[str] = ("Interviewer",),
    timestamps: bool = False,
    header: str | None = None,
) -> Source:
    """A transcript written as ``Name: text`` lines (``[hh:mm:ss] Name: text`` with
    `timestamps`). A turn given as several pieces continues on indented lines,
    like a wrapped caption, so one turn spans several lines."""
    lines: list[str] = [header] if header else []
    built = []
    for number, (speaker, text) in enumerate(turns):
        pieces = [text] if isinstance(text, str) else list(text)
        stamp = f"00:{number // 60:02d}:{number % 60:02d}"
        prefix = (f"[{stamp}] " if timestamps else "") + f"{speaker}: "
        spans = []
        for index, piece in enumerate(pieces):
            lead = prefix if index == 0 else "    "
            lines.append(lead + piece)
            spans.append(Span(len(lines), len(lead), len(lead) + len(piece)))
        built.append(Turn(speaker, " ".join(pieces), tuple(spans), timestamp=stamp if timestamps else None))
    names = list(dict.fromkeys(speaker for speaker, _ in turns))
    speakers = tuple(Speaker(n, "interviewer" if n in interviewers else "participant") for n in names)
    return Source(
        id=path.replace("/", "-").replace(".", "-"),
        path=path,
        kind="transcript",
        format="txt",
        sha256="0" * 64,
        lines=tuple(lines),
        turns=_with_questions(built, interviewers),
        speakers=speakers,
    )


def _with_questions(turns: list[Turn], interviewers: Sequence[str]) -> tuple[Turn, ...]:
    question, out = None, []
    for turn in turns:
        if turn.speaker in interviewers:
            question = turn.text
            out.append(turn)
        else:
            out.append(Turn(turn.speaker, turn.text, turn.spans, turn.timestamp, question=question))
    return tuple(out)


def survey(
    path: str,
    rows: Sequence[Mapping[str, str]],
    *,
    open_columns: Sequence[str],
    closed_columns: Sequence[str] = (),
    pii_columns: Sequence[str] = (),
    id_column: str = "ResponseId",
) -> Source:
    """A one-header-row CSV survey: every open answer is a turn whose span is its cell."""
    columns = [id_column, *pii_columns, *closed_columns, *open_columns]
    lines = [",".join(columns)]
    turns, attributes = [], {}
    for row in rows:
        line, offsets = _csv_line([row.get(c, "") for c in columns])
        lines.append(line)
        respondent = row[id_column]
        attributes[respondent] = {c: row[c] for c in (*pii_columns, *closed_columns) if row.get(c)}
        for column in open_columns:
            start, end = offsets[columns.index(column)]
            if end > start:
                turns.append(Turn(respondent, line[start:end], (Span(len(lines), start, end),), question=column,
                                  column=column))  # fmt: skip
    roles = [Column(id_column, "respondent_id")] + [Column(c, "pii") for c in pii_columns]
    roles += [Column(c, "single_choice") for c in closed_columns] + [Column(c, "open_text") for c in open_columns]
    return Source(
        id=path.replace("/", "-").replace(".", "-"),
        path=path,
        kind="survey",
        format="csv",
        sha256="0" * 64,
        lines=tuple(lines),
        turns=tuple(turns),
        speakers=tuple(Speaker(row[id_column], "participant") for row in rows),
        columns=tuple(roles),
        attributes=attributes,
    )


def _csv_line(values: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """One CSV line and, per cell, the character range of its (unquoted) value."""
    out, offsets, cursor = [], [], 0
    for index, value in enumerate(values):
        cell = io.StringIO()
        csv.writer(cell, lineterminator="").writerow([value])
        text = cell.getvalue()
        quoted = text.startswith('"') and text != value
        start = cursor + (1 if quoted else 0)
        offsets.append((start, start + len(value)) if '"' not in value else (start, start))
        out.append(text)
        cursor += len(text) + 1
    return ",".join(out), offsets


def assert_traceable(sources: Sequence[Source], units) -> None:
    """The hard invariant: each unit is its spans' pieces joined by one space, and a
    contiguous piece of its turn's text."""
    by_id = {s.id: s for s in sources}
    for unit in units:
        source = by_id[unit.source_id]
        pieces = [source.lines[s.line - 1][s.start : s.end] for s in unit.spans]
        assert pieces and all(pieces), unit.id
        assert " ".join(pieces) == unit.text, unit.id
        turn = next(t for t in source.turns if all(_covers(t, span) for span in unit.spans))
        assert unit.text in turn.text, unit.id
        assert unit.text == unit.text.strip()


def _covers(turn, span) -> bool:
    return any(s.line == span.line and s.start <= span.start and span.end <= s.end for s in turn.spans)
