"""Issue 13 #3: an excluded quote stays excluded when its transcript is edited above it or moved.

Unit ids hang on the participant and the unit's words, not on path and line; a
decision whose unit really vanished is reported in run.json and kept in review.yaml.
"""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from synth.cli import app
from tests.conftest import SAMPLE_INPUTS

runner = CliRunner()
FILES = ("interview_01.txt", "interview_03_qa.txt", "interview_04_otter.txt")
MOVED = "interview_03_qa.txt"


def synth_ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def small_run(tmp_path):
    inputs, out = tmp_path / "inputs", tmp_path / "out"
    inputs.mkdir()
    for name in FILES:
        shutil.copy(SAMPLE_INPUTS / name, inputs / name)
    common = ["--model", "hashing", "--personas", "2", "--cache-dir", str(tmp_path / "cache"), "-o", str(out)]
    synth_ok("run", str(inputs), *common)
    doc = json.loads((out / "map.json").read_text())
    raw = (inputs / MOVED).read_text()  # a unit quoted as written (redaction changed nothing in it)
    unit = next(u for u in doc["units"] if u["source"] == MOVED and len(u["text"]) > 60 and u["text"][:40] in raw
                and sum(u["text"] in v["text"] for v in doc["units"]) == 1)
    synth_ok("review", str(out), "exclude", unit["id"])
    return inputs, out, common, unit


def _everything(out) -> str:
    return "\n".join((out / name).read_text() for name in ("map.json", "evidence.csv", "report.html"))


def test_exclusion_survives_a_line_above_and_a_move_into_a_subfolder(small_run):
    inputs, out, common, unit = small_run
    assert unit["text"] not in (out / "evidence.csv").read_text()
    text = (inputs / MOVED).read_text()
    (inputs / MOVED).unlink()
    (inputs / "wave1").mkdir()
    (inputs / "wave1" / MOVED).write_text("Typed up again on 2 April.\n" + text)
    synth_ok("run", str(inputs), *common)
    doc = json.loads((out / "map.json").read_text())
    assert any(u["source"].endswith(MOVED) and "wave1" in u["source"] for u in doc["units"])
    assert unit["id"] not in {u["id"] for u in doc["units"]}
    assert unit["text"] not in _everything(out)
    draft = json.loads((out / "map.draft.json").read_text())
    moved = next(u for u in draft["units"] if u["id"] == unit["id"])  # same id, new location
    assert moved["spans"][0][0] == unit["spans"][0][0] + 1
    notes = json.loads((out / "run.json").read_text())["review"]
    assert not any(unit["id"] in n for n in notes)


def test_a_unit_that_really_vanished_is_reported_not_dropped(small_run):
    inputs, out, common, unit = small_run
    text = (inputs / MOVED).read_text()
    first_words = unit["text"][:40]
    lines = [line for line in text.splitlines(keepends=True) if first_words not in line]
    assert len(lines) < len(text.splitlines())
    (inputs / MOVED).write_text("".join(lines))
    synth_ok("run", str(inputs), *common)
    notes = json.loads((out / "run.json").read_text())["review"]
    assert any(unit["id"] in n and "not in this run" in n for n in notes)
    assert unit["id"] in (out / "review.yaml").read_text()
