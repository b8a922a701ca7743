"""The transcript family of ingest: interviews, meetings, focus-group and usability notes.

Formats (``Source.format``): ``txt`` and ``md`` (speaker lines, see
`synth.ingest.textlines`; markdown notes, see `synth.ingest.notes`), ``vtt``,
``srt``, ``sbv`` (`synth.ingest.captions`), ``docx`` and ``pdf``
(`synth.ingest.documents`), ``json`` (`synth.ingest.segments`).

`read` returns a `Source` whose turns hold verbatim text cut from
`Source.lines`; speakers get roles and participant turns the interviewer's
question (`synth.ingest.roles`). Every failure is an `InputError` naming the
file, the line where known, and what to do; what only partly fails is a
`Problem` in `Source.problems`.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from synth.errors import InputError
from synth.ingest import captions, documents, markdown, notes, reviews, segments, textlines
from synth.ingest.encoding import bomless_utf16, decode_bytes, split_lines
from synth.ingest.pieces import DraftTurn, cut_pieces, merge_runs, span_text
from synth.ingest.roles import assign_roles, attach_questions, load_role_overrides, normalise_role
from synth.records import Problem, Source, Turn

log = logging.getLogger(__name__)

SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".vtt": "vtt",
    ".srt": "srt",
    ".sbv": "sbv",
    ".docx": "docx",
    ".pdf": "pdf",
    ".json": "json",
}
TABLE_SUFFIXES = {".csv", ".tsv", ".tab", ".xlsx", ".xlsm", ".xls", ".ods"}
SRT_START = re.compile(r"^\s*\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")
SBV_START = re.compile(r"^\s*\d{1,3}:\d{2}:\d{2}\.\d{1,3},\d{1,3}:\d{2}:\d{2}\.\d{1,3}\s*$", re.M)
SPEAKER_HINT = "label each turn 'Name: text' (or use a supported export: VTT, SRT, Otter, Zoom, Teams)"
NO_TURNS_HINT = "check that the file holds the transcript text, then export it again"


@dataclass
class Reading:
    """What a format reader found, before speakers get roles."""

    lines: tuple[str, ...]
    drafts: list[DraftTurn]
    hints: dict[str, tuple[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    default: str = "Speaker"


def sniff(path: Path, head: str) -> str | None:
    """The transcript format of a file, from its content first and extension second; None if not one.

    Survey tables (.csv, .tsv, .xlsx ..., or a .txt that is a delimited table)
    are not transcripts; a markdown table is only layout in a .md file.
    """
    suffix = path.suffix.lower()
    fmt = SUFFIXES.get(suffix)
    if suffix in TABLE_SUFFIXES or fmt in {"docx", "pdf", "json"}:
        return fmt
    text = head.lstrip("\ufeff")
    captioned = _caption_format(text)
    if captioned or fmt in {"vtt", "srt", "sbv", "md"}:
        return captioned or fmt
    if looks_like_table(text):
        return None
    return fmt or ("txt" if _has_speaker_lines(text) else None)


def _caption_format(text: str) -> str | None:
    if text.startswith("WEBVTT"):
        return "vtt"
    if SRT_START.match(text.replace("\r\n", "\n")):
        return "srt"
    if SBV_START.match(text.strip().split("\n", 1)[0]):
        return "sbv"
    return None


def looks_like_table(text: str) -> bool:
    """True for a delimited table: the first records all have the same 3+ fields (tab, ; , or |)."""
    rows = [line for line in split_lines(text[:20000]) if line.strip()]
    if len(rows) < 3 or any(textlines.match_label(row) for row in rows[:3]):
        return False
    sample = "\n".join(rows[:-1] if len(text) >= 20000 else rows)
    for delimiter in ("\t", ";", ",", "|"):
        records = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r][:10]
        widths = {len(r) for r in records}
        if len(records) >= 3 and len(widths) == 1 and widths.pop() >= 3:
            return True
    return False


def _has_speaker_lines(text: str) -> bool:
    lines = split_lines(text)[:200]
    found = textlines.find_labels(lines, lambda n: False)
    return len(found) >= 2


def read(path: Path, rel: str, fmt: str, *, overrides: Mapping[str, str] | None = None) -> Source:
    """Read one transcript as `fmt`; raises InputError (never anything else).

    `overrides` maps speaker names (as written) to roles and wins over the
    sidecar files (see `synth.ingest.roles`); a value that is no role word is
    ignored, so validate it where it is configured.
    """
    checked = {name: normalise_role(role) for name, role in (overrides or {}).items()}
    try:
        reading = _read_format(path, rel, fmt)
        return _finish(path, rel, fmt, reading, {n: r for n, r in checked.items() if r})
    except InputError:
        raise
    except Exception as exc:  # a parse surprise must still name the file, not crash the folder
        log.debug("transcript reader failed on %s: %s", rel, type(exc).__name__)
        raise InputError(rel, f"could not be read as {fmt} ({type(exc).__name__})", hint="please report this file's format") from None


def _read_format(path: Path, rel: str, fmt: str) -> Reading:
    if fmt == "docx":
        lines, labels, repeats = documents.read_docx(path, rel)
        return _read_text_lines(lines, rel, labels=labels, skip=repeats)
    if fmt == "pdf":
        lines = documents.read_pdf(path, rel)
        return replace(_read_text_lines(documents.mask_furniture(lines), rel), lines=lines)
    lines = _decode(path, rel)
    if fmt in {"vtt", "srt", "sbv"}:
        drafts, problems = captions.read_captions(lines, fmt, rel)
        return Reading(lines, drafts, problems=problems, hints=_caption_hints(drafts))
    if fmt == "json":
        drafts, problems = segments.read_json(lines, rel)
        return Reading(lines, drafts, problems=problems)
    if fmt == "txt" and reviews.looks_annotated(lines):
        drafts, hints, problems = reviews.read_reviews(lines, rel)
        if drafts:
            return Reading(lines, drafts, hints=hints, problems=problems)
    if fmt in {"txt", "md"}:
        return _read_text_lines(lines, rel, markdown_file=fmt == "md")
    known = ", ".join(sorted(set(SUFFIXES.values())))
    raise InputError(rel, f"unknown transcript format {fmt!r}", hint=f"use one of: {known}")


def _decode(path: Path, rel: str) -> tuple[str, ...]:
    data = path.read_bytes()
    if not data.strip():
        raise InputError(rel, "the file is empty", hint="remove it or export it again")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff")) or bomless_utf16(data)
    if b"\x00" in data[:4096] and not utf16:
        raise InputError(rel, "the file holds binary data, not text", hint="export it as text (UTF-8)")
    text, encoding = decode_bytes(data, rel)
    log.debug("decoded %s as %s", rel, encoding)
    return split_lines(text.lstrip("\ufeff"))


def _caption_hints(drafts: list[DraftTurn]) -> dict[str, tuple[str, str]]:
    if any(d.speaker for d in drafts):
        return {}
    return {"Speaker": ("participant", "captions name no speaker")}


def _read_text_lines(
    lines: tuple[str, ...], rel: str, *, markdown_file: bool = False, labels: Mapping | None = None, skip: set[int] | None = None
) -> Reading:
    """Speaker-line transcript, markdown notes, or (neither) one unattributed voice."""
    layout = markdown.layout_markdown(lines) if markdown_file else markdown.Layout()
    layout.skip |= skip or set()
    found = textlines.find_labels(lines, layout.skipped, labels)
    coded, bullets = notes.count_coded(lines, layout)
    if _is_notes(len(found), len(coded - found.keys()), bullets):
        drafts, hints = notes.read_notes(lines, layout)
        return Reading(lines, drafts, hints=hints, default=notes.UNATTRIBUTED)
    if found:
        drafts, preamble = textlines.read_speaker_lines(lines, found, layout.skip.__contains__, layout.headings)
        problems = [] if preamble <= 5 else [_preamble_problem(rel, preamble)]
        return Reading(lines, merge_runs(drafts), problems=problems)
    return _read_unattributed(lines, rel, layout)


def _is_notes(speaker_lines: int, coded: int, bullets: int) -> bool:
    """Notes when coded comments outnumber speaker lines, or bullets do twice over, or there is no dialogue."""
    if coded >= 3 and coded >= speaker_lines:
        return True
    return bullets > 2 * speaker_lines or (bullets > 0 and speaker_lines < 2)


def _preamble_problem(rel: str, count: int) -> Problem:
    reason = f"{count} lines before the first speaker line were not read as speech"
    return Problem(rel, reason, "start the file with the first turn, or label those lines", 1, severity="warning")


def _read_unattributed(lines: tuple[str, ...], rel: str, layout: markdown.Layout) -> Reading:
    """Each paragraph a turn of one unattributed participant, with a warning."""
    drafts: list[DraftTurn] = []
    heading: str | None = None
    current: DraftTurn | None = None
    for number, line in enumerate(lines, 1):
        if number in layout.headings:
            heading, current = layout.headings[number], None
        elif number in layout.skip or not line.strip():
            current = None
        else:
            if current is None:
                current = DraftTurn(None, [], None, heading)
                drafts.append(current)
            current.spans.extend(cut_pieces(number, line))
    reason = "no speaker lines found; read as one unattributed participant"
    problem = Problem(rel, reason, SPEAKER_HINT, severity="warning")
    hints = {notes.UNATTRIBUTED: ("participant", "no speaker labels in the file")}
    return Reading(lines, [d for d in drafts if d.spans], hints, [problem], default=notes.UNATTRIBUTED)


def _finish(path: Path, rel: str, fmt: str, reading: Reading, overrides: Mapping[str, str]) -> Source:
    """Turns with names, roles and questions; the Source record."""
    if not reading.drafts:
        raise InputError(rel, f"no transcript text found in this {fmt} file", hint=NO_TURNS_HINT)
    turns = tuple(
        Turn(
            speaker=d.speaker or reading.default,
            text=span_text(reading.lines, d.spans),
            spans=tuple(d.spans),
            timestamp=d.timestamp,
            question=d.question,
            heading=d.heading,
        )
        for d in reading.drafts
    )
    sidecar, staff, problems = load_role_overrides(path, rel)
    speakers = assign_roles(turns, reading.hints, {**sidecar, **overrides})
    source = Source(
        id="",
        path=rel,
        kind="transcript",
        format=fmt,
        sha256="",
        lines=reading.lines,
        turns=attach_questions(turns, speakers),
        speakers=speakers,
        attributes={s.name: {"role": "staff"} for s in speakers if s.name in staff and s.role == "participant"},
        problems=tuple(reading.problems + problems),
    )
    log.debug("read %s: %d turns, %d speakers", rel, len(turns), len(speakers))
    return source
