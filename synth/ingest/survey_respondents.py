"""The respondents of a survey: one id per kept row, their open answers as turns, their closed
answers as attributes, and what a participants.csv row or another survey file can join them on.

Everything here reads a `synth.ingest.surveys.Survey` (a table with its header understood and
its columns' roles decided); `surveys.build_source` puts the pieces into the survey's `Source`.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Callable, Sequence

from synth.clean import is_non_answer
from synth.ingest.survey_roles import NPS_HEADER, OptionSplitter, is_chosen
from synth.records import Problem, Span, Turn

if TYPE_CHECKING:
    from synth.ingest.surveys import Survey

SELECTED_CHOICE = re.compile(r"\s+-\s+Selected Choice$", re.IGNORECASE)
CLOSED_ROLES = ("single_choice", "multi_choice", "ordinal", "numeric")
NUMBERED = re.compile(r"^(?:re?sp?onse|option|answer|choice|item)\s*\d*$", re.IGNORECASE)
GENERIC_LABELS = {"response", "open-ended response", "other (please specify)", "other", ""}


def respondent_ids(survey: Survey, rel: str) -> tuple[dict[int, str], list[Problem]]:
    """Row number -> respondent id: the id column's value, else "R<row>"; repeats made unique."""
    column = next((i for i, r in enumerate(survey.inferred) if r.role == "respondent_id"), None)
    ids: dict[int, str] = {}
    seen: set[str] = set()
    repeated: list[int] = []
    for position, number in enumerate(survey.rows):
        value = survey.facts[column].answers[position].strip() if column is not None else ""
        name = value or f"R{number}"
        if name in seen:
            repeated.append(number)
            name = f"{name} (row {number})"
        seen.add(name)
        ids[number] = name
    problems = []
    if repeated:
        problems.append(
            Problem(
                rel,
                f"{len(repeated)} respondent id(s) appear more than once; each row is kept as its own respondent",
                hint="check for duplicated responses",
                row=repeated[0],
                column=survey.facts[column].name if column is not None else None,
                severity="warning",
            )
        )
    return ids, problems


def answer_turns(survey: Survey, number: int, position: int, speaker: str, memo: dict[str, bool]):
    row = survey.table.rows[number - 1]
    starts = _cell_starts(row)
    for index, role in enumerate(survey.inferred):
        if role.role != "open_text" or index >= len(row):
            continue
        text = row[index]
        if not survey.facts[index].answers[position].strip() or _says_nothing(text, memo):
            continue
        start = starts[index]
        fact = survey.facts[index]
        yield Turn(
            speaker=speaker,
            text=text,
            spans=(Span(number, start, start + len(text)),),
            question=fact.question or fact.name,
            column=fact.name,
        )


def _says_nothing(text: str, memo: dict[str, bool]) -> bool:
    """`is_non_answer`, remembered for the file: surveys repeat the same short answers ("No", "n/a")."""
    if text not in memo:
        memo[text] = is_non_answer(text)
    return memo[text]


def _cell_starts(row: Sequence[str]) -> list[int]:
    starts, offset = [], 0
    for cell in row:
        starts.append(offset)
        offset += len(cell) + 1
    return starts


def closed_answers(survey: Survey, position: int, keys: dict[int, str], shown, segment: int | None) -> dict[str, str]:
    """Closed answers of one respondent, keyed as `attribute_keys` says, shown as `value_formats` says."""
    found: dict[str, str] = {}
    chosen: dict[str, list[str]] = {}
    for index, (fact, role) in enumerate(zip(survey.facts, survey.inferred)):
        value = fact.answers[position].strip()
        if role.role not in CLOSED_ROLES or not value:
            continue
        if role.group is not None:
            if is_chosen(value, fact):
                chosen.setdefault(role.group, []).append(role.option or fact.name)
        else:
            found[keys[index]] = shown[index](value) if index in shown else value
    found.update({group: "; ".join(options) for group, options in chosen.items()})
    if segment is not None and survey.inferred[segment].role not in ("pii", "respondent_id"):
        value = survey.facts[segment].answers[position].strip()
        if value:
            found["segment"] = value
    return found


