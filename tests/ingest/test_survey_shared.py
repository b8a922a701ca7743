"""Real third-party survey exports (../shared/data; skipped when absent)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from synth.ingest import read_inputs
from tests.conftest import shared

NAPIRE = "data_project_400193_2018_02_05.csv"
READER_BUG = "could not be read ("  # read_inputs' wording when a reader raised something unexpected


def read_one(path: Path):
    sources, problems = read_inputs([path])
    assert len(sources) == 1, [p.describe() for p in problems]
    return sources[0]


def by_name(source) -> dict:
    return {c.name: c for c in source.columns}


def assert_verbatim(source) -> None:
    for turn in source.turns:
        assert " ".join(source.lines[s.line - 1][s.start : s.end] for s in turn.spans) == turn.text


@pytest.mark.parametrize(
    "folder", ["qualtrics-qualtRics", "surveymonkey-format", "autistica-citsci", "napire2018-efs-survey"]
)
def test_every_file_is_read_or_reported(folder):
    root = shared(folder)
    sources, problems = read_inputs([root])
    assert not [p.describe() for p in problems if READER_BUG in p.reason]
    tables = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.suffix in {".csv", ".xlsx"})
    read = {s.path for s in sources if s.kind == "survey"}
    reported = {p.path for p in problems if p.severity == "error"}
    assert set(tables) <= read | reported
    for source in sources:
        assert_verbatim(source)


@pytest.mark.parametrize("folder", ["caption-formats", "qmsum-ami-product-meetings"])
def test_transcripts_are_not_claimed_as_surveys(folder):
    sources, _ = read_inputs([shared(folder)])
    assert sources and all(s.kind == "transcript" for s in sources)


def test_napire_export_respondents_and_roles():
    source = read_one(shared("napire2018-efs-survey", NAPIRE))
    assert source.format == "enterprise"
    # 1,054 records = question row + label row + variable-code row (lfdn, v_300, ...) + 1,051 responses;
    # lfdn is unique on all 1,051 and none is a tester, so every response is a respondent.
    assert len(source.speakers) == 1051 and source.dropped_rows == 0
    assert len({s.name for s in source.speakers}) == 1051
    columns = by_name(source)
    assert columns["lfdn"].role == "respondent_id"
    role = columns["v_17"]
    assert role.question == "What is the main role you occupy in your project?" and role.role == "single_choice"
    roles = [a["Main Role Respondent"] for a in source.attributes.values() if "Main Role Respondent" in a]
    assert len(roles) == 634 and roles.count("Developer") == 129  # 417 left the survey before this page


def test_napire_free_text_columns_are_open_text():
    """freetext_raw/ holds, per free-text variable, the answers the NaPiRE team extracted by hand."""
    source = read_one(shared("napire2018-efs-survey", NAPIRE))
    columns = by_name(source)
    extracted = sorted(shared("napire2018-efs-survey", "freetext_raw").glob("v_*.csv"))
    assert len(extracted) >= 40
    for path in extracted:
        code = re.match(r"(v_\d+)_", path.name).group(1)
        expected = {"open_text"} if "_long_" in path.name else {"open_text", "numeric"}  # v_3, v_19: numbers typed in
        assert columns[code].role in expected, (code, columns[code].reason)
    opened = {c.name for c in source.columns if c.role == "open_text"}
    assert opened <= {re.match(r"(v_\d+)_", p.name).group(1) for p in extracted}
    assert len(source.turns) > 5000
    assert not {t.text.strip() for t in source.turns} & {"-99", "-66", "-77"}


def test_napire_multi_select_groups_and_missing_codes():
    source = read_one(shared("napire2018-efs-survey", NAPIRE))
    question = "Which techniques do you use for your requirements elicitations?"
    options = [c for c in source.columns if c.question == question and c.role == "multi_choice"]
    assert len(options) == 11
    chosen = [a[question] for a in source.attributes.values() if question in a]
    assert len(chosen) > 500
    parts = {o for value in chosen for o in value.split("; ")}
    assert "Interviews" in parts and "Workshops and focus groups" in parts and len(parts) <= 11
    assert not any(v in {"-99", "-66", "-77"} for a in source.attributes.values() for v in a.values())


def test_surveymonkey_workbook():
    source = read_one(shared("surveymonkey-format", "Data - Survey Monkey Output Edited.xlsx"))
    assert source.format == "surveymonkey"
    assert len(source.speakers) == 198
    columns = by_name(source)
    for name in ("Email Address", "First Name", "Last Name"):
        assert columns[name].role == "pii"
    assert columns["Respondent ID"].role == "respondent_id"
    question_5 = [c.name for c in source.columns if c.question == "Question 5"]
    assert question_5 == [f"Question 5 - Response {i}" for i in range(1, 7)]
    other = columns["Identify which division you work in. - Other (please specify)"]
    assert other.question == "Identify which division you work in." and other.role == "open_text"
    divisions = [a.get("Identify which division you work in.") for a in source.attributes.values()]
    assert divisions.count("Infrastructure") == 48 and divisions.count("Finance") == 44


def test_google_form_export():
    source = read_one(shared("autistica-citsci", "google-form",
                             "Autistica_Turing Citizen Science Platform (Responses) - Form Responses 1(3).csv"))
    assert source.format == "google_forms" and len(source.speakers) == 42
    columns = by_name(source)
    assert columns["Timestamp"].role == "metadata"
    question = "Q2: Do you have a personal connection to autism?"
    assert columns[question].role == "multi_choice"
    values = [a[question] for a in source.attributes.values() if question in a]
    options = {o for v in values for o in v.split("; ")}
    assert {"I am autistic", "I am a parent/ guardian of someone autistic", "I know someone who is autistic"} <= options
    assert len(options) <= 8
    needs = [t for t in source.turns if t.column.startswith("Q1:")]
    assert 25 <= len(needs) <= 28  # 28 answers, one of them "NA"
    assert_verbatim(source)
