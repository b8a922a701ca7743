"""JSON transcripts: Whisper, WhisperX, AWS Transcribe, AssemblyAI, Rev, QMSum/AMI, Otter-style lists.

Recognised shapes:

- a list of segment objects, at the top level or under a key such as
  ``segments`` (Whisper, WhisperX), ``meeting_transcripts`` (QMSum/AMI),
  ``utterances`` (AssemblyAI, times in ms) or ``monologues`` (Rev, ``elements``):
  each object has its words under ``text``, ``content``, ``transcript`` or
  ``utterance``, and optionally a ``speaker`` (or ``speaker_name``,
  ``speaker_label``, ``name``) and a ``start`` (or ``start_time``, ``startTime``,
  ``timestamp``; seconds, or a clock time);
- AWS Transcribe: ``results.audio_segments`` (words and speaker per segment),
  else ``results.items`` grouped by speaker (``speaker_label`` on the items or
  ``results.speaker_labels.segments``), else ``results.transcripts``;
- a single ``{"text": ...}``.

Lines are the physical lines of the file. Each span points at the characters
of a JSON string value as they stand in the file, between its quotes, so
``lines[span.line - 1][span.start:span.end]`` is verbatim source. Escape
sequences that mean whitespace (``\\n``, ``\\t``, ``\\r``) end a piece, as a line
break would. Any other escape (``\\"``, ``\\u00e9``, ``\\\\``) stays in the turn
text as written: there the text is the raw JSON content, not the decoded value
(they are identical whenever a value has no escapes, which is the usual case).
Such turns are counted in a warning. In minified one-line JSON every span is on
line 1. AWS items are single words and punctuation marks, so their turn text
reads ``Hello , world .``.
"""

from __future__ import annotations

import bisect
import json
import json.scanner
import re
from dataclasses import dataclass
from typing import Any

from synth.errors import InputError
from synth.ingest.pieces import DraftTurn, cut_pieces, format_clock, merge_runs, parse_clock
from synth.records import Problem, Span

TEXT_KEYS = ("text", "content", "transcript", "utterance", "sentence")
SPEAKER_KEYS = ("speaker", "speaker_name", "speakerName", "speaker_label", "speakerLabel", "name", "role")
START_KEYS = ("start", "start_time", "startTime", "start_ms", "startMs", "begin", "timestamp", "time", "offset")
LIST_KEYS = ("meeting_transcripts", "segments", "utterances", "monologues", "transcript", "transcripts", "turns")
MS_LISTS = ("utterances",)
WHITESPACE_ESCAPE = re.compile(r"\\(?:[ntr]|u000[9aAdD])")
HINT = "export the transcript again as JSON (Whisper, AWS Transcribe, or a list of {speaker, text, start})"


class Located(str):
    """A JSON string value that remembers the offsets of its quotes in the text."""

    start: int
    end: int


@dataclass
class Entry:
    """One stretch of speech found in the JSON: speaker, string values, start in seconds."""

    speaker: str | None
    texts: list[Located]
    start: float | None = None


class _LocatingDecoder(json.JSONDecoder):
    def __init__(self) -> None:
        super().__init__(strict=False)
        self.parse_string = _locate_string
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]  # stdlib, not in typeshed


def _locate_string(text: str, end: int, strict: bool) -> tuple[Located, int]:
    value, after = json.decoder.scanstring(text, end, strict)  # type: ignore[attr-defined]  # stdlib, not in typeshed
    located = Located(value)
    located.start, located.end = end - 1, after
    return located, after


def parse_located(text: str, rel: str) -> Any:
    """The decoded JSON, its string values carrying their offsets; InputError with the line if invalid."""
    try:
        return _LocatingDecoder().decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(rel, f"the file is not valid JSON ({exc.msg})", hint=HINT, line=exc.lineno) from None
    except RecursionError:
        raise InputError(rel, "the JSON is nested too deeply to be a transcript", hint=HINT) from None


