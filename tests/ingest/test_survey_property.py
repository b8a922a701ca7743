"""Whatever bytes arrive as a .csv/.tsv/.xlsx, ingest reports problems and raises nothing but InputError."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synth import ingest
from synth.errors import InputError
from tests.conftest import SAMPLE_INPUTS, SHARED_DATA
from tests.ingest.test_surveys import DATA, make_workbook

SUFFIXES = (".csv", ".tsv", ".xlsx", ".txt")
READER_BUG = "could not be read ("


def _workbook_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        make_workbook(path)
        return path.read_bytes()


def _seeds() -> list[tuple[str, bytes]]:
    """Real and fixture survey files to truncate and damage."""
    files = sorted(p for p in DATA.rglob("*.csv")) + [SAMPLE_INPUTS / "survey" / "basketful_customer_survey_2026.csv"]
    qualtrics = SHARED_DATA / "qualtrics-qualtRics"
    extra = [qualtrics / "sample.csv", qualtrics / "sample_legacy.csv",
             SHARED_DATA / "surveymonkey-format" / "Data - Survey Monkey Output Edited.xlsx",
             SHARED_DATA / "autistica-citsci" / "google-form"
             / "Autistica_Turing Citizen Science Platform (Responses) - Form Responses 1(3).csv"]
    files += [p for p in extra if p.exists()]
    seeds = [(p.suffix, p.read_bytes()[:200_000]) for p in files]
    return seeds + [(".xlsx", _workbook_bytes())]


SEEDS = _seeds()
settings.register_profile("surveys", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def read_bytes(data: bytes, suffix: str) -> None:
    """Read `data` as a file both ways: `read_file` may only raise InputError, and
    `read_inputs` must turn everything into problems without a reader bug."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(data)
        try:
            ingest.read_file(path, path.name)
        except InputError:
            pass
        _, problems = ingest.read_inputs([Path(folder)])
        assert not [p.reason for p in problems if READER_BUG in p.reason]


@settings(settings.get_profile("surveys"))
@given(data=st.binary(max_size=4000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(data, suffix):
    read_bytes(data, suffix)


@settings(settings.get_profile("surveys"))
@given(seed=st.sampled_from(SEEDS), cut=st.floats(0, 1))
def test_truncated_exports(seed, cut):
    suffix, data = seed
    read_bytes(data[: int(len(data) * cut)], suffix)


@settings(settings.get_profile("surveys"))
@given(seed=st.sampled_from([s for s in SEEDS if s[0] != ".xlsx"]),
       edits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=3)), max_size=6))
def test_damaged_text_exports(seed, edits):
    suffix, data = seed
    damaged = bytearray(data[:20_000])
    for where, junk in edits:
        at = int(len(damaged) * where)
        damaged[at : at + len(junk)] = junk
    read_bytes(bytes(damaged), suffix)


@settings(settings.get_profile("surveys"))
@given(cells=st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=6), min_size=1, max_size=8),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_arbitrary_tables_keep_answers_verbatim(cells, delimiter):
    """Any table that reads gives turns whose spans cut exactly their text from the row's line."""
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(cells)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        try:
            source = ingest.read_file(path, path.name)
        except InputError:
            return
    for turn in source.turns:
        (span,) = turn.spans
        assert source.lines[span.line - 1][span.start : span.end] == turn.text
    assert len(source.speakers) == len({s.name for s in source.speakers})


def test_a_zip_that_is_no_workbook_is_an_input_error(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    path = tmp_path / "export.xlsx"
    path.write_bytes(buffer.getvalue())
    _, (problem,) = ingest.read_inputs([tmp_path])
    assert problem.reason == "not a readable Excel workbook" and "CSV" in problem.hint
