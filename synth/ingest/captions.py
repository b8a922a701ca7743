"""Caption files: WebVTT (Zoom, Teams, YouTube), SRT and YouTube SBV.

Lines are the physical lines of the file. A cue's text is cut into pieces
around inline markup, which is not speech: ``<v Name>`` voice tags (their name
becomes the speaker), ``<c.class>``, ``<i>``, ``<b>``, ``<u>``, ``<lang>``,
``<ruby>``, karaoke times ``<00:00:01.000>`` and SRT ``{\\an8}`` codes. A tag
inside a word splits it into two pieces (``hel<b>lo</b>`` reads ``hel lo``);
entities such as ``&amp;`` stay as written. A leading dialogue dash (``- ``)
or ``>>`` is dropped. Zoom writes the speaker as ``Name: text`` at the start
of the cue text; that name is accepted under the same rule as in text
transcripts (see `synth.ingest.textlines`).

Consecutive cues of the same named speaker become one turn, stamped with its
first cue's start; cues of an unnamed voice continue the previous named
speaker, and with no name in the whole file each cue is a turn of one speaker
called "Speaker".

Mature readers (webvtt-py) refuse a whole file for one bad cue; synth reads the
valid cues and reports the others as Problems on the line of the cue timing:
an unreadable timing is an error (its text is skipped), a cue with no text,
a cue that ends before it starts, or text outside any cue is a warning. NOTE,
STYLE and REGION blocks and the header block are skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from synth.ingest.pieces import DraftTurn, cut_pieces, format_clock, merge_runs, parse_clock
from synth.ingest.textlines import accept_labels, looks_like_name
from synth.records import Problem, Span

TIMING = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)")
SBV_TIMING = re.compile(r"^\s*(\d{1,3}:\d{1,2}:\d{1,2}[.,]\d{1,3})\s*,\s*(\d{1,3}:\d{1,2}:\d{1,2}[.,]\d{1,3})\s*$")
TAG = re.compile(r"<[^<>\n]{0,200}>|\{\\[^{}\n]{0,100}\}")
VOICE = re.compile(r"^<v(?:\.[^\s>]*)?\s+([^>]+)>$")
LEAD = re.compile(r"(?:-\s+|>>\s*)")
NAME_PREFIX = re.compile(r"([^:<>]{1,40}?)\s*:\s+")
META_BLOCKS = ("NOTE", "STYLE", "REGION")
TIMING_HINT = "timings look like 00:01:02.500 --> 00:01:05.000 (SRT: 00:01:02,500)"


@dataclass
class Cue:
    """A cue: the line of its timing, its start in seconds and its text lines."""

    line: int
    start: float
    payload: list[int] = field(default_factory=list)


@dataclass
class Segment:
    """Text between tags on one payload line, with the voice in effect there."""

    line: int
    start: int
    end: int
    voice: str | None


def read_captions(lines: tuple[str, ...], fmt: str, rel: str) -> tuple[list[DraftTurn], list[Problem]]:
    """Draft turns and problems of a VTT, SRT or SBV file (rules in the module doc)."""
    problems: list[Problem] = []
    first = 1
    if fmt == "vtt":
        first = _skip_vtt_header(lines, rel, problems)
    cues = _read_sbv_cues(lines, rel, problems) if fmt == "sbv" else _read_arrow_cues(lines, first, fmt, rel, problems)
    segments = {id(cue): _segments(lines, cue) for cue in cues}
    names = _accepted_prefixes(lines, [s for cue in cues for s in segments[id(cue)]])
    drafts: list[DraftTurn] = []
    for cue in cues:
        cue_drafts = _cue_drafts(lines, cue, segments[id(cue)], names)
        if not cue_drafts:
            problems.append(Problem(rel, "the cue has no text", "remove the empty cue", cue.line, severity="warning"))
        drafts.extend(cue_drafts)
    return _assign_unnamed(drafts), problems


def _skip_vtt_header(lines: tuple[str, ...], rel: str, problems: list[Problem]) -> int:
    """First line after the WEBVTT header block (1 when the header is missing)."""
    if not lines or not re.match(r"^\ufeff?WEBVTT(?:[ \t].*)?$", lines[0]):
        problems.append(Problem(rel, "the file does not start with 'WEBVTT'", "read it as captions anyway", 1, severity="warning"))
        return 1
    number = 1
    while number <= len(lines) and lines[number - 1].strip():
        number += 1
    return number


def _blocks(lines: tuple[str, ...], first: int) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines from line `first` on, each with its first line number."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number in range(first, len(lines) + 1):
        line = lines[number - 1]
        if line.strip():
            if not current:
                blocks.append((number, current))
            current.append(line)
        else:
            current = []
    return blocks


def _read_arrow_cues(lines: tuple[str, ...], first: int, fmt: str, rel: str, problems: list[Problem]) -> list[Cue]:
    """Cues of VTT and SRT: optional identifier, `start --> end` timing, text lines."""
    cues: list[Cue] = []
    for start, block in _blocks(lines, first):
        if fmt == "vtt" and block[0].strip().split(" ")[0] in META_BLOCKS:
            continue
        cue: Cue | None = None
        skipping = False
        loose: list[int] = []
        for number in range(start, start + len(block)):
            line = lines[number - 1]
            if "-->" in line:
                cue, skipping = _timed_cue(line, number, rel, problems)
                if cue is not None:
                    cues.append(cue)
            elif cue is not None:
                cue.payload.append(number)
            elif not skipping:
                loose.append(number)
        _report_loose(loose, cue is not None or skipping, rel, problems)
    return cues


def _timed_cue(line: str, number: int, rel: str, problems: list[Problem]) -> tuple[Cue | None, bool]:
    """The cue a timing line opens; (None, True) and an error when the timing is unreadable."""
    match = TIMING.match(line)
    begin = parse_clock(match.group(1)) if match else None
    end = parse_clock(match.group(2)) if match else None
    if begin is None or end is None:
        problems.append(Problem(rel, "the cue timing is not valid; its text was skipped", TIMING_HINT, number))
        return None, True
    if end < begin:
        problems.append(Problem(rel, "the cue ends before it starts", TIMING_HINT, number, severity="warning"))
    return Cue(number, begin), False


def _report_loose(loose: list[int], timed: bool, rel: str, problems: list[Problem]) -> None:
    """Text before a block's timing: one line is a cue identifier, more is text outside any cue."""
    if len(loose) > (1 if timed else 0):
        hint = "give each cue a timing line"
        problems.append(Problem(rel, "text outside any cue was skipped", hint, loose[0], severity="warning"))


