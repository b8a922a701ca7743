"""Speaker lines in plain text: the transcript styles people paste into .txt, .md, .docx, .pdf.

Recognised, one line each (``TS`` is a clock time such as ``0:03`` or ``00:01:02``):

- ``Name: text``, ``Q: text``, ``Interviewer 1: text``;
- ``[TS] Name: text`` and ``TS Name: text``;
- ``Name (TS): text`` and ``Name [TS]: text`` (Rev);
- ``**Name:** text`` and ``**Name**: text`` (markdown bold);
- a speaker line with the words below it: ``[Name] TS`` (Zoom text export),
  ``Name  TS`` (Otter, Teams), or ``Name:`` alone.

Lines that are no speaker line continue the previous turn. A label counts as a
speaker when it looks like a name (one to four capitalised words, initials,
``Speaker 2``, ``P03``), is not a common heading word (``Note``, ``Date`` ...),
and either names a role (``Q``, ``Interviewer``) or starts at least two turns;
when fewer than two labels do, every name-like label counts (a very short
transcript).
A name may end in a role aside: ``Jo (Researcher)``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Mapping

from synth.ingest.pieces import DraftTurn, clock_label, cut_pieces
from synth.ingest.roles import label_role

TS = r"\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
PATTERNS = (
    ("header", re.compile(rf"^\s*\[(?P<name>[^\]]{{1,60}})\]\s+(?P<ts>{TS})\s*$")),
    ("inline", re.compile(rf"^\s*\[?(?P<ts>{TS})\]?\s*[-–—]?\s*(?P<name>[^:\[\]]{{1,60}}?)\s*:(?!//)")),
    ("inline", re.compile(rf"^\s*(?P<name>[^:\[\]()]{{1,60}}?)\s*[(\[](?P<ts>{TS})[)\]]\s*:?")),
    ("inline", re.compile(r"^\s*(?P<mark>\*\*|__)(?P<name>[^*_:]{1,60}?)\s*(?::\s*(?P=mark)|(?P=mark)\s*:)")),
    ("header", re.compile(rf"^\s*(?P<name>[^:\d\s][^:]{{0,59}}?)\s+(?P<ts>{TS})\s*$")),
    ("inline", re.compile(r"^\s*(?P<name>[^:\s][^:]{0,59}?)\s*:(?!//)")),
)
NAME_WORD = re.compile(r"^(?:[A-Z][\w.'’\-]*|\d{1,3}|[A-Z]{1,4}\d{0,3}|\(\d{1,3}\))$")
ASIDE = re.compile(r"\s*\((?:[^\W_][\w .'’\-]{0,28})\)$")
PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "du", "del", "la", "le", "bin", "al", "ten", "ter"}
STOP_LABELS = {
    "note",
    "notes",
    "nb",
    "ps",
    "re",
    "fw",
    "fwd",
    "update",
    "edit",
    "example",
    "examples",
    "tip",
    "warning",
    "important",
    "summary",
    "date",
    "time",
    "duration",
    "location",
    "place",
    "attendees",
    "participants",
    "title",
    "subject",
    "topic",
    "topics",
    "agenda",
    "source",
    "url",
    "http",
    "https",
    "email",
    "e-mail",
    "phone",
    "tel",
    "transcript",
    "recording",
    "meeting",
    "interview",
    "project",
    "context",
    "background",
    "suggestion",
    "suggestions",
    "action",
    "actions",
    "next steps",
    "todo",
    "to do",
    "goal",
    "goals",
    "result",
    "results",
    "conclusion",
    "where",
    "what",
    "when",
    "why",
    "how",
    "who",
    "which",
    "tags",
    "tag",
    "key",
    "contents",
    "comment",
    "comments",
    "feedback",
    "answers",
    "questions",
    "observation",
    "observations",
    "quote",
    "quotes",
    "also",
    "but",
    "and",
    "so",
    "then",
    "yes",
    "no",
    "ok",
    "okay",
    "well",
    "because",
    "however",
    "for example",
    "we",
    "he",
    "she",
    "they",
    "it",
    "this",
    "that",
    "there",
    "here",
    "step",
    "task",
    "version",
    "status",
    "description",
    "name",
    "type",
    "total",
    "language",
    "kind",
    "style",
    "speaker",
    "speakers",
    "audio",
    "video",
}


@dataclass(frozen=True)
class LabelMatch:
    """A speaker label found on a line: who, when, and where the words start."""

    name: str
    timestamp: str | None
    text_start: int


def looks_like_name(label: str) -> bool:
    """True for a plausible speaker label: `Jane Doe`, `Interviewer 1`, `Q`, `SPEAKER_00`, `P03`."""
    label = label.strip()
    if not label or len(label) > 40 or label.lower() in STOP_LABELS:
        return False
    aside = ASIDE.search(label)
    if aside:
        label = label[: aside.start()]
        if not label.strip():
            return False
    words = label.split()
    if words and words[0][:1].islower() and _role_label(label):
        return True  # "interviewer:", "interviewee:", "speaker 2:", "q:" in lower case
    if len(words) > 4 or not words[0][:1].isalpha() or not words[0][:1].isupper():
        return False
    return all(NAME_WORD.match(w) or w in PARTICLES or _upper_word(w) for w in words)


def _role_label(label: str) -> bool:
    """A label that names a role, whatever its case ("interviewer", "Speaker_2", "mod")."""
    return label_role(label) is not None or bool(re.match(r"^speaker[\s_-]?\d{1,3}$", label.lower()))


def _upper_word(word: str) -> bool:
    """Capitalised words outside ASCII (Zoë, Øyvind) that the ASCII pattern misses."""
    return word[:1].isupper() and all(c.isalnum() or c in ".'’-_" for c in word)


def match_label(line: str) -> LabelMatch | None:
    """The speaker label a line starts with, by the first pattern that fits, or None."""
    for _kind, pattern in PATTERNS:
        found = pattern.match(line)
        if found and looks_like_name(found.group("name")):
            name = " ".join(found.group("name").split())
            stamp = found.groupdict().get("ts")
            return LabelMatch(name, clock_label(stamp), found.end())
    return None


def accept_labels(counts: Mapping[str, int]) -> set[str]:
    """The labels that count as speakers (rule in the module doc)."""
    accepted = {name for name, n in counts.items() if n >= 2 or label_role(name) is not None}
    return accepted if len(accepted) >= 2 else set(counts)


def find_labels(
    lines: tuple[str, ...], skip: Callable[[int], bool], given: Mapping[int, LabelMatch] | None = None
) -> dict[int, LabelMatch]:
    """Accepted speaker labels by 1-based line number; `given` (docx bold runs) take precedence."""
    given = given or {}
    found: dict[int, LabelMatch] = {}
    for number, line in enumerate(lines, 1):
        if skip(number):
            continue
        match = given.get(number) or match_label(line)
        if match:
            found[number] = match
    accepted = accept_labels(Counter(m.name for m in found.values()))
    return {n: m for n, m in found.items() if m.name in accepted}


def read_speaker_lines(
    lines: tuple[str, ...],
    labels: Mapping[int, LabelMatch],
    skip: Callable[[int], bool] = lambda n: False,
    headings: Mapping[int, str] | None = None,
) -> tuple[list[DraftTurn], int]:
    """Draft turns from speaker lines and their continuation lines.

    Returns the drafts and the number of non-empty lines before the first
    speaker line (a title or metadata block: not read as speech).
    """
    headings = headings or {}
    drafts: list[DraftTurn] = []
    heading: str | None = None
    preamble = 0
    for number, line in enumerate(lines, 1):
        if number in headings:
            heading = headings[number]
            continue
        if skip(number):
            continue
        match = labels.get(number)
        if match:
            spans = cut_pieces(number, line, match.text_start)
            drafts.append(DraftTurn(match.name, spans, match.timestamp, heading))
        elif drafts:
            drafts[-1].spans.extend(cut_pieces(number, line))
        elif line.strip():
            preamble += 1
    return drafts, preamble
