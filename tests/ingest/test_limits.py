"""Issue 13, ingest side: hostile or oversized input gives a problem, never a crash, a hang or a leak.

Each test reproduces one reported case (it failed on the code before the fix).
"""

from __future__ import annotations

import random
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.ingest import limits, read_inputs, walk_inputs
from synth.ingest.pieces import cut_pieces
from synth.inspect import inspect_inputs
from synth.records import Source, Turn
from tests.ingest.transcript_builders import assert_verbatim, make_docx

WORDS = "the app was slow and I could not find the booking page so I gave up on it".split()


def _words(count: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _interview(path: Path, answer: str) -> Path:
    path.write_text(f"Interviewer: How was booking?\nJane: {answer}\nInterviewer: Thanks.\nJane: Sure, bye now.\n")
    return path


# item 4: one huge turn killed the run (spaCy max_length) --------------------------------------------


def test_a_2_4_mb_turn_is_split_into_turns_and_segmented(tmp_path):
    """A 2.4 MB single turn: read as turns within the limit, a warning names the line, units are cut."""
    body = ". ".join(_words(12, seed) for seed in range(50_000))[:2_400_000].rstrip() + "."
    assert len(body) == 2_400_000
    _interview(tmp_path / "long.txt", body)
    sources, problems = read_inputs([tmp_path])
    (source,) = sources
    assert_verbatim(source)
    jane = [t for t in source.turns if t.speaker == "Jane"]
    parts = jane[:-1]
    assert 24 <= len(parts) <= 48 and all(len(t.text) <= limits.LIMITS.max_turn_chars for t in parts)
    assert all(t.text.endswith(".") for t in parts)  # cut at sentence ends
    assert " ".join(t.text for t in parts) == body  # nothing lost, nothing added
    (warning,) = problems
    assert warning.severity == "warning" and warning.line == 2
    assert f"2,400,000 characters was split into {len(parts)} turns" in warning.reason
    (described,) = inspect_inputs([tmp_path])  # segmenting used to raise spaCy's E088 ValueError here
    assert described["units"] > 5_000


def test_a_turn_without_spaces_is_cut_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "LIMITS", replace(limits.LIMITS, max_turn_chars=1_000))
    _interview(tmp_path / "blob.txt", "x" * 4_500)
    (source,), _ = read_inputs([tmp_path])
    assert_verbatim(source)
    assert [len(t.text) for t in source.turns if t.speaker == "Jane"] == [1_000] * 4 + [500, len("Sure, bye now.")]


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "LIMITS", replace(limits.LIMITS, max_file_bytes=10_000))
    _interview(tmp_path / "big.txt", _words(3_000))
    _interview(tmp_path / "small.txt", "It was fine, I booked it in the end.")
    sources, (problem,) = read_inputs([tmp_path])
    assert [s.path for s in sources] == ["small.txt"]
    size = (tmp_path / "big.txt").stat().st_size
    assert problem.path == "big.txt" and problem.reason == f"the file is {size:,} bytes, over the 10,000 bytes synth reads from one file"
    assert problem.severity == "error" and "split it" in problem.hint


# item 5: a .docx zip bomb (80 KB file, 30 MB of XML) ran for 400 s and 2 GB -----------------------------