def attribute_keys(survey: Survey) -> dict[int, str]:
    """Attribute name per column: in enterprise exports the short label under the question
    ("Main Role Respondent"), else the question when short and asked by no other closed column, else the
    column name; a repeat falls back to the (unique) column name."""
    closed = [f.question for f, r in zip(survey.facts, survey.inferred) if r.role in CLOSED_ROLES and not r.group]
    keys: dict[int, str] = {}
    used: set[str] = set()
    for index, fact in enumerate(survey.facts):
        if (
            survey.header.fmt == "enterprise"
            and fact.label
            and not NUMBERED.match(fact.label)
            and fact.label.casefold() not in GENERIC_LABELS
        ):
            key = fact.label
        elif fact.question and len(fact.question) <= 80 and closed.count(fact.question) <= 1:
            key = SELECTED_CHOICE.sub("", fact.question)  # Qualtrics' "Q - Selected Choice" is the question
        else:
            key = fact.name
        key = fact.name if key in used or key == "segment" else key
        used.add(key)
        keys[index] = key
    return keys


def value_formats(survey: Survey) -> dict[int, Callable[[str], str]]:
    """How a closed answer becomes an attribute value where it is not kept as written:
    ", "-joined options become "; "-joined, numbers with many values become bands
    (NPS groups, or thirds of the range)."""
    bins: dict[int, Callable[[str], str]] = {}
    for index, (fact, role) in enumerate(zip(survey.facts, survey.inferred)):
        if role.separator:
            bins[index] = _joiner(OptionSplitter.of(fact.answers, role.separator))
        if role.role != "numeric":
            continue
        numbers = sorted(v for v in (_number(a) for a in fact.answers) if v is not None)
        if not numbers or len(set(numbers)) <= 7:
            continue
        if NPS_HEADER.search(fact.question or fact.name) and numbers[0] >= 0 and numbers[-1] <= 10:
            bins[index] = _nps_band
        else:
            bins[index] = _thirds(numbers)
    return bins


def _joiner(splitter: OptionSplitter) -> Callable[[str], str]:
    return lambda value: "; ".join(splitter.split(value))


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


def _nps_band(value: str) -> str:
    number = _number(value)
    if number is None:
        return value
    return "promoter (9-10)" if number >= 9 else "passive (7-8)" if number >= 7 else "detractor (0-6)"


def _thirds(numbers: list[float]):
    low, high = numbers[len(numbers) // 3], numbers[2 * len(numbers) // 3]

    def band(value: str) -> str:
        number = _number(value)
        if number is None:
            return value
        if number <= low:
            return f"up to {_fmt(low)}"
        return f"{_fmt(low)}-{_fmt(high)}" if number <= high else f"over {_fmt(high)}"

    return band


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def respondent_identities(survey: Survey, ids: dict[int, str]) -> dict[str, tuple[str, ...]]:
    """Respondent -> their id and the cells of id and contact columns (email, name): what a
    participants.csv row can be joined on. Kept in memory only, never written out."""
    columns = [i for i, r in enumerate(survey.inferred) if r.role in ("pii", "respondent_id")]
    return {
        ids[number]: tuple(dict.fromkeys([ids[number]] + [v for i in columns if (v := survey.facts[i].answers[position].strip())]))
        for position, number in enumerate(survey.rows)
    }


def respondent_keys(survey: Survey, ids: dict[int, str]) -> dict[str, str]:
    """Respondent -> their id cell, where the id column is filled and the id is not repeated in this file
    (a made-up "R<row>" or a repeat could join two different people across files)."""
    column = next((i for i, r in enumerate(survey.inferred) if r.role == "respondent_id"), None)
    if column is None:
        return {}
    cells = {number: survey.facts[column].answers[position].strip() for position, number in enumerate(survey.rows)}
    counts = Counter(cells.values())
    return {ids[number]: cell for number, cell in cells.items() if cell and counts[cell] == 1}


def respondent_dates(survey: Survey, ids: dict[int, str]) -> dict[str, str]:
    """Respondent -> their submission-date cell (`synth.study_order.date_column`), in memory only."""
    from synth.study_order import date_column

    column = date_column([f.name for f in survey.facts])
    if column is None:
        return {}
    return {ids[number]: survey.facts[column].answers[position].strip() for position, number in enumerate(survey.rows)}
