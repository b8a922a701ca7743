"""The survey family of ingest: exports of Qualtrics, SurveyMonkey, Google Forms,
Typeform, Microsoft Forms, enterprise tools (Unipark/EFS style), any other CSV/TSV/XLSX
table, and a `participants.csv` roster.

A survey `Source` (see `synth.records`):

- `lines`: one per spreadsheet row, header rows included (row N is ``lines[N-1]``),
  the row's cells joined by a tab, each cell exactly as exported;
- `turns`: one per open-text answer, spoken by the respondent id, with the column's
  question and name; its span is the cell inside its row's line;
- `speakers`: every kept respondent (role "participant");
- `columns`: every column with its role, question, an example (redacted for PII)
  and the reason for the role (see `synth.ingest.survey_roles`);
- `attributes`: per respondent, closed answers (single choice, ordinal, binned
  numbers, and multi choice as "; "-joined options); never PII or metadata;
- `dropped_rows`: junk rows left out: empty rows, rows answering nothing, "test"
  rows, Qualtrics preview/test/spam responses, EFS tester rows.

Respondents' ids, turns, attributes and identities are made by `synth.ingest.survey_respondents`.
`survey.yaml` beside an export overrides roles, the sheet, the id column and names a
segment column (`synth.ingest.survey_config`). A roster (`participants.csv`) becomes
a Source of kind "participants" whose attributes are keyed by the first column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from synth.errors import InputError
from synth.ingest.survey_attributes import plan_attributes
from synth.ingest.survey_config import SurveyConfig, load_survey_config
from synth.ingest.survey_headers import Header, detect_format, parse_header
from synth.ingest.survey_respondents import (
    answer_turns,
    attribute_keys,
    closed_answers,
    respondent_dates,
    respondent_identities,
    respondent_ids,
    respondent_keys,
    value_formats,
)
from synth.ingest.survey_roles import ColumnFacts, Inferred, content_role, header_role, option_group_roles, short
from synth.ingest.survey_roster import read_roster
from synth.ingest.survey_tables import Table, guess_delimiter, load_table, parse_text
from synth.pii import find_pii
from synth.records import Column, Problem, Source, Speaker, Turn

TEXT_SUFFIXES = {".csv", ".tsv", ".tab"}
BOOK_SUFFIXES = {".xlsx", ".xlsm"}
ROSTER_NAMES = {"participants", "roster", "participant_attributes", "participants_attributes"}
ROSTER_FIRST = {"participant", "participant id", "participant_id", "participant name", "interviewee", "speaker"}
MISSING_CODES = {"-99", "-66", "-77", "-88"}  # EFS/SPSS "not answered", "not shown"
ANSWER_ROLES = ("open_text", "single_choice", "multi_choice", "ordinal", "numeric")
PII_EXAMPLES = (("mail", "[email]"), ("phone", "[phone]"), ("ip", "[ip address]"), ("name", "[name]"))
QUALTRICS_JUNK = {"survey preview", "survey test", "spam", "1", "2", "8", "17"}
TEST_ANSWER = re.compile(r"^(?:(?:test(?:ing)?|asdf|xxx|dummy|qwerty|lorem|ipsum|blah)\W*)+$", re.IGNORECASE)
MASH = re.compile(r"^(?:[asdfghjkl]{2,}|[qwertyuiop]{4,}|(\w)\1{2,})$", re.IGNORECASE)  # keyboard mashing


@dataclass(frozen=True)
class Survey:
    """A table read with its header understood and its columns' roles decided."""

    table: Table
    header: Header
    facts: tuple[ColumnFacts, ...]
    inferred: tuple[Inferred, ...]
    rows: tuple[int, ...]  # kept response rows (1-based row numbers)
    dropped: int
    problems: tuple[Problem, ...]


