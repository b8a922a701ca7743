"""Building blocks shared by the transcript readers: spans, draft turns, clock times.

Every reader cuts a turn out of its source as *pieces*: non-empty, stripped
slices of one line each. A turn's text is its pieces joined by one space, so
``" ".join(lines[s.line - 1][s.start:s.end] for s in spans) == text`` holds by
construction (see `synth.records`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from synth.records import Span

BREAKS = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
CLOCK = re.compile(r"^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")


@dataclass
class DraftTurn:
    """A turn while a reader is still building it (mutable, never leaves ingest).

    `speaker` None means the format named nobody; `question` is context the
    format itself gives (a note heading or prompt ending in "?").
    """

    speaker: str | None
    spans: list[Span] = field(default_factory=list)
    timestamp: str | None = None
    heading: str | None = None
    question: str | None = None


def cut_pieces(line_no: int, line: str, start: int = 0, end: int | None = None) -> list[Span]:
    """The stripped, non-empty pieces of ``line[start:end]``, split at any line break inside it."""
    end = len(line) if end is None else end
    spans: list[Span] = []
    position = start
    for part in BREAKS.split(line[start:end]):
        left = len(part) - len(part.lstrip())
        stripped = part.strip()
        if stripped:
            spans.append(Span(line_no, position + left, position + left + len(stripped)))
        position += len(part)
        position += _break_length(line, position, end)
    return spans


def _break_length(line: str, position: int, end: int) -> int:
    match = BREAKS.match(line, position, end)
    return len(match.group()) if match else 0


def span_text(lines: tuple[str, ...] | list[str], spans) -> str:
    """The text a list of spans cuts out of `lines`, pieces joined by one space."""
    return " ".join(lines[s.line - 1][s.start : s.end] for s in spans)


def merge_runs(drafts: list[DraftTurn]) -> list[DraftTurn]:
    """Join consecutive drafts of the same named speaker under the same heading.

    Drafts with no speaker are never joined: nothing says the voice is the same.
    """
    merged: list[DraftTurn] = []
    for draft in drafts:
        last = merged[-1] if merged else None
        if last is not None and draft.speaker is not None and last.speaker == draft.speaker and last.heading == draft.heading:
            last.spans.extend(draft.spans)
            continue
        merged.append(DraftTurn(draft.speaker, list(draft.spans), draft.timestamp, draft.heading, draft.question))
    return [d for d in merged if d.spans]


def parse_clock(text: str) -> float | None:
    """Seconds in a clock time: `h:mm:ss.ttt`, `mm:ss`, `0:0:0.0`, `00:01:02,500`; None if not one."""
    match = CLOCK.match(text.strip())
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        return None
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return value + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


def format_clock(seconds: float | None) -> str | None:
    """`hh:mm:ss` for a number of seconds (fractions dropped); None stays None."""
    if seconds is None or seconds != seconds or seconds < 0:
        return None
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def clock_label(text: str | None) -> str | None:
    """Normalise a clock time as written (`0:03`, `1:02:03`) to `hh:mm:ss`."""
    return format_clock(parse_clock(text)) if text else None
