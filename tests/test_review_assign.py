"""`synth review RUN assign P012 persona-3`: a participant placed by the reviewer stays placed.

The decision is keyed on the participant's key (which survives ids shifting when files are
added), applied after synthesis like every review decision, and reported when it no longer applies.
"""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from typer.testing import CliRunner

from synth.cli import app
from tests.conftest import SAMPLE_INPUTS

runner = CliRunner()
FILES = ("interview_01.txt", "interview_03_qa.txt", "interview_04_otter.txt", "interview_02_timestamped.txt")


def synth(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def run(tmp_path):
    inputs, out = tmp_path / "inputs", tmp_path / "out"
    inputs.mkdir()
    for name in FILES:
        shutil.copy(SAMPLE_INPUTS / name, inputs / name)
    common = ["--model", "hashing", "--personas", "2", "--cache-dir", str(tmp_path / "cache"), "-o", str(out)]
    synth("run", str(inputs), *common)
    return inputs, out, common


def _placement(out, participant_key: str) -> tuple[str, set[str]]:
    doc = json.loads((out / "map.json").read_text())
    (person,) = [p for p in doc["participants"] if p["key"] == participant_key]
    rows = csv.DictReader((out / "evidence.csv").open(encoding="utf-8"))
    return person["persona_id"], {r["persona_id"] for r in rows if r["participant_id"] == person["id"]}


def test_assigned_participant_moves_and_stays_after_a_transcript_is_added(run):
    inputs, out, common = run
    doc = json.loads((out / "map.json").read_text())
    person = next(p for p in doc["participants"] if p["persona_id"] and p["units"] > 0)
    other = next(p["id"] for p in doc["personas"] if p["id"] != person["persona_id"])
    synth("review", str(out), "assign", person["id"], other)
    assert _placement(out, person["key"]) == (other, {other})
    persona = next(p for p in json.loads((out / "map.json").read_text())["personas"] if p["id"] == other)
    assert person["id"] in persona["participant_ids"]

    shutil.copy(SAMPLE_INPUTS / "interview_05_zoom.vtt", inputs / "a_new_interview.vtt")
    synth("run", str(inputs), *common)
    assert _placement(out, person["key"]) == (other, {other})


def test_assign_refuses_unknown_ids_and_reports_a_vanished_participant(run):
    inputs, out, common = run
    doc = json.loads((out / "map.json").read_text())
    persona = doc["personas"][0]["id"]
    assert "no participant 'P999'" in synth("review", str(out), "assign", "P999", persona, code=2)
    assert "no persona 'persona-99'" in synth("review", str(out), "assign", doc["participants"][0]["id"], "persona-99", code=2)
    gone = next(p for p in doc["participants"] if any(s.startswith("interview-01") for s in p["source_ids"]))
    synth("review", str(out), "assign", gone["id"], persona)
    (inputs / "interview_01.txt").unlink()
    synth("run", str(inputs), *common)
    run_json = (out / "run.json").read_text()
    assert f"assignment of {gone['id']}: the participant is not in this run" in run_json
    assert gone["id"] in (out / "review.yaml").read_text()
