"""The order participants joined the study: by date when every one of them has a date, else file order.

Saturation ("have we talked to enough people?") is a question about time: did the last people
we talked to still bring something new? File order answers it only when files are named in
the order they were collected. So a participant's date is taken, when the inputs carry one:

- a survey respondent: the cell of the export's submission-date column (`DATE_COLUMNS`:
  Google Forms "Timestamp", Qualtrics "RecordedDate"/"StartDate", SurveyMonkey "Start Date",
  Typeform "Submit Date (UTC)", Microsoft Forms "Completion time" ...; the first that exists,
  in that order). The ingest reader keeps these cells in memory only (`Source.dates`); they are
  never written out. Whether "03/04/2026" is day or month first is decided per column: a first
  number above 12 anywhere means day first, a second number above 12 month first; when no
  value decides, month first (the Google Forms and SurveyMonkey US default), said in the label;
- a transcript's speakers: a date in the file name (2026-03-14, 2026_03_14, 20260314) or else in
  the lines before its first turn ("Interview with ..., 14 March 2026", a WebVTT NOTE);
- a person in several sources: their earliest date.

Only when every participant has a date is the study ordered by date (ties keep file order);
with some undated, mixing two orders would be arbitrary, so file order is used and the label
says how many lack a date. Dates never leave this module: the result is participant ids in
order and a label for run.json and the report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from synth.records import Participant, Source

DATE_COLUMNS = (
    "timestamp", "recordeddate", "recorded date", "enddate", "end date", "submit date (utc)", "submitted at",
    "completion time", "startdate", "start date", "start date (utc)", "start time", "date submitted", "date",
)  # fmt: skip
HEADER_LINES = 10  # a transcript's date is looked for in at most this many lines before its first turn
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december"
)
_ISO = re.compile(r"(?<!\d)(20\d\d|19\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
_WORDS = re.compile(
    rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\.?,?\s+(\d{{4}})|({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}))\b",
    re.IGNORECASE,
)
_STAMP = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?", re.ASCII)
_NUMERIC = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b")
FILE_ORDER = "file order (sorted source paths, then first turn; survey rows in export order)"


@dataclass(frozen=True)
class StudyOrder:
    """Participant ids in study order, and how that order was chosen (run.json, the report)."""

    participant_ids: tuple[str, ...]
    by: str  # "date" or "file"
    label: str


def study_order(participants: Sequence[Participant], sources: Sequence[Source]) -> StudyOrder:
    """Date order when every participant has a date (see the module docstring), else file order."""
    from synth.segment import participant_index

    ids = tuple(p.id for p in participants)
    dates: dict[str, datetime] = {}
    per_source = {s.id: _speaker_dates(s) for s in sources}
    for (source_id, speaker), pid in participant_index(participants, sources).items():
        found = per_source[source_id].get(speaker)
        if found is not None and (pid not in dates or found < dates[pid]):
            dates[pid] = found
    if not ids or not dates:
        return StudyOrder(ids, "file", FILE_ORDER)
    missing = [pid for pid in ids if pid not in dates]
    if missing:
        return StudyOrder(ids, "file", f"{FILE_ORDER}; not by date: {len(missing)} of {len(ids)} participants have no date")
    position = {pid: i for i, pid in enumerate(ids)}  # file order breaks ties (a dict: `ids.index` was N^2)
    ordered = tuple(sorted(ids, key=lambda pid: (dates[pid], position[pid])))
    return StudyOrder(ordered, "date", f"date order ({_describe(sources)})")


def _speaker_dates(source: Source) -> Mapping[str, datetime]:
    if source.kind == "participants":  # the roster: no one speaks in it
        return {}
    if source.kind == "survey":
        return survey_dates(source.dates)
    when = transcript_date(source)
    return {s.name: when for s in source.speakers} if when is not None else {}


def _describe(sources: Sequence[Source]) -> str:
    parts = []
    if any(s.kind == "survey" for s in sources):
        parts.append("survey submission dates")
    if any(s.kind not in ("survey", "participants") for s in sources):
        parts.append("transcript dates from file names or headers")
    return ", ".join(parts)


def date_column(names: Sequence[str]) -> int | None:
    """Index of the submission-date column among a survey's column names (`DATE_COLUMNS` order), or None."""
    lowered = [n.strip().lower() for n in names]
    for wanted in DATE_COLUMNS:
        if wanted in lowered:
            return lowered.index(wanted)
    return None


def survey_dates(cells: Mapping[str, str]) -> dict[str, datetime]:
    """Respondent -> date of their submission-date cell; unparseable or empty cells are left out."""
    dayfirst = _day_first(cells.values())
    out = {}
    for speaker, cell in cells.items():
        when = parse_date(cell, dayfirst=dayfirst)
        if when is not None:
            out[speaker] = when
    return out


def _day_first(cells) -> bool:
    """True when some d/m/y cell has a first number above 12; False when a second one is, or none decides."""
    for cell in cells:
        match = _NUMERIC.match(cell)
        if match and int(match.group(1)) > 12:
            return True
        if match and int(match.group(2)) > 12:
            return False
    return False


def parse_date(text: str, *, dayfirst: bool = False) -> datetime | None:
    """A timestamp cell as a naive datetime (ISO, d/m/y or m/d/y with time, "14 March 2026"), else None."""
    from dateutil import parser

    text = text.strip()
    if not text or not any(c.isdigit() for c in text):
        return None
    quick = _numeric_stamp(text, dayfirst)
    if quick is not None:
        return quick
    try:
        when = parser.parse(text, dayfirst=dayfirst)
    except (ValueError, OverflowError):
        return None
    return when.replace(tzinfo=None)


def _numeric_stamp(text: str, dayfirst: bool) -> datetime | None:
    """A survey tool's "1/12/2026 13:04:05" read the way dateutil reads it, 30x sooner (dateutil
    took 2.3 s of 100,000 submission dates, bench/scale.py); None for any other form, or when the
    day and month would have to swap, so that dateutil decides those."""
    match = _STAMP.fullmatch(text)
    if match is None:
        return None
    first, second, year, hour, minute, sec = (int(g) if g else 0 for g in match.groups())
    day, month = (first, second) if dayfirst else (second, first)
    try:
        return datetime(year, month, day, hour, minute, sec)
    except ValueError:
        return None


def transcript_date(source: Source) -> datetime | None:
    """The date in a transcript's file name, else in the lines before its first turn."""
    name = PurePosixPath(source.path).name
    found = _date_in(name, words=False)
    if found is not None:
        return found
    first = min((span.line for turn in source.turns for span in turn.spans), default=1)
    for line in source.lines[: min(first - 1, HEADER_LINES)]:
        found = _date_in(line, words=True)
        if found is not None:
            return found
    return None


def _date_in(text: str, *, words: bool) -> datetime | None:
    match = _ISO.search(text)
    if match:
        try:
            return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    match = _WORDS.search(text) if words else None
    return parse_date(match.group(0)) if match else None
