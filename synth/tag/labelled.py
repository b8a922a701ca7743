"""Human-labelled examples: the `--train` file, `synth eval` input and review relabels.

A labelled CSV has a `text` column and any of `stage`, `kinds` (`;`-joined, empty
for none), `touchpoints` (`;`-joined), `sentiment` (positive/negative/neutral)
and `question`. Any encoding with a UTF-8 BOM or none; comma, semicolon or tab.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from synth.errors import InputError

SENTIMENTS = ("positive", "negative", "neutral")
LABEL_COLUMNS = ("stage", "kinds", "touchpoints", "sentiment", "question")


@dataclass(frozen=True)
class LabelledExample:
    """One text with the labels a person gave it (None / empty = no such label)."""

    text: str
    stage: str | None
    kinds: tuple[str, ...]
    question: str | None = None
    touchpoints: tuple = ()
    sentiment: str | None = None


def read_labelled(path: Path) -> Iterator[LabelledExample]:
    """Yield the examples of a labelled CSV; raise InputError (with the row) on bad input."""
    yield from read_labelled_table(path)[1]


def read_labelled_table(path: Path) -> tuple[tuple[str, ...], list[LabelledExample]]:
    """The label columns present (of LABEL_COLUMNS) and every example, validated."""
    path = Path(path)
    text = _decode(path)
    reader = csv.DictReader(io.StringIO(text), dialect=_dialect(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    if "text" not in header:
        raise InputError(str(path), "has no 'text' column", row=1, hint="the first row must name the columns: text, stage, kinds, ...")
    reader.fieldnames = header
    present = tuple(c for c in LABEL_COLUMNS if c in header)
    examples = [_example(path, number, row) for number, row in enumerate(reader, start=2)]
    if not examples:
        raise InputError(str(path), "has no labelled rows", hint="add one row per labelled text under the header")
    return present, examples


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(str(path), "is not UTF-8 text", hint="save the labelled file as UTF-8 CSV") from None


def _dialect(text: str):
    try:
        return csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())


def _example(path: Path, number: int, row: dict) -> LabelledExample:
    if None in row:
        raise InputError(str(path), "has more cells than the header has columns", row=number,
                         hint="quote cells that contain the delimiter")  # fmt: skip
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
    )