def read_json(lines: tuple[str, ...], rel: str) -> tuple[list[DraftTurn], list[Problem]]:
    """Draft turns of a JSON transcript, and a warning when escapes stay in the text."""
    text = "\n".join(lines)
    entries = find_entries(parse_located(text, rel))
    if entries is None:
        raise InputError(rel, "no transcript segments found in the JSON", hint=HINT)
    starts = _line_starts(lines)
    drafts = [_draft(e, text, starts) for e in entries]
    drafts = merge_runs([d for d in drafts if d.spans])
    escaped = sum(1 for d in drafts if any("\\" in lines[s.line - 1][s.start : s.end] for s in d.spans))
    problems = []
    if escaped:
        reason = f'{escaped} turn(s) keep JSON escape sequences (such as \\" or \\u00e9) as written'
        problems.append(Problem(rel, reason, "quotes show the raw JSON text there", severity="warning"))
    return drafts, problems


def _line_starts(lines: tuple[str, ...]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return starts


def _draft(entry: Entry, text: str, starts: list[int]) -> DraftTurn:
    spans: list[Span] = []
    for value in entry.texts:
        spans.extend(_value_spans(value, text, starts))
    return DraftTurn(entry.speaker, spans, format_clock(entry.start))


def _value_spans(value: Located, text: str, starts: list[int]) -> list[Span]:
    """Pieces of a string value's raw content, split at whitespace escapes and line breaks."""
    spans: list[Span] = []
    begin, stop = value.start + 1, value.end - 1
    cuts = [(m.start(), m.end()) for m in WHITESPACE_ESCAPE.finditer(text, begin, stop) if _unescaped(text, m.start())]
    position = begin
    for cut_start, cut_end in [*cuts, (stop, stop)]:
        spans.extend(_offset_spans(position, cut_start, text, starts))
        position = cut_end
    return spans


def _unescaped(text: str, index: int) -> bool:
    """True when the backslash at `index` is not itself escaped."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 0


def _offset_spans(begin: int, end: int, text: str, starts: list[int]) -> list[Span]:
    spans: list[Span] = []
    while begin < end:
        row = bisect.bisect_right(starts, begin) - 1
        line_end = min(end, starts[row + 1] - 1 if row + 1 < len(starts) else len(text))
        line = text[starts[row] : starts[row + 1] - 1] if row + 1 < len(starts) else text[starts[row] :]
        spans.extend(cut_pieces(row + 1, line, begin - starts[row], line_end - starts[row]))
        begin = line_end + 1
    return spans


def find_entries(data: Any) -> list[Entry] | None:
    """The speech in a decoded JSON document, or None when it holds no known transcript shape."""
    if isinstance(data, dict) and isinstance(data.get("results"), dict) and "transcripts" in data["results"]:
        return _aws_entries(data["results"])
    found = _segment_list(data, depth=0)
    if found is not None:
        items, key = found
        return [e for e in (_entry(item, key in MS_LISTS) for item in items) if e is not None]
    if isinstance(data, dict) and isinstance(data.get("text"), str):
        return [Entry(None, [data["text"]])]
    return None


def _segment_list(data: Any, depth: int) -> tuple[list, str] | None:
    """The first list of speech objects, preferring well-known keys, searched three levels deep."""
    if _is_segment_list(data):
        return data, ""
    if not isinstance(data, dict) or depth > 2:
        return None
    keys = [k for k in LIST_KEYS if k in data] + [k for k in data if k not in LIST_KEYS]
    for key in keys:
        if _is_segment_list(data[key]):
            return data[key], key
    for key in keys:
        found = _segment_list(data[key], depth + 1)
        if found is not None:
            return found
    return None


def _is_segment_list(value: Any) -> bool:
    if not isinstance(value, list) or not value:
        return False
    speech = sum(1 for item in value if isinstance(item, dict) and (_text_of(item) or "elements" in item))
    return speech * 2 >= len(value)


def _text_of(item: dict) -> Located | None:
    for key in TEXT_KEYS:
        if isinstance(item.get(key), Located):
            return item[key]
    return None


def _entry(item: Any, in_ms: bool) -> Entry | None:
    if not isinstance(item, dict):
        return None
    own = _text_of(item)
    texts = [own] if own else _rev_elements(item.get("elements"))
    if not texts:
        return None
    return Entry(_speaker_of(item), texts, _start_of(item, in_ms))


def _rev_elements(elements: Any) -> list[Located]:
    if not isinstance(elements, list):
        return []
    return [e["value"] for e in elements if isinstance(e, dict) and isinstance(e.get("value"), Located)]


def _speaker_of(item: dict) -> str | None:
    for key in SPEAKER_KEYS:
        value = item.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            name = " ".join(str(value).split())
            return name if isinstance(value, str) else f"Speaker {name}"
    return None


def _start_of(item: dict, in_ms: bool) -> float | None:
    for key in START_KEYS:
        if key in item:
            return _seconds(item[key], in_ms or key.lower().endswith("ms"))
    return None


def _seconds(value: Any, in_ms: bool) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value / 1000 if in_ms else float(value)
    if isinstance(value, str):
        clock = parse_clock(value)
        if clock is not None:
            return clock
        try:
            return float(value) / (1000 if in_ms else 1)
        except ValueError:
            return None
    return None


def _aws_entries(results: dict) -> list[Entry]:
    """AWS Transcribe: audio segments, else items grouped by speaker, else the plain transcripts."""
    segments = results.get("audio_segments")
    if isinstance(segments, list) and any(isinstance(s, dict) and s.get("transcript") for s in segments):
        return [e for e in (_aws_segment(s) for s in segments) if e is not None]
    grouped = _aws_items(results)
    if grouped:
        return grouped
    transcripts = results.get("transcripts")
    items = transcripts if isinstance(transcripts, list) else []
    texts = [t.get("transcript") for t in items if isinstance(t, dict)]
    return [Entry(None, [text]) for text in texts if isinstance(text, Located)]


def _aws_segment(segment: Any) -> Entry | None:
    if not isinstance(segment, dict) or not isinstance(segment.get("transcript"), Located):
        return None
    return Entry(_speaker_of(segment), [segment["transcript"]], _seconds(segment.get("start_time"), False))


def _aws_items(results: dict) -> list[Entry]:
    """Word items grouped into runs of one speaker; [] when the items name no speakers."""
    items = results.get("items")
    if not isinstance(items, list):
        return []
    by_time = _aws_speaker_times(results.get("speaker_labels"))
    entries: list[Entry] = []
    speaker: str | None = None
    for item in items:
        word = _aws_word(item)
        if word is None:
            continue
        label = item.get("speaker_label") or by_time.get(str(item.get("start_time")))
        speaker = str(label) if label else speaker
        if not entries or (label and entries[-1].speaker != speaker):
            entries.append(Entry(speaker, [], _seconds(item.get("start_time"), False)))
        entries[-1].texts.append(word)
    return entries if any(e.speaker for e in entries) else []


def _aws_word(item: Any) -> Located | None:
    if not isinstance(item, dict) or not isinstance(item.get("alternatives"), list) or not item["alternatives"]:
        return None
    first = item["alternatives"][0]
    content = first.get("content") if isinstance(first, dict) else None
    return content if isinstance(content, Located) else None


def _aws_speaker_times(labels: Any) -> dict[str, str]:
    """start_time -> speaker label from `speaker_labels.segments[].items[]`."""
    found: dict[str, str] = {}
    segments = labels.get("segments") if isinstance(labels, dict) else None
    for segment in segments if isinstance(segments, list) else []:
        for item in segment.get("items", []) if isinstance(segment, dict) else []:
            if isinstance(item, dict) and item.get("start_time") is not None and item.get("speaker_label"):
                found[str(item["start_time"])] = str(item["speaker_label"])
    return found
