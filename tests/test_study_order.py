"""Study order for saturation: by a survey's date column or transcripts' dates, else file order.

The study in `_survey` is built so that the two orders disagree: its rows are written newest
first, and the eight earliest respondents by date are the only ones who bring new themes. By
date the curve flattens after the 8th participant; in file order those eight come last and
saturation is never reached.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from synth.ingest import read_inputs
from synth.saturation import previous_order, saturation
from synth.segment import build_participants
from synth.study_order import date_column, parse_date, study_order, survey_dates, transcript_date

START = datetime(2026, 1, 20, 9, 30)


def _survey(folder, total=20, column="Timestamp", fmt="%d/%m/%Y %H:%M:%S"):
    """A Google-Forms-like export, newest row first; respondent k (1 = earliest) answers "answer k"."""
    lines = [f"{column},What did you like most?"]
    for k in range(total, 0, -1):
        lines.append(f"{(START + timedelta(days=k)).strftime(fmt)},Answer number {k} about the delivery slots.")
    (folder / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources, problems = read_inputs([folder])
    return sources, build_participants(sources)


def _doc_with_known_themes(participants, sources):
    """Map dict in file order; the respondent with date rank k <= 8 brings three new themes, the rest repeat t-0."""
    survey = next(s for s in sources if s.kind == "survey")
    rank = {turn.speaker: int(turn.text.split()[2]) for turn in survey.turns}
    pid_of = {p.key: p.id for p in participants}
    from synth.segment import participant_key, source_anchors

    anchors = source_anchors(sources)
    units, themes = [], {"t-0": []}
    for speaker, k in rank.items():
        pid = pid_of[participant_key(anchors[survey.id], speaker)]
        mine = [f"t-{k}-{n}" for n in range(3)] if k <= 8 else []
        for n, theme in enumerate(["t-0", *mine]):
            units.append({"id": f"u-{pid}-{n}", "participant_id": pid})
            themes.setdefault(theme, []).append(f"u-{pid}-{n}")
    return {"participants": [{"id": p.id} for p in participants], "units": units,
            "themes": [{"id": t, "unit_ids": ids} for t, ids in themes.items()]}  # fmt: skip


def test_date_order_and_file_order_give_different_saturation_points(tmp_path):
    sources, participants = _survey(tmp_path)
    doc = _doc_with_known_themes(participants, sources)
    order = study_order(participants, sources)
    assert order.by == "date" and order.label == "date order (survey submission dates)"
    assert list(order.participant_ids) == [p.id for p in participants][::-1]  # rows were newest first
    by_date = saturation(doc, order.participant_ids, order.by, order.label)
    in_file_order = saturation(doc)
    assert by_date["point"]["index"] == 8 and by_date["by"] == "date"
    assert [s["new"] for s in by_date["curve"]][:9] == [4, 3, 3, 3, 3, 3, 3, 3, 0]
    assert in_file_order["point"] is None and in_file_order["by"] == "file"
    assert in_file_order["reason"] == "not reached: the last 5 participants still brought 15 new themes"
    again = saturation(doc, **previous_order(by_date))  # review recomputes in the draft's order
    assert again["curve"] == by_date["curve"] and again["order"] == by_date["order"]


@pytest.mark.parametrize("column, fmt", [
    ("Timestamp", "%m/%d/%Y %H:%M:%S"),  # Google Forms, US
    ("RecordedDate", "%Y-%m-%d %H:%M:%S"),  # Qualtrics
    ("Start Date", "%m/%d/%Y %I:%M:%S %p"),  # SurveyMonkey
])  # fmt: skip
def test_each_tools_date_column_orders_the_respondents(tmp_path, column, fmt):
    sources, participants = _survey(tmp_path, total=14, column=column, fmt=fmt)
    order = study_order(participants, sources)
    assert order.by == "date" and list(order.participant_ids) == [p.id for p in participants][::-1]


def test_day_or_month_first_is_decided_per_column():
    assert survey_dates({"a": "03/04/2026", "b": "25/04/2026"})["a"] == datetime(2026, 4, 3)
    assert survey_dates({"a": "03/04/2026", "b": "04/25/2026"})["a"] == datetime(2026, 3, 4)
    assert parse_date("") is None and parse_date("not a date") is None
    assert date_column(["Respondent ID", "StartDate", "RecordedDate"]) == 2  # RecordedDate is preferred


@pytest.mark.parametrize("dayfirst", [False, True])
def test_a_numeric_timestamp_reads_as_dateutil_reads_it(dayfirst):
    from dateutil import parser

    for first in (1, 9, 12, 13, 31, 32):
        for second in (1, 2, 12, 13, 29, 31):
            for clock in ("", " 0:05", " 13:04:59", "T23:59", " 24:00"):
                cell = f"{first}/{second}/2024{clock}"
                try:
                    expected = parser.parse(cell, dayfirst=dayfirst)
                except (ValueError, OverflowError):
                    expected = None
                assert parse_date(cell, dayfirst=dayfirst) == expected, cell


def _transcripts(folder, named):
    for name, text in named.items():
        (folder / name).write_text(text, encoding="utf-8")
    sources, _ = read_inputs([folder])
    return sources, build_participants(sources)


def test_transcripts_are_ordered_by_the_date_in_their_name_or_header(tmp_path):
    sources, participants = _transcripts(tmp_path, {
        "a_interview.txt": "Interview with a customer, 21 March 2026, by phone\n\nInterviewer: Hi?\nAnn: Hello there.\n",
        "b_interview_2026-03-02.txt": "Interviewer: Hi?\nBen: Hello there.\n",
        "c_interview.txt": "Notes typed up on March 9, 2026.\nInterviewer: Hi?\nCat: Hello there.\n",
    })  # fmt: skip
    assert [transcript_date(s) for s in sources] == [datetime(2026, 3, 21), datetime(2026, 3, 2), datetime(2026, 3, 9)]
    order = study_order(participants, sources)
    ids = [p.id for p in participants]  # file order: a, b, c
    assert order.by == "date" and list(order.participant_ids) == [ids[1], ids[2], ids[0]]
    assert order.label == "date order (transcript dates from file names or headers)"


def test_one_undated_participant_keeps_file_order_and_says_why(tmp_path):
    sources, participants = _transcripts(tmp_path, {
        "a_2026-03-21.txt": "Interviewer: Hi?\nAnn: Hello there.\n",
        "b.txt": "Interviewer: Hi?\nBen: Hello there. I said 4 March 2026 in my turn, which is no header.\n",
    })  # fmt: skip
    order = study_order(participants, sources)
    assert order.by == "file" and list(order.participant_ids) == [p.id for p in participants]
    assert order.label.endswith("not by date: 1 of 2 participants have no date")


@pytest.mark.slow
def test_a_run_says_which_order_it_used_in_run_json_and_the_report(tmp_path):
    from synth.config import Settings
    from synth.pipeline import run

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    _survey(inputs, total=12)
    out = tmp_path / "run"
    run(Settings(inputs=(inputs,), output=out, model="hashing", cache_dir=tmp_path / "cache"))
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["saturation"]["by"] == "date"
    assert manifest["saturation"]["order"] == "date order (survey submission dates)"
    doc = json.loads((out / "map.json").read_text(encoding="utf-8"))
    assert doc["saturation"]["by"] == "date"
    assert "added in date order (survey submission dates)" in (out / "report.html").read_text(encoding="utf-8")
    assert "2026" not in json.dumps(doc["saturation"])  # the dates themselves are never written
