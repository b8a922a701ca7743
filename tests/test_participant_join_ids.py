"""One respondent across survey files, and no join on a first name two speakers share.

The fixtures are written here: a survey export and two coders' workbooks that repeat its
ResponseIds (how a Qualtrics study with xlsx coding sheets arrives), and two interviews whose
interviewees are both labelled "Sam" beside a roster with one Sam.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.ingest import read_file
from synth.participant_join import join_participants

SHARED_QUALTRICS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "qualtrics-qualtRics"
ANSWERS = [
    ("R_7kq1", "Friend", "The plans page never said whether tax was added at checkout", 1, 0),
    ("R_7kq2", "Search", "I looked for the cancellation terms and gave up before paying", 0, 1),
    ("R_7kq3", "Podcast", "Nothing really, though the confirmation email arrived late", 0, 0),
    ("R_7kq4", "Friend", "I was worried that my address book would be uploaded", 0, 1),
]


def _read(folder: Path):
    sources = [read_file(path, path.name) for path in sorted(folder.iterdir()) if path.is_file()]
    sources = [s.__class__(**{**vars(s), "id": s.path}) for s in sources]  # ids as paths, for readable asserts
    return [s for s in sources if s.kind != "participants"], [s for s in sources if s.kind == "participants"]


@pytest.fixture
def coded_study(tmp_path) -> Path:
    """export.csv with four respondents, and coder_a.xlsx / coder_b.xlsx coding the same ResponseIds."""
    openpyxl = pytest.importorskip("openpyxl")
    folder = tmp_path / "coded"
    folder.mkdir()
    with (folder / "export.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ResponseId", "Finished", "How did you hear about us?", "What almost put you off signing up?"])
        writer.writerows([rid, 1, heard, text] for rid, heard, text, _, _ in ANSWERS)
    for coder in ("coder_a", "coder_b"):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Coding"
        sheet.append(["ResponseId", "What almost put you off signing up?", "Price", "Trust"])
        for rid, _, text, price, trust in ANSWERS:
            sheet.append([rid, text, price, trust])
        book.save(folder / f"{coder}.xlsx")
    return folder


def test_same_response_ids_in_an_export_and_its_coding_workbooks_are_one_participant(coded_study):
    participants, report = join_participants(*_read(coded_study))
    assert len(participants) == 4  # not 12
    assert all(p.source_ids == ("coder_a.xlsx", "coder_b.xlsx", "export.csv") for p in participants)
    first = participants[0]
    assert first.attributes["How did you hear about us?"] == "Friend" and first.attributes["Price"] == "1"
    assert report.joined_by == {p.id: "respondent id" for p in participants}
    assert report.summary_line() == "4 respondent(s) joined across survey files by their id"


def test_a_blank_or_repeated_id_joins_no_one(coded_study):
    text = (coded_study / "export.csv").read_text()
    text = text.replace("R_7kq2,", ",").replace("R_7kq3,", "R_7kq4,")  # one id blank, one id twice
    (coded_study / "export.csv").write_text(text)
    participants, report = join_participants(*_read(coded_study))
    in_all = [p for p in participants if len(p.source_ids) == 3]
    assert len(in_all) == 1  # only R_7kq1 is still a unique, filled id in every file
    export_only = [p for p in participants if p.source_ids == ("export.csv",)]
    assert len(export_only) == 3  # the blank id and both rows of the repeated id join no one
    assert len(participants) == 1 + 3 + 3  # R_7kq2..4: the two coders' rows still join each other


def test_run_json_lists_the_respondent_id_join(coded_study, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(coded_study), "--model", "hashing", "--personas", "2",
                                      "--cache-dir", str(tmp_path / "cache"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 respondent(s) joined across survey files by their id" in result.output
    join = json.loads((out / "run.json").read_text())["participants_join"]
    assert [j["by"] for j in join["joined_across_sources"]] == ["respondent id"] * 4
    assert sorted(join["joined_across_sources"][0]["sources"]) == ["coder_a.xlsx", "coder_b.xlsx", "export.csv"]
    doc = json.loads((out / "map.json").read_text())
    assert len(doc["participants"]) == 4
    texts = [u["text"] for u in doc["units"]]
    assert len(texts) == len(set(texts)) == 4  # each answer once, though three files hold it


@pytest.mark.skipif(not SHARED_QUALTRICS.is_dir(), reason="../shared/data/qualtrics-qualtRics is not beside the repo")
def test_shared_qualtrics_export_and_its_legacy_export_are_one_respondent():
    """The qualtRics package's current and legacy exports hold the same response (same ResponseId)."""
    sources = [read_file(path, path.name) for path in sorted(SHARED_QUALTRICS.glob("*.csv"))]
    sources = [s.__class__(**{**vars(s), "id": s.path}) for s in sources]
    assert [s.format for s in sources] == ["qualtrics", "qualtrics"]
    participants, report = join_participants(sources)
    assert [p.source_ids for p in participants] == [("sample.csv", "sample_legacy.csv")]
    assert report.joined_by == {"P01": "respondent id"}