def sniff(path: Path, head: str) -> str | None:
    """ "participants" for a roster, the survey tool's name for a text table, "xlsx" for a
    workbook; None for anything else (a transcript that happens to hold commas is not a table)."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | BOOK_SUFFIXES and not (suffix == ".txt" and _text_table(head)):
        return None
    if path.stem.lower() in ROSTER_NAMES:
        return "participants"
    if suffix in BOOK_SUFFIXES:
        return "xlsx"
    try:
        table = parse_text(head.lstrip("\ufeff"), path.name, suffix=suffix)
    except InputError:
        return "csv"
    first = table.rows[0][0].strip().lower() if table.rows[0] else ""
    return "participants" if first in ROSTER_FIRST else detect_format(table.rows, guess_delimiter(head))


def _text_table(head: str) -> bool:
    from synth.ingest.transcripts import looks_like_table

    return looks_like_table(head.lstrip("\ufeff"))


def read_table(path: Path, sheet: str | None = None) -> Table:
    """The cells of a CSV/TSV/XLSX file, header rows included (for `synth inspect` and tests)."""
    return load_table(Path(path), Path(path).name, sheet=sheet)


def read(path: Path, rel: str, fmt: str) -> Source:
    """Read one table as a survey, or as a roster when it is named like one (participants.csv)
    or starts with a participant column and holds no open answers; raises InputError."""
    config = load_survey_config(path.parent, Path(rel).parent.as_posix().strip("."))
    table = load_table(path, rel, sheet=config.sheet)
    if path.stem.lower() in ROSTER_NAMES:
        return read_roster(table, rel)
    survey = understand(table, rel, config)
    if fmt == "participants" and not any(r.role == "open_text" for r in survey.inferred):
        return read_roster(table, rel)
    return build_source(survey, rel, config)


def understand(table: Table, rel: str, config: SurveyConfig = SurveyConfig()) -> Survey:
    """Header, kept rows and column roles of a survey table."""
    fmt = detect_format(table.rows, table.delimiter)
    if table.sheet is not None and fmt == "csv":
        fmt = "xlsx"
    header = parse_header(table.rows, fmt)
    if len(table.rows) <= header.rows:
        raise InputError(rel, "the table has a header but no responses", hint="export the responses again")
    problems = list(_ragged(table, header, rel))
    cells = _answer_grid(table, header)
    kept, dropped = _drop_status_rows(cells, header)
    facts = _facts(header, cells, kept)
    inferred = infer_roles(facts, config, rel, problems)
    answered, unanswered, tests = _drop_empty_rows(cells, kept, inferred)
    facts = _facts(header, cells, answered) if unanswered else facts
    problems.extend(_dropped_note(rel, dropped, unanswered, tests))
    return Survey(table, header, facts, inferred, tuple(answered), len(dropped) + len(unanswered), tuple(problems))


def _dropped_note(rel: str, status: list[int], unanswered: list[int], tests: list[int]) -> list[Problem]:
    """One warning saying which rows were left out and why (`synth inspect` and run.json show it)."""
    reasons = [(status, "are empty or marked as previews, tests or spam by the survey tool"),
               ([n for n in unanswered if n not in tests], "answer none of the questions"),
               (tests, "hold only test answers ('test', 'asdf', keyboard mashing)")]  # fmt: skip
    said = [f"{len(rows)} {why} (row {', '.join(map(str, rows[:5]))}{' ...' if len(rows) > 5 else ''})" for rows, why in reasons if rows]
    if not said:
        return []
    first = min(n for rows, _ in reasons for n in rows)
    return [
        Problem(
            rel, "rows left out: " + "; ".join(said), hint="nothing to do unless a real answer was dropped", row=first, severity="warning"
        )
    ]


def _answer_grid(table: Table, header: Header) -> dict[int, tuple[str, ...]]:
    """Row number -> cells padded to the header width; EFS missing codes read as empty."""
    width = len(header.names)
    grid = {}
    for number, row in enumerate(table.rows[header.rows :], header.rows + 1):
        cells = tuple(row[:width]) + ("",) * (width - len(row))
        if header.fmt == "enterprise":
            cells = tuple("" if c.strip() in MISSING_CODES else c for c in cells)
        grid[number] = cells
    return grid


def _ragged(table: Table, header: Header, rel: str):
    """One warning for rows wider or narrower than the header (the first such row named)."""
    width = len(header.names)
    odd = [n for n, row in enumerate(table.rows[header.rows :], header.rows + 1) if len(row) < width or any(c.strip() for c in row[width:])]
    if odd:
        yield Problem(
            rel,
            f"{len(odd)} row(s) do not have the header's {width} cells; extra cells were left out",
            hint="check the delimiter and quoting of the export",
            row=odd[0],
            severity="warning",
        )


def _drop_status_rows(grid, header: Header) -> tuple[list[int], list[int]]:
    """Rows kept, and rows left out: empty rows, Qualtrics previews/tests/spam and EFS testers."""
    status = [i for i, name in enumerate(header.names) if name.lower() in {"status", "tester"}]
    kept, dropped = [], []
    for number, cells in grid.items():
        junk = not any(c.strip() for c in cells) or any(_junk_status(cells[i], header) for i in status)
        if junk:
            dropped.append(number)
        else:
            kept.append(number)
    return kept, dropped


def _junk_status(value: str, header: Header) -> bool:
    text = value.strip().lower()
    return text == "tester" or (header.fmt == "qualtrics" and text in QUALTRICS_JUNK)


def _facts(header: Header, grid, rows: Sequence[int]) -> tuple[ColumnFacts, ...]:
    codes = header.codes or ("",) * len(header.names)
    return tuple(
        ColumnFacts(name, question, label, code, tuple(grid[n][i] for n in rows))
        for i, (name, question, label, code) in enumerate(zip(header.names, header.questions, header.labels, codes))
    )


def infer_roles(facts: Sequence[ColumnFacts], config: SurveyConfig, rel: str, problems: list) -> tuple[Inferred, ...]:
    """Every column's role: survey.yaml first, then option groups (their cells only repeat the
    option's name, so "Phone" there is a channel, not a phone number), the header, the answers."""
    overrides = _match_overrides(facts, config, rel, problems)
    groups = option_group_roles(facts)
    listed = {find_column(facts, column) for column in config.attributes}  # survey.yaml says: closed answers
    roles = []
    for index, fact in enumerate(facts):
        if index in overrides:
            roles.append(overrides[index])
            continue
        role = groups.get(index) or header_role(fact) or content_role(fact)
        if index in listed and role.role == "open_text" and _short_answers(fact):
            role = Inferred("single_choice", "listed under attributes: in survey.yaml")
        roles.append(role)
    return _one_id(roles, facts)