def _read_sbv_cues(lines: tuple[str, ...], rel: str, problems: list[Problem]) -> list[Cue]:
    """Cues of SBV: `h:mm:ss.ttt,h:mm:ss.ttt` then text lines."""
    cues: list[Cue] = []
    for start, block in _blocks(lines, 1):
        match = SBV_TIMING.match(block[0])
        begin = parse_clock(match.group(1)) if match else None
        end = parse_clock(match.group(2)) if match else None
        if begin is None or end is None:
            hint = "SBV timings look like 0:00:01.000,0:00:04.000"
            problems.append(Problem(rel, "the cue timing is not valid; its text was skipped", hint, start))
            continue
        if end < begin:
            problems.append(Problem(rel, "the cue ends before it starts", TIMING_HINT, start, severity="warning"))
        cues.append(Cue(start, begin, list(range(start + 1, start + len(block)))))
    return cues


def _segments(lines: tuple[str, ...], cue: Cue) -> list[Segment]:
    """Text segments of a cue's lines, between tags, with the voice each is spoken in."""
    segments: list[Segment] = []
    voice: str | None = None
    for number in cue.payload:
        line = lines[number - 1]
        position = 0
        for tag in TAG.finditer(line):
            segments.extend(_segment(number, line, position, tag.start(), voice))
            voice = _voice_after(tag.group(), voice)
            position = tag.end()
        segments.extend(_segment(number, line, position, len(line), voice))
    return segments


def _segment(number: int, line: str, start: int, end: int, voice: str | None) -> list[Segment]:
    return [Segment(number, s.start, s.end, voice) for s in cut_pieces(number, line, start, end)]


def _voice_after(tag: str, voice: str | None) -> str | None:
    match = VOICE.match(tag)
    if match:
        name = " ".join(match.group(1).split())
        return name or voice
    return voice


def _accepted_prefixes(lines: tuple[str, ...], segments: list[Segment]) -> set[str]:
    """`Name:` prefixes at the start of a cue line that count as speakers."""
    counts: Counter[str] = Counter()
    for segment in segments:
        name = _prefix(lines, segment)
        if name and _line_start(lines, segment):
            counts[name[0]] += 1
    return accept_labels(counts) if counts else set()


def _prefix(lines: tuple[str, ...], segment: Segment) -> tuple[str, int] | None:
    text = lines[segment.line - 1][segment.start : segment.end]
    lead = LEAD.match(text)
    offset = lead.end() if lead else 0
    match = NAME_PREFIX.match(text, offset)
    if match and looks_like_name(match.group(1)):
        return " ".join(match.group(1).split()), segment.start + match.end()
    return None


def _line_start(lines: tuple[str, ...], segment: Segment) -> bool:
    """True when only tags and blanks come before the segment on its line."""
    before = TAG.sub("", lines[segment.line - 1][: segment.start])
    return not before.strip()


def _cue_drafts(lines: tuple[str, ...], cue: Cue, segments: list[Segment], names: set[str]) -> list[DraftTurn]:
    """One draft per voice change inside a cue, stamped with the cue's start."""
    drafts: list[DraftTurn] = []
    stamp = format_clock(cue.start)
    for segment in segments:
        speaker, spans = segment.voice, _segment_spans(lines, segment, names)
        prefixed = _prefix(lines, segment) if _line_start(lines, segment) else None
        if prefixed and prefixed[0] in names:
            speaker = prefixed[0]
        if not spans:
            continue
        if not drafts or (speaker is not None and speaker != drafts[-1].speaker):
            drafts.append(DraftTurn(speaker, [], stamp))
        drafts[-1].spans.extend(spans)
    return drafts


def _segment_spans(lines: tuple[str, ...], segment: Segment, names: set[str]) -> list[Span]:
    """The segment's pieces without a leading dash, `>>`, or accepted `Name:` prefix."""
    line = lines[segment.line - 1]
    start = segment.start
    if _line_start(lines, segment):
        prefixed = _prefix(lines, segment)
        if prefixed and prefixed[0] in names:
            start = prefixed[1]
        else:
            lead = LEAD.match(line, segment.start, segment.end)
            start = lead.end() if lead else start
    return cut_pieces(segment.line, line, start, segment.end)


def _assign_unnamed(drafts: list[DraftTurn]) -> list[DraftTurn]:
    """Unnamed cues continue the previous named speaker; merge runs of one named speaker."""
    named = any(d.speaker for d in drafts)
    previous: str | None = None
    for draft in drafts:
        if draft.speaker is None and named:
            draft.speaker = previous
        previous = draft.speaker or previous
    return merge_runs(drafts)