INTERVIEW = ("Interviewer: What do you use the app for?\n"
             "Sam: {0}\n"
             "Interviewer: And what annoys you about it?\n"
             "Sam: {1}\n")


def _two_sams(folder: Path, roster: str) -> Path:
    folder.mkdir()
    (folder / "interview_north.txt").write_text(INTERVIEW.format(
        "Mostly for booking the squash court after work on Thursdays.",
        "The booking screen logs me out whenever I switch to my calendar."), encoding="utf-8")
    (folder / "interview_south.txt").write_text(INTERVIEW.format(
        "I use it to check the pool timetable for my kids' lessons.",
        "The timetable is a picture, so I cannot copy the times into my diary."), encoding="utf-8")
    (folder / "participants.csv").write_text(roster, encoding="utf-8")
    return folder


def test_two_speakers_with_one_first_name_are_not_joined_on_it(tmp_path):
    folder = _two_sams(tmp_path / "sams", "name,age_band\nSam Okafor,35-44\n")
    participants, report = join_participants(*_read(folder))
    assert len(participants) == 2  # two Sams, not one person in two interviews
    assert all("age_band" not in p.attributes for p in participants)
    assert report.matched == {} and report.unmatched_rows == (2,)
    ((row, pids, why),) = report.refused
    assert row == 2 and pids == ("P01", "P02") and "another speaker has that first name" in why
    refused = report.as_dict()["refused_joins"]
    assert refused == [{"participants": ["P01", "P02"], "roster_row": 2, "reason": why}]


def test_a_stronger_key_still_joins_when_first_names_are_shared(tmp_path):
    """The roster names the south interviewee's label as an alias: that Sam is joined, the other is not."""
    folder = _two_sams(tmp_path / "sams", "name,alias,age_band\nSam Okafor,Sam O,35-44\n")
    (folder / "interview_south.txt").write_text(
        (folder / "interview_south.txt").read_text().replace("Sam:", "Sam O:"), encoding="utf-8")
    participants, report = join_participants(*_read(folder))
    assert [p.attributes.get("age_band") for p in participants] == [None, "35-44"]
    assert [(row, pids) for row, pids, _ in report.refused] == [(2, ("P01",))]


def test_a_first_name_only_one_speaker_has_still_joins(tmp_path):
    folder = _two_sams(tmp_path / "sams", "name,age_band\nSam Okafor,35-44\n")
    (folder / "interview_south.txt").unlink()
    participants, report = join_participants(*_read(folder))
    assert [p.attributes.get("age_band") for p in participants] == ["35-44"] and report.refused == ()


def test_inspect_shows_the_respondent_id_join_without_a_roster(coded_study):
    result = CliRunner().invoke(app, ["inspect", str(coded_study)])
    assert result.exit_code == 0, result.output
    assert "4 respondent(s) joined across survey files by their id" in result.output
    assert "P01 is one person in 3 sources (respondent id): coder_a.xlsx, coder_b.xlsx, export.csv" in result.output
    report = json.loads(CliRunner().invoke(app, ["inspect", str(coded_study), "--json"]).output)
    (holder,) = [s for s in report if "join" in s]
    assert holder["path"] == "coder_a.xlsx" and len(holder["join"]["joined_across_sources"]) == 4