def _short_answers(fact: ColumnFacts, most_words: float = 4.0) -> bool:
    """Whether a column's answers read like options ("Every week", "25-34"), so survey.yaml's `attributes:`
    may make it closed; longer answers stay open text (their quotes are evidence) unless `columns:` says
    otherwise. 4 words: the longest option in our own fixtures (tests/ingest/test_survey_attributes.py)."""
    counts = [len(a.split()) for a in fact.answers if a.strip()]
    return bool(counts) and sum(counts) / len(counts) <= most_words


def _match_overrides(facts, config: SurveyConfig, rel: str, problems: list) -> dict[int, Inferred]:
    wanted = dict(config.columns)
    if config.id_column:
        wanted[config.id_column] = "respondent_id"
    found = {}
    for key, role in wanted.items():
        index = find_column(facts, key)
        if index is None:
            problems.append(
                Problem(
                    rel,
                    f"survey.yaml names column {key!r}, which this table does not have",
                    hint="use a column name as `synth inspect` shows it",
                    severity="warning",
                )
            )
        else:
            found[index] = Inferred(role, "set in survey.yaml")
    return found


def find_column(facts: Sequence[ColumnFacts], key: str) -> int | None:
    """A column by name, else by question text or label (ignoring case)."""
    wanted = key.strip().casefold()
    for attr in ("name", "question", "label"):
        for index, fact in enumerate(facts):
            if getattr(fact, attr).strip().casefold() == wanted:
                return index
    return None


def _one_id(roles: list[Inferred], facts) -> tuple[Inferred, ...]:
    """Only the first id column names respondents; later ones are metadata."""
    ids = [i for i, r in enumerate(roles) if r.role == "respondent_id"]
    set_in_config = [i for i in ids if roles[i].reason == "set in survey.yaml"]
    keep = next(iter(set_in_config or ids), None)
    return tuple(
        Inferred("metadata", f"another id column ({facts[keep].name!r} names respondents)")
        if r.role == "respondent_id" and i != keep
        else r
        for i, r in enumerate(roles)
    )


