"""Human-labelled examples: the `--train` file, `synth eval` input and review relabels.

A labelled CSV has a `text` column and any of `stage`, `kinds` (`;`-joined, empty
for none), `touchpoints` (`;`-joined), `sentiment` (positive/negative/neutral)
and `question`. UTF-8 with or without a BOM; comma, semicolon or tab.

The file is read by pandas' C parser, which follows RFC 4180: quoted cells may
hold the delimiter, tabs, newlines and `""` for a quote. The delimiter is the one
of `,`, `;`, tab that parses the whole file into rows of equal length with a
`text` column (a header line alone cannot tell "a,b;c" apart); ties go to the
one giving more columns. When the file has a `kinds` column, a row whose kinds
cell is empty is an example of *no* kind (it trains "none"), not a missing label.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from synth.errors import InputError

SENTIMENTS = ("positive", "negative", "neutral")
LABEL_COLUMNS = ("stage", "kinds", "touchpoints", "sentiment", "question")
DELIMITERS = (",", ";", "\t")
_PANDAS_LINE = re.compile(r"line (\d+), saw (\d+)")


@dataclass(frozen=True)
class LabelledExample:
    """One text with the labels a person gave it (None / empty = no such label).

    `labelled` names the columns the file had: an empty `kinds` with "kinds" in
    `labelled` means "a person said: no kind".
    """

    text: str
    stage: str | None
    kinds: tuple[str, ...]
    question: str | None = None
    touchpoints: tuple = ()
    sentiment: str | None = None
    labelled: frozenset = frozenset()


def read_labelled(path: Path) -> Iterator[LabelledExample]:
    """Yield the examples of a labelled CSV; raise InputError (with the row) on bad input."""
    yield from read_labelled_table(path)[1]


def cleaned_examples(examples: Iterable[LabelledExample]) -> list[LabelledExample]:
    """Labelled rows with the text the tagger embeds for units: `clean_for_model` of it.

    A unit is embedded cleaned (fillers, markup, chat spelling gone), so a training row
    must be too, or the classifier learns from vectors of a text shape it never tags.
    A row that cleans to nothing keeps its raw text.
    """
    from synth.clean import clean_for_model

    return [replace(e, text=clean_for_model(e.text) or e.text) for e in examples]


def read_labelled_table(path: Path) -> tuple[tuple[str, ...], list[LabelledExample]]:
    """The label columns present (of LABEL_COLUMNS) and every example, validated."""
    path = Path(path)
    frame = read_csv_frame(path, _decode(path))
    present = tuple(c for c in LABEL_COLUMNS if c in frame.columns)
    columns = frozenset(present)
    examples = [_example(path, number, row, columns) for number, row in zip(_row_numbers(frame), frame.to_dict("records"))]
    if not examples:
        raise InputError(str(path), "has no labelled rows", hint="add one row per labelled text under the header")
    return present, examples


def read_csv_frame(path: Path, text: str) -> pd.DataFrame:
    """All cells as strings (empty for blank), header lower-cased; InputError on a bad table."""
    parsed, first_error = [], None
    for sep in DELIMITERS:
        try:
            frame = _parse(text, sep)
        except InputError as exc:
            first_error = first_error or (sep, exc)
            continue
        if "text" in frame.columns:
            parsed.append(frame)
    if parsed:
        return max(parsed, key=lambda f: len(f.columns))
    if first_error and _has_text_header(text, first_error[0]):
        raise InputError(str(path), first_error[1].reason, row=first_error[1].row, hint=first_error[1].hint)
    raise InputError(str(path), "has no 'text' column", row=1, hint="the first row must name the columns: text, stage, kinds, ...")


def _has_text_header(text: str, sep: str) -> bool:
    first = next(csv.reader(io.StringIO(text), delimiter=sep), [])
    return "text" in [c.strip().lower() for c in first]


def _parse(text: str, sep: str) -> pd.DataFrame:
    lines = _record_lines(text, sep)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                            engine="c", index_col=False, quotechar='"', doublequote=True, skip_blank_lines=True)  # fmt: skip
    except pd.errors.ParserError as exc:
        if "EOF inside string" in str(exc):
            raise InputError("", "has a quoted cell whose closing quote is missing",
                             hint='end the cell with " and write a quote inside a cell as ""') from None  # fmt: skip
        found = _PANDAS_LINE.search(str(exc))
        raise InputError("", "has more cells than the header has columns", row=int(found.group(1)) if found else None,
                         hint="quote cells that contain the delimiter") from None  # fmt: skip
    except pd.errors.EmptyDataError:
        raise InputError("", "is empty", hint="the first row must name the columns: text, stage, kinds, ...") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    frame.attrs["lines"] = lines
    return frame


def _record_lines(text: str, sep: str) -> list[int]:
    """The file line each data record starts on (a quoted cell may span lines).

    Also the check pandas skips when the first data row is the long one (it would
    quietly make the first column an index): a row with more cells than the header.
    """
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    starts, line, width = [], 1, None
    for record in reader:
        if any(cell.strip() for cell in record):
            width = len(record) if width is None else width
            if len(record) > width and any(cell.strip() for cell in record[width:]):
                raise InputError("", "has more cells than the header has columns", row=line,
                                 hint="quote cells that contain the delimiter")  # fmt: skip
            starts.append(line)
        line = reader.line_num + 1
    return starts[1:]


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    lines = frame.attrs.get("lines") or []
    return lines if len(lines) == len(frame) else list(range(2, len(frame) + 2))


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(str(path), "is not UTF-8 text", hint="save the labelled file as UTF-8 CSV") from None


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())


def _example(path: Path, number: int, row: dict, columns: frozenset) -> LabelledExample:
    text = (row.get("text") or "").strip()
    if not text:
        raise InputError(str(path), "has an empty text", row=number, column="text")
    sentiment = (row.get("sentiment") or "").strip().lower() or None
    if sentiment is not None and sentiment not in SENTIMENTS:
        raise InputError(str(path), f"sentiment must be one of {', '.join(SENTIMENTS)}. Got {sentiment!r} instead.",
                         row=number, column="sentiment")  # fmt: skip
    return LabelledExample(
        text=text,
        stage=(row.get("stage") or "").strip() or None,
        kinds=_split(row.get("kinds")),
        question=(row.get("question") or "").strip() or None,
        touchpoints=_split(row.get("touchpoints")),
        sentiment=sentiment,
        labelled=columns,
    )