def _docx_bomb(path: Path, template: Path, xml_bytes: int) -> Path:
    with zipfile.ZipFile(template) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    document = parts["word/document.xml"].decode()
    paragraph = "<w:p><w:r><w:t>Jane: it was fine really</w:t></w:r></w:p>"
    cut = document.index("<w:body>") + len("<w:body>")
    parts["word/document.xml"] = (document[:cut] + paragraph * (xml_bytes // len(paragraph)) + document[cut:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def test_a_docx_zip_bomb_is_refused_at_once(tmp_path):
    template = make_docx(tmp_path / "template.docx", [[("Jane: hello there", False)]])
    bomb = _docx_bomb(tmp_path / "bomb.docx", template, 30_000_000)
    template.unlink()
    assert bomb.stat().st_size < 300_000
    _interview(tmp_path / "ok.txt", "It was fine, I booked it in the end.")
    start = time.perf_counter()
    sources, (problem,) = read_inputs([tmp_path])
    assert time.perf_counter() - start < 5
    assert [s.path for s in sources] == ["ok.txt"]
    assert problem.path == "bomb.docx" and "of XML, over the limit of 16.0 MiB" in problem.reason


def test_a_docx_with_too_many_parts_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "LIMITS", replace(limits.LIMITS, max_zip_members=5))
    make_docx(tmp_path / "notes.docx", [[("Jane: hello there", False)]])
    _, (problem,) = read_inputs([tmp_path])
    assert "parts, over the limit of 5" in problem.reason


def test_a_word_file_of_many_paragraphs_reads_in_seconds(tmp_path):
    """Many short paragraphs were slow (3 MB of XML: 92 s): python-docx scanned every style for every run."""
    template = make_docx(tmp_path / "template.docx", [[("Jane: hello there", False)]])
    long = _docx_bomb(tmp_path / "long.docx", template, 2_000_000)
    template.unlink()
    start = time.perf_counter()
    (source,), _ = read_inputs([tmp_path])
    assert time.perf_counter() - start < 30
    assert source.path == long.name and len(source.lines) > 30_000


def test_a_workbook_over_the_xml_limit_is_refused(tmp_path, monkeypatch):
    import openpyxl

    monkeypatch.setattr(limits, "LIMITS", replace(limits.LIMITS, max_zip_xml_bytes_xlsx=5_000))
    book = openpyxl.Workbook()
    book.active.append(["ResponseId", "What did you think of booking?"])
    for number in range(200):
        book.active.append([f"R{number}", "It was fine and I booked it in the end"])
    book.save(tmp_path / "survey.xlsx")
    _, (problem,) = read_inputs([tmp_path])
    assert problem.path == "survey.xlsx" and "the xlsx package holds" in problem.reason
    assert problem.reason.endswith("over the limit of 5,000 bytes (a zip bomb?)")


# item 6: links to files outside the input folder were followed --------------------------------------


def test_links_leaving_the_input_folder_are_refused(tmp_path):
    private, study = tmp_path / "private", tmp_path / "study"
    private.mkdir(), study.mkdir()
    _interview(private / "secret.txt", "My salary is forty thousand and nobody knows.")
    _interview(study / "interview.txt", "It was fine, I booked it in the end.")
    (study / "linked.txt").symlink_to(private / "secret.txt")
    (study / "linked_folder").symlink_to(private)
    (study / "again.txt").symlink_to(study / "interview.txt")  # inside: read once, as the file itself
    sources, problems = read_inputs([study])
    assert [s.path for s in sources] == ["interview.txt"]
    assert all("salary" not in line for s in sources for line in s.lines)
    assert {(p.path, p.reason) for p in problems} == {
        ("linked.txt", "is a link to a file outside the input folder; not read"),
        ("linked_folder", "is a link to a folder outside the input folder; not read"),
    }


# item 8: outputs inside the input folder were read back as input ------------------------------------


def test_a_run_folder_inside_the_inputs_is_never_read(tmp_path):
    study = tmp_path / "study"
    study.mkdir()
    _interview(study / "interview.txt", "It was fine, I booked it in the end.")
    old = study / "outputs-old"
    old.mkdir()
    (old / "run.json").write_text('{"synth_version": "0.1.0"}')
    (old / "personas").mkdir()
    _interview(old / "personas" / "persona-1.md", "A quote the last run wrote.")
    own = study / "outputs"
    own.mkdir()
    _interview(own / "evidence.txt", "Written by this run.")
    files, problems = walk_inputs([study], exclude=[own])
    assert [rel for _, rel in files] == ["interview.txt"]
    assert [(p.path, p.severity) for p in problems] == [("outputs-old", "warning")]


@pytest.mark.parametrize("output", ["outputs", "."])
def test_synth_run_twice_into_the_input_folder_keeps_the_same_participants(tmp_path, output):
    import json

    from typer.testing import CliRunner

    from synth.cli import app

    study = tmp_path / "s"
    study.mkdir()
    for number in range(3):
        _interview(study / f"interview_{number}.txt", _words(60, number) + ". " + _words(40, number + 9) + ".")
    (study / "notes").mkdir()
    _interview(study / "notes" / "interview_3.txt", _words(50, 7) + ". " + _words(30, 8) + ".")
    out = study / output
    args = ["run", str(study), "-o", str(out), "--model", "hashing", "--cache-dir", str(tmp_path / "c")]
    counts = []
    for _ in range(2):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        run = json.loads((out / "run.json").read_text())
        counts.append((run["counts"]["sources"], run["counts"]["participants"]))
    assert counts == [(4, 4), (4, 4)]
    assert run["limits"]["max_turn_chars"] == limits.LIMITS.max_turn_chars


# item 10: the same file name in two input folders got one source id and path -----------------------


def test_same_name_in_two_folders_gets_two_ids_and_paths(tmp_path):
    for wave in ("wave1", "wave2"):
        (tmp_path / wave).mkdir()
        _interview(tmp_path / wave / "interview.txt", f"In {wave} it was fine, I booked it in the end.")
    sources, problems = read_inputs([tmp_path / "wave1", tmp_path / "wave2"])
    assert not problems
    assert [s.path for s in sources] == ["wave1/interview.txt", "wave2/interview.txt"]
    assert len({s.id for s in sources}) == 2


def test_one_folder_keeps_paths_relative_to_itself(tmp_path):
    (tmp_path / "sub").mkdir()
    _interview(tmp_path / "sub" / "interview.txt", "It was fine, I booked it in the end.")
    (source,), _ = read_inputs([tmp_path])
    assert source.path == "sub/interview.txt"
    (alone,), _ = read_inputs([tmp_path / "sub" / "interview.txt"])
    assert alone.path == "interview.txt"


# item 11: escape codes in names, an all-empty survey, a silently skipped picture ---------------------


def test_escape_codes_in_file_names_never_reach_the_output(tmp_path):
    _interview(tmp_path / "evil\x1b[2J\x1b]0;owned\x07.txt", "It was fine, I booked it in the end.")
    (tmp_path / "bad\x1b[31m.txt").write_bytes(b"")
    sources, (problem,) = read_inputs([tmp_path])
    assert sources[0].path == "evil\\x1b[2J\\x1b]0;owned\\x07.txt"
    assert problem.path == "bad\\x1b[31m.txt"
    assert "\x1b" not in problem.describe()


def test_a_file_name_that_is_not_utf8_is_read_under_an_escaped_name(tmp_path):
    """Such a name used to fail the file ("could not be read (UnicodeEncodeError)") and could not be written out."""
    import os

    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(raw, "w") as handle:
        handle.write("Interviewer: How was it?\nJane: It was fine, I booked it in the end.\n")
    (source,), problems = read_inputs([tmp_path])
    assert not problems and source.path == "caf\\udce9.txt"
    source.path.encode("utf-8")  # writable into every output


def test_a_survey_whose_answers_are_all_empty_warns(tmp_path):
    header = "ResponseId,Age,What did you like about booking?,What would you change?\n"
    (tmp_path / "survey.csv").write_text(header + "R1,34,,\nR2,41,,\nR3,29,,\n")
    (source,), (problem,) = read_inputs([tmp_path])
    assert source.turns == ()
    assert problem.path == "survey.csv" and problem.severity == "warning" and "no open-text answer" in problem.reason


def test_pictures_and_archives_are_reported_not_skipped_silently(tmp_path):
    _interview(tmp_path / "interview.txt", "It was fine, I booked it in the end.")
    (tmp_path / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "audio.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    (tmp_path / "survey.yaml").write_text("roles: {}\n")  # synth's own settings: silent
    sources, problems = read_inputs([tmp_path])
    assert [s.path for s in sources] == ["interview.txt"]
    assert [(p.path, p.severity) for p in problems] == [("audio.zip", "warning"), ("pic.png", "warning")]
    assert "not read: .png files" in problems[1].reason


# rows / columns ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("field, value, words", [("max_rows", 3, "rows"), ("max_columns", 2, "columns")])
def test_a_survey_table_over_the_shape_limit_is_refused(tmp_path, monkeypatch, field, value, words):
    monkeypatch.setattr(limits, "LIMITS", replace(limits.LIMITS, **{field: value}))
    rows = "".join(f"R{n},{20 + n},It was fine and I booked it in the end\n" for n in range(5))
    (tmp_path / "survey.csv").write_text("ResponseId,Age,What did you think of booking?\n" + rows)
    sources, (problem,) = read_inputs([tmp_path])
    assert sources == [] and f"{words}, over the limit of {value}" in problem.reason


# the split itself: any turn, any limit -------------------------------------------------------------



LINE = st.text(alphabet=st.sampled_from("ab .!?\t"), min_size=1, max_size=300)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LINE, min_size=1, max_size=6), limit=st.integers(min_value=1, max_value=120))
def test_split_turns_are_verbatim_within_the_limit_and_lose_nothing(lines, limit):
    spans = tuple(span for number, line in enumerate(lines, 1) for span in cut_pieces(number, line))
    if not spans:
        return
    text = " ".join(lines[s.line - 1][s.start : s.end] for s in spans)
    source = Source("s", "s.txt", "transcript", "txt", "", tuple(lines), (Turn("Jane", text, spans, "00:00:01"),))
    split = limits.split_long_turns(source, replace(limits.LIMITS, max_turn_chars=limit))
    for turn in split.turns:
        pieces = [split.lines[s.line - 1][s.start : s.end] for s in turn.spans]
        assert pieces and all(p and p == p.strip() for p in pieces)
        assert " ".join(pieces) == turn.text and len(turn.text) <= limit
    assert "".join("".join(t.text.split()) for t in split.turns) == "".join(text.split())  # no character lost
    assert [t.timestamp for t in split.turns][:1] == ["00:00:01"]
    assert len(split.problems) == (len(split.turns) > 1)


