"""Issue 12 re-checked on exports written for it: a Google Form whose options and answers hold commas,
and a Qualtrics CSV saved without its ImportId row (question row, consent column, multi-select)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from synth.ingest import read_file

DATA = Path(__file__).resolve().parents[1] / "data" / "surveys"


def _read(name: str):
    return read_file(DATA / name, name)


def _assert_cells_verbatim(source) -> None:
    """Every turn is its whole cell, cut from the line it cites, and that line is the CSV row it came from."""
    rows = list(csv.reader(io.StringIO((DATA / source.path).read_text(encoding="utf-8"))))
    for turn in source.turns:
        (span,) = turn.spans
        assert source.lines[span.line - 1][span.start:span.end] == turn.text
        assert turn.text in rows[span.line - 1]


def test_google_form_option_with_a_comma_and_no_brackets_is_one_option():
    """"Printing, scanning and copying" is one option: it is chosen alone, and "scanning and copying"
    never appears but right after "Printing"."""
    source = _read("google_form_library.csv")
    column = next(c for c in source.columns if c.name == "Which services have you used?")
    assert column.role == "multi_choice"
    assert column.reason.endswith("Laptop loans | Printing, scanning and copying | Room booking")
    services = [a["Which services have you used?"] for a in source.attributes.values()]
    assert services[0] == "Printing, scanning and copying; Laptop loans"
    assert "scanning and copying" not in {o for s in services for o in s.split("; ")}


def test_google_form_answers_with_commas_stay_whole():
    source = _read("google_form_library.csv")
    texts = [t.text for t in source.turns]
    assert texts[0] == "Open earlier, at least on exam weeks, and keep the third floor quiet"
    assert len(texts) == 8 and all(t.column == "How could we make your visit better?" for t in source.turns)
    _assert_cells_verbatim(source)


def test_qualtrics_without_importid_reads_its_question_row_as_questions():
    source = _read("qualtrics_no_importid_onboarding.csv")
    assert source.format == "qualtrics" and [s.name for s in source.speakers] == [f"R_a{n}" for n in range(1, 7)]
    assert not any(t.text.startswith("What slowed you down") for t in source.turns)  # the question row is no answer
    roles = {c.name: c.role for c in source.columns}
    assert roles["Q1"] == "ignored"  # everyone consented: not an attribute
    assert roles["Q3"] == "multi_choice" and roles["Q5_TEXT"] == "open_text"
    first = source.attributes["R_a1"]
    assert first == {"What is your role?": "Designer", "Which channels do you use?": "Email; Chat",
                     "How satisfied are you with onboarding?": "Satisfied"}  # named by question, not "Q2"
    turn = source.turns[0]
    assert turn.question == "What slowed you down in your first week?" and turn.spans[0].line == 3
    _assert_cells_verbatim(source)