def is_test_answer(text: str) -> bool:
    """ "test", "testing 123", "asdf", "adf asdf", "xxx": someone trying the form, not answering it.
    A home-row word that is a word ("glad", "sad", "flash") is an answer."""
    if TEST_ANSWER.match(text.strip()):
        return True
    from synth.privacy.words import is_dictionary_word

    tokens = re.findall(r"\w+", text)
    return bool(tokens) and all(MASH.match(t) and not is_dictionary_word(t) for t in tokens)


def _drop_empty_rows(grid, rows: list[int], inferred) -> tuple[list[int], list[int], list[int]]:
    """Rows kept, rows left out, and those of them whose every open answer is a test string."""
    answer_cols = [i for i, r in enumerate(inferred) if r.role in ANSWER_ROLES]
    open_cols = [i for i, r in enumerate(inferred) if r.role == "open_text"]
    kept: list[int] = []
    dropped: list[int] = []
    tests: list[int] = []
    for number in rows:
        cells = grid[number]
        answered = any(cells[i].strip() for i in answer_cols) or not answer_cols
        opens = [cells[i].strip() for i in open_cols if cells[i].strip()]
        test_row = bool(opens) and all(is_test_answer(a) for a in opens)
        (kept if answered and not test_row else dropped).append(number)
        if test_row:
            tests.append(number)
    return kept, dropped, tests


def build_source(survey: Survey, rel: str, config: SurveyConfig = SurveyConfig()) -> Source:
    """The Source of a survey: lines, respondents, their open answers as turns, closed answers."""
    lines = tuple("\t".join(row) for row in survey.table.rows)
    ids, id_problems = respondent_ids(survey, rel)
    keys, shown = attribute_keys(survey), value_formats(survey)
    segment = find_column(survey.facts, config.segment) if config.segment else None
    problems = list(survey.problems) + id_problems
    if config.segment and segment is None:
        problems.append(
            Problem(
                rel,
                f"survey.yaml names segment column {config.segment!r}, which this table does not have",
                hint="use a column name as `synth inspect` shows it",
                severity="warning",
            )
        )
    plan = plan_attributes(survey, keys, config, rel, problems)
    turns: list[Turn] = []
    attributes: dict[str, dict[str, str]] = {}
    memo: dict[str, bool] = {}
    for position, number in enumerate(survey.rows):
        speaker = ids[number]
        turns.extend(answer_turns(survey, number, position, speaker, memo))
        found = closed_answers(survey, position, keys, shown, segment)
        attributes[speaker] = plan.apply(found) if plan else found
    return Source(
        id="",
        path=rel,
        kind="survey",
        format=survey.header.fmt,
        sha256="",
        lines=lines,
        turns=tuple(turns),
        speakers=tuple(Speaker(ids[n], "participant", "survey respondent") for n in survey.rows),
        columns=_columns(survey),
        attributes=attributes,
        problems=tuple(problems),
        dropped_rows=survey.dropped,
        sheet=survey.table.sheet,
        sheets=survey.table.sheets,
        identities=respondent_identities(survey, ids),
        dates=respondent_dates(survey, ids),
        respondent_keys=respondent_keys(survey, ids),
        mapped_attributes=dict(plan.columns) if plan else {},
    )


def _columns(survey: Survey) -> tuple[Column, ...]:
    return tuple(
        Column(name=fact.name, role=role.role, question=fact.question, example=_example(fact, role), reason=role.reason)
        for fact, role in zip(survey.facts, survey.inferred)
    )


def _example(fact: ColumnFacts, role: Inferred) -> str:
    """A first non-empty answer to show in `synth inspect`, with emails, phones and the like
    masked; a PII column only says what it holds."""
    value = next((a.strip() for a in fact.answers if a.strip()), "")
    if value and role.role == "pii":
        text = f"{fact.name} {fact.question}".lower()
        return next((shown for cue, shown in PII_EXAMPLES if cue in text), "[redacted]")
    for found in reversed(find_pii(value)):
        value = value[: found.start] + found.placeholder + value[found.end :]
    return short(value, 60)
