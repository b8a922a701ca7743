"""Which survey tool wrote a table, and what its header rows say about each column.

Survey tools write one to three header rows:

- Qualtrics: export tags (``Q1``), question text, then ``{"ImportId": ...}`` JSON
  (the legacy export has ``V1..Vn`` tags, then the field names, and no JSON row);
- SurveyMonkey: question text, blank over a question's continuation columns, then
  ``Response`` / ``Open-Ended Response`` / the option's name;
- enterprise tools such as Unipark/EFS: question text (blank over system
  variables), a short label, and often a row of variable codes (``lfdn``, ``v_17``);
- Google Forms (``Timestamp`` first), Typeform (``#`` first, ``Submit Date (UTC)``),
  Microsoft Forms (``ID, Start time, Completion time``) and anything else: one row.

`parse_header` returns a `Header`: how many rows it spans and, per column, a
unique name (the code where there is one), the question text and the sub-label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GOOGLE_TIMESTAMPS = {
    "timestamp",
    "marca temporal",
    "horodateur",
    "zeitstempel",
    "carimbo de data/hora",
    "informazioni cronologiche",
    "tijdstempel",
}
VARIABLE_CODE = re.compile(r"^v_\d+$")  # Unipark/EFS variable names
MS_FORMS = {"id", "start time", "completion time"}
TYPEFORM_MARKS = {"submit date (utc)", "start date (utc)", "network id"}
MONKEY_LABELS = {"response", "open-ended response", "other (please specify)"}
QUALTRICS_FIELDS = {
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "duration(inseconds)",
    "finished",
    "recordeddate",
    "responseid",
    "distributionchannel",
    "userlanguage",
    "externalreference",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "locationlatitude",
    "responsetype",
}
QUESTION_TAG = re.compile(r"^(?:Q\d+(?:[_.]\d+)*(?:_TEXT)?|QID\d+(?:_\w+)?)$")


@dataclass(frozen=True)
class Header:
    fmt: str
    rows: int  # header rows above the first response
    names: tuple[str, ...]  # unique column names
    questions: tuple[str, ...]  # full question text ("" where the export has none)
    labels: tuple[str, ...]  # sub-label under a shared question ("" where none)
    codes: tuple[str, ...] = ()  # Qualtrics ImportIds where present


def detect_format(rows: tuple[tuple[str, ...], ...], delimiter: str | None = None) -> str:
    """The tool that wrote the table, from its first rows."""
    first = [c.strip() for c in rows[0]] if rows else []
    second = [c.strip() for c in rows[1]] if len(rows) > 1 else []
    lower = {c.lower() for c in first}
    if _import_id_row(rows):
        return "qualtrics"
    if "respondent id" in lower and MONKEY_LABELS & {c.lower() for c in second}:
        return "surveymonkey"
    if _qualtrics_content(first, second):
        return "qualtrics"
    if _code_row(rows) is not None or (delimiter == ";" and _grouped_header(first, second)):
        return "enterprise"
    if first and first[0].lower() in GOOGLE_TIMESTAMPS:
        return "google_forms"
    if first and (first[0] == "#" or TYPEFORM_MARKS & lower):
        return "typeform"
    if MS_FORMS <= lower:
        return "ms_forms"
    return "csv"


def _qualtrics_content(first: list[str], second: list[str]) -> bool:
    """Qualtrics by content, with or without the ImportId row: its system fields ("StartDate",
    "Response ID", "Duration (in seconds)") in either row, or question tags ("Q6", "Q4_7")
    over a row of question text."""
    squash = [{re.sub(r"[\s_]+", "", c.lower()) for c in row} for row in (first, second)]
    if any(len(fields & QUALTRICS_FIELDS) >= 3 for fields in squash) or {"responseid", "startdate"} <= squash[0]:
        return True
    tagged = [(a, b) for a, b in zip(first, second) if QUESTION_TAG.match(a)]
    asked = [b for _, b in tagged if b and b != "" and (" " in b or b.endswith("?"))]
    return len(tagged) >= 3 and len(asked) >= 0.8 * len(tagged)


def _import_id_row(rows) -> bool:
    return len(rows) > 2 and sum(c.startswith('{"ImportId"') for c in rows[2]) >= max(1, len(rows[2]) // 2)


def _code_row(rows) -> int | None:
    """Index (1 or 2) of a row of variable codes (``v_17``, ``lfdn``) under question rows."""
    for index in (1, 2):
        if len(rows) > index:
            cells = [c.strip() for c in rows[index] if c.strip()]
            codes = sum(1 for c in cells if VARIABLE_CODE.match(c))
            if cells and codes >= 3 and codes >= len(cells) // 2:
                return index
    return None


def _grouped_header(first: list[str], second: list[str]) -> bool:
    """Row 1 repeats or leaves out questions that row 2 labels one by one."""
    if not first or len(second) != len(first) or not all(second):
        return False
    repeats = sum(1 for a, b in zip(first, first[1:]) if a and a == b)
    return repeats >= 2 or (0 < first.count("") < len(first))


def parse_header(rows: tuple[tuple[str, ...], ...], fmt: str) -> Header:
    """The header of a table already identified as `fmt`."""
    width = max(len(r) for r in rows)
    grid = [tuple(c.strip() for c in r) + ("",) * (width - len(r)) for r in rows[:3]]
    if fmt == "qualtrics":
        return _qualtrics(grid, width)
    if fmt == "surveymonkey":
        return _surveymonkey(grid, width)
    if fmt == "enterprise":
        return _enterprise(grid, width, rows)
    first = grid[0]
    return Header(fmt, 1, unique_names(first), first, ("",) * width)


def _qualtrics(grid, width) -> Header:
    tags, texts = grid[0], grid[1] if len(grid) > 1 else ("",) * width
    if len(grid) > 2 and all(c.startswith('{"ImportId"') or not c for c in grid[2]):
        codes = tuple(_import_id(c) for c in grid[2])
        return Header("qualtrics", 3, unique_names(tags), texts, ("",) * width, codes)
    return Header("qualtrics", 2, unique_names(tags), texts, ("",) * width)


def _import_id(cell: str) -> str:
    found = re.search(r'"ImportId"\s*:\s*"([^"]*)"', cell)
    return found.group(1) if found else ""


def _surveymonkey(grid, width) -> Header:
    """Row 1 blank means "same question as the column before"; row 2 names the part."""
    first, second = grid[0], grid[1]
    questions: list[str] = []
    names: list[str] = []
    for i in range(width):
        question = first[i] or (questions[-1] if questions and second[i] else "")
        questions.append(question)
        single = i + 1 >= width or first[i + 1] or not second[i + 1]
        own = first[i] and single and second[i].lower() in MONKEY_LABELS | {""}
        names.append(question if own else f"{question} - {second[i]}".strip(" -"))
    return Header("surveymonkey", 2, unique_names(names), tuple(questions), second)


def _enterprise(grid, width, rows) -> Header:
    """Question row, label row, and the code row where there is one (names come from codes)."""
    code_at = _code_row(rows)
    first, second = grid[0], grid[1] if len(grid) > 1 else ("",) * width
    questions = tuple(q or label for q, label in zip(first, second))
    if code_at is None:
        return Header("enterprise", 2, unique_names(second), questions, second)
    codes = grid[code_at]
    names = [code or label for code, label in zip(codes, second)]
    return Header("enterprise", code_at + 1, unique_names(names), questions, second)


def unique_names(cells) -> tuple[str, ...]:
    """Column names made unique: blanks become "column N", repeats get " (2)", " (3)"."""
    taken: set[str] = set()
    names = []
    for index, cell in enumerate(cells, 1):
        base = cell.strip() or f"column {index}"
        name, count = base, 1
        while name in taken:
            count += 1
            name = f"{base} ({count})"
        taken.add(name)
        names.append(name)
    return tuple(names)
