"""Typed records that flow forward through the pipeline.

Every record is a frozen dataclass with a stable string id and, where it holds
participant words, the exact place in its source those words came from.

Offsets: a `Span` names a 1-based `line` of the source's *text lines* and the
character range `[start, end)` inside that line. What a "line" is depends on the
format, and every reader documents it:

- plain text, markdown, VTT, SRT, SBV, JSON: a physical line of the decoded file
  (after BOM removal, with `\\r\\n` treated as one break);
- docx: a paragraph (1-based, in `python-docx` `Document.paragraphs` order; table
  cells follow the body paragraphs);
- pdf: a line of the page text, numbered across the whole document;
- surveys: a spreadsheet row (1-based, header rows included) and the column.

`Source.lines` holds those lines verbatim, so a quote can always be checked:
``source.lines[span.line - 1][span.start:span.end]`` is the piece it was cut from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

SPEAKER_ROLES = ("interviewer", "participant")
SOURCE_KINDS = ("transcript", "survey", "participants")
COLUMN_ROLES = ("respondent_id", "open_text", "single_choice", "multi_choice", "ordinal", "numeric", "metadata", "pii", "ignored")


@dataclass(frozen=True)
class Problem:
    """Something wrong with an input, reported and carried into `run.json`.

    `severity` is "error" (the file or part of it could not be read) or
    "warning" (read, but something looks off). Never holds participant words.
    """

    path: str
    reason: str
    hint: str = ""
    line: int | None = None
    row: int | None = None
    column: str | None = None
    severity: str = "error"

    def describe(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        text = f"{where}: {self.reason}"
        return f"{text} ({self.hint})" if self.hint else text


@dataclass(frozen=True)
class Span:
    """A piece of a source line: `lines[line - 1][start:end]`."""

    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Speaker:
    """A voice in a source. `name` is the label as written (PII: never logged)."""

    name: str
    role: str  # one of SPEAKER_ROLES
    role_reason: str = ""  # e.g. "label 'Interviewer'", "asks 80% of questions"


@dataclass(frozen=True)
class Turn:
    """What one speaker said in one go, verbatim.

    `text` is the pieces of `spans` joined by a single space, so it can always be
    rebuilt from the source. `question` is the interviewer's question this turn
    answers (transcripts) or the column's question text (surveys).
    """

    speaker: str
    text: str
    spans: tuple[Span, ...]
    timestamp: str | None = None  # "hh:mm:ss" where the format has times
    question: str | None = None
    column: str | None = None  # survey column name for open-text answers
    heading: str | None = None  # markdown notes: the section heading it sits under


@dataclass(frozen=True)
class Column:
    """A survey column and the role inferred (or set in survey.yaml) for it."""

    name: str
    role: str  # one of COLUMN_ROLES
    question: str = ""  # full question text where the export has one
    example: str = ""  # an example value, redacted by the reader for PII roles
    reason: str = ""  # why this role was chosen


@dataclass(frozen=True)
class Source:
    """One input file, read.

    For surveys each respondent is a speaker (name = respondent id) with role
    "participant"; closed answers are in `attributes[speaker]`.
    """

    id: str  # stable: derived from the relative path
    path: str  # relative to the common root of the input folders (POSIX, control characters escaped)
    kind: str  # one of SOURCE_KINDS
    format: str  # "txt", "md", "vtt", "srt", "sbv", "docx", "pdf", "json", "qualtrics", ...
    sha256: str
    lines: tuple[str, ...]
    turns: tuple[Turn, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    columns: tuple[Column, ...] = ()
    attributes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    language: str = "en"
    problems: tuple[Problem, ...] = ()
    dropped_rows: int = 0  # survey junk rows (empty, "test test") dropped
    sheet: str | None = None  # workbooks: the sheet read as the responses
    sheets: tuple[str, ...] = ()  # workbooks: every sheet, in workbook order
    # speaker / roster row -> the values that identify them (respondent id, email, name, aliases):
    # used only to join people across sources (`synth.participant_join`), never written out
    identities: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    rows: Mapping[str, int] = field(default_factory=dict)  # roster: row key -> its row number
    # surveys: respondent -> the raw cell of the submission-date column (Timestamp, StartDate ...), for
    # ordering the study by date (`synth.study_order`); kept in memory only, never written out
    dates: Mapping[str, str] = field(default_factory=dict, repr=False)
    # surveys: respondent -> the id cell naming them (only rows with a filled, unique id), to join the same
    # respondent across exports and coding workbooks; never written out
    respondent_keys: Mapping[str, str] = field(default_factory=dict, repr=False)
    # surveys: attribute name -> the column survey.yaml's `attributes:` mapped to it
    mapped_attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Participant:
    """A person whose words become evidence.

    `key` is a stable, name-free fingerprint of (source path, speaker) used to
    match participants across re-runs; `id` is the readable alias (P03) that also
    replaces their name in redacted text.
    """

    id: str
    key: str
    source_ids: tuple[str, ...]
    attributes: Mapping[str, str] = field(default_factory=dict)
    # every (source anchor, speaker) key joined into this participant (`key` is the first);
    # empty for a participant of one source, whose only key is `key`
    member_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unit:
    """One piece of evidence: one to a few sentences of one participant's turn.

    `text` is verbatim and unredacted (it never leaves the tool); `quote` is what
    every output shows (redacted unless the user opted out); `clean_text` is for
    modelling (markup and fillers removed).
    """

    id: str
    participant_id: str
    source_id: str
    text: str
    quote: str
    clean_text: str
    spans: tuple[Span, ...]
    location: str  # "line 12", "lines 12-14", "00:01:02, line 14", "row 5, column Q3"
    speaker_role: str = "participant"
    question: str | None = None
    heading: str | None = None
    language: str = "en"


@dataclass(frozen=True)
class Label:
    """One tag on a unit, with a score in [0, 1] and a reason a reviewer can check."""

    id: str
    score: float
    reason: str


@dataclass(frozen=True)
class Tagging:
    """Everything the tagger decided about one unit."""

    unit_id: str
    stage: Label | None
    kinds: tuple[Label, ...] = ()
    touchpoints: tuple[Label, ...] = ()
    sentiment: float = 0.0  # -1 (very negative) .. 1 (very positive)
    sentiment_reason: str = ""
    themes: tuple[str, ...] = ()  # Theme ids


@dataclass(frozen=True)
class Theme:
    """Similar units inside one stage and kind, with a short readable label."""

    id: str
    stage: str | None
    kind: str
    label: str
    unit_ids: tuple[str, ...]
    headline: str | None = None  # unit id of its most representative substantive quote


@dataclass(frozen=True)
class TagResult:
    taggings: tuple[Tagging, ...]
    themes: tuple[Theme, ...]


@dataclass(frozen=True)
class Clustering:
    """Participants grouped into persona candidates.

    `assignments` maps participant id -> cluster index, or -1 for participants
    who fit no persona. `stability[i]` is in [0, 1] (mean best-match Jaccard over
    resamples).
    """

    assignments: Mapping[str, int]
    k: int
    stability: tuple[float, ...]
    overall_stability: float
    method: str
    warnings: tuple[str, ...] = ()
    unassigned: Mapping[str, str] = field(default_factory=dict)  # participant id -> why they fit no persona
    source_dependence: float | None = None  # Cramér's V between persona and source kind (None: one kind or k=1)
    attribute_mapping: Mapping[str, str] = field(default_factory=dict)  # attribute name -> the name it was merged into


@dataclass(frozen=True)
class Finding:
    """A lane entry in a persona or map: a label with the evidence behind it."""

    label: str
    count: int  # units
    participants: int
    unit_ids: tuple[str, ...]
    ref: str | None = None  # theme id, touchpoint id, ...


@dataclass(frozen=True)
class AttributeLift:
    """A distinguishing attribute: "62% aged 18-24 vs 31% overall"."""

    name: str
    value: str
    share: float
    overall: float
    lift: float


@dataclass(frozen=True)
class Persona:
    id: str
    name: str
    participant_ids: tuple[str, ...]
    share: float
    stability: float
    confidence: float
    attributes: tuple[AttributeLift, ...] = ()
    motivations: tuple[Finding, ...] = ()
    pain_points: tuple[Finding, ...] = ()
    touchpoints: tuple[Finding, ...] = ()
    emotional_high: str | None = None  # stage id
    emotional_low: str | None = None
    quotes: tuple[str, ...] = ()  # unit ids, from different participants
    flags: tuple[str, ...] = ()  # e.g. "unstable", "small"
    summary: str = ""  # 2-3 sentences built only from the fields above (see synthesize.summary_text)
    status: str = "draft"  # draft | approved | rejected (from review)


@dataclass(frozen=True)
class Opportunity:
    """A future-state "How might we" question drawn from one pain-point or unmet-motivation theme
    of a stage cell (see `synth.opportunities`): the units behind it, how many people it touches
    and the rank score (participants weighted by how negative the stage feels)."""

    text: str  # "How might we ...?"
    theme_id: str | None
    draft: bool = True
    kind: str = "pain_point"  # pain_point | motivation
    unit_ids: tuple[str, ...] = ()
    participants: int = 0
    score: float = 0.0


@dataclass(frozen=True)
class ChannelPath:
    """One multichannel path of a map: the touchpoints participants used, in stage order
    ("App → Chat → Phone"), how many participants show exactly this path, and their units."""

    touchpoints: tuple[str, ...]  # touchpoint ids
    labels: tuple[str, ...]
    participants: int
    unit_ids: tuple[str, ...]

    @property
    def text(self) -> str:
        return " \u2192 ".join(self.labels)


@dataclass(frozen=True)
class StageCell:
    """One stage column of a journey map: every lane for that stage."""

    stage: str
    actions: tuple[Finding, ...] = ()
    touchpoints: tuple[Finding, ...] = ()
    motivations: tuple[Finding, ...] = ()
    pain_points: tuple[Finding, ...] = ()
    emotion_mean: float | None = None  # None when no unit speaks to it
    emotion_count: int = 0
    quotes: tuple[str, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    participants: int = 0
    units: int = 0
    share: float = 0.0  # participants / the map's participants

    @property
    def thin(self) -> bool:
        """Backed by a single participant: one voice, not a pattern."""
        return self.participants == 1


@dataclass(frozen=True)
class JourneyMap:
    persona_id: str  # a persona id, or "all"
    name: str
    participants: int
    stages: tuple[StageCell, ...]
    paths: tuple[ChannelPath, ...] = ()