def test_a_huge_markdown_heading_is_read_as_text_not_copied_into_every_unit(tmp_path):
    huge = _words(40_000)
    (tmp_path / "notes.md").write_text(f"# {huge}\n\nJane: It was fine, I booked it.\nBob: Not for me, it was slow.\n")
    (source,), _ = read_inputs([tmp_path])
    assert_verbatim(source)
    assert all(t.heading is None for t in source.turns)
    assert all(len(t.text) <= limits.LIMITS.max_turn_chars for t in source.turns)


def test_the_row_limit_counts_respondents_not_header_lines(tmp_path, monkeypatch):
    """A form of exactly `max_rows` respondents is read; one more is refused (the header line never counts)."""
    monkeypatch.setattr(limits, "LIMITS", replace(limits.LIMITS, max_rows=5))
    rows = "".join(f"R{n},{20 + n},It was fine and I booked it in the end\n" for n in range(5))
    header = "ResponseId,Age,What did you think of booking?\n"
    (tmp_path / "survey.csv").write_text(header + rows)
    sources, problems = read_inputs([tmp_path])
    assert [len(s.speakers) for s in sources] == [5] and not [p for p in problems if "over the limit" in p.reason]
    (tmp_path / "survey.csv").write_text(header + rows + "R9,29,It was fine and I booked it in the end\n")
    sources, (problem,) = read_inputs([tmp_path])
    assert sources == [] and "6 rows, over the limit of 5" in problem.reason
