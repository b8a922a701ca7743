"""One person across sources: participants.csv joins interviewees and survey respondents into one participant.

The study in tests/data/oneperson_study: Ana Lopes is interviewed and answered the survey
(the roster gives her email), Ben Carter answered the survey (the roster's `survey_id`
names his respondent id), Chloe Dunn is on the roster but in no source (row 4).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.export.html import render_report
from synth.ingest import read_file
from synth.participant_join import join_participants
from tests.conftest import SAMPLE_INPUTS

STUDY = Path(__file__).resolve().parent / "data" / "oneperson_study"
runner = CliRunner()


def synth(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _read(folder: Path):
    sources = [read_file(path, path.name) for path in sorted(folder.iterdir()) if path.is_file()]
    sources = [s.__class__(**{**vars(s), "id": s.path}) for s in sources]  # ids as paths, for readable asserts
    return [s for s in sources if s.kind != "participants"], [s for s in sources if s.kind == "participants"]


def test_interviewee_who_answered_the_survey_is_one_participant():
    evidence, rosters = _read(STUDY)
    participants, report = join_participants(evidence, rosters)
    ana = participants[0]
    assert ana.source_ids == ("interview_one.txt", "survey.csv")
    assert ana.attributes["How often do you order?"] == "Weekly"  # from the survey
    assert ana.attributes["age_band"] == "25-34"  # the roster's, under the one mapped name
    assert not any("What is your age?" in p.attributes for p in participants)  # mapped once
    assert len(participants) == 6  # 1 interviewee + 6 respondents - Ana counted once
    ben = next(p for p in participants if report.matched.get(p.id) == 3)
    assert ben.source_ids == ("survey.csv",) and ben.attributes["age_band"] == "45-54"
    assert report.unmatched_rows == (4,)  # Chloe Dunn's row
    assert len(report.without_roster) == 4 and ana.id not in report.without_roster
    assert report.mapping == {"What is your age?": ("age_band", "survey", "values matched")}


def test_join_is_the_same_on_every_run():
    first = join_participants(*_read(STUDY))
    again = join_participants(*_read(STUDY))
    assert [(p.id, p.key, p.member_keys) for p in first[0]] == [(p.id, p.key, p.member_keys) for p in again[0]]


def test_inspect_lists_the_join_and_unmatched_roster_rows():
    out = synth("inspect", str(STUDY))
    assert "1 person(s) joined across sources" in out
    assert "participants.csv row(s) that matched no one: 4" in out
    assert "participants with no roster row: P03, P04, P05, P06" in out
    assert "attribute age_band ← survey 'What is your age?' (values matched)" in out
    report = json.loads(synth("inspect", str(STUDY), "--json"))
    (roster,) = [s for s in report if s["kind"] == "participants"]
    assert roster["join"]["unmatched_roster_rows"][0]["row"] == 4
    assert "Chloe" not in json.dumps(roster["join"])  # rows by number: roster keys are names


@pytest.fixture
def study_run(tmp_path):
    inputs, out = tmp_path / "inputs", tmp_path / "out"
    shutil.copytree(STUDY, inputs)
    common = ["--model", "hashing", "--personas", "2", "--cache-dir", str(tmp_path / "cache"), "-o", str(out)]
    return inputs, out, common


def test_run_json_lists_the_join(study_run):
    inputs, out, common = study_run
    summary = synth("run", str(inputs), *common)
    assert "1 row(s) matched no one, 4 participant(s) have no roster row" in summary
    join = json.loads((out / "run.json").read_text())["participants_join"]
    assert join["joined_across_sources"] == [{"participant": "P01", "sources": ["interview_one.txt", "survey.csv"],
                                              "by": "roster row"}]
    assert join["refused_joins"] == []
    assert [r["row"] for r in join["unmatched_roster_rows"]] == [4]
    assert [p["participant"] for p in join["participants_without_roster_row"]] == ["P03", "P04", "P05", "P06"]
    doc = json.loads((out / "map.json").read_text())
    assert doc["participants"][0]["source_ids"] == [s["id"] for s in doc["sources"] if s["path"] != "participants.csv"]
    assert json.loads((out / "run.json").read_text())["personas"]["attribute_mapping"] == {"What is your age?": "age_band"}


def test_review_decisions_on_an_interviewee_survive_their_survey_answers_joining(study_run):
    inputs, out, common = study_run
    (inputs / "participants.csv").write_text("name,age_band\nAna Lopes,25-34\nBen Carter,45-54\n")  # no email yet
    synth("run", str(inputs), *common)
    doc = json.loads((out / "map.json").read_text())
    ana = doc["participants"][0]
    assert ana["source_ids"] == [s["id"] for s in doc["sources"] if s["path"] == "interview_one.txt"]
    other = next(p["id"] for p in doc["personas"] if p["id"] != ana["persona_id"])
    synth("review", str(out), "assign", ana["id"], other)
    synth("review", str(out), "rename", other, "Weekday home workers")

    shutil.copy(STUDY / "participants.csv", inputs / "participants.csv")  # her email joins her survey answers
    synth("run", str(inputs), *common)
    doc = json.loads((out / "map.json").read_text())
    joined = next(p for p in doc["participants"] if p["key"] == ana["key"])
    assert len(joined["source_ids"]) == 2
    assert joined["persona_id"] == other
    assert next(p for p in doc["personas"] if p["id"] == other)["name"] == "Weekday home workers"


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "out"
    synth("run", str(SAMPLE_INPUTS), "--model", "hashing", "-o", str(out))
    return out


def test_sample_interviewee_who_answered_the_survey_is_one_participant(sample_run):
    doc = json.loads((sample_run / "map.json").read_text())
    kind = {s["id"]: s["kind"] for s in doc["sources"]}
    path = {s["id"]: s["path"] for s in doc["sources"]}
    (both,) = [p for p in doc["participants"] if len(p["source_ids"]) == 2]
    assert sorted(kind[s] for s in both["source_ids"]) == ["survey", "transcript"]
    assert path[both["source_ids"][0]] == "interview_05_zoom.vtt"
    assert both["attributes"]["customer_since"] == "2024-02"  # roster only
    assert both["attributes"]["How often do you order from Basketful?"] == "Weekly"  # survey only
    assert not any("What is your age?" in p["attributes"] for p in doc["participants"])
    (qa,) = [p for p in doc["participants"] if [path[s] for s in p["source_ids"]] == ["interview_03_qa.txt"]]
    assert qa["attributes"]["age_band"] == "65-74" and qa["attributes"]["household"] == "Live alone"
    run = json.loads((sample_run / "run.json").read_text())
    assert run["participants_join"]["unmatched_roster_rows"] == []
    assert run["personas"]["attribute_mapping"] == {"What is your age?": "age_band",
                                                    "Which best describes your household?": "household"}


def test_report_shows_source_association(sample_run):
    html = (sample_run / "report.html").read_text()
    doc = json.loads((sample_run / "map.json").read_text())
    value = doc["run"]["clustering"]["source_association"]
    assert value is not None and value < 0.3
    assert f'<b class="source-association">{value:.2f}</b>' in html
    assert "may describe the kind of source" not in html


def test_report_lists_unassigned_participants_with_reason_and_command(map_doc_with_unassigned):
    html = render_report(map_doc_with_unassigned)
    assert '<section id="people">' in html
    assert "fits no persona well (nearest candidate 2" in html
    assert "synth review RUN assign P002 persona-2" in html
    assert "is at or above 0.3: these personas may describe the kind of source" in html


@pytest.fixture
def map_doc_with_unassigned(sample_run):
    doc = json.loads((sample_run / "map.json").read_text())
    person = next(p for p in doc["participants"] if p["id"] == "P002")
    person["persona_id"] = None
    person["unassigned_reason"] = "fits no persona well (nearest candidate 2, similarity 0.11); assign them in review"
    for persona in doc["personas"]:
        persona["participant_ids"] = [i for i in persona["participant_ids"] if i != "P002"]
    doc["run"]["clustering"]["source_association"] = 0.45
    return doc


def test_inspect_of_a_run_folder_shows_its_personas_and_who_is_in_none(sample_run):
    out = synth("inspect", str(sample_run))
    doc = json.loads((sample_run / "map.json").read_text())
    assert f"a run folder with {len(doc['personas'])} persona(s)" in out
    assert all(f"{p['id']}: {p['name']}" in out for p in doc["personas"])
    assert "participant(s) in no persona" in out and "1 joined across sources" in out
